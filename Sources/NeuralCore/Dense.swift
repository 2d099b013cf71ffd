import GameCore

/// A fully connected layer: `y = x · W + b` for `x` of shape `[N, in]`, `W` of shape
/// `[in, out]`, `b` of shape `[out]`.
///
/// Backward: `dW += xᵀ · dy`, `db += Σ_n dy`, `dx = dy · Wᵀ` (three GEMMs through OpenBLAS).
public struct Dense: Layer {
  public var weight: Parameter
  public var bias: Parameter
  public let inputs: Int
  public let outputs: Int
  public var useBias: Bool
  var input = Tensor(shape: [0])
  var output = Tensor(shape: [0])
  var inputGrad = Tensor(shape: [0])
  /// When set, backward records the variance of the gradient reaching the output
  /// (`lastOutputGradientVariance`, for signal statistics).
  public var recordsSignal = false
  /// See `recordsSignal`.
  public private(set) var lastOutputGradientVariance = 0.0
  /// The output of the last forward pass.
  public var lastOutput: Tensor { output }

  public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, name: String = "dense") {
    if !(inputs > 0 && outputs > 0) { shapeFailure("dense layer needs positive sizes, got \(inputs)→\(outputs)") }
    self.inputs = inputs
    self.outputs = outputs
    useBias = bias
    weight = Parameter(name: name + ".weight", shape: [inputs, outputs], role: .weight, fanIn: inputs, fanOut: outputs)
    self.bias = Parameter(name: name + ".bias", shape: [outputs], role: .bias, fanIn: inputs, fanOut: outputs)
  }

  public var label: String { "dense(\(inputs)→\(outputs))" }

  public func outputShape(for input: [Int]) -> [Int] { [input[0], outputs] }

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    let n = x.batch
    if !(x.itemCount == inputs) { shapeFailure("dense(\(inputs)→\(outputs)) got input of shape \(x.shape)") }
    output.resize(n, outputs)
    Affine.forward(
      x, weight: weight.value, bias: useBias ? bias.value : nil, rows: n, inputs: inputs, outputs: outputs,
      into: &output)
    if training { input = x }
    return output
  }

  public mutating func backward(_ dy: Tensor) -> Tensor {
    let n = input.batch
    if !dy.hasShape(n, outputs) {
      shapeFailure("dense backward: gradient \(dy.shape) vs output [\(n), \(outputs)]")
    }
    inputGrad.resize(to: input.shape)
    if recordsSignal { lastOutputGradientVariance = dy.moments.variance }
    let (x, w) = (input, weight.value)
    inputGrad.data.withUnsafeMutableBufferPointer { dxp in
      if useBias {
        bias.grad.data.withUnsafeMutableBufferPointer { dbp in
          Affine.backward(
            dy, input: x, weight: w, weightGrad: &weight.grad, biasGrad: dbp, rows: n, inputs: inputs, outputs: outputs,
            inputGrad: dxp)
        }
      } else {
        Affine.backward(
          dy, input: x, weight: w, weightGrad: &weight.grad, biasGrad: nil, rows: n, inputs: inputs, outputs: outputs,
          inputGrad: dxp)
      }
    }
    // Drop the cached input so the previous layer can reuse its output buffer in place.
    input = Tensor(shape: [0])
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    body(&weight)
    if useBias { body(&bias) }
  }

  /// `Var(W) = 1 / (fan_in · E[x²])`, so the output has mean 0 and variance 1.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    AutoInit.fill(&weight, inputSecondMoment: input.secondMoment, rng: &rng)
    bias.value.fill(0)
    return SignalStats(mean: 0, variance: 1, shape: [outputs])
  }
}
