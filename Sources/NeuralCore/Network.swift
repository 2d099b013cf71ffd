import Foundation
import GameCore

/// The two outputs of a policy-value network, as values.
public struct PolicyValue: Sendable {
  /// Policy logits `[N, moves]` (mask illegal moves before the softmax).
  public var policy: Tensor
  /// `[N, 1]` values in (−1, 1) (tanh head) or `[N, 3]` win/draw/loss logits.
  public var value: Tensor

  /// The value of row `row` for the side to move: the tanh head's output, or P(win) − P(loss)
  /// of a win/draw/loss head (`winMinusLoss`).
  public func value(row: Int) -> Float {
    let width = value.shape[1]
    if width == 1 { return value.data[row] }
    precondition(width == 3, "a value head gives 1 value or 3 win/draw/loss logits, not \(width)")
    return value.data.withUnsafeBufferPointer { Self.winMinusLoss($0.baseAddress! + row * 3) }
  }

  /// P(win) − P(loss) from the three win/draw/loss logits at `logits` (their softmax).
  @inlinable public static func winMinusLoss(_ logits: UnsafePointer<Float>) -> Float {
    let top = max(logits[0], logits[1], logits[2])
    let w = expf(logits[0] - top), d = expf(logits[1] - top), l = expf(logits[2] - top)
    return (w - l) / (w + d + l)
  }

  /// The softmax of the policy logits `logits[k]` for each `k` of `indices` (the legal moves'
  /// policy indices) alone, in that order; empty without legal moves.
  @inlinable public static func legalSoftmax(_ logits: UnsafePointer<Float>, indices: some Collection<Int>) -> [Float] {
    guard !indices.isEmpty else { return [] }
    var out = [Float](repeating: 0, count: indices.count)
    var top = -Float.infinity
    for (i, k) in indices.enumerated() {
      out[i] = logits[k]
      top = max(top, out[i])
    }
    var z: Float = 0
    for i in out.indices {
      out[i] = expf(out[i] - top)
      z += out[i]
    }
    for i in out.indices { out[i] /= z }
    return out
  }
}

/// The two outputs of a policy-value network in the heads' own buffers (valid until the
/// network runs again).
public struct PolicyValueBuffers: Sendable {
  /// Policy logits `[N, moves]`.
  public var policy: TensorBuffer
  /// `[N, 1]` values or `[N, 3]` win/draw/loss logits.
  public var value: TensorBuffer
}

/// What the value head outputs.
public enum ValueHead: String, Sendable, Codable {
  /// One scalar through tanh, in (−1, 1).
  case tanh
  /// Win/draw/loss logits (softmax them for probabilities).
  case wdl
}

/// The normalisation of a policy-value network's convolutions.
public enum Normalization: String, Sendable, Codable, CaseIterable {
  /// BatchNorm after every convolution.
  case batch
  /// None (see `ResidualKind` for what takes its place).
  case none
}

/// An AlphaZero-style residual policy-value network on NHWC board planes:
///
/// - trunk: 3x3 conv → BN → act, then `blocks` residual blocks of `channels` channels;
/// - policy head: 1x1 conv to 2 channels → BN → act → flatten → dense to `policySize` logits;
/// - value head: 1x1 conv to 1 channel → BN → act → flatten → dense to `valueHidden` → act →
///   dense to 1 → tanh (or dense to 3 win/draw/loss logits).
///
/// With a pair activation every layer feeding an activation doubles its outputs. Without
/// normalisation (`NetworkSpec.normalization`) each `BN` gives way to what the residual kind
/// puts in its place (RescaleNet's centring bias, Fixup's scalar bias, else the convolution's
/// own bias); `inputBatchNorm` puts a BatchNorm on the input planes, `batchEntropy` a tap after
/// every block.
public struct PolicyValueNetwork: Layer {
  public var trunk: Sequential
  public var policyHead: Sequential
  public var valueHead: Sequential
  public let spec: NetworkSpec
  /// The sum of both heads' gradients at the trunk's output.
  var buffers = LayerBuffers(1)

  public init(_ spec: NetworkSpec) {
    self.spec = spec
    let (h, w, c) = (spec.inputShape[0], spec.inputShape[1], spec.inputShape[2])
    let act = spec.activation
    let k = act.kind.arity
    let ch = spec.channels
    let kind = spec.residualKind
    let bn = spec.normalization == .batch
    /// A convolution and what follows it in place of BatchNorm: BatchNorm, RescaleNet's
    /// centring bias, Fixup's scalar bias, or the convolution's own bias.
    func convolution(_ inputs: Int, _ outputs: Int, kernel: Int, _ name: String) -> [any Layer] {
      if bn {
        return [
          Conv2D(inputs, outputs, kernel: kernel, bias: false, name: name + ".conv"),
          BatchNorm(outputs, name: name + ".bn"),
        ]
      }
      switch kind {
      case .rescale:
        return [
          Conv2D(inputs, outputs, kernel: kernel, bias: false, name: name + ".conv"),
          CenteringBias(outputs, name: name + ".centre"),
        ]
      case .fixup:
        return [
          Conv2D(inputs, outputs, kernel: kernel, bias: false, name: name + ".conv"), ScalarBias(name: name + ".bias"),
        ]
      default:
        return [Conv2D(inputs, outputs, kernel: kernel, bias: true, name: name + ".conv")]
      }
    }
    var trunkLayers: [any Layer] = []
    if spec.inputBatchNorm { trunkLayers.append(BatchNorm(c, name: "input.bn")) }
    trunkLayers += convolution(c, ch * k, kernel: 3, "stem")
    trunkLayers.append(ActivationLayer(act, channels: ch * k, name: "stem.act"))
    for b in 0..<spec.blocks {
      trunkLayers.append(
        ResidualBlock(
          channels: ch, activation: spec.blockActivations?[b] ?? act, squeezeExcitation: spec.squeezeExcitation,
          kind: kind, batchNorm: bn,
          index: b, count: spec.blocks, name: "block\(b)"))
      if spec.batchEntropy { trunkLayers.append(BatchEntropyTap(name: "lbe\(b)")) }
    }
    trunk = Sequential(trunkLayers)
    let pc = spec.policyChannels ?? 2
    policyHead = Sequential(
      convolution(ch, pc * k, kernel: 1, "policy") + [
        ActivationLayer(act, channels: pc * k, name: "policy.act"),
        Flatten(),
        Dense(pc * h * w, spec.policySize, name: "policy.dense"),
      ])
    var value: [any Layer] =
      convolution(ch, 1 * k, kernel: 1, "value") + [
        ActivationLayer(act, channels: 1 * k, name: "value.act"),
        Flatten(),
        Dense(h * w, spec.valueHidden * k, name: "value.dense1"),
        ActivationLayer(act, channels: spec.valueHidden * k, name: "value.act2"),
      ]
    switch spec.valueHead {
    case .tanh:
      value.append(Dense(spec.valueHidden, 1, name: "value.dense2"))
      value.append(ActivationLayer(Activation(.tanh), channels: 1, name: "value.tanh"))
    case .wdl:
      value.append(Dense(spec.valueHidden, 3, name: "value.dense2"))
    }
    valueHead = Sequential(value)
  }

  public var label: String { "policy_value(\(spec.blocks)x\(spec.channels), \(spec.activation))" }

  public func outputShape(for input: [Int]) -> [Int] { [input[0], spec.policySize] }

  /// Runs the network on `x` (`[N] + spec.inputShape`); returns both heads in their own
  /// buffers. In training, `x` must stay unchanged until `backward`.
  public mutating func evaluate(_ x: TensorBuffer, training: Bool) -> PolicyValueBuffers {
    FloatEnvironment.flushSubnormals()
    let r = spec.inputShape.count
    var fits = x.rank == r + 1
    var i = 0
    while fits && i < r {
      fits = x.shape[i + 1] == spec.inputShape[i]
      i += 1
    }
    if !fits { shapeFailure("network expects [N, \(spec.inputShape)], got \(x.shape)") }
    let t = trunk.forward(x, training: training)
    return PolicyValueBuffers(
      policy: policyHead.forward(t, training: training), value: valueHead.forward(t, training: training))
  }

  /// Runs the network on a copy of `x`; returns copies of both heads.
  public mutating func evaluate(_ x: Tensor, training: Bool) -> PolicyValue {
    let out = evaluate(TensorBuffer(x), training: training)
    return PolicyValue(policy: out.policy.tensor, value: out.value.tensor)
  }

  /// Backward through both heads and the trunk; returns the input gradient.
  @discardableResult
  public mutating func backward(policy dp: TensorBuffer, value dv: TensorBuffer) -> TensorBuffer {
    FloatEnvironment.flushSubnormals()
    LayerBuffers.claim(&buffers)
    let gp = policyHead.backward(dp)
    let gv = valueHead.backward(dv)
    TensorBuffer.checkSameShape(gp, gv, "the heads' gradients")
    let headGrad = buffers[0]
    headGrad.resize(gp.shape)
    let a = gp.pointer, b = gv.pointer, y = headGrad.pointer
    for i in 0..<headGrad.count { y[i] = a[i] + b[i] }
    return trunk.backward(headGrad)
  }

  /// `backward` on copies of the heads' gradients; returns a copy of the input gradient.
  @discardableResult
  public mutating func backward(policy dp: Tensor, value dv: Tensor) -> Tensor {
    backward(policy: TensorBuffer(dp), value: TensorBuffer(dv)).tensor
  }

  /// The policy logits (the `Layer` view of the network; the value head is ignored).
  public mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    evaluate(x, training: training).policy
  }

  public mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    let g = policyHead.backward(dy)
    if g.shape != Shape([dy.batch] + spec.inputShape.dropLast() + [spec.channels]) {
      shapeFailure("policy head gradient \(g.shape) does not match the trunk")
    }
    return trunk.backward(g)
  }

  public mutating func visitParameters(_ body: (inout Parameter) -> Void) {
    trunk.visitParameters(body)
    policyHead.visitParameters(body)
    valueHead.visitParameters(body)
  }

  public mutating func visitLayers(_ body: (inout any Layer) -> Void) {
    trunk.visitLayers(body)
    policyHead.visitLayers(body)
    valueHead.visitLayers(body)
  }

  /// The trunk, then each head from the trunk's output statistics.
  public mutating func autoInit(_ input: SignalStats, rng: inout Xoshiro256) -> SignalStats {
    let t = trunk.autoInit(input, rng: &rng)
    _ = valueHead.autoInit(t, rng: &rng)
    return policyHead.autoInit(t, rng: &rng)
  }

  public mutating func visitBuffers(_ body: (String, inout [Float]) -> Void) {
    trunk.visitBuffers(body)
    policyHead.visitBuffers(body)
    valueHead.visitBuffers(body)
  }
}

/// A small declarative description of a network, saved with its weights.
public struct NetworkSpec: Sendable, Codable, Equatable {
  /// `mlp` (dense layers) or `policy_value` (the residual two-headed network).
  public var kind: String
  /// Per-item input shape: `[features]` for an MLP, `[H, W, C]` for board planes.
  public var inputShape: [Int]
  /// MLP: hidden layers and their width, and the output width.
  public var depth: Int
  public var width: Int
  public var outputs: Int
  /// Policy-value: residual blocks and their channels.
  public var blocks: Int
  public var channels: Int
  public var policySize: Int
  public var valueHead: ValueHead
  public var valueHidden: Int
  /// Squeeze-excitation ratio in every residual block, or `nil`.
  public var squeezeExcitation: Int?
  /// Policy-value: each residual block's activation (`blocks` of them: a trunk in stages), or
  /// `nil`: every block takes `activation`. The stem and the heads take `activation`.
  public var blockActivations: [Activation]? = nil
  /// Policy-value: the output channels of the policy head's 1x1 convolution (`nil`: 2).
  public var policyChannels: Int? = nil
  /// Policy-value: how each residual block joins its branch (a `ResidualKind` name: none,
  /// plain, rescale, rezero, skipinit, fixup).
  public var residual: String
  public var activation: Activation
  /// MLP only: a BatchNorm after every hidden dense layer.
  public var batchNorm: Bool
  /// A batch-entropy tap (for the LBE regulariser) after every hidden activation of an MLP,
  /// after every residual block of a policy-value network.
  public var batchEntropy: Bool = false
  /// Policy-value: BatchNorm after every convolution, or none (see `ResidualKind` for what
  /// takes its place).
  public var normalization: Normalization = .batch
  /// Policy-value: a BatchNorm on the input planes (the revisited BatchNorm init's input
  /// normalisation: β frozen at 0, γ starting at 0.58 times the other BatchNorms' γ).
  public var inputBatchNorm: Bool = false
  /// How the weights were initialised (informational; saved with the checkpoint).
  public var initialization: String

  public init(
    kind: String, inputShape: [Int], depth: Int = 0, width: Int = 0, outputs: Int = 0, blocks: Int = 0,
    channels: Int = 0, policySize: Int = 0, valueHead: ValueHead = .tanh, valueHidden: Int = 64,
    squeezeExcitation: Int? = nil, residual: String = "plain", activation: Activation = Activation(.relu),
    batchNorm: Bool = false, initialization: String = "he_normal"
  ) {
    self.kind = kind
    self.inputShape = inputShape
    self.depth = depth
    self.width = width
    self.outputs = outputs
    self.blocks = blocks
    self.channels = channels
    self.policySize = policySize
    self.valueHead = valueHead
    self.valueHidden = valueHidden
    self.squeezeExcitation = squeezeExcitation
    self.residual = residual
    self.activation = activation
    self.batchNorm = batchNorm
    self.initialization = initialization
  }

  /// A multilayer perceptron: `depth` hidden dense layers of `width` units, each followed
  /// by the activation, then a dense output layer.
  public static func mlp(
    inputs: Int, depth: Int, width: Int, outputs: Int, activation: Activation, batchNorm: Bool = false
  ) -> NetworkSpec {
    NetworkSpec(
      kind: "mlp", inputShape: [inputs], depth: depth, width: width, outputs: outputs, activation: activation,
      batchNorm: batchNorm)
  }

  /// The residual policy-value network.
  public static func policyValue(
    height: Int, width: Int, planes: Int, blocks: Int, channels: Int, policySize: Int, activation: Activation,
    valueHead: ValueHead = .tanh, valueHidden: Int = 64, squeezeExcitation: Int? = nil, residual: String = "plain"
  ) -> NetworkSpec {
    NetworkSpec(
      kind: "policy_value", inputShape: [height, width, planes], blocks: blocks, channels: channels,
      policySize: policySize, valueHead: valueHead, valueHidden: valueHidden, squeezeExcitation: squeezeExcitation,
      residual: residual, activation: activation)
  }

  /// The residual kind (`plain` for a name `validate` refuses).
  public var residualKind: ResidualKind { ResidualKind(rawValue: residual) ?? .plain }

  /// Builds the MLP (kind `mlp`) as a `Sequential`.
  public func buildMLP() -> Sequential {
    precondition(kind == "mlp", "not an MLP spec: \(kind)")
    let k = activation.kind.arity
    var layers: [any Layer] = []
    var inputs = inputShape.reduce(1, *)
    for i in 0..<depth {
      layers.append(Dense(inputs, width * k, name: "dense\(i)"))
      if batchNorm { layers.append(BatchNorm(width * k, name: "bn\(i)")) }
      layers.append(ActivationLayer(activation, channels: width * k, name: "act\(i)"))
      if batchEntropy { layers.append(BatchEntropyTap(name: "lbe\(i)")) }
      inputs = width
    }
    layers.append(Dense(inputs, outputs, name: "out"))
    return Sequential(layers)
  }

  /// Checks that the spec describes a network that can be built.
  public func validate() throws(NeuralError) {
    switch kind {
    case "mlp":
      guard depth >= 0, width > 0 || depth == 0, outputs > 0, inputShape.count == 1, inputShape[0] > 0 else {
        throw NeuralError("bad mlp spec: depth \(depth), width \(width), outputs \(outputs), input \(inputShape)")
      }
    case "policy_value":
      guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }), blocks >= 0, channels > 0, policySize > 0,
        valueHidden > 0
      else {
        throw NeuralError(
          "bad policy_value spec: input \(inputShape), \(blocks) blocks of \(channels), policy \(policySize)")
      }
      guard let kind = ResidualKind(rawValue: residual) else {
        let names = ResidualKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw NeuralError("unknown residual kind '\(residual)' (\(names))")
      }
      if kind.isNormalisationFree && normalization == .batch {
        throw NeuralError("residual kind \(residual) replaces normalisation: use it with normalization none")
      }
      if let acts = blockActivations, acts.count != blocks {
        throw NeuralError("\(acts.count) block activations for \(blocks) blocks")
      }
      let pairs = ([activation] + (blockActivations ?? [])).contains { $0.kind.arity > 1 }
      if pairs && kind == .skipinit && channels % 2 != 0 {
        throw NeuralError("skipinit with a pair activation needs an even channel count, got \(channels)")
      }
      if let pc = policyChannels, pc < 1 { throw NeuralError("policy head channels must be positive, got \(pc)") }
      if let r = squeezeExcitation, r < 1 || r > channels {
        throw NeuralError("squeeze-excitation ratio must be 1...\(channels), got \(r)")
      }
    default:
      throw NeuralError("unknown network kind '\(kind)' (mlp or policy_value)")
    }
  }
}

extension PolicyValueNetwork {
  /// A copy with working buffers of its own: the same parameters and normalisation
  /// statistics, nothing shared, so both can be evaluated in turn (a plain copy shares its
  /// scratch buffers and its transformed-weight caches with the original), and training one
  /// leaves the other as it was.
  public mutating func detachedCopy() -> PolicyValueNetwork {
    var copy = PolicyValueNetwork(spec)
    var values: [Tensor] = []
    visitParameters { values.append($0.value) }
    var i = 0
    copy.visitParameters {
      $0.value = values[i]
      i += 1
    }
    var statistics: [[Float]] = []
    visitBuffers { _, b in statistics.append(b) }
    var j = 0
    copy.visitBuffers { _, b in
      b = statistics[j]
      j += 1
    }
    return copy
  }
}

extension NetworkSpec {
  enum CodingKeys: String, CodingKey {
    case kind, inputShape, depth, width, outputs, blocks, channels, policySize, valueHead, valueHidden
    case squeezeExcitation, blockActivations, policyChannels, residual, activation, batchNorm, batchEntropy
    case normalization, inputBatchNorm, initialization
  }

  /// Decodes a spec; the fields newer than the first saved networks default to what those
  /// networks were (no taps, batch normalisation, no input BatchNorm).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    kind = try c.decode(String.self, forKey: .kind)
    inputShape = try c.decode([Int].self, forKey: .inputShape)
    depth = try c.decode(Int.self, forKey: .depth)
    width = try c.decode(Int.self, forKey: .width)
    outputs = try c.decode(Int.self, forKey: .outputs)
    blocks = try c.decode(Int.self, forKey: .blocks)
    channels = try c.decode(Int.self, forKey: .channels)
    policySize = try c.decode(Int.self, forKey: .policySize)
    valueHead = try c.decode(ValueHead.self, forKey: .valueHead)
    valueHidden = try c.decode(Int.self, forKey: .valueHidden)
    squeezeExcitation = try c.decodeIfPresent(Int.self, forKey: .squeezeExcitation)
    blockActivations = try c.decodeIfPresent([Activation].self, forKey: .blockActivations)
    policyChannels = try c.decodeIfPresent(Int.self, forKey: .policyChannels)
    residual = try c.decode(String.self, forKey: .residual)
    activation = try c.decode(Activation.self, forKey: .activation)
    batchNorm = try c.decode(Bool.self, forKey: .batchNorm)
    batchEntropy = try c.decodeIfPresent(Bool.self, forKey: .batchEntropy) ?? false
    normalization = try c.decodeIfPresent(Normalization.self, forKey: .normalization) ?? .batch
    inputBatchNorm = try c.decodeIfPresent(Bool.self, forKey: .inputBatchNorm) ?? false
    initialization = try c.decode(String.self, forKey: .initialization)
  }
}
