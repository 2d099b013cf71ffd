import AlphaZero
import Chess
import Foundation
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
  /// measured on the games played out (nil without resignation, or before it is measured).
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
    return spec
  }

  /// Self-play training into `dir` (`checkpoint/`, `metrics.jsonl`, the final
  /// `network.safetensors`) until `iterations` iterations or `budget` seconds of training time;
  /// with `resume`, from the run's checkpoint when it has one.
  @discardableResult
  public static func selfPlay(
    config: ZeroConfig, dir: String, iterations: Int?, budget: Double?, resume: Bool,
    progress: Runs.Progress? = nil, announce: Runs.Progress? = nil
  ) throws -> (learner: Learner<ChessEncoding>, measurements: [ChessRunRecord]) {
    let start = ContinuousClock.now
    let method = "selfplay"
    let measure = { (learner: Learner<ChessEncoding>, wall: Double) in
      ChessRunRecord(learner, method: method, wallSeconds: wall)
    }
    let (learner, prior, log, measured) = try Runs.openRun(
      dir: dir, method: method, resume: resume,
      create: { try Learner(config: config, encoding: ChessEncoding(), spec: try spec(config)) },
      load: { path in try Learner<ChessEncoding>.load(from: path) { c in (ChessEncoding(), try spec(c)) } },
      measure: measure, announce: announce,
      resumed: { learner, prior in
        "after iteration \(learner.iteration) (\(learner.gamesPlayed) games, \(String(format: "%.0f", prior)) s of training)"
      })
    let out = try Runs.selfPlayLoop(
      learner, prior: prior, start: start, log: log, measurements: measured, dir: dir, method: method,
      iterations: iterations, budget: budget, measure: measure,
      describe: { m in "\(m.replay) positions in the window" }, progress: progress)
    return (learner, out)
  }
}
