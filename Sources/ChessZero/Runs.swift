import AlphaZero
import Chess
import Foundation
import LabKit
import NeuralCore

/// One line of a chess self-play run's `metrics.jsonl`, after each iteration (and one for the
/// untrained network): the run's counters and its training loss.
public struct ChessRunRecord: RunRecord, Equatable {
  public var method: String
  public var seed: UInt64
  public var iteration: Int
  public var wallSeconds: Double
  public var gamesPlayed: Int
  public var positionsSeen: Int
  /// Samples in the replay window.
  public var replay: Int
  public var loss: Double
  /// Gating: the last gate's score of the trained network against the best, and the
  /// iteration the best network comes from (nil without gating).
  public var gateScore: Double?
  public var bestIteration: Int?
  /// Resignation: the threshold in force, games resigned so far, and the false-positive rate
  /// measured on the games played out (of their sides that did not lose, the fraction that
  /// fell below the threshold; nil without resignation, or before it is measured).
  public var resignThreshold: Double?
  public var resignedGames: Int?
  public var resignFalsePositiveRate: Double?

  public init(_ learner: Learner<ChessEncoding>, method: String, wallSeconds: Double) {
    self.method = method
    seed = learner.config.seed
    iteration = learner.iteration
    self.wallSeconds = wallSeconds
    gamesPlayed = learner.gamesPlayed
    positionsSeen = learner.positionsSeen
    replay = learner.buffer.count
    loss = Double(learner.lastLoss)
    if learner.best != nil {
      gateScore = learner.lastGate?.score
      bestIteration = learner.bestIteration
    }
    if learner.config.resignFalsePositives != nil {
      resignThreshold = learner.resignation.threshold.map(Double.init)
      resignedGames = learner.resignation.resigned
      resignFalsePositiveRate = learner.resignation.falsePositiveRate
    }
  }
}

/// Chess self-play runs: the game-generic run of `AlphaZero` (`Runs.openRun`,
/// `Runs.selfPlayLoop`: checkpoints replaced atomically, `--resume` after a kill at any moment,
/// the same run for the same seed under an iteration budget) on `ChessEncoding`.
public enum ChessRuns {
  /// The network of a configuration: `blocks` x `channels`, its activation and initializer, a
  /// win/draw/loss head.
  public static func spec(_ config: ZeroConfig) throws -> NetworkSpec {
    var spec = ChessNetworkEvaluator.spec(
      blocks: config.blocks, channels: config.channels, activation: try Activation(parsing: config.activation))
    spec.initialization = config.initializer
    try config.shape(&spec)
    return spec
  }

  /// A new learner for `config`, started from the weights of the network file `from` when
  /// given.
  public static func newLearner(_ config: ZeroConfig, from: String?) throws -> Learner<ChessEncoding> {
    let learner = try Learner(config: config, encoding: ChessEncoding(), spec: try spec(config))
    if let from { try startFrom(from, learner) }
    return learner
  }

  /// The learner of a chess run's checkpoint, with the training time it had.
  static func loadLearner(_ path: String) throws -> (Learner<ChessEncoding>, wallSeconds: Double) {
    try Learner<ChessEncoding>.load(from: path) { c in (ChessEncoding(), try spec(c)) }
  }

  /// Self-play training into `dir` (`checkpoint/`, `metrics.jsonl`, the final
  /// `network.safetensors`) until `iterations` iterations or `budget` seconds of training time;
  /// with `resume`, from the run's checkpoint when it has one. A new run starts from the
  /// weights of the network file `from` when given (`startFrom`).
  @discardableResult
  public static func selfPlay(
    config: ZeroConfig, dir: String, iterations: Int?, budget: Double?, resume: Bool, from: String? = nil,
    progress: Runs.Progress? = nil, announce: Runs.Progress? = nil, delegate: ((SelfPlayWork) throws -> Void)? = nil
  ) throws -> (learner: Learner<ChessEncoding>, measurements: [ChessRunRecord]) {
    let start = ContinuousClock.now
    let method = "selfplay"
    let measure = { (learner: Learner<ChessEncoding>, wall: Double) in
      ChessRunRecord(learner, method: method, wallSeconds: wall)
    }
    let (learner, prior, log, measured) = try Runs.openRun(
      dir: dir, method: method, resume: resume,
      create: { try newLearner(config, from: from) }, load: loadLearner,
      measure: measure, announce: announce,
      resumed: { learner, prior in
        "after iteration \(learner.iteration) (\(learner.gamesPlayed) games, \(String(format: "%.0f", prior)) s of training)"
      })
    let out = try Runs.selfPlayLoop(
      learner, prior: prior, start: start, log: log, measurements: measured, dir: dir, method: method,
      iterations: iterations, budget: budget, measure: measure,
      describe: { m in "\(m.replay) positions in the window" }, progress: progress, delegate: delegate)
    return (learner, out)
  }
}

extension ChessRuns {
  /// Loads the weights of the network file `path` (e.g. a supervised run's final network) into
  /// `learner`'s network; a file holding a network of another shape is refused in one line
  /// naming both, and nothing is changed.
  public static func startFrom(_ path: String, _ learner: Learner<ChessEncoding>) throws(NeuralError) {
    let saved = try Checkpoint.spec(in: Checkpoint.read(path))
    let mine = learner.network.spec
    func shape(_ s: NetworkSpec) -> String {
      "\(s.blocks)x\(s.channels) \(s.activation) network taking \(s.inputShape) with \(s.policySize) policy logits, "
        + "a \(s.valueHead) value head"
    }
    var a = saved, b = mine
    a.initialization = ""
    b.initialization = ""
    guard a == b else {
      throw NeuralError(
        "\(path) holds a \(shape(saved)); this run makes a \(shape(mine)) (give this run the same blocks, channels and activation)"
      )
    }
    try Checkpoint.load(into: &learner.network, from: path)
    // With gating, the network started from is the best so far.
    if learner.best != nil { learner.best = learner.network.detachedCopy() }
  }
}

/// One line of a supervised chess run's `metrics.jsonl`, after every `trainSteps` gradient
/// steps (and one for the untrained network): the run's counters, its last training loss, and
/// how the network does on the held-out positions (`ChessValidation`).
public struct ChessSupervisedRecord: RunRecord, Equatable {
  public var method: String
  public var seed: UInt64
  public var iteration: Int
  public var wallSeconds: Double
  public var positionsSeen: Int
  /// The last minibatch's training loss (policy plus value); none before the first step.
  public var loss: Double?
  /// Held-out positions measured, and the measurements (`ChessValidation`).
  public var holdout: Int
  public var top1: Double
  public var policyCrossEntropy: Double
  public var valueLoss: Double
  public var valueMse: Double

  public init(_ learner: Learner<ChessEncoding>, method: String, wallSeconds: Double, validation v: ChessValidation) {
    self.method = method
    seed = learner.config.seed
    iteration = learner.iteration
    self.wallSeconds = wallSeconds
    positionsSeen = learner.positionsSeen
    loss = learner.iteration == 0 ? nil : Double(learner.lastLoss)
    holdout = v.count
    top1 = v.top1
    policyCrossEntropy = v.policyCrossEntropy
    valueLoss = v.valueLoss
    valueMse = v.valueMSE
  }
}

/// What a supervised chess run was trained on, in its folder as `data.json`: a resumed run
/// must be given the same data (the same positions, targets and split), or it is refused.
public struct ChessDataSummary: Codable, Equatable, Sendable {
  public var files: [String]
  public var lambda: Float
  public var holdout: Double
  /// The held-out positions measured each time (at most).
  public var validation: Int
  public var positions: Int
  public var training: Int
  public var heldOut: Int
  public var unmapped: Int
  public var unfinishedGames: Int
  /// FNV-1a 64 of every example's position key, move and value target, in order.
  public var fingerprint: String

  /// Whether `other` describes the same examples and split (the files may have moved).
  public func sameData(as other: ChessDataSummary) -> Bool {
    var a = self, b = other
    a.files = []
    b.files = []
    return a == b
  }
}

extension ChessRuns {
  /// Supervised training on `data` into `dir` (`checkpoint/`, `metrics.jsonl`, `data.json`,
  /// the final `network.safetensors`): the examples split into training and held-out positions
  /// (`ChessSupervisedData.split`, `holdout` of them, drawn from the configuration's seed),
  /// `trainSteps` gradient steps at a time on minibatches drawn from the training set, each
  /// followed by a measurement on the held-out set, a line of metrics and a checkpoint
  /// (`Runs.supervisedLoop`), until `iterations` measurements or `budget` seconds of training
  /// time; a new run starts from the weights of the network file `from` when given. At most
  /// `validation` held-out positions are measured, evenly spaced through the
  /// held-out set (the others are still never trained on). With `resume`, from the run's
  /// checkpoint when it has one (given the same data); under `iterations`, a resumed run ends
  /// exactly as an uninterrupted one.
  @discardableResult
  public static func supervised(
    config: ZeroConfig, data: ChessSupervisedData, lambda: Float, holdout: Double, validation: Int = 4096,
    dir: String, iterations: Int?, from: String? = nil,
    budget: Double?, resume: Bool, progress: Runs.Progress? = nil, announce: Runs.Progress? = nil
  ) throws -> (learner: Learner<ChessEncoding>, measurements: [ChessSupervisedRecord], data: ChessDataSummary) {
    let start = ContinuousClock.now
    let method = "supervised"
    var sets: (training: ChessTrainingSet, holdout: ChessTrainingSet)?
    var summary: ChessDataSummary?
    let summaryPath = dir + "/data.json"
    let measure = { (learner: Learner<ChessEncoding>, wall: Double) in
      ChessSupervisedRecord(
        learner, method: method, wallSeconds: wall,
        validation: ChessValidation.measure(&learner.network, on: sets!.holdout))
    }
    let (learner, prior, log, measured) = try Runs.openRun(
      dir: dir, method: method, resume: resume,
      create: { try newLearner(config, from: from) }, load: loadLearner,
      prepare: { learner in
        var split = data.split(holdout: holdout, seed: learner.config.seed)
        let n = split.holdout.count
        if n > validation {
          split.holdout = ChessTrainingSet((0..<validation).map { split.holdout.examples[$0 * n / validation] })
        }
        sets = split
        let s = ChessDataSummary(
          files: data.files, lambda: lambda, holdout: holdout, validation: validation,
          positions: data.examples.count, training: split.training.count, heldOut: n, unmapped: data.unmapped,
          unfinishedGames: data.unfinishedGames, fingerprint: data.fingerprint)
        summary = s
        if learner.iteration > 0, let saved = try RunFiles.readJSON(ChessDataSummary.self, from: summaryPath),
          !saved.sameData(as: s)
        {
          throw NeuralError(
            "\(dir) was trained on other data (\(saved.positions) positions, λ \(saved.lambda), holdout "
              + "\(saved.holdout)): resume it with the same data, λ and held-out fraction")
        }
        guard split.training.count > 0 else { throw NeuralError("no training positions left after the holdout") }
      },
      measure: measure, announce: announce,
      resumed: { learner, prior in
        "after measurement \(learner.iteration) (\(learner.positionsSeen) positions, "
          + "\(String(format: "%.0f", prior)) s of training)"
      })
    if let s = summary, (try? RunFiles.readJSON(ChessDataSummary.self, from: summaryPath)) != s {
      try RunFiles.writeJSON(s, to: summaryPath)
    }
    let out = try Runs.supervisedLoop(
      learner, prior: prior, start: start, log: log, measurements: measured, dir: dir, method: method,
      data: sets!.training, steps: iterations.map { $0 * learner.config.trainSteps }, budget: budget,
      measure: measure,
      describe: { m in
        "held-out top-1 \(String(format: "%.1f", 100 * m.top1))%, policy CE \(String(format: "%.3f", m.policyCrossEntropy))"
      }, progress: progress)
    return (learner, out, summary!)
  }
}
