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
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// The input gradient; its Double scratch holds each feature's mean and variance.
  var buffers = LayerBuffers(1)

  public init(alpha: Float = 0.5, name: String = "lbe") {
    target = Parameter(name: name + ".alpha", shape: [1], role: .scalar, value: alpha)
  }

  public var label: String { "batch_entropy" }
  public func outputShape(for input: [Int]) -> [Int] { input }

  /// H and the per-feature statistics of `x` (`[B, D…]`, B > 1).
  public static func entropy(_ x: Tensor) -> (h: Double, means: [Double], variances: [Double]) {
    let b = x.batch, d = x.count / max(b, 1)
    var means = [Double](repeating: 0, count: d), vars = [Double](repeating: 0, count: d)
    let h = x.data.withUnsafeBufferPointer { xp in
      means.withUnsafeMutableBufferPointer { mp in
        vars.withUnsafeMutableBufferPointer { vp in
          entropy(xp.baseAddress!, batch: b, features: d, means: mp.baseAddress!, variances: vp.baseAddress!)
        }
      }
    }
    return (h, means, vars)
  }

  /// H of `x` (`batch` rows of `features`), writing each feature's mean and unbiased variance.
  static func entropy(
    _ x: UnsafePointer<Float>, batch b: Int, features d: Int, means: UnsafeMutablePointer<Double>,
    variances vars: UnsafeMutablePointer<Double>
  ) -> Double {
    precondition(b > 1, "batch entropy needs a batch of more than one, got \(b)")
    means.update(repeating: 0, count: d)
    vars.update(repeating: 0, count: d)
    for i in 0..<b { for j in 0..<d { means[j] += Double(x[i * d + j]) } }
    for j in 0..<d { means[j] /= Double(b) }
    for i in 0..<b {
      for j in 0..<d {
        let z = Double(x[i * d + j]) - means[j]
        vars[j] += z * z
      }
    }
    let pe = Double.pi * Double.exp(1)
    var h = 0.0
    for j in 0..<d {
      vars[j] /= Double(b - 1)
      h += 0.5 * Double.log(pe * vars[j] + 1)
    }
    return h / Double(d)
  }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if training && x.batch > 1 {
      LayerBuffers.claim(&buffers)
      let d = x.count / x.batch
      let stats = buffers.doubles(2 * d)
      entropy = BatchEntropyTap.entropy(x.pointer, batch: x.batch, features: d, means: stats, variances: stats + d)
      input = x
    } else {
      input = nil
    }
    return x
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard coefficient != 0, let input else { return dy }
    let b = input.batch, d = input.count / b
    let stats = buffers.doubles(2 * d)
    let means = stats, variances = stats + d
    let pe = Double.pi * Double.exp(1)
    let inputGrad = buffers[0]
    inputGrad.copy(from: dy)
    let g = inputGrad.pointer, xp = input.pointer
    for j in 0..<d {
      let k = Double(coefficient) * pe / (Double(d) * Double(b - 1) * (pe * variances[j] + 1))
      for i in 0..<b { g[i * d + j] += Float(k * (Double(xp[i * d + j]) - means[j])) }
    }
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
