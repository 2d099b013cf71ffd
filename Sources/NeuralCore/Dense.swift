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
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// Output, input gradient.
  var buffers = LayerBuffers(2)
  /// When set, backward records the variance of the gradient reaching the output
  /// (`lastOutputGradientVariance`, for signal statistics).
  public var recordsSignal = false
  /// See `recordsSignal`.
  public private(set) var lastOutputGradientVariance = 0.0
  /// The output of the last forward pass.
  public var lastOutput: TensorBuffer { buffers[0] }

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

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    let n = x.batch
    if !(x.itemCount == inputs) { shapeFailure("dense(\(inputs)→\(outputs)) got input of shape \(x.shape)") }
    LayerBuffers.claim(&buffers)
    let output = buffers[0]
    output.resize(Shape(n, outputs))
    Affine.forward(
      x.pointer, weight: weight.value, bias: useBias ? bias.value : nil, rows: n, inputs: inputs, outputs: outputs,
      into: output.pointer)
    if training { input = x }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input else { shapeFailure("\(label) backward before a training forward pass") }
    let n = input.batch
    if !dy.hasShape(n, outputs) {
      shapeFailure("dense backward: gradient \(dy.shape) vs output [\(n), \(outputs)]")
    }
    let inputGrad = buffers[1]
    inputGrad.resize(input.shape)
    if recordsSignal { lastOutputGradientVariance = dy.moments.variance }
    Affine.backward(
      dy.pointer, input: input.pointer, weight: weight.value, weightGrad: &weight.grad, biasGrad: &bias.grad,
      useBias: useBias, rows: n, inputs: inputs, outputs: outputs, inputGrad: inputGrad.pointer)
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
