import ArgumentParser
import Foundation
import GameCore
import Hexapawn
import NeuralCore
import Zero

/// Network and training options shared by train, supervise and compare.
struct LearningOptions: ParsableArguments {
  @Option(help: "Board size FILESxRANKS.") var size: String = "3x3"
  @Option(help: "Residual blocks.") var blocks: Int = 2
  @Option(help: "Channels.") var channels: Int = 32
  @Option(help: "Activation (any of the core's names).") var activation: String = "relu"
  @Option(name: .customLong("init"), help: "Initializer (any of the core's names).") var initializer: String =
    "he_normal"
  @Option(help: "Adam learning rate.") var lr: Float = 2e-3
  @Option(help: "Minibatch size.") var batch: Int = 64
  @Option(help: "Self-play games per iteration.") var games: Int = 12
  @Option(help: "Search simulations per move in self-play.") var sims: Int = 32
  @Option(help: "Root search: gumbel (sharper policy targets at few simulations) or puct.")
  var search: String = "gumbel"
  @Option(help: "Gradient steps per iteration (or between supervised measurements).") var steps: Int = 40
  @Option(help: "Replay window in positions.") var window: Int = 20_000
  @Option(help: "Games per colour in the score measurements.") var evalGames: Int = 10
  @Option(help: "Seed: the same seed repeats the run.") var seed: UInt64 = 1

  /// The comma-separated lists given to `--init` and `--activation` (a grid for `compare`).
  var initializers: [String] { initializer.split(separator: ",").map(String.init) }
  var activations: [String] { activation.split(separator: ",").map(String.init) }

  func config(allowLists: Bool = false) throws -> ZeroConfig {
    if !allowLists && (initializers.count > 1 || activations.count > 1) {
      throw ValidationError("one --init and one --activation at a time here; `zerolab compare` runs a grid")
    }
    guard !initializers.isEmpty, !activations.isEmpty else {
      throw ValidationError("--init and --activation need a name")
    }
    do {
      _ = try BoardSize(parsing: size)
      for a in activations { _ = try Activation(parsing: a) }
      for i in initializers { _ = try Initializer(parsing: i) }
    } catch let e as NotationError {
      throw ValidationError(e.message)
    } catch let e as NeuralError {
      throw ValidationError(e.message)
    }
    guard search == "puct" || search == "gumbel" else { throw ValidationError("--search must be puct or gumbel") }
    guard (0...64).contains(blocks), (1...512).contains(channels), batch > 0, games > 0, sims > 0, steps > 0, window > 0
    else {
      throw ValidationError("sizes out of range")
    }
    var c = ZeroConfig()
    c.size = size
    c.blocks = blocks
    c.channels = channels
    c.activation = activations[0]
    c.initializer = initializers[0]
    c.learningRate = lr
    c.batchSize = batch
    c.gamesPerIteration = games
    c.simulations = sims
    c.search = search
    c.trainSteps = steps
    c.window = window
    c.evalGames = evalGames
    c.seed = seed
    return c
  }
}

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a Hexapawn policy-value network by self-play (AlphaZero style).",
    discussion: """
      Each iteration plays self-play games with the network-guided search (Dirichlet noise at the
      root, temperature 1 for the first plies), keeps a replay window, takes gradient steps,
      measures the network against the exact solver, appends a line to OUT/metrics.jsonl and saves
      a checkpoint atomically. Kill it at any moment; --resume continues from the last checkpoint.

      Examples:
        zerolab train hexapawn --size 3x3 --out runs/selfplay-3x3 --iterations 30
        zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --budget 600 --channels 48
        zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --budget 900 --resume
      """)

  @Argument(help: "The game (hexapawn).") var game: GameName
  @OptionGroup var options: LearningOptions
  @Option(help: "Run folder.") var out: String
  @Option(help: "Stop after this many iterations.") var iterations: Int?
  @Option(help: "Stop after this many seconds of training time.") var budget: Double?
  @Flag(help: "Continue the run in --out from its last checkpoint.") var resume = false

  func validate() throws { try game.requireHexapawn("train") }

  func run() throws {
    let config = try options.config()
    if iterations == nil && budget == nil { throw ValidationError("give --iterations or --budget") }
    do {
      let r = try Runs.selfPlay(
        config: config, dir: out, iterations: iterations, budget: budget, resume: resume,
        progress: { Terminal.progress($0) }, announce: { print($0) })
      Terminal.endProgress()
      let m = r.measurements.last
      print(
        "trained \(r.learner.iteration) iterations, \(r.learner.gamesPlayed) games, \(r.learner.positionsSeen) positions"
      )
      if let m {
        print(
          String(
            format: "optimal moves %.1f%%, value sign %.1f%%, vs perfect as Black %.0f%%",
            100 * m.optimal_move_accuracy, 100 * m.value_sign_accuracy, 100 * m.score_vs_perfect_as_black))
      }
      print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }
}

struct Supervise: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train the same network on every position labelled by the exact solver.",
    discussion: """
      Value target: the game-theoretic value for the side to move; policy target: uniform over all
      optimal moves. Same network, optimizer and metrics as `train`.

      Examples:
        zerolab supervise hexapawn --size 3x3 --out runs/supervised-3x3 --budget 10
        zerolab supervise hexapawn --size 4x4 --out runs/supervised-4x4 --budget 120 --channels 48
      """)

  @Argument(help: "The game (hexapawn).") var game: GameName
  @OptionGroup var options: LearningOptions
  @Option(help: "Run folder.") var out: String
  @Option(help: "Seconds of training.") var budget: Double = 10

  func validate() throws { try game.requireHexapawn("supervise") }

  func run() throws {
    let config = try options.config()
    do {
      let r = try Runs.supervised(
        config: config, dir: out, steps: nil, budget: budget, progress: { Terminal.progress($0) })
      Terminal.endProgress()
      if let m = r.measurements.last {
        print(
          String(
            format: "%d positions seen: optimal moves %.1f%%, value sign %.1f%%, value MSE %.3f", m.positions_seen,
            100 * m.optimal_move_accuracy, 100 * m.value_sign_accuracy, m.value_mse))
      }
      print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }
}

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Supervised against self-play learning: which reaches perfect play, how fast, with which init and activation.",
    discussion: """
      For every initializer and activation given, trains a network on solver labels and another
      by self-play, each for --budget seconds, measuring both against the exact solver as they
      learn. Writes OUT/metrics.jsonl, OUT/report.md and SVG plots, and prints the table.

      Examples:
        zerolab compare hexapawn --size 3x3 --out runs/compare-3x3
        zerolab compare hexapawn --size 3x3 --out runs/grid --budget 30 --init he_normal,autoinit --activation relu,mish
      """)

  @Argument(help: "The game (hexapawn).") var game: GameName
  @OptionGroup var options: LearningOptions
  @Option(help: "Run folder.") var out: String
  @Option(help: "Seconds of training per run.") var budget: Double = 45
  func validate() throws { try game.requireHexapawn("compare") }

  func run() throws {
    let base = try options.config(allowLists: true)
    let initList = options.initializers
    let actList = options.activations
    do {
      let report = try Runs.compare(
        base: base, dir: out, budget: budget, inits: initList, activations: actList, progress: { Terminal.progress($0) }
      )
      Terminal.endProgress()
      print(report)
      print(
        "Written: \(out)/metrics.jsonl, \(out)/report.md, \(out)/optimal_moves_vs_time.svg, \(out)/optimal_moves_vs_positions.svg, \(out)/value_mse_vs_time.svg"
      )
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }
}
