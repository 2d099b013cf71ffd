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
    x.data.withUnsafeBufferPointer { xp in
      weight.value.data.withUnsafeBufferPointer { wp in
        output.data.withUnsafeMutableBufferPointer { yp in
          BLAS.gemm(
            xp.baseAddress!, transposeA: false, wp.baseAddress!, transposeB: false, yp.baseAddress!,
            m: n, n: outputs, k: inputs)
          if useBias {
            bias.value.data.withUnsafeBufferPointer { bp in
              for r in 0..<n {
                let row = r * outputs
                for j in 0..<outputs { yp[row + j] += bp[j] }
              }
            }
          }
        }
      }
    }
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
    dy.data.withUnsafeBufferPointer { gp in
      input.data.withUnsafeBufferPointer { xp in
        weight.grad.data.withUnsafeMutableBufferPointer { dwp in
          BLAS.gemm(
            xp.baseAddress!, transposeA: true, gp.baseAddress!, transposeB: false, dwp.baseAddress!,
            m: inputs, n: outputs, k: n, beta: 1)
        }
      }
      if useBias {
        bias.grad.data.withUnsafeMutableBufferPointer { dbp in
          for r in 0..<n {
            let row = r * outputs
            for j in 0..<outputs { dbp[j] += gp[row + j] }
          }
        }
      }
      weight.value.data.withUnsafeBufferPointer { wp in
        inputGrad.data.withUnsafeMutableBufferPointer { dxp in
          BLAS.gemm(
            gp.baseAddress!, transposeA: false, wp.baseAddress!, transposeB: true, dxp.baseAddress!,
            m: n, n: inputs, k: outputs)
        }
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
