import GameCore

/// A 2-D convolution with a `k x k` kernel, stride 1 and "same" zero padding, on NHWC
/// tensors: input `[N, H, W, Cin]`, output `[N, H, W, Cout]`, weight `[k·k·Cin, Cout]`
/// (kernel rows, kernel columns, input channels; then output channels), bias `[Cout]`.
///
/// Two algorithms compute it (`Algorithm`):
/// - **Winograd** F(4x4, 3x3), for 3x3 kernels (the default there): 36 GEMMs on transformed
///   tiles, 2.25 multiplies per output and input channel instead of 9 (see `Winograd`). The
///   transformed kernel is kept between passes while the weight's `version` is unchanged.
/// - **im2col**, for every kernel: the patch matrix `P` has a row per output pixel (`N·H·W`
///   rows) and `k·k·Cin` columns, and `Y = P · W + b`. Backward: `dW += Pᵀ · dY`,
///   `db += Σ dY`, `dP = dY · Wᵀ`, then col2im scatters `dP` back onto `dX`. A 1x1 kernel
///   skips im2col (`P` is the input itself).
/// Both give the same result up to float rounding (relative difference about 1e-6).
public struct Conv2D: Layer {
  /// How a convolution is computed.
  public enum Algorithm: String, Sendable, CaseIterable {
    /// Winograd F(4x4, 3x3) (3x3 kernels; others use im2col).
    case winograd
    /// im2col and one GEMM.
    case im2col
  }
  public var weight: Parameter
  public var bias: Parameter
  public let inChannels: Int
  public let outChannels: Int
  public let kernel: Int
  public var useBias: Bool
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// How this layer computes (`winograd` is used for 3x3 kernels only).
  public var algorithm: Algorithm
  /// Output, im2col patches (Winograd: `V`) kept from a training forward for the backward
  /// pass, input gradient, and for Winograd the transformed kernel `U` (tagged with the
  /// weight's version), its gradient, `U` packed for the forward products, and a folded
  /// BatchNorm's scale and shift. Buffers needed only within one call (`M`, `dM`, the patch
  /// gradient, and `V` or the patches at inference) are `ScratchBuffers`.
  var buffers = LayerBuffers(7)
  var output: TensorBuffer { buffers[0] }
  var patches: TensorBuffer { buffers[1] }
  var inputGrad: TensorBuffer { buffers[2] }
  var transformedWeight: TensorBuffer { buffers[3] }
  var transformedWeightGrad: TensorBuffer { buffers[4] }
  var packedWeight: TensorBuffer { buffers[5] }
  var foldedAffine: TensorBuffer { buffers[6] }
  /// Whether the Winograd path runs.
  var winograd: Bool { algorithm == .winograd && kernel == 3 }
  /// When set, backward records the variance of the gradient reaching the output
  /// (`lastOutputGradientVariance`, for signal statistics).
  public var recordsSignal = false
  /// See `recordsSignal`.
  public private(set) var lastOutputGradientVariance = 0.0
  /// The output of the last forward pass (after a folded BatchNorm, when inference folded
  /// one into this convolution).
  public var lastOutput: TensorBuffer { buffers[0] }
  /// The int8 products used at inference (`PolicyValueNetwork.quantize`), or `nil` for float.
  public internal(set) var int8: Int8Winograd?
  /// The input ranges being gathered for `int8` while calibrating.
  var calibration: Int8Calibration?

  public init(_ inChannels: Int, _ outChannels: Int, kernel: Int = 3, bias: Bool = true, name: String = "conv") {
    if !(kernel > 0 && kernel % 2 == 1) { shapeFailure("conv kernel must be odd for same padding, got \(kernel)") }
    precondition(inChannels > 0 && outChannels > 0, "conv needs positive channel counts")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    useBias = bias
    algorithm = kernel == 3 ? .winograd : .im2col
    let fanIn = kernel * kernel * inChannels, fanOut = kernel * kernel * outChannels
    weight = Parameter(
      name: name + ".weight", shape: [fanIn, outChannels], role: .weight, fanIn: fanIn, fanOut: fanOut)
    self.bias = Parameter(name: name + ".bias", shape: [outChannels], role: .bias, fanIn: fanIn, fanOut: fanOut)
  }

  public var label: String { "conv\(kernel)x\(kernel)(\(inChannels)→\(outChannels))" }

  public func outputShape(for input: [Int]) -> [Int] { [input[0], input[1], input[2], outChannels] }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if !(x.rank == 4 && x.shape[3] == inChannels) {
      shapeFailure("\(label) needs input [N, H, W, \(inChannels)], got \(x.shape)")
    }
    LayerBuffers.claim(&buffers)
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let rows = n * h * w, cols = kernel * kernel * inChannels
    let output = self.output
    output.resize(Shape(n, h, w, outChannels))
    if training { input = x }
    if winograd {
      winogradForward(x, into: output, keepingTiles: training)
      return output
    }
    func multiply(_ source: TensorBuffer) {
      Affine.forward(
        source.pointer, weight: weight.value, bias: useBias ? bias.value : nil, rows: rows, inputs: cols,
        outputs: outChannels, into: output.pointer)
    }
    if kernel == 1 {
      multiply(x)
    } else {
      // Training keeps the patches for the backward pass; inference lends them.
      func patch(_ p: TensorBuffer) {
        p.resize(Shape(rows, cols))
        Conv2D.im2col(x, into: p, kernel: kernel)
        multiply(p)
      }
      if training { patch(patches) } else { ScratchBuffers.withBuffer(patch) }
    }
    return output
  }

  /// `U`, recomputed when the weight changed since it was made.
  func currentTransformedWeight() -> TensorBuffer {
    let u = transformedWeight
    if buffers.tag != weight.version || u.count != 36 * inChannels * outChannels {
      u.resize(Shape(36, inChannels, outChannels))
      weight.value.data.withUnsafeBufferPointer { wp in
        Winograd.transformWeights(wp.baseAddress!, cin: inChannels, cout: outChannels, into: u.pointer)
      }
      packedWeight.resize(Shape(Winograd.packedCount(cin: inChannels, cout: outChannels)))
      Winograd.packPanels(u.pointer, cin: inChannels, cout: outChannels, into: packedWeight.pointer)
      buffers.tag = weight.version
    }
    return u
  }

  /// Inference with the BatchNorm after this convolution (and a ReLU after that) applied as
  /// the Winograd output transform writes each pixel.
  public mutating func inferenceFolding(_ x: TensorBuffer, _ norm: BatchNorm, relu: Bool) -> TensorBuffer? {
    guard winograd, norm.channels == outChannels, x.rank == 4, x.shape[3] == inChannels else { return nil }
    LayerBuffers.claim(&buffers)
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let output = self.output
    output.resize(Shape(n, h, w, outChannels))
    let affine = foldedAffine
    affine.resize(Shape(2, outChannels))
    let scale = affine.pointer, shift = affine.pointer + outChannels
    norm.inferenceAffine(scale: scale, shift: shift)
    if useBias {
      // s·(conv + b) + t = s·conv + (s·b + t).
      for j in 0..<outChannels { shift[j] += scale[j] * bias.value.data[j] }
    }
    winogradForward(x, into: output, keepingTiles: false, scale: scale, shift: shift, relu: relu)
    return output
  }

  /// The Winograd forward pass; `keepingTiles` (training) keeps the transformed input `V` in
  /// `patches` for the backward pass, otherwise it lives in a scratch buffer, as `M` always does.
  /// Inference runs the int8 products when the layer has them (`int8`), and gathers the input
  /// ranges while calibrating.
  mutating func winogradForward(
    _ x: TensorBuffer, into output: TensorBuffer, keepingTiles: Bool, scale: UnsafePointer<Float>? = nil,
    shift: UnsafePointer<Float>? = nil, relu: Bool = false
  ) {
    if keepingTiles {
      ScratchBuffers.withBuffer { m in
        winogradForward(x, into: output, tiles: patches, products: m, scale: scale, shift: shift, relu: relu)
      }
      return
    }
    if let q = int8 {
      if q.version != weight.version { quantize(ranges: q.ranges) }
      let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
      ScratchBuffers.withBuffer { inputs in
        ScratchBuffers.withBuffer { m in
          bias.value.data.withUnsafeBufferPointer { bp in
            int8!.forward(
              x.pointer, n: n, h: h, w: w, into: output.pointer, scale: scale,
              shift: shift ?? (useBias ? bp.baseAddress : nil), relu: relu, inputs: inputs, products: m)
          }
        }
      }
      return
    }
    calibration?.observe(x)
    ScratchBuffers.withBuffer { v in
      ScratchBuffers.withBuffer { m in
        winogradForward(x, into: output, tiles: v, products: m, scale: scale, shift: shift, relu: relu)
      }
    }
  }

  /// Makes `int8` from the current weights for inputs of the given ranges (`[16, Cin]`).
  mutating func quantize(ranges: [Float]) {
    int8 = weight.value.data.withUnsafeBufferPointer { wp in
      Int8Winograd(
        weight: wp.baseAddress!, ranges: ranges, inChannels: inChannels, outChannels: outChannels,
        version: weight.version)
    }
  }

  /// `Y = Aᵀ M A` through the output epilogue: the folded BatchNorm when `scale` is given, else
  /// the bias.
  func transformOutput(
    _ m: TensorBuffer, n: Int, h: Int, w: Int, into output: TensorBuffer, scale: UnsafePointer<Float>?,
    shift: UnsafePointer<Float>?, relu: Bool
  ) {
    if let scale {
      Winograd.transformOutput(
        m.pointer, n: n, h: h, w: w, c: outChannels, scale: scale, bias: shift, relu: relu, into: output.pointer)
      return
    }
    bias.value.data.withUnsafeBufferPointer { bp in
      Winograd.transformOutput(
        m.pointer, n: n, h: h, w: w, c: outChannels, bias: useBias ? bp.baseAddress : nil, into: output.pointer)
    }
  }

  func winogradForward(
    _ x: TensorBuffer, into output: TensorBuffer, tiles v: TensorBuffer, products m: TensorBuffer,
    scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, relu: Bool
  ) {
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let tiles = n * Winograd.tileCount(h: h, w: w)
    _ = currentTransformedWeight()
    v.resize(Shape(tiles, 36, inChannels))
    m.resize(Shape(tiles, 36, outChannels))
    Winograd.transformInput(x.pointer, n: n, h: h, w: w, c: inChannels, into: v.pointer)
    Winograd.multiply(
      v.pointer, packed: packedWeight.pointer, tiles: tiles, cin: inChannels, cout: outChannels, into: m.pointer)
    transformOutput(m, n: n, h: h, w: w, into: output, scale: scale, shift: shift, relu: relu)
  }

  mutating func winogradBackward(_ dy: TensorBuffer, input: TensorBuffer) {
    ScratchBuffers.withBuffer { dm in winogradBackward(dy, input: input, productsGradient: dm) }
  }

  mutating func winogradBackward(_ dy: TensorBuffer, input: TensorBuffer, productsGradient dm: TensorBuffer) {
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    let tiles = n * Winograd.tileCount(h: h, w: w)
    let u = currentTransformedWeight()
    let v = patches, du = transformedWeightGrad
    dm.resize(Shape(tiles, 36, outChannels))
    // `V` of this input is still in `patches` from the training forward.
    Winograd.outputGradient(dy.pointer, n: n, h: h, w: w, c: outChannels, into: dm.pointer)
    du.resize(Shape(36, inChannels, outChannels))
    Winograd.weightProducts(v.pointer, dm.pointer, tiles: tiles, cin: inChannels, cout: outChannels, into: du.pointer)
    weight.grad.data.withUnsafeMutableBufferPointer { dwp in
      Winograd.addWeightGradient(du.pointer, cin: inChannels, cout: outChannels, into: dwp.baseAddress!)
    }
    if useBias {
      let rows = n * h * w
      bias.grad.data.withUnsafeMutableBufferPointer { dbp in
        for r in 0..<rows {
          let row = dy.pointer + r * outChannels
          for j in 0..<outChannels { dbp[j] += row[j] }
        }
      }
    }
    // `dV` overwrites `V`, which is no longer needed.
    Winograd.inputProducts(dm.pointer, u.pointer, tiles: tiles, cin: inChannels, cout: outChannels, into: v.pointer)
    inputGrad.resize(input.shape)
    Winograd.inputGradient(v.pointer, n: n, h: h, w: w, c: inChannels, into: inputGrad.pointer)
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input else { shapeFailure("\(label) backward before a training forward pass") }
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    if !dy.hasShape(n, h, w, outChannels) {
      shapeFailure("\(label) backward: gradient \(dy.shape) vs output [\(n), \(h), \(w), \(outChannels)]")
    }
    let rows = n * h * w, cols = kernel * kernel * inChannels
    if recordsSignal { lastOutputGradientVariance = dy.moments.variance }
    if winograd {
      winogradBackward(dy, input: input)
      return inputGrad
    }
    // A 1x1 kernel's patch gradient is the input gradient itself; otherwise col2im scatters it.
    if kernel == 1 {
      inputGrad.resize(input.shape)
      Affine.backward(
        dy.pointer, input: input.pointer, weight: weight.value, weightGrad: &weight.grad, biasGrad: &bias.grad,
        useBias: useBias, rows: rows, inputs: cols, outputs: outChannels, inputGrad: inputGrad.pointer)
      return inputGrad
    }
    ScratchBuffers.withBuffer { patchGrad in
      patchGrad.resize(Shape(rows, cols))
      Affine.backward(
        dy.pointer, input: patches.pointer, weight: weight.value, weightGrad: &weight.grad, biasGrad: &bias.grad,
        useBias: useBias, rows: rows, inputs: cols, outputs: outChannels, inputGrad: patchGrad.pointer)
      inputGrad.resize(input.shape)
      Conv2D.col2im(patchGrad, into: inputGrad, kernel: kernel)
    }
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    body(&weight)
    if useBias { body(&bias) }
  }

  /// `Var(W) = 1 / (k·k·Cin · E[x²])`: output mean 0, variance 1.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    AutoInit.fill(&weight, inputSecondMoment: input.secondMoment, rng: &rng)
    bias.value.fill(0)
    var shape = input.shape
    shape[shape.count - 1] = outChannels
    return SignalStats(mean: 0, variance: 1, shape: shape)
  }

  /// Walks the patch matrix of an `[n, h, w, c]` image for a `k x k` kernel (a row per pixel,
  /// `k·k·c` columns): calls `body(col, pixel)` for each `c`-wide segment, with `col` its first
  /// entry in the patch matrix and `pixel` the first entry of the image pixel it holds, or `nil`
  /// where the kernel reaches past the border.
  @inline(__always)
  static func forEachPatchSegment(n: Int, h: Int, w: Int, c: Int, kernel k: Int, _ body: (Int, Int?) -> Void) {
    let pad = k / 2, cols = k * k * c
    var row = 0
    for b in 0..<n {
      for y in 0..<h {
        for xx in 0..<w {
          var col = row * cols
          for dy in 0..<k {
            let iy = y + dy - pad
            for dx in 0..<k {
              let ix = xx + dx - pad
              body(col, iy >= 0 && iy < h && ix >= 0 && ix < w ? ((b * h + iy) * w + ix) * c : nil)
              col += c
            }
          }
          row += 1
        }
      }
    }
  }

  /// Gathers every `k x k` neighbourhood (zero outside the image) into one row per pixel.
  static func im2col(_ x: TensorBuffer, into p: TensorBuffer, kernel k: Int) {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let xp = x.pointer, pp = p.pointer
    forEachPatchSegment(n: n, h: h, w: w, c: c, kernel: k) { col, pixel in
      if let pixel {
        (pp + col).update(from: xp + pixel, count: c)
      } else {
        (pp + col).update(repeating: 0, count: c)
      }
    }
  }

  /// The adjoint of `im2col`: adds each patch entry back onto the pixel it came from.
  static func col2im(_ p: TensorBuffer, into x: TensorBuffer, kernel k: Int) {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    x.fill(0)
    let pp = p.pointer, xp = x.pointer
    forEachPatchSegment(n: n, h: h, w: w, c: c, kernel: k) { col, pixel in
      guard let pixel else { return }
      for ch in 0..<c { xp[pixel + ch] += pp[col + ch] }
    }
  }
}
