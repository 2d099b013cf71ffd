import CInt8Kernels
import Foundation

/// The int8 inference path of a 3x3 convolution: post-training quantization of Winograd's
/// F(2x2, 3x3) (Lavin and Gray 2016), whose 16 products per tile `M[ξ] = V[ξ] · U[ξ]` do the
/// multiplying; the transforms, the folded BatchNorm and everything outside the 3x3
/// convolutions stay in float. With
///
///     Bᵀ = [ 1  0 -1  0 ]     G = [  1    0    0  ]     Aᵀ = [ 1  1  1  0 ]
///          [ 0  1  1  0 ]         [ 1/2  1/2  1/2 ]          [ 0  1 -1 -1 ]
///          [ 0 -1  1  0 ]         [ 1/2 -1/2  1/2 ]
///          [ 0  1  0 -1 ]         [  0    0    1  ]
///
/// `V = Bᵀ d B` of each 4x4 input window, `U = G g Gᵀ`, `Y = Aᵀ M A` for each 2x2 output
/// tile. The float path's F(4x4, 3x3) needs fewer products (2.25 per output and channel pair
/// against 4) but its transforms mix entries with coefficients up to 64 and opposite signs, so
/// an error of one step in an 8-bit `M` becomes a large one in `Y`: a 3x3 convolution of
/// normal inputs and weights quantized that way is off by about 75 % of its largest output
/// (`QuantizedTests`), against about 1 % here, where every coefficient is 0 or ±1.
///
/// Calibration runs the float network on sample positions and keeps, for every point `ξ` and
/// input channel `c`, the largest `|V[ξ, c]|` seen, `a[ξ, c]`. Then
///
///     step[ξ, c]  = a[ξ, c] / 127                    the input's quantization step
///     q_V         = clamp(round(V / step), −127, 127) + 128            (an unsigned byte)
///     W[ξ, c, j]  = step[ξ, c] · U[ξ, c, j]           the step folded into the kernel
///     s[ξ, j]     = max_c |W[ξ, c, j]| / 63            one scale per point and output channel
///     q_W         = round(W / s)                                   (a signed byte, |q_W| ≤ 63)
///     M[t, ξ, j] ≈ s[ξ, j] · (Σ_c q_V · q_W − 128 · Σ_c q_W)
///
/// so each input channel keeps its own calibrated range (folded into the weights, it costs
/// nothing at run time) and each output channel its own weight scale. The weights keep 7 bits
/// of magnitude so that `vpmaddubsw`'s int16 sums of two byte products cannot saturate
/// (2 · 255 · 63 < 2¹⁵); the input keeps 8. The products run in `zl_int8_product` (C, AVX2
/// chosen at run time).
public struct Int8Winograd: Sendable {
  typealias F8 = SIMD8<Float>
  public let inChannels: Int
  public let outChannels: Int
  /// Input channels rounded up to a multiple of 4 (the kernel reads 4 bytes at a time).
  let paddedInChannels: Int
  /// `a[ξ, c]`, the calibrated input ranges (kept to requantize when the weights change).
  public let ranges: [Float]
  /// `1 / step[ξ, c]` (0 where the range is 0).
  let inverseStep: [Float]
  /// `q_W` in panels: `[16][⌈Cout/16⌉][Cin₄/4][16][4]`.
  let packed: [Int8]
  /// `s[ξ, j]` and `128 · Σ_c q_W[ξ, c, j]`, `[16, Cout]`.
  let scale: [Float]
  let zero: [Int32]
  /// The weight `version` the copy was made from.
  let version: UInt64

  /// Output tiles per image for an `h x w` image.
  static func tileCount(h: Int, w: Int) -> Int { ((h + 1) / 2) * ((w + 1) / 2) }

  /// Quantizes the 3x3 kernel `weight` (`[3, 3, Cin, Cout]`) for inputs whose ranges are
  /// `ranges` (`[16, Cin]`).
  init(weight: UnsafePointer<Float>, ranges: [Float], inChannels cin: Int, outChannels cout: Int, version: UInt64) {
    precondition(ranges.count == 16 * cin, "int8 ranges: expected \(16 * cin), got \(ranges.count)")
    inChannels = cin
    outChannels = cout
    let cin4 = (cin + 3) / 4 * 4
    paddedInChannels = cin4
    self.ranges = ranges
    self.version = version
    let steps = ranges.map { $0 > 0 && $0.isFinite ? $0 / 127 : 0 }
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
    var packed = [Int8](repeating: 0, count: 16 * panels * cin4 * Winograd.panel)
    var scale = [Float](repeating: 0, count: 16 * cout)
    var zero = [Int32](repeating: 0, count: 16 * cout)
    for xi in 0..<16 {
      for j in 0..<cout {
        var largest: Float = 0
        for c in 0..<cin { largest = max(largest, abs(steps[xi * cin + c] * u[(xi * cin + c) * cout + j])) }
        let s = largest / 63
        scale[xi * cout + j] = s
        guard s > 0 else { continue }
        var sum: Int32 = 0
        let (q, col) = (j / Winograd.panel, j % Winograd.panel)
        for c in 0..<cin {
          let w = steps[xi * cin + c] * u[(xi * cin + c) * cout + j] / s
          let qw = Int8(max(-63, min(63, w.rounded(.toNearestOrEven))))
          sum += Int32(qw)
          packed[((xi * panels + q) * cin4 / 4 + c / 4) * 64 + col * 4 + c % 4] = qw
        }
        zero[xi * cout + j] = 128 * sum
      }
    }
    self.packed = packed
    self.scale = scale
    self.zero = zero
  }

  /// What one tile transform works on, for `Parallel` (the parts take whole images).
  struct TileJob {
    var x: UnsafePointer<Float>
    /// `forward`: the quantized `V` (`nil`: the float `V` into `floats`, for calibration).
    var bytes: UnsafeMutableRawPointer?
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
  /// into bytes or, for calibration, as floats.
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
            if let bytes = job.bytes, let inverse = job.inverseStep {
              Winograd.storeQuantized(
                col[i] * Winograd.load(inverse + xi * c + ch, k), bytes + (tile * 16 + xi) * job.stride + ch, k)
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
    TileJob(x: x, bytes: nil, inverseStep: nil, floats: v.pointer, n: n, h: h, w: w, c: c, stride: c).run()
  }

  /// The convolution of `x` (`[N, H, W, Cin]`) into `y` (`[N, H, W, Cout]`) through the
  /// epilogue `y = scale ⊙ conv + shift` (`scale` 1 when nil), then `max(y, 0)` when `relu`;
  /// `bytes` and `m` are scratch.
  func forward(
    _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, into y: UnsafeMutablePointer<Float>,
    scale epilogueScale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, relu: Bool, bytes: TensorBuffer,
    products m: TensorBuffer
  ) {
    let tiles = n * Self.tileCount(h: h, w: w), cin4 = paddedInChannels
    bytes.resize(Shape((tiles * 16 * cin4 + 3) / 4))
    m.resize(Shape(tiles, 16, outChannels))
    let raw = UnsafeMutableRawPointer(bytes.pointer)
    // The kernel reads the padding bytes (times zero weights): keep them defined.
    if cin4 != inChannels { raw.initializeMemory(as: UInt8.self, repeating: 128, count: tiles * 16 * cin4) }
    inverseStep.withUnsafeBufferPointer { inverse in
      TileJob(
        x: x, bytes: raw, inverseStep: inverse.baseAddress!, floats: nil, n: n, h: h, w: w, c: inChannels,
        stride: cin4
      ).run()
    }
    struct Job {
      var v: UnsafeRawPointer, packed: UnsafePointer<Int8>, scale: UnsafePointer<Float>, zero: UnsafePointer<Int32>
      var m: UnsafeMutablePointer<Float>
      var tiles: Int, cin4: Int, cout: Int
    }
    packed.withUnsafeBufferPointer { pp in
      scale.withUnsafeBufferPointer { sp in
        zero.withUnsafeBufferPointer { zp in
          var job = Job(
            v: UnsafeRawPointer(raw), packed: pp.baseAddress!, scale: sp.baseAddress!, zero: zp.baseAddress!,
            m: m.pointer, tiles: tiles, cin4: cin4, cout: outChannels)
          // As the float products: split among threads only when long enough to pay for it.
          let parts = tiles * 16 * cin4 * outChannels < 8_000_000 ? 1 : max(1, BLAS.threads)
          Parallel.run(parts: parts, context: &job) { raw, part, parts in
            let j = raw.assumingMemoryBound(to: Job.self).pointee
            let panels = (j.cout + Winograd.panel - 1) / Winograd.panel
            for xi in Parallel.range(part, of: parts, count: 16) {
              zl_int8_product(
                j.v.assumingMemoryBound(to: UInt8.self) + xi * j.cin4, 16 * j.cin4,
                j.packed + xi * panels * j.cin4 * Winograd.panel, j.scale + xi * j.cout, j.zero + xi * j.cout,
                j.m + xi * j.cout, 16 * j.cout, Int32(j.tiles), Int32(j.cin4), Int32(j.cout))
            }
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
    func value(_ t: Tensor, _ row: Int) -> Double {
      let w = t.shape[1]
      if w == 1 { return Double(t.data[row]) }
      let l = (0..<3).map { Double(t.data[row * w + $0]) }
      let m = l.max()!
      let e = l.map { Foundation.exp($0 - m) }
      return (e[0] - e[2]) / e.reduce(0, +)
    }
    var same = 0
    var difference = 0.0
    for i in 0..<n {
      if argmax(a.policy, i) == argmax(b.policy, i) { same += 1 }
      difference += abs(value(a.value, i) - value(b.value, i))
    }
    return (Double(same) / Double(n), difference / Double(n))
  }
}
