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

  /// The learning rate of the next step.
  public var currentLearningRate: Float { learningRate * schedule.factor(at: step) }

  /// Applies one update to every parameter of `model` from its accumulated gradient.
  public mutating func update<L: Layer>(_ model: inout L) {
    FloatEnvironment.flushSubnormals()
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
      let count = p.value.count
      let bound = p.lowerBound
      // One write access to the values per parameter (one new `version`), through pointers.
      let grad = p.grad
      grad.data.withUnsafeBufferPointer { gp in
        first[index].withUnsafeMutableBufferPointer { fp in
          second[index].withUnsafeMutableBufferPointer { sp in
            p.value.data.withUnsafeMutableBufferPointer { vp in
              switch method {
              case .sgd(let mu, let nesterov):
                for i in 0..<count {
                  let g = gp[i] + decay * vp[i]
                  if mu == 0 {
                    vp[i] -= rate * g
                  } else {
                    let v = mu * fp[i] + g
                    fp[i] = v
                    vp[i] -= rate * (nesterov ? g + mu * v : v)
                  }
                }
              case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
                let decoupled: Bool
                if case .adamW = method { decoupled = true } else { decoupled = false }
                let c1 = 1 - Float.pow(b1, t), c2 = 1 - Float.pow(b2, t)
                for i in 0..<count {
                  let g = gp[i] + (decoupled ? 0 : decay * vp[i])
                  let m = b1 * fp[i] + (1 - b1) * g
                  let v = b2 * sp[i] + (1 - b2) * g * g
                  fp[i] = m
                  sp[i] = v
                  if decoupled { vp[i] -= rate * decay * vp[i] }
                  vp[i] -= rate * (m / c1) / ((v / c2).squareRoot() + eps)
                }
              }
              if let bound { for i in 0..<count where vp[i] < bound { vp[i] = bound } }
            }
          }
        }
      }
      index += 1
    }
  }
}

// MARK: State in checkpoints

extension Optimizer {
  /// The method's name in checkpoints: `sgd`, `adam` or `adamw`.
  public var methodName: String { Optimizer.name(of: method) }

  static func name(of method: Method) -> String {
    switch method {
    case .sgd: return "sgd"
    case .adam: return "adam"
    case .adamW: return "adamw"
    }
  }

  /// The moments as named tensors, the one scheme of every checkpoint: `optimizer.first.K` and
  /// `optimizer.second.K` for the K-th parameter in `visitParameters` order (SGD keeps its
  /// velocity in `first`). An optimizer that has taken no step has none.
  public var stateTensors: [(String, [Int], [Float])] {
    first.enumerated().map { ("\(State.prefix)first.\($0.offset)", [$0.element.count], $0.element) }
      + second.enumerated().map { ("\(State.prefix)second.\($0.offset)", [$0.element.count], $0.element) }
  }

  /// The step count and the method with its settings, as checkpoint metadata (`optimizer.step`,
  /// `optimizer.method`, `optimizer.learning_rate`, …); a restore reads the step and checks the
  /// method.
  public var stateMetadata: [String: String] {
    var m = [
      "\(State.prefix)method": methodName, "\(State.prefix)step": "\(step)",
      "\(State.prefix)learning_rate": "\(learningRate)", "\(State.prefix)weight_decay": "\(weightDecay)",
    ]
    switch method {
    case .sgd(let momentum, let nesterov):
      m["\(State.prefix)momentum"] = "\(momentum)"
      m["\(State.prefix)nesterov"] = "\(nesterov)"
    case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
      m["\(State.prefix)beta1"] = "\(b1)"
      m["\(State.prefix)beta2"] = "\(b2)"
      m["\(State.prefix)epsilon"] = "\(eps)"
    }
    return m
  }

  /// An optimizer state read from a checkpoint and checked against a model's parameters.
  struct State {
    /// The prefix of every optimizer tensor and metadata key.
    static let prefix = "optimizer."
    var step: Int
    var first: [[Float]]
    var second: [[Float]]

    init<L: Layer>(
      _ c: Checkpoint.Contents, for model: inout L, method: Method, path: String
    ) throws(NeuralError) {
      guard let stored = c.metadata[State.prefix + "method"] else {
        throw NeuralError("checkpoint \(path) has no optimizer state (checkpoints of ZeroLab 0.1 cannot be resumed)")
      }
      let wanted = Optimizer.name(of: method)
      guard stored == wanted else {
        throw NeuralError("checkpoint \(path) holds the state of \(stored), the run uses \(wanted)")
      }
      guard let s = c.metadata[State.prefix + "step"].flatMap({ Int($0) }), s >= 0 else {
        throw NeuralError("checkpoint \(path): the optimizer's step count is missing or corrupted")
      }
      var sizes: [Int] = []
      model.visitParameters { sizes.append($0.value.count) }
      var first: [[Float]] = [], second: [[Float]] = []
      while let m = c.tensors["\(State.prefix)first.\(first.count)"] {
        guard let v = c.tensors["\(State.prefix)second.\(first.count)"] else { break }
        first.append(m.data)
        second.append(v.data)
      }
      let count = c.tensors.keys.filter { $0.hasPrefix(State.prefix) }.count
      guard count == 2 * first.count, first.isEmpty || first.map(\.count) == sizes,
        second.map(\.count) == first.map(\.count)
      else {
        throw NeuralError("checkpoint \(path): the optimizer state does not match the network's parameters")
      }
      step = s
      self.first = first
      self.second = second
    }
  }

  /// Takes over a checked state.
  mutating func restore(_ s: State) {
    step = s.step
    first = s.first
    second = s.second
  }
}
