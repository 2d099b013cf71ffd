import GameCore
import Synchronization

/// What a parameter tensor is, so initializers and optimizers can treat each kind right.
public enum ParameterRole: String, Sendable, Codable {
  /// A dense or convolution weight matrix.
  case weight
  /// An additive bias.
  case bias
  /// BatchNorm's scale γ.
  case normScale
  /// BatchNorm's shift β.
  case normShift
  /// A learnable scalar or per-channel factor (residual scales, PFPLUS parameters, targets).
  case scalar
}

/// A learnable tensor with its gradient and how the optimizer should treat it.
public struct Parameter: Sendable {
  /// A dotted path unique in the network, e.g. `block2.conv1.weight` (checkpoint key).
  public var name: String
  /// The values. Every change gives the parameter a new `version`.
  public var value: Tensor { didSet { version = Parameter.nextVersion() } }
  /// A number no other parameter value has had: layers that keep a transformed copy of a
  /// weight (the Winograd transform of a convolution kernel) know from it whether the copy is
  /// current.
  public private(set) var version: UInt64
  /// Accumulated gradient of the loss (same shape as `value`).
  public var grad: Tensor
  public var role: ParameterRole
  /// Inputs feeding each output unit (for initializers); 0 when not meaningful.
  public var fanIn: Int
  /// Outputs fed by each input unit; 0 when not meaningful.
  public var fanOut: Int
  /// Multiplies the learning rate (revisited BatchNorm init gives γ `1/100`).
  public var learningRateScale: Float = 1
  /// Whether weight decay applies (weights only, by default).
  public var decays: Bool
  /// The smallest value the optimizer leaves in the tensor (a projection after each step),
  /// or `nil`: PFPLUS's `a` and `b` must stay positive.
  public var lowerBound: Float?

  public init(name: String, shape: [Int], role: ParameterRole, fanIn: Int = 0, fanOut: Int = 0, value: Float = 0) {
    self.name = name
    self.value = Tensor(shape: shape, repeating: value)
    version = Parameter.nextVersion()
    grad = Tensor(shape: shape)
    self.role = role
    self.fanIn = fanIn
    self.fanOut = fanOut
    decays = role == .weight
  }
}

extension Parameter {
  private static let versions = Atomic<UInt64>(0)
  static func nextVersion() -> UInt64 { versions.add(1, ordering: .relaxed).newValue }
}

/// A differentiable layer with a hand-written backward pass.
///
/// `forward(_:training:)` caches what `backward(_:)` needs inside the layer; `backward` takes
/// the gradient of the loss with respect to the last output, *adds* parameter gradients into
/// each `Parameter.grad` and returns the gradient with respect to the last input.
///
/// Both run on `TensorBuffer`s that the layer owns (`LayerBuffers`): sized by the first batch
/// and written in place after, so a training step or an inference pass at a fixed batch size
/// allocates nothing. What they return belongs to the layer and is valid until it runs again;
/// the input of a training forward must stay unchanged until the backward pass. The `Tensor`
/// overloads in the extension copy in and out (value semantics, an allocation per call).
public protocol Layer: Sendable {
  /// A short description, e.g. `dense(64→10)`.
  var label: String { get }
  /// The output shape for an input shape (batch first).
  func outputShape(for input: [Int]) -> [Int]
  /// Runs the layer; in training mode it keeps what the backward pass needs.
  mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer
  /// The gradient with respect to the input of the last training forward.
  mutating func backward(_ dy: TensorBuffer) -> TensorBuffer
  /// Visits every parameter in a fixed order.
  mutating func visitParameters(_ body: (inout Parameter) -> Void)
  /// Visits every nested layer (itself included) in a fixed order, e.g. for statistics.
  mutating func visitLayers(_ body: (inout any Layer) -> Void)
  /// Gives every parameter name the prefix `prefix.`.
  mutating func setNamePrefix(_ prefix: String)
  /// Visits state that is saved but not learned by gradient (BatchNorm running statistics).
  mutating func visitBuffers(_ body: (String, inout [Float]) -> Void)
  /// AutoInit: sets this layer's weights from the statistics of its input signal and returns
  /// the statistics of its output (see `AutoInit`). Parameterless layers only map the moments.
  mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats
  /// Inference through this layer and the `BatchNorm` after it (and a ReLU after that when
  /// `relu`) in one pass, or nil when the layer cannot fold them (the default).
  mutating func inferenceFolding(_ x: TensorBuffer, _ norm: BatchNorm, relu: Bool) -> TensorBuffer?
}

extension Layer {
  /// `forward` on a copy of `x`, returning a copy of the output (for tests and one-off calls).
  public mutating func forward(_ x: Tensor, training: Bool) -> Tensor {
    forward(TensorBuffer(x), training: training).tensor
  }
  /// `backward` on a copy of `dy`, returning a copy of the input gradient.
  public mutating func backward(_ dy: Tensor) -> Tensor { backward(TensorBuffer(dy)).tensor }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {}
  public mutating func setNamePrefix(_ prefix: String) {
    visitParameters { p in p.name = prefix + "." + p.name }
  }
  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {}
  public mutating func inferenceFolding(_ x: TensorBuffer, _ norm: BatchNorm, relu: Bool) -> TensorBuffer? { nil }
  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    var me: any Layer = self
    body(&me)
    self = me as! Self
  }
  /// Sets every parameter gradient to zero.
  public mutating func zeroGradients() { visitParameters { $0.grad.fill(0) } }
  /// Number of learnable scalars.
  public mutating func parameterCount() -> Int {
    var n = 0
    visitParameters { n += $0.value.count }
    return n
  }
}

/// Layers applied one after another.
public struct Sequential: Layer {
  public var layers: [any Layer]
  public init(_ layers: [any Layer]) { self.layers = layers }

  public var label: String { "sequential(" + layers.map(\.label).joined(separator: ", ") + ")" }

  public func outputShape(for input: [Int]) -> [Int] {
    layers.reduce(input) { $1.outputShape(for: $0) }
  }

  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    FloatEnvironment.flushSubnormals()
    var y = x
    if training {
      for i in layers.indices { y = layers[i].forward(y, training: true) }
      return y
    }
    // Inference folds each BatchNorm (and a ReLU after it) into the layer before it when that
    // layer can (a Winograd convolution): one pass over the activations instead of three.
    var i = 0
    while i < layers.count {
      if i + 1 < layers.count, let norm = layers[i + 1] as? BatchNorm {
        let relu = i + 2 < layers.count && (layers[i + 2] as? ActivationLayer)?.activation.kind == .relu
        if let folded = layers[i].inferenceFolding(y, norm, relu: relu) {
          y = folded
          i += relu ? 3 : 2
          continue
        }
      }
      y = layers[i].forward(y, training: false)
      i += 1
    }
    return y
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    FloatEnvironment.flushSubnormals()
    var g = dy
    for i in layers.indices.reversed() { g = layers[i].backward(g) }
    return g
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    for i in layers.indices { layers[i].visitParameters(body) }
  }

  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    for i in layers.indices { layers[i].visitLayers(body) }
  }

  public mutating func setNamePrefix(_ prefix: String) {
    for i in layers.indices { layers[i].setNamePrefix(prefix) }
  }

  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    var s = input
    for i in layers.indices { s = layers[i].autoInit(s, rng: &rng) }
    return s
  }

  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {
    for i in layers.indices { layers[i].visitBuffers(body) }
  }
}

extension Layer {
  /// Parameterless layers map moments by shape alone unless they say otherwise.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    SignalStats(
      mean: input.mean, variance: input.variance, shape: outputShape(for: [1] + input.shape).dropFirst().map { $0 })
  }
}
