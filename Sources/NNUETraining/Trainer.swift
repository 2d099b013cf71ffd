import Foundation
import GameCore
import LabKit
import NNUE
import NeuralCore

/// Training settings (`zerolab nnue train`), saved in the run folder.
public struct TrainSettings: Codable, Sendable, Equatable {
  public var spec: NNUESpec
  public var epochs: Int
  public var batchSize = 4096
  public var learningRate: Float = 1e-3
  /// Cosine decay to `learningRate·lrFloor` over the run.
  public var lrFloor: Float = 0.05
  /// Weight of the search score in the target (nnue-pytorch's λ; `1 − λ` on the game result).
  /// 1 by default: on ZeroLab's self-play data (random openings, equal engines) the game
  /// results are mostly noise, and at a million positions λ = 0.7 cost about 390 Elo against
  /// λ = 1 (docs/experiments/nnue-training.md).
  public var lambda: Float = 1
  /// The sigmoid scale K in centipawns.
  public var sigmoidScale: Float = 400
  /// Any of the core's initialisers (`autoinit`, `he_normal`, `glorot_uniform`, …).
  public var initializer: String = "autoinit"
  public var weightDecay: Float = 0
  /// Fraction of the positions held out for validation.
  public var validationFraction: Double = 0.05
  public var seed: UInt64
  public var threads = 2
  /// Start from these float weights instead of initialising (fine-tuning).
  public var initFrom: String?
  /// The initialisation study's knobs that apply to an NNUE (GradInit, PA rewiring, the
  /// batch-entropy regulariser with taps after the transformer's and every hidden layer's
  /// activation); none: all at their defaults.
  public var recipe: NetworkRecipe?

  public init(spec: NNUESpec, epochs: Int, seed: UInt64) {
    self.spec = spec
    self.epochs = epochs
    self.seed = seed
  }

  public func validate() throws(NNUEError) {
    try spec.validate()
    guard epochs >= 1, epochs <= 10_000 else { throw NNUEError("epochs must be 1...10000") }
    guard (16...1_000_000).contains(batchSize) else { throw NNUEError("the batch size must be 16...1000000") }
    guard learningRate > 0, learningRate < 1 else { throw NNUEError("the learning rate must be in (0, 1)") }
    guard (0...1).contains(lambda) else { throw NNUEError("lambda must be in [0, 1]") }
    guard sigmoidScale > 0 else { throw NNUEError("the sigmoid scale must be positive") }
    guard (0..<0.9).contains(validationFraction) else { throw NNUEError("the validation fraction must be in [0, 0.9)") }
    do {
      _ = try Initializer(parsing: initializer)
      try recipe?.validate()
    } catch {
      throw NNUEError(error.message)
    }
    if let r = recipe, r.bnInit != "standard" || r.residual != "plain" || r.normalization != "batch" {
      throw NNUEError(
        "an NNUE has no BatchNorm and no residual blocks: the BatchNorm init, residual kind and normalization do not apply"
      )
    }
  }
}

/// One line of `metrics.jsonl` (an epoch).
public struct TrainMetrics: Codable, Sendable, Equatable {
  public var epoch: Int
  public var step: Int
  public var positions: Int
  public var trainLoss: Double
  public var validationLoss: Double
  /// Mean |network − search score| in centipawns on the validation positions.
  public var validationCpError: Double
  public var learningRate: Double
  public var seconds: Double
}

/// Trains a float NNUE on data files, with validation, checkpoints (resume after a kill) and
/// JSONL metrics, in a run folder:
///
///     OUT/settings.json      the settings (a resume must match them)
///     OUT/checkpoint.safetensors   weights + Adam state + epoch (written atomically each epoch)
///     OUT/float.safetensors  the float net after the last epoch
///     OUT/best.safetensors   the float net with the lowest validation loss
///     OUT/quantized.safetensors    `best` quantised (what the engine loads)
///     OUT/metrics.jsonl      one `TrainMetrics` line per epoch
public final class NNUETrainer {
  public let settings: TrainSettings
  public let out: String
  public var model: NNUETrainingModel
  var optimizer: Optimizer
  public private(set) var epoch = 0
  public private(set) var bestValidation = Double.infinity
  let train: [TrainingRecord]
  let validation: [TrainingRecord]
  public var log: (String) -> Void = { _ in }
  /// Stop once this many epochs are done (a budget; the run can be resumed later).
  public var stopAfterEpoch: Int?
  public var progress: (_ epoch: Int, _ done: Int, _ total: Int, _ loss: Double) -> Void = { _, _, _, _ in }
  /// The recipe's batch-entropy regulariser, or nil.
  let batchEntropy: LayerwiseBatchEntropy?
  /// What GradInit did, when the recipe asked for it and the run started here.
  public private(set) var gradInitReport: GradInit.Report?

  /// Splits the data (a seeded shuffle; the first `validationFraction` is held out) and
  /// initialises the model, or resumes from `out/checkpoint.safetensors` when `resume` is set.
  public init(settings: TrainSettings, records: [TrainingRecord], out: String, resume: Bool) throws {
    try settings.validate()
    self.settings = settings
    self.out = out
    let fm = FileManager.default
    let settingsPath = out + "/settings.json"
    if fm.fileExists(atPath: settingsPath) {
      guard resume else {
        throw NNUEError("\(out) already holds a training run: resume it, or use another run folder")
      }
      guard let old = try RunFiles.readJSON(TrainSettings.self, from: settingsPath) else {
        throw NNUEError("\(settingsPath): unreadable")
      }
      var a = old, b = settings
      a.epochs = 0
      b.epochs = 0
      a.threads = 0
      b.threads = 0
      guard a == b else {
        throw NNUEError(
          "\(settingsPath): a resumed run needs the settings it started with (only the number of epochs may grow)")
      }
    } else {
      try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
      try RunFiles.writeJSON(settings, to: settingsPath)
    }
    // The validation split is drawn from the data, so a resume must see the same data.
    let dataPath = out + "/data.json"
    let now = DataFingerprint(records)
    if resume, fm.fileExists(atPath: dataPath) {
      // An unreadable fingerprint is refused, never replaced: the run's split depends on it.
      guard let before = try RunFiles.readJSON(DataFingerprint.self, from: dataPath) else {
        throw NNUEError("\(dataPath): unreadable")
      }
      guard before == now else {
        throw NNUEError(
          "\(dataPath): the training data changed since the run started (\(before) then, \(now) now), so the "
            + "validation split would too: resume with the same data, or start in another folder")
      }
    }
    try RunFiles.writeJSON(now, to: dataPath)
    // Split.
    var rng = Xoshiro256(seed: settings.seed)
    var order = Array(records.indices)
    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
    let held = min(max(Int(Double(records.count) * settings.validationFraction), records.count > 1 ? 1 : 0), 50_000)
    validation = order.prefix(held).map { records[$0] }
    train = order.dropFirst(held).map { records[$0] }
    guard !train.isEmpty else { throw NNUEError("no training positions (need at least 2)") }

    let recipe = settings.recipe ?? NetworkRecipe()
    let taps = recipe.batchEntropy != nil
    model = NNUETrainingModel(spec: settings.spec, batchEntropyTaps: taps)
    let initializer = try Initializer(parsing: settings.initializer)
    if let from = settings.initFrom {
      let net = try NNUENetwork.load(from)
      guard net.spec == settings.spec else { throw NNUEError("\(from): architecture \(net.spec) ≠ \(settings.spec)") }
      model = NNUETrainingModel(net, batchEntropyTaps: taps)
    } else {
      var initRng = Xoshiro256(seed: settings.seed &+ 1)
      // Measured feature density for AutoInit.
      if !train.isEmpty {
        let sample = train.prefix(2000)
        let pieces = sample.reduce(0) { $0 + $1.occupancy.nonzeroBitCount }
        model.featureDensity = Double(pieces) / Double(sample.count) / Double(settings.spec.layout.featureCount)
      }
      model.initialize(
        try recipe.initOptions(initializer), inputShape: [settings.spec.layout.featureCount], rng: &initRng)
      if initializer != .autoinit {
        // The output layer starts small so initial evaluations are near 0.
        for i in model.head.indices.reversed() {
          if var d = model.head[i] as? Dense {
            d.weight.value.scale(by: 0.1)
            model.head[i] = d
            break
          }
        }
      }
      model.clipForQuantization()
    }
    recipe.prepare(&model)
    batchEntropy = recipe.batchEntropy
    let totalSteps = settings.epochs * max(1, (train.count + settings.batchSize - 1) / settings.batchSize)
    optimizer = Optimizer(
      .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: settings.learningRate,
      weightDecay: settings.weightDecay, schedule: .cosine(steps: totalSteps, floor: settings.lrFloor))
    if resume && fm.fileExists(atPath: checkpointPath) {
      try restore()
      // Each epoch rewrites the metrics from the lines before it: a damaged file, or one
      // missing an epoch the checkpoint has done, is refused now, before any file of the run
      // is replaced.
      let logged = try JSONLines<TrainMetrics>(path: metricsPath).read().map(\.epoch).filter { $0 <= epoch }
      guard logged == Array(0..<epoch).map({ $0 + 1 }) else {
        throw NNUEError("\(metricsPath): damaged (epochs \(logged.count) logged, the checkpoint has \(epoch))")
      }
    } else if settings.initFrom == nil, let g = recipe.gradInit {
      gradInitReport = gradInit(g)
    }
  }

  /// GradInit on batches of the training positions, before the first step: iteration i draws
  /// three half-batches A, B, C from a generator of its own (the seed's), S = A + B, S̃ = A + C.
  func gradInit(_ config: GradInit.Config) -> GradInit.Report {
    let n = max(2, min(settings.batchSize, train.count)), half = n / 2
    let seed = settings.seed ^ 0x6A_D1_17, scale = Float(settings.spec.scale), k = settings.sigmoidScale
    let threads = settings.threads, records = train
    var fb = NNUETrainingModel.FeatureBatch()
    var targets: [Float] = [], scores: [Float] = []
    let grad = TensorBuffer()
    let report = GradInit.run(&model, config: config) { m, iteration, tilde in
      var r = Xoshiro256(seed: seed &+ UInt64(iteration) &* 0x9E37_79B9_7F4A_7C15)
      let picks = (0..<(2 * n - half)).map { _ in r.below(records.count) }
      let order = (0..<n).map { b in b < half ? picks[b] : picks[b + (tilde ? n - half : 0)] }
      batch(records, order[...], into: &fb, targets: &targets, scores: &scores)
      let y = m.outputs(fb, training: true, threads: threads)
      let l = NNUELoss.evaluate(y, targets: targets, scale: scale, k: k, gradient: grad)
      let dx = m.backward(grad)
      m.transformBackward(dx, threads: threads)
      return l
    }
    model.clipForQuantization()
    return report
  }

  public var checkpointPath: String { out + "/checkpoint.safetensors" }
  public var metricsPath: String { out + "/metrics.jsonl" }
  public var bestPath: String { out + "/best.safetensors" }
  public var quantizedPath: String { out + "/quantized.safetensors" }
  public var trainCount: Int { train.count }
  public var validationCount: Int { validation.count }

  /// Builds a batch of features and targets from `records[range]` in `order`.
  func batch(
    _ records: [TrainingRecord], _ order: ArraySlice<Int>, into fb: inout NNUETrainingModel.FeatureBatch,
    targets: inout [Float], scores: inout [Float]
  ) {
    fb.removeAll()
    targets.removeAll(keepingCapacity: true)
    scores.removeAll(keepingCapacity: true)
    var s: [Int32] = [], t: [Int32] = []
    for i in order {
      let r = records[i]
      guard r.features(settings.spec.layout, stm: &s, nstm: &t) else { continue }
      fb.append(stm: s, nstm: t)
      targets.append(
        NNUELoss.target(
          score: Float(r.score), result: r.resultValue, lambda: settings.lambda, k: settings.sigmoidScale))
      scores.append(Float(r.score))
    }
  }

  /// Loss and mean |cp error| over `records` (no training).
  public func evaluate(_ records: [TrainingRecord]) -> (loss: Double, cpError: Double) {
    guard !records.isEmpty else { return (0, 0) }
    var fb = NNUETrainingModel.FeatureBatch()
    var targets: [Float] = [], scores: [Float] = []
    let grad = TensorBuffer()
    var loss = 0.0, cp = 0.0, count = 0
    var i = 0
    let scale = Float(settings.spec.scale)
    while i < records.count {
      let hi = min(i + settings.batchSize, records.count)
      batch(records, Array(i..<hi)[...], into: &fb, targets: &targets, scores: &scores)
      let y = model.outputs(fb, training: false, threads: settings.threads)
      let l = NNUELoss.evaluate(y, targets: targets, scale: scale, k: settings.sigmoidScale, gradient: grad)
      loss += Double(l) * Double(fb.count)
      for j in 0..<fb.count { cp += Double(abs(y[j] * scale - scores[j])) }
      count += fb.count
      i = hi
    }
    return (loss / Double(max(count, 1)), cp / Double(max(count, 1)))
  }

  /// Runs the remaining epochs; returns the metrics of every epoch of the run, those of an
  /// earlier (killed) run up to the checkpoint included, as `metrics.jsonl` holds them.
  @discardableResult
  public func run() throws -> [TrainMetrics] {
    var all = try JSONLines<TrainMetrics>(path: metricsPath).read().filter { $0.epoch <= epoch }
    let scale = Float(settings.spec.scale)
    var fb = NNUETrainingModel.FeatureBatch()
    var targets: [Float] = [], scores: [Float] = []
    let grad = TensorBuffer()
    let start = ContinuousClock.now
    while epoch < min(settings.epochs, stopAfterEpoch ?? Int.max) {
      // The epoch's order depends only on the seed and the epoch number.
      var rng = Xoshiro256(seed: settings.seed ^ (UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15))
      var order = Array(train.indices)
      for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
      var total = 0.0, seen = 0
      var i = 0
      while i < order.count {
        let hi = min(i + settings.batchSize, order.count)
        batch(train, order[i..<hi], into: &fb, targets: &targets, scores: &scores)
        i = hi
        if fb.count == 0 { continue }
        model.zeroGradients()
        let y = model.outputs(fb, training: true, threads: settings.threads)
        let l = NNUELoss.evaluate(y, targets: targets, scale: scale, k: settings.sigmoidScale, gradient: grad)
        if let batchEntropy {
          let factor = batchEntropy.prepareBackward(&model, taskLoss: l).taskScale
          for j in 0..<grad.count { grad.pointer[j] *= factor }
        }
        let dx = model.backward(grad)
        model.transformBackward(dx, threads: settings.threads)
        optimizer.update(&model)
        model.clipForQuantization()
        total += Double(l) * Double(fb.count)
        seen += fb.count
        progress(epoch + 1, i, order.count, total / Double(max(seen, 1)))
      }
      epoch += 1
      let (vl, vcp) = evaluate(validation)
      let m = TrainMetrics(
        epoch: epoch, step: optimizer.step, positions: seen, trainLoss: total / Double(max(seen, 1)),
        validationLoss: vl, validationCpError: vcp, learningRate: Double(optimizer.currentLearningRate),
        seconds: Double((ContinuousClock.now - start).components.seconds))
      all.append(m)
      let net = model.network
      try net.save(to: out + "/float.safetensors", metadata: ["epoch": "\(epoch)"])
      if vl < bestValidation || validation.isEmpty {
        bestValidation = vl
        try net.save(to: bestPath, metadata: ["epoch": "\(epoch)", "validation_loss": "\(vl)"])
        try QuantizedNNUE(net).save(to: quantizedPath, metadata: ["epoch": "\(epoch)"])
      }
      try appendMetrics(m)
      try saveCheckpoint()
      log(
        String(
          format: "epoch %d/%d  train loss %.5f  validation loss %.5f  |cp error| %.1f  lr %.2e", epoch,
          settings.epochs, m.trainLoss, vl, vcp, m.learningRate))
    }
    return all
  }

  /// Appends an epoch's line; lines of that epoch or later go first (a resume after a kill
  /// between the metrics line and the checkpoint repeats that epoch).
  func appendMetrics(_ m: TrainMetrics) throws {
    try JSONLines<TrainMetrics>(path: metricsPath).append(m) { $0.epoch < m.epoch }
  }

  /// Weights, the optimizer's state (`Checkpoint`'s one scheme), epoch and best validation
  /// loss, in one atomic file.
  func saveCheckpoint() throws {
    try Checkpoint.save(
      &model, spec: nil, optimizer: optimizer,
      metadata: ["zerolab.run": "nnue", "epoch": "\(epoch)", "best_validation": "\(bestValidation)"],
      to: checkpointPath)
  }

  func restore() throws {
    let c: Checkpoint.Contents
    do {
      c = try Checkpoint.load(into: &model, optimizer: &optimizer, from: checkpointPath)
    } catch {
      throw NNUEError(error.message)
    }
    guard c.metadata["zerolab.run"] == "nnue", let e = c.metadata["epoch"].flatMap({ Int($0) }) else {
      throw NNUEError("\(checkpointPath): not an NNUE training checkpoint")
    }
    epoch = e
    bestValidation = c.metadata["best_validation"].flatMap { Double($0) } ?? .infinity
  }
}

/// What a training run's data was: the record count and an FNV-1a hash of every record's fields
/// in order (`OUT/data.json`), so a resume can tell that the data changed.
struct DataFingerprint: Codable, Equatable, CustomStringConvertible {
  var records: Int
  var hash: String

  init(_ data: [TrainingRecord]) {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ v: UInt64) {
      var x = v
      for _ in 0..<8 {
        h = (h ^ (x & 0xFF)) &* 0x100_0000_01B3
        x >>= 8
      }
    }
    for r in data {
      mix(r.occupancy)
      mix(r.pieces.0)
      mix(r.pieces.1)
      mix(UInt64(UInt16(bitPattern: r.score)) | UInt64(r.result) << 16 | (r.blackToMove ? 1 << 24 : 0))
      mix(UInt64(r.ply) | UInt64(r.move) << 16)
    }
    records = data.count
    hash = String(h, radix: 16)
  }

  var description: String { "\(records) records, hash \(hash)" }
}
