import GameCore
import RealModule

/// Layerwise batch entropy (Peer et al., TMLR 2022; reference `peerdavid/layerwise-batch-entropy`).
///
/// For an activation `a` of shape `[B, …]` flattened to `[B, D]` (every feature position is a
/// "neuron"), with `s_d` the unbiased standard deviation over the batch:
///
///     H = (1/D) Σ_d ½·ln(π·e·s_d² + 1)
///     ∂H/∂a_bd = π·e·(a_bd − μ_d) / (D·(B − 1)·(π·e·s_d² + 1))
///
/// (the reference code's `π·e·s² + 1`, not the textbook `2π·e·s²`). A `BatchEntropyTap` is an
/// identity layer that measures H in training forward passes and, in backward, adds
/// `coefficient · ∂H/∂a` to the gradient flowing through it; `LayerwiseBatchEntropy` turns the
/// taps into the regulariser
///
///     L_lbe = mean_l β·(H_l − max(α_min, |α_l|))²,   total = CE + CE·L_lbe
///
/// with a learnable target α_l per tap (role `.scalar`, trained by the model's optimizer).
public struct BatchEntropyTap: Layer {
  /// The learnable target α of this layer.
  public var target: Parameter
  /// Set before backward: the weight of ∂H/∂a added to the passing gradient.
  public var coefficient: Float = 0
  /// H of the last training forward pass.
  public private(set) var entropy: Double = 0
  var input = Tensor(shape: [0])
  var variances: [Double] = []
  var means: [Double] = []
  var inputGrad = Tensor(shape: [0])

  public init(alpha: Float = 0.5, name: String = "lbe") {
    target = Parameter(name: name + ".alpha", shape: [1], role: .scalar, value: alpha)
  }

  public var label: String { "batch_entropy" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  /// H and the per-feature statistics of `x` (`[B, D…]`, B > 1).
  public static func entropy(_ x: Tensor) -> (h: Double, means: [Double], variances: [Double]) {
    let b = x.batch, d = x.count / max(b, 1)
    precondition(b > 1, "batch entropy needs a batch of more than one, got \(x.shape)")
    var means = [Double](repeating: 0, count: d), vars = [Double](repeating: 0, count: d)
    for i in 0..<b { for j in 0..<d { means[j] += Double(x.data[i * d + j]) } }
    for j in 0..<d { means[j] /= Double(b) }
    for i in 0..<b {
      for j in 0..<d {
        let z = Double(x.data[i * d + j]) - means[j]
        vars[j] += z * z
      }
    }
    let pe = Double.pi * Double.exp(1)
    var h = 0.0
    for j in 0..<d {
      vars[j] /= Double(b - 1)
      h += 0.5 * Double.log(pe * vars[j] + 1)
    }
    return (h / Double(d), means, vars)
  }

  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    if training && x.batch > 1 {
      let r = BatchEntropyTap.entropy(x)
      entropy = r.h
      means = r.means
      variances = r.variances
      input = x
    }
    return x
  }

  public mutating func backward(_ dy: Tensor) -> Tensor {
    guard coefficient != 0, input.count > 0 else {
      input = Tensor(shape: [0])
      return dy
    }
    let b = input.batch, d = input.count / b
    let pe = Double.pi * Double.exp(1)
    inputGrad = dy
    for j in 0..<d {
      let k = Double(coefficient) * pe / (Double(d) * Double(b - 1) * (pe * variances[j] + 1))
      for i in 0..<b { inputGrad.data[i * d + j] += Float(k * (Double(input.data[i * d + j]) - means[j])) }
    }
    input = Tensor(shape: [0])
    return inputGrad
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) { body(&target) }
}

/// The layerwise batch-entropy regulariser over every `BatchEntropyTap` of a model.
public struct LayerwiseBatchEntropy: Sendable {
  /// β, the weight of the squared distance to the target.
  public var beta: Float
  /// α_min, the floor of every target.
  public var alphaMin: Float

  public init(beta: Float = 0.5, alphaMin: Float = 0.2) {
    self.beta = beta
    self.alphaMin = alphaMin
  }

  /// After a training forward pass with task loss `ce`: returns the total loss
  /// `ce·(1 + L_lbe)` and the factor `1 + L_lbe` by which the caller must scale the task
  /// loss gradient; sets every tap's backward coefficient and adds the targets' gradients.
  public func prepareBackward<L: Layer>(_ model: inout L, taskLoss ce: Float) -> (total: Float, taskScale: Float) {
    var taps: [(h: Double, alpha: Float)] = []
    model.visitLayers { layer in
      if let t = layer as? BatchEntropyTap { taps.append((t.entropy, t.target.value.data[0])) }
    }
    guard !taps.isEmpty else { return (ce, 1) }
    let n = Float(taps.count)
    var lbe: Float = 0
    for t in taps {
      let d = Float(t.h) - max(alphaMin, abs(t.alpha))
      lbe += beta * d * d / n
    }
    var index = 0
    model.visitLayers { layer in
      guard var t = layer as? BatchEntropyTap else { return }
      let target = max(alphaMin, abs(t.target.value.data[0]))
      let d = Float(t.entropy) - target
      // ∂total/∂H_l = CE·β·2(H − t)/n ; ∂total/∂α_l = −CE·β·2(H − t)/n · ∂t/∂α.
      t.coefficient = ce * beta * 2 * d / n
      let alpha = t.target.value.data[0]
      let dt: Float = abs(alpha) > alphaMin ? (alpha > 0 ? 1 : -1) : 0
      t.target.grad.data[0] += -ce * beta * 2 * d / n * dt
      layer = t
      index += 1
    }
    return (ce * (1 + lbe), 1 + lbe)
  }

  /// Mean |H_l − target| over the taps (for logs).
  public func gap<L: Layer>(_ model: inout L) -> Double {
    var s = 0.0, n = 0
    model.visitLayers { layer in
      if let t = layer as? BatchEntropyTap {
        s += abs(t.entropy - Double(max(alphaMin, abs(t.target.value.data[0]))))
        n += 1
      }
    }
    return n == 0 ? 0 : s / Double(n)
  }
}
