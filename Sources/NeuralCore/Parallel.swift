#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The neural core's own threads, for the loops around the GEMMs (Winograd transforms,
/// BatchNorm, activations) so that they scale with `BLAS.threads` as the GEMMs do.
///
/// `Parallel.run(parts:context:_:)` runs `body(context, 0, parts)` on the calling thread and
/// `body(context, 1, parts)` … on workers started once and then parked on a condition
/// variable, and returns when all are done. `body` is a C function (a closure literal that
/// captures nothing) and everything it needs travels in `context`, a value on the caller's
/// stack: handing work to a thread allocates nothing (a Swift closure would need a heap
/// context). Waking a worker costs tens of microseconds, so callers split only work of
/// `parallelWork` floats or more (`parts(forWork:)`).
public enum Parallel {
  /// A part of a parallel loop: the context, this part's index, the number of parts.
  public typealias Body = @convention(c) (UnsafeMutableRawPointer, Int, Int) -> Void

  /// Elementwise work (in floats touched) below which a loop stays on one thread.
  public static let parallelWork = 1 << 17

  /// How many parts to split `work` floats into: 1 when small, else `BLAS.threads`.
  public static func parts(forWork work: Int) -> Int {
    work < parallelWork ? 1 : max(1, BLAS.threads)
  }

  /// Calls `body(&context, part, parts)` for `part` in `0..<parts`, in parallel, and waits.
  public static func run<Context>(parts: Int, context: inout Context, _ body: Body) {
    withUnsafeMutablePointer(to: &context) { pointer in
      let raw = UnsafeMutableRawPointer(pointer)
      if parts <= 1 {
        body(raw, 0, 1)
      } else {
        Pool.shared.run(parts: parts, context: raw, body)
      }
    }
  }

  /// The half-open range of part `part` of `0..<count` cut into `parts` nearly equal pieces.
  @inline(__always)
  public static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
    (count * part / parts)..<(count * (part + 1) / parts)
  }

  /// Workers parked on a condition variable; one job at a time (callers serialise on `gate`).
  final class Pool: @unchecked Sendable {
    static let shared = Pool()

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let gate = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The job, guarded by `lock`.
    private var body: Body?
    private var context: UnsafeMutableRawPointer?
    private var generation = 0
    private var active = 0
    private var remaining = 0
    private var workers = 0

    private init() {
      pthread_mutex_init(lock, nil)
      pthread_mutex_init(gate, nil)
      pthread_cond_init(wake, nil)
      pthread_cond_init(done, nil)
    }

    func run(parts: Int, context: UnsafeMutableRawPointer, _ body: Body) {
      pthread_mutex_lock(gate)
      defer { pthread_mutex_unlock(gate) }
      while workers < parts - 1 { startWorker(index: workers + 1) }
      pthread_mutex_lock(lock)
      self.body = body
      self.context = context
      active = parts
      remaining = parts - 1
      generation &+= 1
      pthread_cond_broadcast(wake)
      pthread_mutex_unlock(lock)
      body(context, 0, parts)
      pthread_mutex_lock(lock)
      while remaining > 0 { pthread_cond_wait(done, lock) }
      self.body = nil
      self.context = nil
      pthread_mutex_unlock(lock)
    }

    private func startWorker(index: Int) {
      workers += 1
      let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
      var thread = pthread_t()
      let status = pthread_create(
        &thread, nil,
        { raw in
          let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
          context.pool.work(index: context.index)
          return nil
        }, context)
      precondition(status == 0, "cannot start a neural-core worker thread (error \(status))")
      pthread_detach(thread)
    }

    private func work(index: Int) {
      FloatEnvironment.flushSubnormals()
      var seen = 0
      pthread_mutex_lock(lock)
      while true {
        while generation == seen { pthread_cond_wait(wake, lock) }
        seen = generation
        guard index < active, let body, let context else { continue }
        let parts = active
        pthread_mutex_unlock(lock)
        body(context, index, parts)
        pthread_mutex_lock(lock)
        remaining -= 1
        if remaining == 0 { pthread_cond_signal(done) }
      }
    }
  }

  final class WorkerContext: @unchecked Sendable {
    let pool: Pool
    let index: Int
    init(pool: Pool, index: Int) {
      self.pool = pool
      self.index = index
    }
  }
}

/// Elementwise loops of the layers, split among `Parallel` parts when large.
enum Elementwise {
  struct Job {
    enum Op { case relu, reluBackward, combine, combineRelu }
    var op: Op
    var x: UnsafePointer<Float>
    var z: UnsafePointer<Float>
    var y: UnsafeMutablePointer<Float>
    var a: Float, b: Float
    var count: Int
  }

  static func run(_ job: Job) {
    var job = job
    Parallel.run(parts: Parallel.parts(forWork: job.count), context: &job) { raw, part, parts in
      let j = raw.assumingMemoryBound(to: Job.self).pointee
      // Parts start on 16-float boundaries so that each one's SIMD loop covers all but its tail.
      let blocks = (j.count + 15) / 16
      let r = Parallel.range(part, of: parts, count: blocks)
      let lo = r.lowerBound * 16, hi = min(j.count, r.upperBound * 16)
      guard lo < hi else { return }
      let n = hi - lo
      switch j.op {
      case .relu:
        SIMDKernels.relu(
          UnsafeBufferPointer(start: j.x + lo, count: n), UnsafeMutableBufferPointer(start: j.y + lo, count: n))
      case .reluBackward:
        SIMDKernels.reluBackward(
          UnsafeBufferPointer(start: j.x + lo, count: n), UnsafeBufferPointer(start: j.z + lo, count: n),
          UnsafeMutableBufferPointer(start: j.y + lo, count: n))
      case .combine:
        let (a, b) = (j.a, j.b)
        for i in lo..<hi { j.y[i] = a * j.x[i] + b * j.z[i] }
      case .combineRelu:
        let (a, b) = (j.a, j.b)
        for i in lo..<hi { j.y[i] = max(a * j.x[i] + b * j.z[i], 0) }
      }
    }
  }

  /// `y = max(x, 0)`.
  static func relu(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    run(Job(op: .relu, x: x, z: x, y: y, a: 0, b: 0, count: count))
  }

  /// `dx = x > 0 ? dy : 0`.
  static func reluBackward(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    run(Job(op: .reluBackward, x: x, z: dy, y: dx, a: 0, b: 0, count: count))
  }

  /// `y = a·x + b·z`, or `max(a·x + b·z, 0)` when `relu`.
  static func combine(
    _ a: Float, _ x: UnsafePointer<Float>, _ b: Float, _ z: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
    count: Int, relu: Bool = false
  ) {
    run(Job(op: relu ? .combineRelu : .combine, x: x, z: z, y: y, a: a, b: b, count: count))
  }
}
