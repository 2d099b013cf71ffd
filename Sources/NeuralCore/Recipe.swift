import GameCore

/// How a network is built and started beyond its size, initializer and activation: the knobs
/// of the initialisation and activation study, the same in every training command and saved
/// with the run.
///
/// | knob | values | what it does |
/// |---|---|---|
/// | `gradInitSteps`, `gradInitLearningRate` | 0 (off) or N; the scales' Adam rate | `GradInit` on the first training batches, before the first step |
/// | `bnInit` | `standard`, `revisited`, `revisited:G` | BatchNorm γ = 1, or γ = G (0.1) learning at lr/100 with an input BatchNorm (Davis & Frank 2022) |
/// | `residual` | a `ResidualKind` | how blocks join their branch |
/// | `normalization` | `batch`, `none` | BatchNorm after each convolution or not |
/// | `paRewire` | on/off | preferential-attachment rewiring of every weight after the draw |
/// | `batchEntropyWeight`, `batchEntropyAlpha` | β (0: off), α | the layerwise batch-entropy regulariser, taps after every block |
///
/// The batch-entropy targets start at α and never go below `min(0.2, α)` (the reference's
/// α_min is 0.2 for its default α = 0.5).
public struct NetworkRecipe: Codable, Sendable, Equatable {
  public var gradInitSteps: Int = 0
  public var gradInitLearningRate: Float = 1e-2
  public var bnInit: String = "standard"
  public var residual: String = "plain"
  public var normalization: String = "batch"
  public var paRewire: Bool = false
  public var batchEntropyWeight: Float = 0
  public var batchEntropyAlpha: Float = 0.5

  public init() {}

  /// The revisited BatchNorm γ, or nil for the standard init.
  public func revisitedGamma() throws(NeuralError) -> Float? {
    if bnInit == "standard" { return nil }
    if bnInit == "revisited" { return 0.1 }
    if bnInit.hasPrefix("revisited:"), let g = Float(bnInit.dropFirst("revisited:".count)), g > 0, g <= 1 {
      return g
    }
    throw NeuralError("unknown BatchNorm init '\(bnInit)' (standard, revisited or revisited:G with 0 < G <= 1)")
  }

  /// The first setting that cannot work, as an error.
  public func validate() throws(NeuralError) {
    guard gradInitSteps >= 0, gradInitLearningRate > 0, gradInitLearningRate.isFinite else {
      throw NeuralError("GradInit needs steps >= 0 and a positive learning rate")
    }
    _ = try revisitedGamma()
    guard let kind = ResidualKind(rawValue: residual) else {
      let names = ResidualKind.allCases.map(\.rawValue).joined(separator: ", ")
      throw NeuralError("unknown residual kind '\(residual)' (\(names))")
    }
    guard let norm = Normalization(rawValue: normalization) else {
      throw NeuralError("unknown normalization '\(normalization)' (batch or none)")
    }
    if kind.isNormalisationFree && norm == .batch {
      throw NeuralError("residual kind \(residual) replaces normalisation: use it with normalization none")
    }
    if bnInit != "standard" && norm == .none {
      throw NeuralError("a BatchNorm init needs BatchNorm: normalization none has none")
    }
    guard batchEntropyWeight >= 0, batchEntropyWeight.isFinite, batchEntropyAlpha > 0, batchEntropyAlpha.isFinite
    else { throw NeuralError("batch entropy needs a weight >= 0 and an α > 0") }
  }

  /// Whether every knob is at its default (the network is what it was before the study's
  /// options existed).
  public var isDefault: Bool { self == NetworkRecipe() }

  /// Sets the policy-value spec's residual kind, normalisation, input BatchNorm and taps.
  public func apply(to spec: inout NetworkSpec) throws(NeuralError) {
    try validate()
    spec.residual = residual
    spec.normalization = Normalization(rawValue: normalization) ?? .batch
    spec.inputBatchNorm = try revisitedGamma() != nil
    spec.batchEntropy = batchEntropyWeight > 0
  }

  /// The initialisation options for `initializer`.
  public func initOptions(_ initializer: Initializer) throws(NeuralError) -> InitOptions {
    InitOptions(initializer, revisitedBatchNorm: try revisitedGamma(), paRewire: paRewire)
  }

  /// The batch-entropy regulariser, or nil when off.
  public var batchEntropy: LayerwiseBatchEntropy? {
    batchEntropyWeight > 0
      ? LayerwiseBatchEntropy(beta: batchEntropyWeight, alphaMin: min(0.2, batchEntropyAlpha)) : nil
  }

  /// GradInit's settings (the reference's defaults otherwise), or nil when off.
  public var gradInit: GradInit.Config? {
    gradInitSteps > 0 ? GradInit.Config(learningRate: gradInitLearningRate, iterations: gradInitSteps) : nil
  }

  /// Sets every batch-entropy tap's target to α (after `initialize`).
  public func prepare<L: Layer>(_ model: inout L) {
    guard batchEntropyWeight > 0 else { return }
    let alpha = batchEntropyAlpha
    model.visitLayers { layer in
      guard var tap = layer as? BatchEntropyTap else { return }
      tap.target.value.fill(alpha)
      layer = tap
    }
  }

  /// A short description of what differs from the defaults, e.g. `fixup, no norm, gradinit 50`
  /// (empty when nothing does).
  public var summary: String {
    var parts: [String] = []
    if residual != "plain" { parts.append(residual) }
    if normalization != "batch" { parts.append("no norm") }
    if bnInit != "standard" { parts.append("bn " + bnInit) }
    if gradInitSteps > 0 { parts.append("gradinit \(gradInitSteps)") }
    if paRewire { parts.append("pa rewire") }
    if batchEntropyWeight > 0 { parts.append("lbe \(batchEntropyWeight)/\(batchEntropyAlpha)") }
    return parts.joined(separator: ", ")
  }
}
