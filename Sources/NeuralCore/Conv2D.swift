import GameCore

/// A 2-D convolution with a `k x k` kernel, stride 1 and "same" zero padding, on NHWC
/// tensors: input `[N, H, W, Cin]`, output `[N, H, W, Cout]`, weight `[k·k·Cin, Cout]`
/// (kernel rows, kernel columns, input channels; then output channels), bias `[Cout]`.
///
/// Forward is im2col + one GEMM: the patch matrix `P` has a row per output pixel
/// (`N·H·W` rows) and `k·k·Cin` columns, and `Y = P · W + b`. Backward: `dW += Pᵀ · dY`,
/// `db += Σ dY`, `dP = dY · Wᵀ`, then col2im scatters `dP` back onto `dX`. A 1x1 kernel
/// skips im2col (`P` is the input itself).
public struct Conv2D: Layer {
  public var weight: Parameter
  public var bias: Parameter
  public let inChannels: Int
  public let outChannels: Int
  public let kernel: Int
  public var useBias: Bool
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// Output, im2col patches, patch gradient, input gradient.
  var buffers = LayerBuffers(4)
  var output: TensorBuffer { buffers[0] }
  var patches: TensorBuffer { buffers[1] }
  var patchGrad: TensorBuffer { buffers[2] }
  var inputGrad: TensorBuffer { buffers[3] }
  /// When set, backward records the variance of the gradient reaching the output
  /// (`lastOutputGradientVariance`, for signal statistics).
  public var recordsSignal = false
  /// See `recordsSignal`.
  public private(set) var lastOutputGradientVariance = 0.0
  /// The output of the last forward pass.
  public var lastOutput: TensorBuffer { buffers[0] }

  public init(_ inChannels: Int, _ outChannels: Int, kernel: Int = 3, bias: Bool = true, name: String = "conv") {
    if !(kernel > 0 && kernel % 2 == 1) { shapeFailure("conv kernel must be odd for same padding, got \(kernel)") }
    precondition(inChannels > 0 && outChannels > 0, "conv needs positive channel counts")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    useBias = bias
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
    var source = x
    if kernel > 1 {
      source = patches
      source.resize(Shape(rows, cols))
      Conv2D.im2col(x, into: source, kernel: kernel)
    }
    Affine.forward(
      source.pointer, weight: weight.value, bias: useBias ? bias.value : nil, rows: rows, inputs: cols,
      outputs: outChannels, into: output.pointer)
    if training { input = x }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input else { shapeFailure("\(label) backward before a training forward pass") }
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    if !dy.hasShape(n, h, w, outChannels) {
      shapeFailure("\(label) backward: gradient \(dy.shape) vs output [\(n), \(h), \(w), \(outChannels)]")
    }
    let rows = n * h * w, cols = kernel * kernel * inChannels
    if recordsSignal { lastOutputGradientVariance = dy.moments.variance }
    // A 1x1 kernel's patch gradient is the input gradient itself; otherwise col2im scatters it.
    let source = kernel > 1 ? patches : input
    let target = kernel > 1 ? patchGrad : inputGrad
    target.resize(kernel > 1 ? Shape(rows, cols) : input.shape)
    Affine.backward(
      dy.pointer, input: source.pointer, weight: weight.value, weightGrad: &weight.grad, biasGrad: &bias.grad,
      useBias: useBias, rows: rows, inputs: cols, outputs: outChannels, inputGrad: target.pointer)
    if kernel > 1 {
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
