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
  var input = Tensor(shape: [0])
  var patches = Tensor(shape: [0])
  var output = Tensor(shape: [0])
  var patchGrad = Tensor(shape: [0])
  var inputGrad = Tensor(shape: [0])
  /// When set, backward records the variance of the gradient reaching the output
  /// (`lastOutputGradientVariance`, for signal statistics).
  public var recordsSignal = false
  /// See `recordsSignal`.
  public private(set) var lastOutputGradientVariance = 0.0
  /// The output of the last forward pass.
  public var lastOutput: Tensor { output }

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

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    if !(x.rank == 4 && x.shape[3] == inChannels) {
      shapeFailure("\(label) needs input [N, H, W, \(inChannels)], got \(x.shape)")
    }
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let rows = n * h * w, cols = kernel * kernel * inChannels
    output.resize(n, h, w, outChannels)
    if kernel > 1 {
      patches.resize(rows, cols)
      Conv2D.im2col(x, into: &patches, kernel: kernel)
    }
    Affine.forward(
      kernel > 1 ? patches : x, weight: weight.value, bias: useBias ? bias.value : nil, rows: rows, inputs: cols,
      outputs: outChannels, into: &output)
    if training { input = x }
    return output
  }

  public mutating func backward(_ dy: Tensor) -> Tensor {
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    if !dy.hasShape(n, h, w, outChannels) {
      shapeFailure("\(label) backward: gradient \(dy.shape) vs output [\(n), \(h), \(w), \(outChannels)]")
    }
    let rows = n * h * w, cols = kernel * kernel * inChannels
    let source = kernel > 1 ? patches : input
    if recordsSignal { lastOutputGradientVariance = dy.moments.variance }
    // A 1x1 kernel's patch gradient is the input gradient itself; otherwise col2im scatters it.
    if kernel == 1 { inputGrad.resize(to: input.shape) } else { patchGrad.resize(rows, cols) }
    let weights = weight.value
    var target = kernel == 1 ? inputGrad : patchGrad
    if kernel == 1 { inputGrad = Tensor(shape: [0]) } else { patchGrad = Tensor(shape: [0]) }
    target.data.withUnsafeMutableBufferPointer { tp in
      if useBias {
        bias.grad.data.withUnsafeMutableBufferPointer { dbp in
          Affine.backward(
            dy, input: source, weight: weights, weightGrad: &weight.grad, biasGrad: dbp, rows: rows, inputs: cols,
            outputs: outChannels, inputGrad: tp)
        }
      } else {
        Affine.backward(
          dy, input: source, weight: weights, weightGrad: &weight.grad, biasGrad: nil, rows: rows, inputs: cols,
          outputs: outChannels, inputGrad: tp)
      }
    }
    if kernel == 1 {
      inputGrad = target
    } else {
      patchGrad = target
      inputGrad.resize(to: input.shape)
      Conv2D.col2im(patchGrad, into: &inputGrad, kernel: kernel)
    }
    // Drop the cached input so the previous layer can reuse its output buffer in place.
    input = Tensor(shape: [0])
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

  /// Gathers every `k x k` neighbourhood (zero outside the image) into one row per pixel.
  static func im2col(_ x: Tensor, into p: inout Tensor, kernel k: Int) {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let pad = k / 2, cols = k * k * c
    x.data.withUnsafeBufferPointer { xp in
      p.data.withUnsafeMutableBufferPointer { pp in
        var row = 0
        for b in 0..<n {
          for y in 0..<h {
            for xx in 0..<w {
              var col = row * cols
              for dy in 0..<k {
                let iy = y + dy - pad
                for dx in 0..<k {
                  let ix = xx + dx - pad
                  if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    (pp.baseAddress! + col).update(from: xp.baseAddress! + ((b * h + iy) * w + ix) * c, count: c)
                  } else {
                    (pp.baseAddress! + col).update(repeating: 0, count: c)
                  }
                  col += c
                }
              }
              row += 1
            }
          }
        }
      }
    }
  }

  /// The adjoint of `im2col`: adds each patch entry back onto the pixel it came from.
  static func col2im(_ p: Tensor, into x: inout Tensor, kernel k: Int) {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let pad = k / 2, cols = k * k * c
    x.fill(0)
    p.data.withUnsafeBufferPointer { pp in
      x.data.withUnsafeMutableBufferPointer { xp in
        var row = 0
        for b in 0..<n {
          for y in 0..<h {
            for xx in 0..<w {
              var col = row * cols
              for dy in 0..<k {
                let iy = y + dy - pad
                for dx in 0..<k {
                  let ix = xx + dx - pad
                  if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    let dst = ((b * h + iy) * w + ix) * c
                    for ch in 0..<c { xp[dst + ch] += pp[col + ch] }
                  }
                  col += c
                }
              }
              row += 1
            }
          }
        }
      }
    }
  }
}
