import GameCore
import RealModule

/// GradInit (Zhu et al., NeurIPS 2021; reference `zhuchen03/gradinit`): learn one positive
/// scale αᵢ per parameter tensor, `θᵢ = αᵢ·θᵢ⁰`, so that one optimizer step from the scaled
/// initialisation gives the lowest loss on a fresh batch, under a bound on the gradient norm:
///
///     minimise_α  L(S̃; θ − η·A[g]) / η   subject to  ‖g‖_p ≤ γ,  αᵢ ≥ min_scale,
///     g = ∇θ L(S; θ),  A[g] = g (SGD, p = 2) or sign(g) (the first Adam step, p = 1).
///
/// S and S̃ share half their samples (the caller's `loss` closure serves both per iteration).
/// The constraint is handled by alternation as the reference does: when ‖g‖_p > γ the step
/// on α lowers ‖g‖_p, otherwise it lowers the objective. The α updates use the reference's
/// RescaleAdam (Adam on each αᵢ with gradient clipping and the lower bound).
///
/// Second-order terms: where the reference uses double backprop, ZeroLab uses a
/// Hessian-vector product by central finite differences of the gradient,
/// `H·v ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε` with `ε = 1e-3·‖θ‖/‖v‖`:
/// - SGD objective: `∂J/∂αᵢ = ⟨vᵢ, θᵢ⁰⟩/η − ⟨(H_S·v)ᵢ, θᵢ⁰⟩`, `v = ∇L(S̃; θ')`;
/// - Adam objective: `∂J/∂αᵢ = ⟨vᵢ, θᵢ⁰⟩/η` (sign(g) is a constant; no HVP needed);
/// - constraint: `∂‖g‖₂/∂αᵢ = ⟨(H·g/‖g‖)ᵢ, θᵢ⁰⟩`, `∂‖g‖₁/∂αᵢ = ⟨(H·sign g)ᵢ, θᵢ⁰⟩`.
/// The SGD variant uses the unnormalised gradient (the reference's default without
/// `--gradinit-normalize-grad`). BatchNorm uses batch statistics throughout and its running
/// statistics are restored afterwards; tensors with zero norm (zero biases, BN β) keep their
/// zero (no scale is learned for them), but their gradients count in ‖g‖ as in the reference.
public enum GradInit {
  public enum Variant: String, Sendable, Codable {
    case sgd, adam
  }

  public struct Config: Sendable, Equatable {
    public var variant: Variant
    /// η, the step size of the simulated first step.
    public var eta: Float
    /// γ, the gradient-norm bound.
    public var gamma: Float
    /// Learning rate of the Adam on the scales.
    public var learningRate: Float
    public var iterations: Int
    /// Lower bound of weight scales (biases: 0).
    public var minScale: Float
    /// Clip of each scale's gradient (0: none).
    public var gradClip: Float

    public init(
      variant: Variant = .sgd, eta: Float = 0.1, gamma: Float = 1, learningRate: Float = 1e-2, iterations: Int = 100,
      minScale: Float = 0.01, gradClip: Float = 1
    ) {
      self.variant = variant
      self.eta = eta
      self.gamma = gamma
      self.learningRate = learningRate
      self.iterations = iterations
      self.minScale = minScale
      self.gradClip = gradClip
    }
  }

  /// What GradInit did.
  public struct Report: Sendable {
    /// Final αᵢ per parameter (in `visitParameters` order; 1 for skipped tensors).
    public var scales: [Float]
    public var names: [String]
    /// Iterations spent on the constraint and on the objective.
    public var constraintSteps: Int
    public var objectiveSteps: Int
  }

  /// Runs GradInit on `model`. `loss(model, iteration, tilde)` must run forward and backward
  /// on batch S (`tilde == false`) or S̃ (`tilde == true`) of that iteration, accumulating
  /// into the (zeroed) parameter gradients, and return the loss.
  public static func run<L: Layer>(
    _ model: inout L, config: Config, loss: (inout L, Int, Bool) -> Float
  ) -> Report {
    var buffers: [[Float]] = []
    model.visitBuffers { _, v in buffers.append(v) }
    var base: [Tensor] = []
    var names: [String] = []
    var isWeight: [Bool] = []
    model.visitParameters { p in
      base.append(p.value)
      names.append(p.name)
      isWeight.append(p.role == .weight || p.role == .normScale)
    }
    let active = base.map { $0.squaredNorm > 0 }
    var scales = RescaleAdam(
      lowerBounds: isWeight.map { $0 ? config.minScale : 0 }, active: active, learningRate: config.learningRate,
      gradClip: config.gradClip)
    var alpha: [Float] { scales.alpha }

    func setScaled(_ model: inout L, offset: [Tensor]? = nil, by factor: Float = 0) {
      var i = 0
      model.visitParameters { p in
        var t = base[i]
        t.scale(by: alpha[i])
        if let offset { t.add(offset[i], scale: factor) }
        p.value = t
        i += 1
      }
    }
    func gradients(_ model: inout L, iteration: Int, tilde: Bool) -> (Float, [Tensor]) {
      model.zeroGradients()
      let l = loss(&model, iteration, tilde)
      var g: [Tensor] = []
      model.visitParameters { g.append($0.grad) }
      return (l, g)
    }
    func dot(_ a: Tensor, _ b: Tensor) -> Float {
      var s: Float = 0
      for k in 0..<a.count { s += a.data[k] * b.data[k] }
      return s
    }
    /// H·d at the current scaled θ, by central differences of the S-batch gradient.
    func hvp(_ model: inout L, _ d: [Tensor], iteration: Int) -> [Tensor] {
      var thetaNorm: Float = 0, dNorm: Float = 0
      for i in base.indices {
        thetaNorm += base[i].squaredNorm * alpha[i] * alpha[i]
        dNorm += d[i].squaredNorm
      }
      let e = 1e-3 * thetaNorm.squareRoot() / max(dNorm.squareRoot(), 1e-12)
      setScaled(&model, offset: d, by: e)
      let (_, gp) = gradients(&model, iteration: iteration, tilde: false)
      setScaled(&model, offset: d, by: -e)
      let (_, gm) = gradients(&model, iteration: iteration, tilde: false)
      setScaled(&model)
      return zip(gp, gm).map { a, b in
        var r = a
        r.add(b, scale: -1)
        r.scale(by: 1 / (2 * e))
        return r
      }
    }

    for it in 0..<config.iterations {
      setScaled(&model)
      let (_, g) = gradients(&model, iteration: it, tilde: false)
      let gn = gradientNorm(g, variant: config.variant)
      var ga = [Float](repeating: 0, count: base.count)
      let constraint = gn > config.gamma
      if constraint {
        let d: [Tensor] = g.map { t in
          var r = t
          if config.variant == .adam {
            for k in 0..<r.count { r.data[k] = r.data[k] > 0 ? 1 : r.data[k] < 0 ? -1 : 0 }
          } else {
            r.scale(by: 1 / max(gn, 1e-12))
          }
          return r
        }
        let u = hvp(&model, d, iteration: it)
        for i in base.indices where active[i] { ga[i] = dot(u[i], base[i]) }
      } else {
        let d: [Tensor] = g.map { t in
          var r = t
          if config.variant == .adam { for k in 0..<r.count { r.data[k] = r.data[k] > 0 ? 1 : r.data[k] < 0 ? -1 : 0 } }
          return r
        }
        setScaled(&model, offset: d, by: -config.eta)
        let (_, vg) = gradients(&model, iteration: it, tilde: true)
        setScaled(&model)
        for i in base.indices where active[i] { ga[i] = dot(vg[i], base[i]) / config.eta }
        if config.variant == .sgd {
          let u = hvp(&model, vg, iteration: it)
          for i in base.indices where active[i] { ga[i] -= dot(u[i], base[i]) }
        }
      }
      scales.step(ga, constraint: constraint)
    }
    setScaled(&model)
    model.zeroGradients()
    var k = 0
    model.visitBuffers { _, b in
      b = buffers[k]
      k += 1
    }
    return Report(
      scales: scales.alpha, names: names, constraintSteps: scales.constraintSteps,
      objectiveSteps: scales.objectiveSteps)
  }

  /// The norm the constraint bounds: `‖g‖₂` (SGD) or `‖g‖₁` (Adam) over every parameter
  /// tensor's gradient, the skipped zero-norm ones (zero biases, BatchNorm β) included, as the
  /// reference sums `all_grads`.
  public static func gradientNorm(_ g: [Tensor], variant: Variant) -> Float {
    var s: Float = 0
    for t in g {
      if variant == .adam { s += t.data.reduce(0) { $0 + abs($1) } } else { s += t.squaredNorm }
    }
    return variant == .sgd ? s.squareRoot() : s
  }

  /// RescaleAdam (the reference's `gradinit_optimizers.RescaleAdam`): Adam on one scale αᵢ
  /// per tensor, from `∂J/∂αᵢ` clipped to `±gradClip`. Constraint steps and objective steps
  /// keep first moments of their own (`m_c`, `m`) and step counts of their own (the bias
  /// correction of the first moment uses the count of its kind); the second moment `v` is
  /// shared and corrected by the total count:
  ///
  ///     m_c ← β₁·m_c + (1 − β₁)·g   (constraint)    m ← β₁·m + (1 − β₁)·g   (objective)
  ///     v ← β₂·v + (1 − β₂)·g²
  ///     αᵢ ← max(αᵢ − lr/(1 − β₁ᵗ) · m̃ / (sqrt(v/(1 − β₂^(t_c + t_o))) + ε), lowerᵢ)
  ///
  /// with m̃ the moment of the step's kind and t its count; inactive (zero-norm) tensors keep
  /// α = 1 and no state.
  public struct RescaleAdam: Sendable {
    public private(set) var alpha: [Float]
    public let lowerBounds: [Float]
    public let active: [Bool]
    public var learningRate: Float
    public var gradClip: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    var objectiveMoment: [Float]
    var constraintMoment: [Float]
    var secondMoment: [Float]
    public private(set) var objectiveSteps = 0
    public private(set) var constraintSteps = 0

    public init(lowerBounds: [Float], active: [Bool], learningRate: Float, gradClip: Float) {
      precondition(lowerBounds.count == active.count, "one lower bound and one flag per scale")
      let n = active.count
      alpha = [Float](repeating: 1, count: n)
      self.lowerBounds = lowerBounds
      self.active = active
      self.learningRate = learningRate
      self.gradClip = gradClip
      objectiveMoment = [Float](repeating: 0, count: n)
      constraintMoment = objectiveMoment
      secondMoment = objectiveMoment
    }

    /// One step from `gradients[i] = ∂/∂αᵢ` of the constraint (`constraint`) or the objective.
    public mutating func step(_ gradients: [Float], constraint: Bool) {
      precondition(gradients.count == alpha.count, "one gradient per scale")
      if constraint { constraintSteps += 1 } else { objectiveSteps += 1 }
      let t = Float(constraint ? constraintSteps : objectiveSteps)
      let c1 = 1 - Float.pow(beta1, t)
      let c2 = 1 - Float.pow(beta2, Float(constraintSteps + objectiveSteps))
      for i in alpha.indices where active[i] {
        var g = gradients[i]
        if gradClip > 0 { g = min(max(g, -gradClip), gradClip) }
        let m: Float
        if constraint {
          constraintMoment[i] = beta1 * constraintMoment[i] + (1 - beta1) * g
          m = constraintMoment[i]
        } else {
          objectiveMoment[i] = beta1 * objectiveMoment[i] + (1 - beta1) * g
          m = objectiveMoment[i]
        }
        secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g
        let denominator = (secondMoment[i] / c2).squareRoot() + epsilon
        alpha[i] = max(alpha[i] - learningRate / c1 * m / denominator, lowerBounds[i])
      }
    }
  }
}
