import CInt8Kernels
import Foundation

/// The int8 inference path of a 3x3 convolution: post-training quantization of Winograd's
/// F(2x2, 3x3) (Lavin and Gray 2016), whose 16 products per tile `M[ξ] = V[ξ] · U[ξ]` do the
/// multiplying, int8 weights times int16 inputs; the transforms, the folded BatchNorm and
/// everything outside the 3x3 convolutions stay in float. With
///
///     Bᵀ = [ 1  0 -1  0 ]     G = [  1    0    0  ]     Aᵀ = [ 1  1  1  0 ]
///          [ 0  1  1  0 ]         [ 1/2  1/2  1/2 ]          [ 0  1 -1 -1 ]
///          [ 0 -1  1  0 ]         [ 1/2 -1/2  1/2 ]
///          [ 0  1  0 -1 ]         [  0    0    1  ]
///
/// `V = Bᵀ d B` of each 4x4 input window, `U = G g Gᵀ`, `Y = Aᵀ M A` for each 2x2 output
/// tile. The float path's F(4x4, 3x3) needs fewer products (2.25 per output and channel pair
/// against 4) but its transforms mix entries with coefficients up to 64 and opposite signs, so
/// an error of one step in a quantized `M` becomes a large one in `Y`: a 3x3 convolution of
/// normal inputs and weights quantized that way with 8-bit inputs is off by about 75 % of its
/// largest output, against about 4 % with F(2x2, 3x3), where every coefficient is 0 or ±1
/// (about 1 % with the 16-bit inputs below).
///
/// Calibration runs the float network on sample positions and keeps, for every point `ξ` and
/// input channel `c`, the largest `|V[ξ, c]|` seen, `a[ξ, c]`. Then, with `L = 8191`,
///
///     step[ξ, c]  = a[ξ, c] / L                      the input's quantization step
///     q_V         = clamp(round(V / step), −32767, 32767)                       (int16)
///     W[ξ, c, j]  = step[ξ, c] · U[ξ, c, j]           the step folded into the kernel
///     s[ξ, j]     = max_c |W[ξ, c, j]| / 127           one scale per point and output channel
///     q_W         = round(W / s)                                  (a signed byte, |q_W| ≤ 127)
///     M[t, ξ, j] ≈ s[ξ, j] · Σ_c q_V · q_W
///
/// so each input channel keeps its own calibrated range (folded into the weights, it costs
/// nothing at run time) and each output channel its own weight scale; inputs up to 4 times the
/// calibrated range, which positions unlike the calibration ones reach, keep their precision.
/// The inputs are 16-bit because on a CPU without VNNI the multiply units do as many int16
/// products (`vpmaddwd`, 16 a instruction) as int8 ones (`vpmaddubsw` then `vpmaddwd`, 32 in
/// two), and 8-bit inputs cost a trained network about four times the disagreements with its
/// float original (`docs/results/2026-12-07-int8-inference.md`). The products run in
/// `zl_int8_product` (C, AVX2 chosen at run time).
public struct Int8Winograd: Sendable {
  typealias F8 = SIMD8<Float>
  public let inChannels: Int
  public let outChannels: Int
  /// Input channels rounded up to even (the kernel reads them in pairs).
  let paddedInChannels: Int
  /// `a[ξ, c]`, the calibrated input ranges (kept to requantize when the weights change).
  public let ranges: [Float]
  /// `1 / step[ξ, c]` (0 where the range is 0).
  let inverseStep: [Float]
  /// `q_W` in panels: `[16][⌈Cout/16⌉][Cin₂/2][16][2]`.
  let packed: [Int8]
  /// `s[ξ, j]`, `[16, Cout]`.
  let scale: [Float]
  /// The weight `version` the copy was made from.
  let version: UInt64

  /// The calibrated range `a[ξ, c]` maps to this many steps; inputs keep their sign and up to
  /// 32767 steps, so values up to 4 times the calibrated range keep their precision.
  static let inputLevels: Float = 8191
  /// The int32 sums cannot overflow below this many input channels (512 · 32767 · 127 < 2³¹).
  static let largestInChannels = 512

  /// Output tiles per image for an `h x w` image.
  static func tileCount(h: Int, w: Int) -> Int { ((h + 1) / 2) * ((w + 1) / 2) }

  /// Quantizes the 3x3 kernel `weight` (`[3, 3, Cin, Cout]`) for inputs whose ranges are
  /// `ranges` (`[16, Cin]`).
  init(weight: UnsafePointer<Float>, ranges: [Float], inChannels cin: Int, outChannels cout: Int, version: UInt64) {
    precondition(ranges.count == 16 * cin, "int8 ranges: expected \(16 * cin), got \(ranges.count)")
    precondition(cin <= Self.largestInChannels, "int8 convolutions take at most \(Self.largestInChannels) channels")
    inChannels = cin
    outChannels = cout
    let cin2 = (cin + 1) / 2 * 2
    paddedInChannels = cin2
    self.ranges = ranges
    self.version = version
    let steps = ranges.map { $0 > 0 && $0.isFinite ? $0 / Self.inputLevels : 0 }
    inverseStep = steps.map { $0 > 0 ? 1 / $0 : 0 }
    // U = G g Gᵀ, [16, Cin, Cout].
    let g: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
    var u = [Float](repeating: 0, count: 16 * cin * cout)
    for c in 0..<cin {
      for j in 0..<cout {
        for p in 0..<4 {
          for q in 0..<4 {
            var sum: Float = 0
            for r in 0..<3 {
              for s in 0..<3 { sum += g[p][r] * weight[((r * 3 + s) * cin + c) * cout + j] * g[q][s] }
            }
            u[((p * 4 + q) * cin + c) * cout + j] = sum
          }
        }
      }
    }
    let panels = (cout + Winograd.panel - 1) / Winograd.panel
    var packed = [Int8](repeating: 0, count: 16 * panels * cin2 * Winograd.panel)
    var scale = [Float](repeating: 0, count: 16 * cout)
    for xi in 0..<16 {
      for j in 0..<cout {
        var largest: Float = 0
        for c in 0..<cin { largest = max(largest, abs(steps[xi * cin + c] * u[(xi * cin + c) * cout + j])) }
        let s = largest / 127
        scale[xi * cout + j] = s
        guard s > 0 else { continue }
        let (q, col) = (j / Winograd.panel, j % Winograd.panel)
        for c in 0..<cin {
          let w = steps[xi * cin + c] * u[(xi * cin + c) * cout + j] / s
          packed[((xi * panels + q) * cin2 / 2 + c / 2) * 32 + col * 2 + c % 2] = Int8(
            max(-127, min(127, w.rounded(.toNearestOrEven))))
        }
      }
    }
    self.packed = packed
    self.scale = scale
  }

  /// What one tile transform works on, for `Parallel` (the parts take whole images).
  struct TileJob {
    var x: UnsafePointer<Float>
    /// `forward`: the quantized `V` (`nil`: the float `V` into `floats`, for calibration).
    var quantized: UnsafeMutablePointer<Int16>?
    var inverseStep: UnsafePointer<Float>?
    var floats: UnsafeMutablePointer<Float>?
    var n: Int, h: Int, w: Int, c: Int, stride: Int

    func run() {
      var job = self
      let parts = min(n, Parallel.parts(forWork: n * Int8Winograd.tileCount(h: h, w: w) * 16 * c))
      Parallel.run(parts: parts, context: &job) { raw, part, parts in
        let job = raw.assumingMemoryBound(to: TileJob.self).pointee
        Int8Winograd.transformInput(job, Parallel.range(part, of: parts, count: job.n))
      }
    }
  }

  /// `Bᵀ x` (4 → 4).
  @inline(__always)
  static func inputTransform(_ x: InlineArray<4, F8>) -> InlineArray<4, F8> {
    [x[0] - x[2], x[1] + x[2], x[2] - x[1], x[1] - x[3]]
  }

  /// `Aᵀ m` (4 → 2).
  @inline(__always)
  static func outputTransform(_ m: InlineArray<4, F8>) -> InlineArray<2, F8> {
    [m[0] + m[1] + m[2], m[1] - m[2] - m[3]]
  }

  /// Calls `body(tile, image, top, left)` for every 2x2 output tile of the images.
  @inline(__always)
  static func forEachTile(_ images: Range<Int>, h: Int, w: Int, _ body: (Int, Int, Int, Int) -> Void) {
    let perImage = tileCount(h: h, w: w)
    for b in images {
      var t = b * perImage
      for y in stride(from: 0, to: h, by: 2) {
        for x in stride(from: 0, to: w, by: 2) {
          body(t, b, y, x)
          t += 1
        }
      }
    }
  }

  /// `V = Bᵀ d B` of every tile's 4x4 window (one pixel up and left of the tile), quantized
  /// into int16 or, for calibration, as floats.
  static func transformInput(_ job: TileJob, _ images: Range<Int>) {
    let (x, h, w, c) = (job.x, job.h, job.w, job.c)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        var t = InlineArray<16, F8>(repeating: F8())
        for i in 0..<4 {
          let y = top - 1 + i
          var row = InlineArray<4, F8>(repeating: F8())
          if y >= 0 && y < h {
            for j in 0..<4 {
              let xx = left - 1 + j
              if xx >= 0 && xx < w { row[j] = Winograd.load(x + ((b * h + y) * w + xx) * c + ch, k) }
            }
          }
          let r = inputTransform(row)
          for j in 0..<4 { t[i * 4 + j] = r[j] }
        }
        for j in 0..<4 {
          let col = inputTransform([t[j], t[4 + j], t[8 + j], t[12 + j]])
          for i in 0..<4 {
            let xi = i * 4 + j
            if let quantized = job.quantized, let inverse = job.inverseStep {
              Winograd.storeQuantized(
                col[i] * Winograd.load(inverse + xi * c + ch, k), quantized + (tile * 16 + xi) * job.stride + ch, k)
            } else if let floats = job.floats {
              Winograd.store(col[i], floats + (tile * 16 + xi) * job.stride + ch, k)
            }
          }
        }
        ch += 8
      }
    }
  }

  /// What the output transform works on, for `Parallel`.
  struct OutputJob {
    var m: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    var scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?
    var relu: Bool
    var n: Int, h: Int, w: Int, c: Int
  }

  /// `Y = Aᵀ M A` for every tile, then `y = scale ⊙ Y + shift` (scale 1 when nil) and
  /// `max(y, 0)` when `relu`.
  static func transformOutput(_ job: OutputJob, _ images: Range<Int>) {
    let (m, y, h, w, c) = (job.m, job.y, job.h, job.w, job.c)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        let shift = job.shift.map { Winograd.load($0 + ch, k) } ?? F8()
        let factor = job.scale.map { Winograd.load($0 + ch, k) } ?? F8(repeating: 1)
        var t = InlineArray<8, F8>(repeating: F8())
        for j in 0..<4 {
          let r = outputTransform([
            Winograd.load(m + (tile * 16 + j) * c + ch, k), Winograd.load(m + (tile * 16 + 4 + j) * c + ch, k),
            Winograd.load(m + (tile * 16 + 8 + j) * c + ch, k), Winograd.load(m + (tile * 16 + 12 + j) * c + ch, k),
          ])
          t[j] = r[0]
          t[4 + j] = r[1]
        }
        for p in 0..<min(2, h - top) {
          let row = outputTransform([t[p * 4], t[p * 4 + 1], t[p * 4 + 2], t[p * 4 + 3]])
          for q in 0..<min(2, w - left) {
            var v = row[q] * factor + shift
            if job.relu { v = v.replacing(with: F8(), where: v .< F8()) }
            Winograd.store(v, y + ((b * h + top + p) * w + left + q) * c + ch, k)
          }
        }
        ch += 8
      }
    }
  }

  /// The float `V` of `x` (`[N, H, W, Cin]`) into `v` (`[T, 16, Cin]`), for calibration.
  static func floatTiles(_ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, into v: TensorBuffer) {
    v.resize(Shape(n * tileCount(h: h, w: w), 16, c))
    TileJob(x: x, quantized: nil, inverseStep: nil, floats: v.pointer, n: n, h: h, w: w, c: c, stride: c).run()
  }

  /// The convolution of `x` (`[N, H, W, Cin]`) into `y` (`[N, H, W, Cout]`) through the
  /// epilogue `y = scale ⊙ conv + shift` (`scale` 1 when nil), then `max(y, 0)` when `relu`;
  /// `inputs` and `m` are scratch.
  func forward(
    _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, into y: UnsafeMutablePointer<Float>,
    scale epilogueScale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, relu: Bool, inputs: TensorBuffer,
    products m: TensorBuffer
  ) {
    let tiles = n * Self.tileCount(h: h, w: w), cin2 = paddedInChannels
    inputs.resize(Shape((tiles * 16 * cin2 + 1) / 2))
    m.resize(Shape(tiles, 16, outChannels))
    let raw = UnsafeMutableRawPointer(inputs.pointer).bindMemory(to: Int16.self, capacity: tiles * 16 * cin2)
    // The kernel reads the padding (times zero weights): keep it defined.
    if cin2 != inChannels { raw.initialize(repeating: 0, count: tiles * 16 * cin2) }
    inverseStep.withUnsafeBufferPointer { inverse in
      TileJob(
        x: x, quantized: raw, inverseStep: inverse.baseAddress!, floats: nil, n: n, h: h, w: w, c: inChannels,
        stride: cin2
      ).run()
    }
    struct Job {
      var v: UnsafePointer<Int16>, packed: UnsafePointer<Int8>, scale: UnsafePointer<Float>
      var m: UnsafeMutablePointer<Float>
      var tiles: Int, cin2: Int, cout: Int
    }
    packed.withUnsafeBufferPointer { pp in
      scale.withUnsafeBufferPointer { sp in
        var job = Job(
          v: raw, packed: pp.baseAddress!, scale: sp.baseAddress!, m: m.pointer, tiles: tiles, cin2: cin2,
          cout: outChannels)
        // As the float products: split among threads only when long enough to pay for it.
        let parts = tiles * 16 * cin2 * outChannels < 8_000_000 ? 1 : max(1, BLAS.threads)
        Parallel.run(parts: parts, context: &job) { raw, part, parts in
          let j = raw.assumingMemoryBound(to: Job.self).pointee
          let panels = (j.cout + Winograd.panel - 1) / Winograd.panel
          for xi in Parallel.range(part, of: parts, count: 16) {
            zl_int8_product(
              j.v + xi * j.cin2, 16 * j.cin2, j.packed + xi * panels * j.cin2 * Winograd.panel, j.scale + xi * j.cout,
              j.m + xi * j.cout, 16 * j.cout, Int32(j.tiles), Int32(j.cin2), Int32(j.cout))
          }
        }
      }
    }
    var out = OutputJob(
      m: m.pointer, y: y, scale: epilogueScale, shift: shift, relu: relu, n: n, h: h, w: w, c: outChannels)
    let parts = min(n, Parallel.parts(forWork: tiles * 16 * outChannels))
    Parallel.run(parts: parts, context: &out) { raw, part, parts in
      let job = raw.assumingMemoryBound(to: OutputJob.self).pointee
      Int8Winograd.transformOutput(job, Parallel.range(part, of: parts, count: job.n))
    }
  }
}

/// The running maxima of `|V[ξ, c]|` of F(2x2, 3x3) while a convolution is calibrated for
/// `Int8Winograd`.
struct Int8Calibration: Sendable {
  var ranges: [Float]

  init(inChannels: Int) { ranges = [Float](repeating: 0, count: 16 * inChannels) }

  /// Takes in the tiles of `x` (`[N, H, W, C]`).
  mutating func observe(_ x: TensorBuffer) {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    ScratchBuffers.withBuffer { v in
      Int8Winograd.floatTiles(x.pointer, n: n, h: h, w: w, c: c, into: v)
      let tiles = v.shape[0], p = v.pointer
      ranges.withUnsafeMutableBufferPointer { r in
        for t in 0..<tiles {
          let row = p + t * 16 * c
          for i in 0..<16 * c { r[i] = max(r[i], abs(row[i])) }
        }
      }
    }
  }
}

extension Layer {
  /// Every 3x3 Winograd convolution in this layer, in order, for `body` to change.
  mutating func visitWinogradConvolutions(_ body: (inout Conv2D) -> Void) {
    visitLayers { layer in
      guard var conv = layer as? Conv2D, conv.winograd else { return }
      body(&conv)
      layer = conv
    }
  }
}

extension Layer {
  /// Makes this layer's 3x3 convolutions compute with int8 products at inference
  /// (`Int8Winograd`), their input ranges calibrated by running the float layer on
  /// `positions` (`[N, …]` inputs, in batches of `batch`). Training passes stay in float;
  /// changed weights are requantized with the same ranges.
  public mutating func quantize(calibratingOn positions: Tensor, batch: Int = 64) {
    let n = positions.shape.first ?? 0
    precondition(n > 0 && positions.count % n == 0, "quantize needs a batch of calibration inputs")
    let per = positions.count / n
    dequantize()
    visitWinogradConvolutions { $0.calibration = Int8Calibration(inChannels: $0.inChannels) }
    var start = 0
    while start < n {
      let count = min(batch, n - start)
      let slice = Array(positions.data[(start * per)..<((start + count) * per)])
      _ = forward(TensorBuffer(Tensor(shape: [count] + positions.shape.dropFirst(), data: slice)), training: false)
      start += count
    }
    visitWinogradConvolutions { conv in
      guard let ranges = conv.calibration?.ranges else { return }
      conv.calibration = nil
      conv.quantize(ranges: ranges)
    }
  }

  /// Back to float products everywhere.
  public mutating func dequantize() {
    visitWinogradConvolutions {
      $0.int8 = nil
      $0.calibration = nil
    }
  }

  /// Whether any 3x3 convolution runs int8 products at inference.
  public var isQuantized: Bool {
    var any = false
    var copy = self
    copy.visitWinogradConvolutions { any = any || $0.int8 != nil }
    return any
  }
}

extension PolicyValueNetwork {
  /// How closely outputs `b` follow outputs `a` of the same positions: the fraction of
  /// positions whose highest policy logit is the same move, and the mean absolute difference
  /// of the value (the tanh output, or win minus loss probability for a WDL head).
  public static func agreement(_ a: PolicyValue, _ b: PolicyValue) -> (top1: Double, valueDifference: Double) {
    let n = a.policy.shape[0], k = a.policy.shape[1]
    precondition(b.policy.shape == a.policy.shape && b.value.shape == a.value.shape, "agreement of different shapes")
    func argmax(_ t: Tensor, _ row: Int) -> Int {
      var best = 0
      for j in 1..<k where t.data[row * k + j] > t.data[row * k + best] { best = j }
      return best
    }
    var same = 0
    var difference = 0.0
    for i in 0..<n {
      if argmax(a.policy, i) == argmax(b.policy, i) { same += 1 }
      difference += abs(Double(a.value(row: i)) - Double(b.value(row: i)))
    }
    return (Double(same) / Double(n), difference / Double(n))
  }
}
