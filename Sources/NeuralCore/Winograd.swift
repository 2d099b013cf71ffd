/// Winograd's minimal filtering F(4x4, 3x3) for `Conv2D`'s 3x3 "same" convolutions on NHWC
/// tensors (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// The output is cut into 4x4 tiles; tile `t` reads the 6x6 input window `d` whose corner is one
/// pixel up and left of the tile's (zero outside the image). With the constant matrices
///
///     Bᵀ = [ 4  0 -5  0  1  0 ]     G = [  1/4     0     0  ]     Aᵀ = [ 1  1  1  1  1  0 ]
///          [ 0 -4 -4  1  1  0 ]         [ -1/6  -1/6  -1/6  ]          [ 0  1 -1  2 -2  0 ]
///          [ 0  4 -4 -1  1  0 ]         [ -1/6   1/6  -1/6  ]          [ 0  1  1  4  4  0 ]
///          [ 0 -2 -1  2  1  0 ]         [ 1/24  1/12   1/6  ]          [ 0  1 -1  8 -8  1 ]
///          [ 0  2 -1 -2  1  0 ]         [ 1/24 -1/12   1/6  ]
///          [ 0  4  0 -5  0  1 ]         [   0     0     1   ]
///
/// each 3x3 kernel `g` (one input and one output channel) becomes `U = G g Gᵀ`, each window
/// `V = Bᵀ d B`, and the tile is `Y = Aᵀ [Σ_cin U ⊙ V] A`. The channel sum at each of the 36
/// points `ξ` of the 6x6 grid is a matrix product, `M[ξ] = V[ξ] · U[ξ]` (`V[ξ]`: tiles x Cin,
/// `U[ξ]`: Cin x Cout), so a convolution is 36 GEMMs with 36/16 = 2.25 multiplies per output
/// and input channel instead of im2col's 9, and no patch matrix.
///
/// Backward is the exact adjoint of that forward: `dM = A dY Aᵀ` per tile, `dU[ξ] = V[ξ]ᵀ · dM[ξ]`,
/// `dg += Gᵀ dU G`, `dV[ξ] = dM[ξ] · U[ξ]ᵀ`, and `dX` gathers `B dV Bᵀ` from every window that
/// read each pixel. The transforms run on 8 channels at a time.
///
/// Layouts: weights `[3, 3, Cin, Cout]` (as `Conv2D` keeps them), `U` and `dU` `[36, Cin, Cout]`,
/// `V` `[T, 36, Cin]`, `M` `[T, 36, Cout]` with `T = N · ⌈H/4⌉ · ⌈W/4⌉` tiles, image-major: the
/// transforms read and write one tile's 36 points in one place, and the products read and
/// write `V[ξ]` and `M[ξ]` as matrices with a row stride of `36 · C`.
enum Winograd {
  typealias F8 = SIMD8<Float>

  /// Output tiles per image for an `h x w` image.
  static func tileCount(h: Int, w: Int) -> Int { ((h + 3) / 4) * ((w + 3) / 4) }

  // MARK: The one-dimensional transforms and their adjoints

  /// `Bᵀ x` (6 → 6).
  @inline(__always)
  static func inputTransform(_ x: InlineArray<6, F8>) -> InlineArray<6, F8> {
    let a = x[4] - 4 * x[2], b = x[3] - 4 * x[1], c = x[4] - x[2], d = 2 * (x[3] - x[1])
    return [4 * x[0] - 5 * x[2] + x[4], a + b, a - b, c + d, c - d, 4 * x[1] - 5 * x[3] + x[5]]
  }

  /// `B x` (6 → 6), the adjoint of `inputTransform`.
  @inline(__always)
  static func inputTransformAdjoint(_ v: InlineArray<6, F8>) -> InlineArray<6, F8> {
    let s12 = v[1] + v[2], d12 = v[2] - v[1], s34 = v[3] + v[4], d34 = v[4] - v[3]
    return [
      4 * v[0],
      4 * d12 + 2 * d34 + 4 * v[5],
      -5 * v[0] - 4 * s12 - s34,
      -d12 - 2 * d34 - 5 * v[5],
      v[0] + s12 + s34,
      v[5],
    ]
  }

  /// `G g` (3 → 6).
  @inline(__always)
  static func weightTransform(_ g: InlineArray<3, F8>) -> InlineArray<6, F8> {
    let s = g[0] + g[2]
    let q = g[0] * (1.0 / 24) + g[2] * (1.0 / 6), r = g[1] * (1.0 / 12)
    return [g[0] * 0.25, (s + g[1]) * (-1.0 / 6), (s - g[1]) * (-1.0 / 6), q + r, q - r, g[2]]
  }

  /// `Gᵀ u` (6 → 3), the adjoint of `weightTransform`.
  @inline(__always)
  static func weightTransformAdjoint(_ u: InlineArray<6, F8>) -> InlineArray<3, F8> {
    let s12 = u[1] + u[2], s34 = u[3] + u[4]
    return [
      u[0] * 0.25 - s12 * (1.0 / 6) + s34 * (1.0 / 24),
      (u[2] - u[1]) * (1.0 / 6) + (u[3] - u[4]) * (1.0 / 12),
      -s12 * (1.0 / 6) + s34 * (1.0 / 6) + u[5],
    ]
  }

  /// `Aᵀ m` (6 → 4).
  @inline(__always)
  static func outputTransform(_ m: InlineArray<6, F8>) -> InlineArray<4, F8> {
    let s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4]
    return [m[0] + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m[5]]
  }

  /// `A o` (4 → 6), the adjoint of `outputTransform`.
  @inline(__always)
  static func outputTransformAdjoint(_ o: InlineArray<4, F8>) -> InlineArray<6, F8> {
    let e = o[0] + o[2], f = o[1] + o[3], p = o[0] + 4 * o[2], q = 2 * o[1] + 8 * o[3]
    return [o[0], e + f, e - f, p + q, p - q, o[3]]
  }

  // MARK: Loading and storing 8 channels

  /// `count` (at most 8) floats from `p`, zero-padded.
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, _ count: Int) -> F8 {
    if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: F8.self) }
    var v = F8()
    for i in 0..<count { v[i] = p[i] }
    return v
  }

  /// `round(x)` clamped to ±32767, as `count` int16 at `p`.
  @inline(__always)
  static func storeQuantized(_ x: F8, _ p: UnsafeMutablePointer<Int16>, _ count: Int) {
    // Adding 1.5 · 2²³ rounds to the nearest integer (ties to even) and leaves it, in two's
    // complement, in the low bits of the float's significand.
    let low = F8(repeating: -32767), high = F8(repeating: 32767)
    let r = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high) + 12_582_912
    let v = SIMD8<Int16>(truncatingIfNeeded: unsafeBitCast(r, to: SIMD8<UInt32>.self))
    if count == 8 {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Int16>.self)
    } else {
      for i in 0..<count { p[i] = v[i] }
    }
  }

  @inline(__always)
  static func store(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == 8 {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self)
    } else {
      for i in 0..<count { p[i] = v[i] }
    }
  }

  @inline(__always)
  static func add(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    store(load(p, count) + v, p, count)
  }

  // MARK: The tile transforms

  /// `U = G g Gᵀ` for every input and output channel pair.
  static func transformWeights(
    _ w: UnsafePointer<Float>, cin: Int, cout: Int, into u: UnsafeMutablePointer<Float>
  ) {
    let plane = cin * cout
    for ci in 0..<cin {
      var co = 0
      while co < cout {
        let n = min(8, cout - co)
        // Rows of g through G (3 → 6 along the kernel's rows), then columns.
        var t = InlineArray<18, F8>(repeating: F8())
        for b in 0..<3 {
          let col = weightTransform([
            load(w + (b * cin + ci) * cout + co, n),
            load(w + ((3 + b) * cin + ci) * cout + co, n),
            load(w + ((6 + b) * cin + ci) * cout + co, n),
          ])
          for i in 0..<6 { t[i * 3 + b] = col[i] }
        }
        for i in 0..<6 {
          let row = weightTransform([t[i * 3], t[i * 3 + 1], t[i * 3 + 2]])
          for j in 0..<6 { store(row[j], u + (i * 6 + j) * plane + ci * cout + co, n) }
        }
        co += 8
      }
    }
  }

  /// `dW += Gᵀ dU G`, the weight gradient from the gradient of `U`.
  static func addWeightGradient(
    _ du: UnsafePointer<Float>, cin: Int, cout: Int, into dw: UnsafeMutablePointer<Float>
  ) {
    let plane = cin * cout
    for ci in 0..<cin {
      var co = 0
      while co < cout {
        let n = min(8, cout - co)
        var t = InlineArray<18, F8>(repeating: F8())
        for i in 0..<6 {
          var row = InlineArray<6, F8>(repeating: F8())
          for j in 0..<6 { row[j] = load(du + (i * 6 + j) * plane + ci * cout + co, n) }
          let g = weightTransformAdjoint(row)
          for b in 0..<3 { t[i * 3 + b] = g[b] }
        }
        for b in 0..<3 {
          let g = weightTransformAdjoint([t[b], t[3 + b], t[6 + b], t[9 + b], t[12 + b], t[15 + b]])
          for a in 0..<3 { add(g[a], dw + ((a * 3 + b) * cin + ci) * cout + co, n) }
        }
        co += 8
      }
    }
  }

  /// Calls `body(tile, image, top, left)` for every output tile of the images in `images`,
  /// `top`/`left` its first pixel.
  @inline(__always)
  static func forEachTile(_ images: Range<Int>, h: Int, w: Int, _ body: (Int, Int, Int, Int) -> Void) {
    let perImage = tileCount(h: h, w: w)
    for b in images {
      var t = b * perImage
      var y = 0
      while y < h {
        var x = 0
        while x < w {
          body(t, b, y, x)
          t += 1
          x += 4
        }
        y += 4
      }
    }
  }

  /// One of the four tile transforms on a batch, for `Parallel`: the images are shared among
  /// the parts (tiles of different images never touch the same pixel).
  struct TileJob {
    enum Kind { case input, inputGradient, output, outputGradient }
    var kind: Kind
    var source: UnsafePointer<Float>
    var target: UnsafeMutablePointer<Float>
    /// `output`: `y = s ⊙ conv + bias`, then `max(y, 0)` when `relu` (`s` is 1 when nil).
    var bias: UnsafePointer<Float>?
    var n: Int, h: Int, w: Int, c: Int
    var scale: UnsafePointer<Float>? = nil
    var relu = false

    func run() {
      var job = self
      let parts = min(n, Parallel.parts(forWork: n * Winograd.tileCount(h: h, w: w) * 36 * c))
      Parallel.run(parts: parts, context: &job) { raw, part, parts in
        let job = raw.assumingMemoryBound(to: TileJob.self).pointee
        let images = Parallel.range(part, of: parts, count: job.n)
        switch job.kind {
        case .input: Winograd.transformInput(job, images)
        case .inputGradient: Winograd.inputGradient(job, images)
        case .output: Winograd.transformOutput(job, images)
        case .outputGradient: Winograd.outputGradient(job, images)
        }
      }
    }
  }

  /// `V = Bᵀ d B` for every tile's 6x6 input window.
  static func transformInput(
    _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, into v: UnsafeMutablePointer<Float>
  ) {
    TileJob(kind: .input, source: x, target: v, bias: nil, n: n, h: h, w: w, c: c).run()
  }

  /// `dX = Σ_windows B dV Bᵀ`, each window's entries added onto the pixels it read.
  static func inputGradient(
    _ dv: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, into dx: UnsafeMutablePointer<Float>
  ) {
    TileJob(kind: .inputGradient, source: dv, target: dx, bias: nil, n: n, h: h, w: w, c: c).run()
  }

  /// `Y = Aᵀ M A` for every tile, the pixels inside the image written, through the epilogue
  /// `y = scale ⊙ Y + bias` (scale 1 when nil), then `max(y, 0)` when `relu`: a BatchNorm at
  /// inference (and a ReLU after it) folded into the convolution.
  static func transformOutput(
    _ m: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, scale: UnsafePointer<Float>? = nil,
    bias: UnsafePointer<Float>?, relu: Bool = false, into y: UnsafeMutablePointer<Float>
  ) {
    TileJob(kind: .output, source: m, target: y, bias: bias, n: n, h: h, w: w, c: c, scale: scale, relu: relu).run()
  }

  /// `dM = A dY Aᵀ` for every tile (the gradient of pixels outside the image is zero).
  static func outputGradient(
    _ dy: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, into dm: UnsafeMutablePointer<Float>
  ) {
    TileJob(kind: .outputGradient, source: dy, target: dm, bias: nil, n: n, h: h, w: w, c: c).run()
  }

  static func transformInput(_ job: TileJob, _ images: Range<Int>) {
    let (x, v, h, w, c) = (job.source, job.target, job.h, job.w, job.c)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        var t = InlineArray<36, F8>(repeating: F8())
        for i in 0..<6 {
          let y = top - 1 + i
          var row = InlineArray<6, F8>(repeating: F8())
          if y >= 0 && y < h {
            for j in 0..<6 {
              let xx = left - 1 + j
              if xx >= 0 && xx < w { row[j] = load(x + ((b * h + y) * w + xx) * c + ch, k) }
            }
          }
          let r = inputTransform(row)
          for j in 0..<6 { t[i * 6 + j] = r[j] }
        }
        for j in 0..<6 {
          let col = inputTransform([t[j], t[6 + j], t[12 + j], t[18 + j], t[24 + j], t[30 + j]])
          for i in 0..<6 { store(col[i], v + (tile * 36 + i * 6 + j) * c + ch, k) }
        }
        ch += 8
      }
    }
  }

  static func inputGradient(_ job: TileJob, _ images: Range<Int>) {
    let (dv, dx, h, w, c) = (job.source, job.target, job.h, job.w, job.c)
    (dx + images.lowerBound * h * w * c).update(repeating: 0, count: images.count * h * w * c)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        var t = InlineArray<36, F8>(repeating: F8())
        for j in 0..<6 {
          var col = InlineArray<6, F8>(repeating: F8())
          for i in 0..<6 { col[i] = load(dv + (tile * 36 + i * 6 + j) * c + ch, k) }
          let r = inputTransformAdjoint(col)
          for i in 0..<6 { t[i * 6 + j] = r[i] }
        }
        for i in 0..<6 {
          let y = top - 1 + i
          guard y >= 0 && y < h else { continue }
          let row = inputTransformAdjoint([
            t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5],
          ])
          for j in 0..<6 {
            let xx = left - 1 + j
            if xx >= 0 && xx < w { add(row[j], dx + ((b * h + y) * w + xx) * c + ch, k) }
          }
        }
        ch += 8
      }
    }
  }

  static func transformOutput(_ job: TileJob, _ images: Range<Int>) {
    let (m, y, bias, h, w, c) = (job.source, job.target, job.bias, job.h, job.w, job.c)
    let (scale, relu) = (job.scale, job.relu)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        let shift = bias.map { load($0 + ch, k) } ?? F8()
        let factor = scale.map { load($0 + ch, k) } ?? F8(repeating: 1)
        var t = InlineArray<24, F8>(repeating: F8())
        for j in 0..<6 {
          var col = InlineArray<6, F8>(repeating: F8())
          for i in 0..<6 { col[i] = load(m + (tile * 36 + i * 6 + j) * c + ch, k) }
          let r = outputTransform(col)
          for p in 0..<4 { t[p * 6 + j] = r[p] }
        }
        for p in 0..<min(4, h - top) {
          let row = outputTransform([t[p * 6], t[p * 6 + 1], t[p * 6 + 2], t[p * 6 + 3], t[p * 6 + 4], t[p * 6 + 5]])
          for q in 0..<min(4, w - left) {
            var v = scale == nil ? row[q] + shift : row[q] * factor + shift
            if relu { v = v.replacing(with: F8(), where: v .< F8()) }
            store(v, y + ((b * h + top + p) * w + left + q) * c + ch, k)
          }
        }
        ch += 8
      }
    }
  }

  static func outputGradient(_ job: TileJob, _ images: Range<Int>) {
    let (dy, dm, h, w, c) = (job.source, job.target, job.h, job.w, job.c)
    forEachTile(images, h: h, w: w) { tile, b, top, left in
      var ch = 0
      while ch < c {
        let k = min(8, c - ch)
        var t = InlineArray<24, F8>(repeating: F8())
        for p in 0..<4 {
          var row = InlineArray<4, F8>(repeating: F8())
          if top + p < h {
            for q in 0..<min(4, w - left) { row[q] = load(dy + ((b * h + top + p) * w + left + q) * c + ch, k) }
          }
          let r = outputTransformAdjoint(row)
          for j in 0..<6 { t[p * 6 + j] = r[j] }
        }
        for j in 0..<6 {
          let col = outputTransformAdjoint([t[j], t[6 + j], t[12 + j], t[18 + j]])
          for i in 0..<6 { store(col[i], dm + (tile * 36 + i * 6 + j) * c + ch, k) }
        }
        ch += 8
      }
    }
  }

  // MARK: The 36 products

  /// Columns per panel of the packed `U`: 4 rows x 16 columns of `M` are 8 registers of
  /// accumulators, which with 2 of `U` and a broadcast fit AVX2's 16.
  static let panel = 16

  /// The size of `U` packed in panels: `[36, ⌈Cout/16⌉, Cin, 16]`, zero past `Cout`.
  static func packedCount(cin: Int, cout: Int) -> Int { 36 * ((cout + panel - 1) / panel) * cin * panel }

  /// Copies `U` (`[36, Cin, Cout]`) into panels of 16 columns, each `Cin x 16` and contiguous.
  static func packPanels(_ u: UnsafePointer<Float>, cin: Int, cout: Int, into p: UnsafeMutablePointer<Float>) {
    let panels = (cout + panel - 1) / panel
    var out = p
    for xi in 0..<36 {
      for q in 0..<panels {
        let col = q * panel, width = min(panel, cout - col)
        for ci in 0..<cin {
          let row = u + (xi * cin + ci) * cout + col
          out.update(from: row, count: width)
          if width < panel { (out + width).update(repeating: 0, count: panel - width) }
          out += panel
        }
      }
    }
  }

  /// `M[ξ] = V[ξ] · U[ξ]` for the 36 points, with `U` packed in panels (`packPanels`).
  ///
  /// The products run in `smallProduct`, not in BLAS: with one `Cin x Cout` kernel per point
  /// (64 KB at 128 channels) a GEMM spends much of its time packing it, call after call, while
  /// the panels here are packed once per weight change. Measured on the reference and chess
  /// nets (fastest of the timed passes, one thread) at batches 16, 64 and 256, this was 4 to
  /// 30 % faster than OpenBLAS's `sgemm` on the same operands. The parts of a parallel run
  /// take disjoint points.
  static func multiply(
    _ v: UnsafePointer<Float>, packed: UnsafePointer<Float>, tiles: Int, cin: Int, cout: Int,
    into m: UnsafeMutablePointer<Float>
  ) {
    struct Job {
      var v: UnsafePointer<Float>, packed: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>
      var tiles: Int, cin: Int, cout: Int
    }
    var job = Job(v: v, packed: packed, m: m, tiles: tiles, cin: cin, cout: cout)
    // Split only products long enough to pay for waking a worker (at batch 1 of a 128-channel
    // net, 2.4 M multiply-adds, one thread is faster).
    let parts = tiles * 36 * cin * cout < 8_000_000 ? 1 : max(1, BLAS.threads)
    Parallel.run(parts: parts, context: &job) { raw, part, parts in
      let j = raw.assumingMemoryBound(to: Job.self).pointee
      let panels = (j.cout + Winograd.panel - 1) / Winograd.panel
      for xi in Parallel.range(part, of: parts, count: 36) {
        Winograd.smallProduct(
          j.v + xi * j.cin, j.packed + xi * panels * j.cin * Winograd.panel, j.m + xi * j.cout, m: j.tiles,
          n: j.cout, k: j.cin, lda: 36 * j.cin, ldc: 36 * j.cout)
      }
    }
  }

  /// `C = A · B` for row-major `A` (`m x k`, row stride `lda`) and `C` (`m x n`, row stride
  /// `ldc`), `B` (`k x n`) packed in panels of 16 columns: four rows of `C` at a time (a shorter
  /// last block repeats its first row), a panel's 16 columns in registers.
  static func smallProduct(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
    lda: Int, ldc: Int
  ) {
    var r = 0
    while r < m {
      let rows = min(4, m - r)
      let a0 = a + r * lda
      let a1 = rows > 1 ? a0 + lda : a0, a2 = rows > 2 ? a0 + 2 * lda : a0, a3 = rows > 3 ? a0 + 3 * lda : a0
      var col = 0, p = b
      while col < n {
        var c00 = F8(), c01 = F8(), c10 = F8(), c11 = F8()
        var c20 = F8(), c21 = F8(), c30 = F8(), c31 = F8()
        for kk in 0..<k {
          let b0 = load(p, 8), b1 = load(p + 8, 8)
          p += panel
          let x0 = F8(repeating: a0[kk]), x1 = F8(repeating: a1[kk])
          c00 = c00.addingProduct(x0, b0)
          c01 = c01.addingProduct(x0, b1)
          c10 = c10.addingProduct(x1, b0)
          c11 = c11.addingProduct(x1, b1)
          let x2 = F8(repeating: a2[kk]), x3 = F8(repeating: a3[kk])
          c20 = c20.addingProduct(x2, b0)
          c21 = c21.addingProduct(x2, b1)
          c30 = c30.addingProduct(x3, b0)
          c31 = c31.addingProduct(x3, b1)
        }
        let out: InlineArray<8, F8> = [c00, c01, c10, c11, c20, c21, c30, c31]
        for row in 0..<rows {
          for j in 0..<2 where col + 8 * j < n {
            store(out[row * 2 + j], c + (r + row) * ldc + col + 8 * j, min(8, n - col - 8 * j))
          }
        }
        col += panel
      }
      r += 4
    }
  }

  /// `dU[ξ] = V[ξ]ᵀ · dM[ξ]`.
  static func weightProducts(
    _ v: UnsafePointer<Float>, _ dm: UnsafePointer<Float>, tiles: Int, cin: Int, cout: Int,
    into du: UnsafeMutablePointer<Float>
  ) {
    for xi in 0..<36 {
      BLAS.gemm(
        v + xi * cin, transposeA: true, dm + xi * cout, transposeB: false, du + xi * cin * cout,
        m: cin, n: cout, k: tiles, lda: 36 * cin, ldb: 36 * cout)
    }
  }

  /// `dV[ξ] = dM[ξ] · U[ξ]ᵀ`.
  static func inputProducts(
    _ dm: UnsafePointer<Float>, _ u: UnsafePointer<Float>, tiles: Int, cin: Int, cout: Int,
    into dv: UnsafeMutablePointer<Float>
  ) {
    for xi in 0..<36 {
      BLAS.gemm(
        dm + xi * cout, transposeA: false, u + xi * cin * cout, transposeB: true, dv + xi * cin,
        m: tiles, n: cin, k: cout, lda: 36 * cout, ldc: 36 * cin)
    }
  }
}
