import RealModule

/// A learning-rate schedule: the rate for a step number (0-based).
public enum Schedule: Sendable, Codable, Equatable {
  /// The same rate throughout.
  case constant
  /// Multiply by `factor` every `every` steps.
  case step(every: Int, factor: Float)
  /// Cosine decay from the base rate to `floor·base` over `steps` steps:
  /// `lr = base·(floor + (1 − floor)·(1 + cos(π·t/steps))/2)`.
  case cosine(steps: Int, floor: Float)
  /// Linear warm-up from 0 over `steps` steps, then `then`.
  indirect case warmup(steps: Int, then: Schedule)

  /// The factor applied to the base rate at `step`.
  public func factor(at step: Int) -> Float {
    switch self {
    case .constant: return 1
    case .step(let every, let f): return Float.pow(f, Float(step / max(every, 1)))
    case .cosine(let steps, let floor):
      let t = min(Float(step) / Float(max(steps, 1)), 1)
      return floor + (1 - floor) * (1 + Float.cos(.pi * t)) / 2
    case .warmup(let steps, let then):
      if step < steps { return Float(step + 1) / Float(steps) }
      return then.factor(at: step - steps)
    }
  }
}

/// Optimizers: SGD (momentum, Nesterov), Adam, AdamW. One state slot per parameter, in
/// the fixed order `visitParameters` gives.
public struct Optimizer: Sendable {
  public enum Method: Sendable, Equatable {
    /// `v ← μv + g; w ← w − lr·(g + μv)` (Nesterov) or `w ← w − lr·v`.
    case sgd(momentum: Float, nesterov: Bool)
    /// Kingma & Ba: `m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
    /// w ← w − lr·m̂/(sqrt(v̂) + ε)` with bias-corrected m̂, v̂. Weight decay, if any, is
    /// added to the gradient (L2).
    case adam(beta1: Float, beta2: Float, epsilon: Float)
    /// Loshchilov & Hutter: Adam with decoupled weight decay `w ← w − lr·λ·w`.
    case adamW(beta1: Float, beta2: Float, epsilon: Float)
  }

  public var method: Method
  public var learningRate: Float
  public var weightDecay: Float
  public var schedule: Schedule
  /// Steps taken.
  public private(set) var step = 0
  var first: [[Float]] = []
  var second: [[Float]] = []

  public init(_ method: Method, learningRate: Float, weightDecay: Float = 0, schedule: Schedule = .constant) {
    precondition(learningRate > 0, "learning rate must be positive")
    precondition(weightDecay >= 0, "weight decay must be non-negative")
    self.method = method
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.schedule = schedule
  }

  /// SGD with optional momentum.
  public static func sgd(_ lr: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) -> Optimizer
  {
    Optimizer(.sgd(momentum: momentum, nesterov: nesterov), learningRate: lr, weightDecay: weightDecay)
  }
  /// Adam with the usual defaults.
  public static func adam(
    _ lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0
  ) -> Optimizer {
    Optimizer(.adam(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: lr, weightDecay: weightDecay)
  }
  /// AdamW with the usual defaults.
  public static func adamW(
    _ lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 1e-2
  ) -> Optimizer {
    Optimizer(.adamW(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: lr, weightDecay: weightDecay)
  }

  /// The optimizer's moments and step count, for checkpoints (restore with the same model).
  public var state: (step: Int, first: [[Float]], second: [[Float]]) {
    get { (step, first, second) }
    set {
      step = newValue.step
      first = newValue.first
      second = newValue.second
    }
  }

  /// The learning rate of the next step.
  public var currentLearningRate: Float { learningRate * schedule.factor(at: step) }

  /// Applies one update to every parameter of `model` from its accumulated gradient.
  public mutating func update<L: Layer>(_ model: inout L) {
    let lr = currentLearningRate
    step += 1
    var index = 0
    let t = Float(step)
    model.visitParameters { p in
      if first.count <= index {
        first.append([Float](repeating: 0, count: p.value.count))
        second.append([Float](repeating: 0, count: p.value.count))
      }
      precondition(first[index].count == p.value.count, "optimizer state does not match parameter \(p.name)")
      let rate = lr * p.learningRateScale
      let decay = p.decays ? weightDecay : 0
      switch method {
      case .sgd(let mu, let nesterov):
        for i in 0..<p.value.count {
          let g = p.grad.data[i] + decay * p.value.data[i]
          if mu == 0 {
            p.value.data[i] -= rate * g
          } else {
            let v = mu * first[index][i] + g
            first[index][i] = v
            p.value.data[i] -= rate * (nesterov ? g + mu * v : v)
          }
        }
      case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
        let decoupled: Bool
        if case .adamW = method { decoupled = true } else { decoupled = false }
        let c1 = 1 - Float.pow(b1, t), c2 = 1 - Float.pow(b2, t)
        for i in 0..<p.value.count {
          let g = p.grad.data[i] + (decoupled ? 0 : decay * p.value.data[i])
          let m = b1 * first[index][i] + (1 - b1) * g
          let v = b2 * second[index][i] + (1 - b2) * g * g
          first[index][i] = m
          second[index][i] = v
          if decoupled { p.value.data[i] -= rate * decay * p.value.data[i] }
          p.value.data[i] -= rate * (m / c1) / ((v / c2).squareRoot() + eps)
        }
      }
      index += 1
    }
  }
}
