import GameCore
import RealModule

/// Every activation ZeroLab offers, selectable by name (`--activation mish`).
///
/// Unary activations map each element; the *pair* activations (`maxout` and the logit-space
/// Boolean operators) take consecutive channels `(2i, 2i+1)` as inputs and write channel
/// `i`, so they halve the channel count (Lowe et al. 2022 group consecutive channels).
/// Formulas (x, y inputs; σ the logistic function; Φ, φ the normal cdf and pdf):
///
/// | name | f | notes |
/// |---|---|---|
/// | identity | x | |
/// | relu | max(0, x) | |
/// | leaky_relu | x if x > 0 else αx | α = 0.01 (`leaky_relu:0.2` sets it) |
/// | elu | x if x > 0 else eˣ − 1 | |
/// | selu | λ·(x if x > 0 else α(eˣ − 1)) | λ = 1.0507009873554805, α = 1.6732632423543772 |
/// | softplus | log(1 + eˣ) | |
/// | tanh, sigmoid | | |
/// | silu (swish) | x·σ(x) | |
/// | gelu | x·Φ(x) | exact erf form |
/// | mish | x·tanh(softplus(x)) | |
/// | fplus | x if x ≥ 0 else x/(1 − x) | Duan et al. 2021 (= PolyLU) |
/// | pfplus | a·b·x if x ≥ 0 else a·b·x/(1 − b·x) | learnable a, b > 0 per channel, init 1; a reconstruction (see below) |
/// | crelu | min(max(x, 0), 1) | clipped ReLU (NNUE) |
/// | screlu | crelu(x)² | squared clipped ReLU (NNUE) |
/// | maxout | max(x, y) | pair |
/// | and_ail | x + y if x < 0 and y < 0 else min(x, y) | pair, Lowe et al. AIL |
/// | or_ail | x + y if x > 0 and y > 0 else max(x, y) | pair |
/// | xnor_ail | sgn(x·y)·min(|x|, |y|) | pair |
/// | and_il | x + y − log(1 + eˣ + eʸ) | pair, exact logit-space AND |
/// | or_il | x + y + log(1 + e⁻ˣ + e⁻ʸ) | pair, exact logit-space OR |
/// | xnor_il | softplus(x + y) − logsumexp(x, y) | pair, exact logit-space XNOR |
///
/// PFPLUS: the published equation could not be checked (shared/reference/init-and-activations.md
/// §4); this is the reconstruction consistent with every published statement about it (a = b = 1
/// gives FPLUS; saturates at −a). Nish (arXiv 2210.09083) is deliberately absent: its exact
/// equation could not be found, and ZeroLab does not ship a guess under its name.
public enum ActivationKind: String, Sendable, Codable, CaseIterable {
  case identity, relu
  case leakyRelu = "leaky_relu"
  case elu, selu, softplus, tanh, sigmoid, silu, gelu, mish, fplus, pfplus, crelu, screlu, maxout
  case andAIL = "and_ail"
  case orAIL = "or_ail"
  case xnorAIL = "xnor_ail"
  case andIL = "and_il"
  case orIL = "or_il"
  case xnorIL = "xnor_il"

  /// Accepts the canonical names and `swish` for `silu`.
  public init?(name: String) {
    let n = name.lowercased()
    if n == "swish" {
      self = .silu
      return
    }
    self.init(rawValue: n)
  }

  /// Inputs per output: 2 for the pair activations, else 1.
  public var arity: Int {
    switch self {
    case .maxout, .andAIL, .orAIL, .xnorAIL, .andIL, .orIL, .xnorIL: return 2
    default: return 1
    }
  }

  /// The names a user can type, for help texts.
  public static var names: [String] { allCases.map(\.rawValue) }
}

/// A chosen activation with its settings.
public struct Activation: Sendable, Codable, Equatable, CustomStringConvertible {
  public var kind: ActivationKind
  /// Negative slope of `leaky_relu`.
  public var slope: Double

  public init(_ kind: ActivationKind, slope: Double = 0.01) {
    self.kind = kind
    self.slope = slope
  }

  /// Parses `name` or `leaky_relu:α`.
  public init(parsing text: String) throws(NeuralError) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard let first = parts.first, let kind = ActivationKind(name: first) else {
      throw NeuralError("unknown activation '\(text)' (choose one of \(ActivationKind.names.joined(separator: ", ")))")
    }
    self.init(kind)
    if parts.count == 2 {
      guard kind == .leakyRelu, let a = Double(parts[1]), a >= 0, a < 1 else {
        throw NeuralError("bad activation parameter in '\(text)' (only leaky_relu:α with 0 ≤ α < 1 takes one)")
      }
      slope = a
    }
  }

  public var description: String {
    kind == .leakyRelu && slope != 0.01 ? "leaky_relu:\(slope)" : kind.rawValue
  }

  /// f(x) for a unary activation (PFPLUS with a = b = 1).
  @inlinable public func value<T: Real & BinaryFloatingPoint>(_ x: T) -> T {
    switch kind {
    case .identity: return x
    case .relu: return x > 0 ? x : 0
    case .leakyRelu: return x > 0 ? x : T(slope) * x
    case .elu: return x > 0 ? x : T.expMinusOne(x)
    case .selu:
      return T(1.050_700_987_355_480_5) * (x > 0 ? x : T(1.673_263_242_354_377_2) * T.expMinusOne(x))
    case .softplus: return Activation.softplus(x)
    case .tanh: return T.tanh(x)
    case .sigmoid: return Activation.sigmoid(x)
    case .silu: return x * Activation.sigmoid(x)
    case .gelu: return x * (1 + T.erf(x / T.sqrt(2))) / 2
    case .mish: return x * T.tanh(Activation.softplus(x))
    case .fplus, .pfplus: return x >= 0 ? x : x / (1 - x)
    case .crelu: return min(max(x, 0), 1)
    case .screlu:
      let c = min(max(x, 0), 1)
      return c * c
    default: preconditionFailure("\(kind) takes two inputs")
    }
  }

  /// f'(x) for a unary activation (PFPLUS with a = b = 1).
  @inlinable public func derivative<T: Real & BinaryFloatingPoint>(_ x: T) -> T {
    switch kind {
    case .identity: return 1
    case .relu: return x > 0 ? 1 : 0
    case .leakyRelu: return x > 0 ? 1 : T(slope)
    case .elu: return x > 0 ? 1 : T.exp(x)
    case .selu: return T(1.050_700_987_355_480_5) * (x > 0 ? 1 : T(1.673_263_242_354_377_2) * T.exp(x))
    case .softplus: return Activation.sigmoid(x)
    case .tanh:
      let t = T.tanh(x)
      return 1 - t * t
    case .sigmoid:
      let s = Activation.sigmoid(x)
      return s * (1 - s)
    case .silu:
      let s = Activation.sigmoid(x)
      return s + x * s * (1 - s)
    case .gelu:
      let cdf = (1 + T.erf(x / T.sqrt(2))) / 2
      let pdf = T.exp(-x * x / 2) / T.sqrt(2 * T.pi)
      return cdf + x * pdf
    case .mish:
      let t = T.tanh(Activation.softplus(x))
      return t + x * Activation.sigmoid(x) * (1 - t * t)
    case .fplus, .pfplus:
      if x >= 0 { return 1 }
      let d = 1 - x
      return 1 / (d * d)
    case .crelu: return x > 0 && x < 1 ? 1 : 0
    case .screlu: return x > 0 && x < 1 ? 2 * x : 0
    default: preconditionFailure("\(kind) takes two inputs")
    }
  }

  /// f(x, y) for a pair activation.
  @inlinable public func value<T: Real & BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
    switch kind {
    case .maxout: return max(x, y)
    case .andAIL: return x < 0 && y < 0 ? x + y : min(x, y)
    case .orAIL: return x > 0 && y > 0 ? x + y : max(x, y)
    case .xnorAIL:
      let s: T = (x > 0) == (y > 0) ? 1 : -1
      return x == 0 || y == 0 ? 0 : s * min(abs(x), abs(y))
    case .andIL: return x + y - Activation.logSumExp(0, x, y)
    case .orIL: return x + y + Activation.logSumExp(0, -x, -y)
    case .xnorIL: return Activation.softplus(x + y) - Activation.logSumExp(x, y)
    default: preconditionFailure("\(kind) takes one input")
    }
  }

  /// (∂f/∂x, ∂f/∂y) for a pair activation; at ties the first input gets the gradient
  /// (the reference code's `min`/`max` index).
  @inlinable public func gradient<T: Real & BinaryFloatingPoint>(_ x: T, _ y: T) -> (T, T) {
    switch kind {
    case .maxout: return x >= y ? (1, 0) : (0, 1)
    case .andAIL:
      if x < 0 || y < 0 { return (x < 0 ? 1 : 0, y < 0 ? 1 : 0) }
      return x <= y ? (1, 0) : (0, 1)
    case .orAIL:
      if x > 0 || y > 0 { return (x > 0 ? 1 : 0, y > 0 ? 1 : 0) }
      return x >= y ? (1, 0) : (0, 1)
    case .xnorAIL:
      if x == 0 || y == 0 { return (0, 0) }
      let sx: T = x > 0 ? 1 : -1, sy: T = y > 0 ? 1 : -1
      return abs(x) <= abs(y) ? (sy, 0) : (0, sx)
    case .andIL:
      // 1 − softmax(0, x, y) at x (resp. y).
      let l = Activation.logSumExp(0, x, y)
      return (1 - T.exp(x - l), 1 - T.exp(y - l))
    case .orIL:
      let l = Activation.logSumExp(0, -x, -y)
      return (1 - T.exp(-x - l), 1 - T.exp(-y - l))
    case .xnorIL:
      let s = Activation.sigmoid(x + y)
      return (s - Activation.sigmoid(x - y), s - Activation.sigmoid(y - x))
    default: preconditionFailure("\(kind) takes one input")
    }
  }

  @inlinable static func sigmoid<T: Real & BinaryFloatingPoint>(_ x: T) -> T {
    x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x))
  }

  /// log(1 + eˣ), stable: max(x, 0) + log1p(e^−|x|).
  @inlinable static func softplus<T: Real & BinaryFloatingPoint>(_ x: T) -> T {
    max(x, 0) + T.log(onePlus: T.exp(-abs(x)))
  }

  @inlinable static func logSumExp<T: Real & BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
    let m = max(a, b)
    return m + T.log(T.exp(a - m) + T.exp(b - m))
  }

  @inlinable static func logSumExp<T: Real & BinaryFloatingPoint>(_ a: T, _ b: T, _ c: T) -> T {
    let m = max(a, max(b, c))
    return m + T.log(T.exp(a - m) + T.exp(b - m) + T.exp(c - m))
  }
}

/// An activation applied over the last axis. Pair activations halve the channel count;
/// PFPLUS owns learnable per-channel `a` and `b` (role `.scalar`, init 1, kept ≥ 1e-3).
public struct ActivationLayer: Layer {
  public var activation: Activation
  public let channels: Int
  /// PFPLUS's a and b (empty for other activations).
  public var pfA: Parameter
  public var pfB: Parameter
  /// The input of the last training forward (the previous layer's buffer).
  var input: TensorBuffer?
  /// Output, input gradient.
  var buffers = LayerBuffers(2)

  public init(_ activation: Activation, channels: Int, name: String = "act") {
    precondition(
      activation.kind.arity == 1 || channels % 2 == 0,
      "\(activation) pairs consecutive channels, so it needs an even channel count, got \(channels)")
    self.activation = activation
    self.channels = channels
    let n = activation.kind == .pfplus ? channels : 0
    pfA = Parameter(name: name + ".pfplus_a", shape: [n], role: .scalar, value: 1)
    pfB = Parameter(name: name + ".pfplus_b", shape: [n], role: .scalar, value: 1)
    pfA.lowerBound = ActivationLayer.pfplusFloor
    pfB.lowerBound = ActivationLayer.pfplusFloor
  }

  /// The least value of PFPLUS's `a` and `b`: the optimizer projects them back onto it.
  public static let pfplusFloor: Float = 1e-3

  public var label: String { "\(activation)" }
  /// Output channels per input channel.
  public var outputChannels: Int { channels / activation.kind.arity }

  public func outputShape(for input: [Int]) -> [Int] {
    var s = input
    s[s.count - 1] = outputChannels
    return s
  }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    if !(x.channels == channels) { shapeFailure("\(label) expects \(channels) channels, got input \(x.shape)") }
    LayerBuffers.claim(&buffers)
    let output = buffers[0]
    output.resize(x.shape.replacingLast(outputChannels))
    let act = activation
    let xp = x.elements, yp = output.buffer
    if act.kind.arity == 2 {
      for i in 0..<yp.count { yp[i] = act.value(xp[2 * i], xp[2 * i + 1]) }
    } else if act.kind == .pfplus {
      let c = channels
      pfA.value.data.withUnsafeBufferPointer { ap in
        pfB.value.data.withUnsafeBufferPointer { bp in
          for i in 0..<xp.count {
            let j = i % c
            let bx = bp[j] * xp[i]
            yp[i] = ap[j] * (bx >= 0 ? bx : bx / (1 - bx))
          }
        }
      }
    } else {
      switch act.kind {
      case .relu: Elementwise.relu(xp.baseAddress!, into: yp.baseAddress!, count: xp.count)
      case .identity: for i in 0..<xp.count { yp[i] = xp[i] }
      default: for i in 0..<xp.count { yp[i] = act.value(xp[i]) }
      }
    }
    if training { input = x }
    return output
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    guard let input else { shapeFailure("\(label) backward before a training forward pass") }
    if !(dy.count * activation.kind.arity == input.count && dy.channels == outputChannels) {
      shapeFailure("\(label) backward: gradient \(dy.shape) vs input \(input.shape)")
    }
    let inputGrad = buffers[1]
    inputGrad.resize(input.shape)
    let act = activation
    let c = channels
    let xp = input.elements, gp = dy.elements
    let dxp = inputGrad.buffer
    if act.kind.arity == 2 {
      for i in 0..<gp.count {
        let (a, b) = act.gradient(xp[2 * i], xp[2 * i + 1])
        dxp[2 * i] = gp[i] * a
        dxp[2 * i + 1] = gp[i] * b
      }
    } else if act.kind == .pfplus {
      pfA.value.data.withUnsafeBufferPointer { ap in
        pfB.value.data.withUnsafeBufferPointer { bp in
          pfA.grad.data.withUnsafeMutableBufferPointer { dap in
            pfB.grad.data.withUnsafeMutableBufferPointer { dbp in
              for i in 0..<xp.count {
                let j = i % c
                let x = xp[i], a = ap[j], b = bp[j], g = gp[i]
                if b * x >= 0 {
                  dxp[i] = g * a * b
                  dap[j] += g * b * x
                  dbp[j] += g * a * x
                } else {
                  let d = 1 - b * x
                  dxp[i] = g * a * b / (d * d)
                  dap[j] += g * b * x / d
                  dbp[j] += g * a * x / (d * d)
                }
              }
            }
          }
        }
      }
    } else {
      switch act.kind {
      case .relu: Elementwise.reluBackward(xp.baseAddress!, gp.baseAddress!, into: dxp.baseAddress!, count: xp.count)
      case .identity: for i in 0..<xp.count { dxp[i] = gp[i] }
      default: for i in 0..<xp.count { dxp[i] = gp[i] * act.derivative(xp[i]) }
      }
    }
    return inputGrad
  }

  /// Moments of f(x) for Gaussian x by numerical integration (pairs: two independent inputs).
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let a = activation.kind == .pfplus && pfA.value.count > 0 ? Double(pfA.value.data[0]) : 1
    let b = activation.kind == .pfplus && pfB.value.count > 0 ? Double(pfB.value.data[0]) : 1
    let m = activation.outputMoments(mean: input.mean, variance: input.variance, pfA: a, pfB: b)
    return SignalStats(
      mean: m.mean, variance: m.variance, shape: outputShape(for: [1] + input.shape).dropFirst().map { $0 })
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    if activation.kind == .pfplus {
      body(&pfA)
      body(&pfB)
    }
  }
}

/// A one-line error from the neural core (bad names, bad files, mismatched shapes in input).
public struct NeuralError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}
