import GameCore

#if canImport(Glibc)
  import Glibc
#endif

/// Times a policy-value network on seeded random data: training steps (Adam, softmax
/// cross-entropy plus squared value error, or a second softmax cross-entropy on a win/draw/loss
/// head) and inference passes, each timed on its own after warm-up. Both loops allocate nothing after the first step or pass (`scripts/alloc_check.sh`).
public enum NetworkBenchmark {
  /// Sorted durations in seconds, one a step or pass.
  public struct Timings: Sendable {
    public let seconds: [Double]
    /// The time of the whole loop (for a rate that includes every interruption).
    public let total: Double
    public var fastest: Double { seconds[0] }
    public var median: Double { seconds[seconds.count / 2] }
    public var slowest: Double { seconds[seconds.count - 1] }
  }

  /// `steps` timed training steps at `batch` after `warmUp` untimed ones, on one-hot policy
  /// targets and values in {−1, 0, 1} (one-hot win/draw/loss targets for a WDL head). Returns
  /// the timings and the last loss.
  public static func trainingSteps(
    _ net: inout PolicyValueNetwork, batch: Int, steps: Int, warmUp: Int = 2, rng: inout Xoshiro256
  ) -> (timings: Timings, loss: Float) {
    precondition(batch > 1 && steps > 0 && warmUp >= 0, "a training benchmark needs a batch above 1 and steps")
    let policy = net.spec.policySize
    let x = randomBoards(net.spec, batch: batch, rng: &rng)
    let targets = TensorBuffer(Shape(batch, policy))
    for b in 0..<batch { targets[b * policy + rng.below(policy)] = 1 }
    let wdl = net.spec.valueHead == .wdl
    let values = TensorBuffer(Shape(batch, wdl ? 3 : 1))
    for b in 0..<batch {
      if wdl { values[b * 3 + rng.below(3)] = 1 } else { values[b] = Float(rng.below(3) - 1) }
    }
    var opt = Optimizer.adam(1e-3)
    let policyGrad = TensorBuffer(), valueGrad = TensorBuffer()
    var times: [Double] = []
    times.reserveCapacity(steps)
    var loss: Float = 0
    let clock = ContinuousClock()
    var start = clock.now
    for step in 0..<(steps + warmUp) {
      if step == warmUp { start = clock.now }
      let t0 = clock.now
      net.zeroGradients()
      let out = net.evaluate(x, training: true)
      let pl = Loss.softmaxCrossEntropy(logits: out.policy, targets: targets, gradient: policyGrad)
      let vl =
        wdl
        ? Loss.softmaxCrossEntropy(logits: out.value, targets: values, gradient: valueGrad)
        : Loss.meanSquaredError(out.value, targets: values, gradient: valueGrad)
      net.backward(policy: policyGrad, value: valueGrad)
      opt.update(&net)
      loss = pl + vl
      if step >= warmUp { times.append((clock.now - t0).inSeconds) }
    }
    let total = (clock.now - start).inSeconds
    times.sort()
    return (Timings(seconds: times, total: total), loss)
  }

  /// `passes` timed inference passes at `batch` after one untimed pass.
  public static func inferencePasses(
    _ net: inout PolicyValueNetwork, batch: Int, passes: Int, rng: inout Xoshiro256
  ) -> Timings {
    precondition(batch > 0 && passes > 0, "an inference benchmark needs a batch and passes")
    let x = randomBoards(net.spec, batch: batch, rng: &rng)
    _ = net.evaluate(x, training: false)
    var times: [Double] = []
    times.reserveCapacity(passes)
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<passes {
      let t0 = clock.now
      _ = net.evaluate(x, training: false)
      times.append((clock.now - t0).inSeconds)
    }
    let total = (clock.now - start).inSeconds
    times.sort()
    return Timings(seconds: times, total: total)
  }

  /// `passes` timed inference passes of each of two networks at `batch` on the same positions,
  /// in alternating runs (`a`, then `b`, then `a` …) so that a slow spell of the host falls on
  /// both, after one untimed pass of each.
  public static func alternatingPasses(
    _ a: inout PolicyValueNetwork, _ b: inout PolicyValueNetwork, batch: Int, passes: Int, rng: inout Xoshiro256
  ) -> (Timings, Timings) {
    precondition(batch > 0 && passes > 0, "an inference benchmark needs a batch and passes")
    let x = randomBoards(a.spec, batch: batch, rng: &rng)
    return alternatingPasses(&a, &b, on: x, passes: passes)
  }

  /// `alternatingPasses` on the given positions.
  public static func alternatingPasses(
    _ a: inout PolicyValueNetwork, _ b: inout PolicyValueNetwork, on x: TensorBuffer, passes: Int
  ) -> (Timings, Timings) {
    _ = a.evaluate(x, training: false)
    _ = b.evaluate(x, training: false)
    var times: ([Double], [Double]) = ([], [])
    let clock = ContinuousClock()
    // Up to 8 rounds, each a run of passes of `a` then of `b`: within a run a network works
    // from caches it has filled itself, as it would alone.
    let rounds = min(8, passes)
    for r in 0..<rounds {
      for _ in Parallel.range(r, of: rounds, count: passes) {
        let t0 = clock.now
        _ = a.evaluate(x, training: false)
        times.0.append((clock.now - t0).inSeconds)
      }
      for _ in Parallel.range(r, of: rounds, count: passes) {
        let t0 = clock.now
        _ = b.evaluate(x, training: false)
        times.1.append((clock.now - t0).inSeconds)
      }
    }
    return (
      Timings(seconds: times.0.sorted(), total: times.0.reduce(0, +)),
      Timings(seconds: times.1.sorted(), total: times.1.reduce(0, +))
    )
  }

  /// How closely `int8` (a quantized copy of `float`) follows it on `positions` random boards:
  /// the fraction with the same highest policy logit, and the mean absolute difference of the
  /// value (the tanh output, or the win-minus-loss probability of a WDL head).
  public static func agreement(
    float: inout PolicyValueNetwork, int8: inout PolicyValueNetwork, positions: Int, rng: inout Xoshiro256
  ) -> (top1: Double, valueDifference: Double) {
    let x = randomBoards(float.spec, batch: positions, rng: &rng)
    return PolicyValueNetwork.agreement(
      float.evaluate(x.tensor, training: false), int8.evaluate(x.tensor, training: false))
  }

  /// The peak resident memory of this process so far in bytes (`getrusage`'s maximum resident
  /// set size).
  public static func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
  }

  /// Board planes with each entry 1 with probability 0.2, else 0.
  public static func randomBoards(_ spec: NetworkSpec, batch: Int, rng: inout Xoshiro256) -> TensorBuffer {
    let x = TensorBuffer(Shape([batch] + spec.inputShape))
    for i in 0..<x.count { x[i] = rng.unit() < 0.2 ? 1 : 0 }
    return x
  }
}
