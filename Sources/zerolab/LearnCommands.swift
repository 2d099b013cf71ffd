import AlphaZero
import ArgumentParser
import ChessArena
import ChessZero
import ChessZeroLab
import Engines
import Foundation
import GameCore
import Hexapawn
import LabKit
import NeuralCore

/// The network of a learning run: the Hexapawn board, the residual tower and its heads.
struct NetworkOptions: ParsableArguments {
  @Option(help: "Hexapawn board size FILESxRANKS. (default: 3x3)") var size: String?
  @Option(help: "Residual blocks. (default: 2)") var blocks: Int?
  @Option(help: "Channels.") var channels: Int = 32
  @Option(
    help:
      "The residual blocks in stages, each with its activation, e.g. relu:2,mish:1 (the stem and heads take --activation)."
  ) var stages: String?
  @Option(name: .customLong("se"), help: "Squeeze-excitation in every block with this ratio.") var squeezeExcitation:
    Int?
  @Option(help: "Hidden units of the value head. (default: 32 for Hexapawn, 64 for chess)") var valueHidden: Int?
  @Option(help: "Channels of the policy head's convolution. (default: 2)") var policyChannels: Int?

  /// Each block's activation from --stages (none without it), checked against --blocks.
  func blockActivations() throws -> [String]? {
    guard let stages else { return nil }
    var names: [String] = []
    for part in stages.split(separator: ",", omittingEmptySubsequences: false) {
      let pair = part.split(separator: ":", omittingEmptySubsequences: false)
      guard pair.count == 2, let n = Int(pair[1]), n >= 0, !pair[0].isEmpty else {
        throw ValidationError("--stages takes ACTIVATION:BLOCKS,..., e.g. relu:2,mish:1; got '\(part)'")
      }
      names += Array(repeating: String(pair[0]), count: n)
    }
    if let b = blocks, b != names.count {
      throw ValidationError("--blocks \(b) disagrees with --stages, which has \(names.count) blocks")
    }
    return names
  }
}

/// One activation and one initializer (train, supervise).
struct ActivationInitOptions: ParsableArguments {
  @Option(help: "Activation (the names are listed by 'zerolab signal --help').") var activation: String = "relu"
  @Option(name: .customLong("init"), help: "Initializer (the names are listed by 'zerolab signal --help').")
  var initializer: String = "he_normal"
  @OptionGroup var recipe: RecipeOptions
}

/// Optimisation and measurement, shared by train, supervise and compare.
struct OptimizerOptions: ParsableArguments {
  @Option(help: "Adam learning rate.") var lr: Float = 2e-3
  @Option(help: "Minibatch size.") var batch: Int = 64
  @Option(help: "Gradient steps per iteration (supervised: between measurements).") var steps: Int = 40
  @Option(help: "Games per colour in the score measurements.") var evalGames: Int = 10
  @Option(help: "Seed: the same seed repeats the run.") var seed: UInt64 = 1
}

/// Self-play only: train and compare.
struct ZeroSelfPlayOptions: ParsableArguments {
  @Option(help: "Self-play games per iteration, played at once.") var games: Int = 12
  @Option(help: "Search simulations per move in self-play.") var sims: Int = 32
  @Option(help: "Root search: gumbel (sharper policy targets at few simulations) or puct.")
  var search: String = "gumbel"
  @Option(help: "Replay window in positions.") var window: Int = 20_000
  @Option(help: "A game stopped after this many plies counts as a draw. (default: 200 for chess, none for Hexapawn)")
  var maxPlies: Int?
  @Option(
    help:
      "Playout cap randomization: the fraction of moves searched with --sims and kept as training targets; the others get --fast-sims. (default: every move)"
  ) var fullSearch: Float?
  @Option(help: "Simulations of the fast searches with --full-search. (default: a quarter of --sims)")
  var fastSims: Int?
  @Option(
    help:
      "Resign lost games, aiming at this false-positive rate (e.g. 0.05), measured on the 10% of games played out. (default: no resignation)"
  ) var resign: Float?
  @Option(
    help:
      "Gate every N iterations: the trained network plays the best so far and replaces it for self-play when it scores --gate-threshold. (default: no gating)"
  ) var gateEvery: Int?
  @Option(
    help:
      "Play an iteration's games this many at a time, as zerolab-cluster train plays them, so a run is the same on one machine and on a cluster. (default: all at once)"
  ) var partGames: Int?
  @Option(help: "Games of each gate match.") var gateGames: Int = 20
  @Option(help: "Score the trained network needs to become the best.") var gateThreshold: Float = 0.55
}

/// Builds and checks a learning configuration from the option groups; `initializers` and
/// `activations` hold one name each, or the grid of `compare`.
func learningConfig(
  network: NetworkOptions, optimizer: OptimizerOptions, selfPlay: ZeroSelfPlayOptions?,
  initializers: [String], activations: [String], recipe: RecipeOptions
) throws -> ZeroConfig {
  guard !initializers.isEmpty, !activations.isEmpty, !initializers.contains(""), !activations.contains("") else {
    throw ValidationError("--init and --activation need a name")
  }
  let blockActivations = try network.blockActivations()
  do {
    _ = try BoardSize(parsing: network.size ?? "3x3")
    for a in activations + (blockActivations ?? []) { _ = try Activation(parsing: a) }
    for i in initializers { _ = try Initializer(parsing: i) }
  } catch let e as NotationError {
    throw ValidationError(e.message)
  } catch let e as NeuralError {
    throw ValidationError(e.message)
  }
  let blocks = blockActivations?.count ?? network.blocks ?? 2
  guard (0...64).contains(blocks) else { throw ValidationError("--blocks must be 0...64") }
  guard (1...512).contains(network.channels) else { throw ValidationError("--channels must be 1...512") }
  if let r = network.squeezeExcitation, !(1...network.channels).contains(r) {
    throw ValidationError("--se must be 1...\(network.channels) (the channels)")
  }
  if let n = network.valueHidden, !(1...4096).contains(n) { throw ValidationError("--value-hidden must be 1...4096") }
  if let n = network.policyChannels, !(1...256).contains(n) {
    throw ValidationError("--policy-channels must be 1...256")
  }
  guard optimizer.batch > 0, optimizer.steps > 0 else { throw ValidationError("--batch and --steps must be positive") }
  guard optimizer.lr > 0, optimizer.lr.isFinite else { throw ValidationError("--lr must be positive") }
  guard optimizer.evalGames > 0 else { throw ValidationError("--eval-games must be positive") }
  var c = ZeroConfig()
  c.size = network.size ?? "3x3"
  c.blocks = blocks
  c.blockActivations = blockActivations
  c.squeezeExcitation = network.squeezeExcitation
  c.valueHidden = network.valueHidden
  c.policyChannels = network.policyChannels
  c.channels = network.channels
  c.activation = activations[0]
  c.initializer = initializers[0]
  c.learningRate = optimizer.lr
  c.batchSize = optimizer.batch
  c.trainSteps = optimizer.steps
  c.evalGames = optimizer.evalGames
  c.seed = optimizer.seed
  let r = try recipe.recipe()
  c.recipe = r.isDefault ? nil : r
  if let selfPlay {
    guard selfPlay.search == "puct" || selfPlay.search == "gumbel" else {
      throw ValidationError("--search must be puct or gumbel")
    }
    guard selfPlay.games > 0, selfPlay.sims > 0, selfPlay.window > 0 else {
      throw ValidationError("--games, --sims and --window must be positive")
    }
    if let n = selfPlay.maxPlies, n <= 0 { throw ValidationError("--max-plies must be positive") }
    if let f = selfPlay.fullSearch, !(f > 0 && f <= 1) { throw ValidationError("--full-search must be in (0, 1]") }
    if let n = selfPlay.fastSims, n <= 0 { throw ValidationError("--fast-sims must be positive") }
    if selfPlay.fastSims != nil && selfPlay.fullSearch == nil {
      throw ValidationError("--fast-sims goes with --full-search")
    }
    c.gamesPerIteration = selfPlay.games
    c.simulations = selfPlay.sims
    c.search = selfPlay.search
    c.window = selfPlay.window
    c.maxPlies = selfPlay.maxPlies
    c.fullSearchFraction = selfPlay.fullSearch
    c.fastSimulations = selfPlay.fastSims
    if let r = selfPlay.resign, !(r > 0 && r < 1) { throw ValidationError("--resign must be in (0, 1)") }
    if let n = selfPlay.gateEvery, n <= 0 { throw ValidationError("--gate-every must be positive") }
    guard selfPlay.gateGames > 0 else { throw ValidationError("--gate-games must be positive") }
    guard selfPlay.gateThreshold >= 0 && selfPlay.gateThreshold <= 1 else {
      throw ValidationError("--gate-threshold must be in [0, 1]")
    }
    c.resignFalsePositives = selfPlay.resign
    c.gateEvery = selfPlay.gateEvery
    c.gateGames = selfPlay.gateGames
    c.gateThreshold = selfPlay.gateThreshold
    if let n = selfPlay.partGames, n <= 0 { throw ValidationError("--part-games must be positive") }
    c.partGames = selfPlay.partGames
  }
  return c
}

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a policy-value network by self-play (AlphaZero style): Hexapawn or chess.",
    discussion: """
      Each iteration plays --games self-play games at once with the network-guided search \
      (Dirichlet noise at the root, temperature 1 for the first plies; the searches' leaves \
      evaluated together), keeps a replay window, takes gradient steps, appends a line to \
      OUT/metrics.jsonl and saves a checkpoint atomically. Kill it at any moment; --resume \
      continues from the last checkpoint, and under --iterations ends as an uninterrupted run. \
      Hexapawn runs are measured against the exact solver at every iteration; chess runs log \
      their games, positions and loss (a win/draw/loss value head; games stopped at \
      --max-plies count as draws); --from starts a chess run from a network's weights, e.g. \
      a 'supervise chess' run's.

      With --resign a side resigns when its search's value falls \
      below a threshold set from games played out to the end (AlphaGo Zero's: the value below \
      which only that fraction of the sides that did not lose had fallen); the measured \
      false-positive rate is logged. With --gate-every the trained network must beat the best \
      so far (--gate-games, --gate-threshold) before self-play uses it.

      The network options below --init (GradInit, the BatchNorm init, residual kind, \
      normalisation, PA rewiring, batch entropy) are the same in every training command; \
      docs/networks.md describes them.

      Examples:
        zerolab train hexapawn --size 3x3 --out runs/selfplay-3x3 --iterations 30
        zerolab train hexapawn --out runs/fixup --iterations 3 \\
          --residual fixup --norm none --gradinit-steps 10
        zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --budget 600 \\
          --channels 48
        zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --budget 900 \\
          --channels 48 --resume
        zerolab train chess --out runs/chess-0 --iterations 2 --games 4 --sims 16 \\
          --max-plies 40
        zerolab train chess --out runs/chess --budget 3600 --blocks 4 \\
          --full-search 0.25 --sims 64
        zerolab train chess --out runs/chess-g --iterations 4 --games 4 --sims 16 \\
          --max-plies 40 --resign 0.05 --gate-every 2 --gate-games 4
        zerolab train chess --out runs/chess-sup --iterations 2 --games 4 --sims 16 \\
          --from runs/sup-chess/network.safetensors --blocks 1 --channels 8
      """)

  @Argument(help: "The game.") var game: GameName
  @OptionGroup(title: "Network") var network: NetworkOptions
  @OptionGroup(title: "Network") var model: ActivationInitOptions
  @OptionGroup(title: "Optimisation and measurement") var optimizer: OptimizerOptions
  @OptionGroup(title: "Self-play") var selfPlay: ZeroSelfPlayOptions
  @Option(help: "Run folder.") var out: String
  @Option(help: "Stop after this many iterations.") var iterations: Int?
  @Option(help: "Stop after this many seconds of training time.") var budget: Double?
  @Flag(help: "Continue the run in --out from its last checkpoint (or start it when it has none yet).")
  var resume = false
  @Option(help: "Chess: start from this network's weights, e.g. a 'supervise chess' run's OUT/network.safetensors.")
  var from: String?
  @Flag(
    help:
      "Play no games: leave the next iteration's games in parts as zerolab selfplay commands in OUT/delegated.json and stop (zerolab-cluster train)."
  )
  var delegate = false

  func validate() throws {
    if game == .chess && network.size != nil { throw ValidationError("--size is for Hexapawn; chess has its board") }
    if game == .hexapawn && from != nil { throw ValidationError("--from is for chess") }
    _ = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: selfPlay, initializers: [model.initializer],
      activations: [model.activation], recipe: model.recipe)
  }

  func run() throws {
    var config = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: selfPlay, initializers: [model.initializer],
      activations: [model.activation], recipe: model.recipe)
    if iterations == nil && budget == nil { throw ValidationError("give --iterations or --budget") }
    do {
      switch game {
      case .hexapawn: try trainHexapawn(config)
      case .chess:
        config.size = "8x8"
        config.maxPlies = config.maxPlies ?? 200
        config.mirror = false
        try trainChess(config)
      }
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }

  /// With --delegate, what `Runs.selfPlayLoop` hands over goes to OUT/delegated.json as
  /// `zerolab selfplay` commands; the path when it did.
  func delegation() -> (handler: ((SelfPlayWork) throws -> Void)?, left: () -> String?) {
    let path = out + "/delegated.json"
    // What an earlier run left to do is this run's to find again (or to do).
    try? FileManager.default.removeItem(atPath: path)
    guard delegate else { return (nil, { nil }) }
    let dir = out
    return (
      { work in try RunFiles.writeJSON(DelegatedCommands(work, dir: dir), to: path) },
      { FileManager.default.fileExists(atPath: path) ? path : nil }
    )
  }

  func trainHexapawn(_ config: ZeroConfig) throws {
    let d = delegation()
    let r = try Runs.selfPlay(
      config: config, dir: out, iterations: iterations, budget: budget, resume: resume,
      progress: { Terminal.progress($0) }, announce: { print($0) }, delegate: d.handler)
    Terminal.endProgress()
    if let path = d.left() {
      print("delegated: iteration \(r.learner.iteration + 1) self-play in \(path)")
      return
    }
    let m = r.measurements.last
    print(
      "trained \(r.learner.iteration) iterations, \(r.learner.gamesPlayed) games, \(r.learner.positionsSeen) positions"
    )
    if let m {
      print(
        String(
          format: "optimal moves %.1f%%, value sign %.1f%%, vs perfect as Black %.0f%%",
          100 * m.optimalMoveAccuracy, 100 * m.valueSignAccuracy, 100 * m.scoreVsPerfectAsBlack))
    }
    print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
  }

  func trainChess(_ config: ZeroConfig) throws {
    let d = delegation()
    let r = try ChessRuns.selfPlay(
      config: config, dir: out, iterations: iterations, budget: budget, resume: resume, from: from,
      progress: { Terminal.progress($0) }, announce: { print($0) }, delegate: d.handler)
    Terminal.endProgress()
    if let path = d.left() {
      print("delegated: iteration \(r.learner.iteration + 1) self-play in \(path)")
      return
    }
    print(
      "trained \(r.learner.iteration) iterations, \(r.learner.gamesPlayed) games, \(r.learner.positionsSeen) positions, "
        + "loss \(String(format: "%.3f", r.learner.lastLoss))")
    print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
  }
}

struct Supervise: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a network on labelled positions: Hexapawn's exact solver, or chess games.",
    discussion: """
      Hexapawn: every position labelled by the exact solver (value: the game-theoretic value \
      for the side to move; policy: uniform over all optimal moves). Chess: the positions of \
      --data, files or folders of PGN games (the move played, the game's result) and of \
      'zerolab nnue gen' data (the alpha-beta engine's move; its score and the result weighed \
      by --lambda), also as relabelled by 'zerolab nnue label' (with --moves: Stockfish's move \
      and score). Positions whose move cannot be mapped are counted and reported. A seeded \
      --holdout fraction of the games is never trained on; each measurement logs the \
      held-out top-1 move agreement, policy cross-entropy and value loss. The final \
      OUT/network.safetensors can start 'zerolab train chess --from'.

      Same network, optimizer and checkpoints as `train`. Every measurement (each --steps \
      gradient steps) appends a line to OUT/metrics.jsonl and saves a checkpoint atomically; \
      --resume continues from it. With --iterations the run is a fixed number of measurements, \
      so a killed and resumed run ends exactly as an uninterrupted one.

      Examples:
        zerolab supervise hexapawn --size 3x3 --out runs/supervised-3x3 --budget 10
        zerolab supervise hexapawn --out runs/lbe --iterations 5 \\
          --residual none --blocks 8 --lbe-weight 0.1 --bn-init revisited
        zerolab supervise hexapawn --size 4x4 --out runs/supervised-4x4 \\
          --budget 120 --channels 48
        zerolab supervise hexapawn --size 3x3 --out runs/supervised-3x3 \\
          --iterations 50 --resume
        zerolab supervise chess --data data/gen0 --out runs/sup-c --iterations 3 \\
          --blocks 1 --channels 8 --steps 5
        zerolab supervise chess --data data/gen0 --out runs/sup-chess-long \\
          --budget 600 --blocks 4 --channels 64 --holdout 0.1
      """)

  @Argument(help: "The game.") var game: GameName
  @OptionGroup(title: "Network") var network: NetworkOptions
  @OptionGroup(title: "Network") var model: ActivationInitOptions
  @OptionGroup(title: "Optimisation and measurement") var optimizer: OptimizerOptions
  @Option(
    parsing: .upToNextOption,
    help: "Chess: PGN files, 'zerolab nnue gen' or 'nnue label' data files, or folders of them.")
  var data: [String] = []
  @Option(help: "Chess: the fraction of the positions held out (whole games, drawn from --seed). (default: 0.05)")
  var holdout: Double?
  @Option(
    help: "Chess: held-out positions measured at each measurement (evenly spaced through them). (default: 4096)")
  var validation: Int?
  @Option(
    help:
      "Chess data files: the weight of the search score in the value target (the game result: 1 - λ). (default: 0.5)"
  )
  var lambda: Float?
  @Option(help: "Run folder.") var out: String
  @Option(help: "Seconds of training. (default: 10 unless --iterations is given)") var budget: Double?
  @Option(help: "Stop after this many measurements (--steps gradient steps each).") var iterations: Int?
  @Flag(help: "Continue the run in --out from its last checkpoint (or start it when it has none yet).")
  var resume = false
  @Option(help: "Chess: start from this network's weights (e.g. an earlier run's, to go on with new data).")
  var from: String?

  func validate() throws {
    if let iterations, iterations < 0 { throw ValidationError("--iterations must be at least 0") }
    if let budget, !(budget > 0) { throw ValidationError("--budget must be positive") }
    switch game {
    case .hexapawn:
      if from != nil { throw ValidationError("--from is for chess") }
      if !data.isEmpty { throw ValidationError("--data is for chess; Hexapawn is labelled by its solver") }
      if holdout != nil || validation != nil || lambda != nil {
        throw ValidationError("--holdout, --validation and --lambda are for chess")
      }
    case .chess:
      if network.size != nil { throw ValidationError("--size is for Hexapawn; chess has its board") }
      if data.isEmpty { throw ValidationError("supervise chess needs --data (PGN or data files, or folders)") }
      if data.contains("") { throw ValidationError("--data needs a file or folder") }
      guard (0..<1).contains(holdout ?? 0) else { throw ValidationError("--holdout must be in [0, 1)") }
      guard (validation ?? 1) > 0 else { throw ValidationError("--validation must be positive") }
      guard (0...1).contains(lambda ?? 0) else { throw ValidationError("--lambda must be in [0, 1]") }
    }
    _ = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: nil, initializers: [model.initializer],
      activations: [model.activation], recipe: model.recipe)
  }

  func run() throws {
    var config = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: nil, initializers: [model.initializer],
      activations: [model.activation], recipe: model.recipe)
    do {
      switch game {
      case .hexapawn: try superviseHexapawn(config)
      case .chess:
        config.size = "8x8"
        config.mirror = false
        try superviseChess(config)
      }
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }

  func superviseHexapawn(_ config: ZeroConfig) throws {
    let r = try Runs.supervised(
      config: config, dir: out, steps: iterations.map { $0 * config.trainSteps },
      budget: budget ?? (iterations == nil ? 10 : nil), resume: resume, progress: { Terminal.progress($0) },
      announce: { print($0) })
    Terminal.endProgress()
    if let m = r.measurements.last {
      print(
        String(
          format: "%d positions seen: optimal moves %.1f%%, value sign %.1f%%, value MSE %.3f", m.positionsSeen,
          100 * m.optimalMoveAccuracy, 100 * m.valueSignAccuracy, m.valueMse))
    }
    print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
  }

  func superviseChess(_ config: ZeroConfig) throws {
    let lambda = self.lambda ?? 0.5, validation = self.validation ?? 4096
    let data = try ChessSupervisedData.load(self.data, lambda: lambda) { Terminal.progress($0) }
    Terminal.endProgress()
    print(
      "\(data.examples.count) positions from \(data.games) games in \(data.files.count) files; "
        + "\(data.unmapped) unmapped positions left out"
        + (data.unfinishedGames > 0 ? ", \(data.unfinishedGames) games without a result" : ""))
    let r = try ChessRuns.supervised(
      config: config, data: data, lambda: lambda, holdout: holdout ?? 0.05, validation: validation, dir: out,
      iterations: iterations, from: from,
      budget: budget ?? (iterations == nil ? 10 : nil), resume: resume, progress: { Terminal.progress($0) },
      announce: { print($0) })
    Terminal.endProgress()
    print(
      "\(r.data.training) training positions, \(r.data.heldOut) held out "
        + "(\(min(r.data.heldOut, validation)) measured)")
    if let m = r.measurements.last {
      print(
        String(
          format: "%d positions seen: held-out top-1 %.1f%%, policy cross-entropy %.3f, value loss %.3f",
          m.positionsSeen, 100 * m.top1, m.policyCrossEntropy, m.valueLoss))
    }
    print("network: \(out)/network.safetensors, metrics: \(out)/metrics.jsonl")
  }
}

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Supervised against self-play learning: Hexapawn against its solver, chess in Elo against fixed opponents.",
    discussion: """
      Hexapawn: for every initializer and activation given, trains a network on solver labels \
      and another by self-play, each for --budget seconds (or until it has held 100 % optimal \
      moves for 10 s), measuring both against the exact solver from the untrained network on. \
      Writes OUT/metrics.jsonl, OUT/report.md (every figure explained), OUT/best_possible.json \
      (the board's best values, from the solver) and SVG plots, and prints the table. With \
      --iterations every run is that many measurements instead (no time budget, no early \
      stop), so the comparison depends on the seed alone; --resume continues a killed \
      comparison.

      Chess: supervised only (on --data), supervised then self-play (the supervised network at \
      half the budget, then self-play from it) and self-play from zero, each for --budget \
      seconds of training in --snapshots segments with a network snapshot after each. Every \
      snapshot and the untrained network then play --ladder-games games against each of \
      --opponents at --ladder-sims simulations a move: Elo with its 95 % interval. Writes \
      OUT/settings.json, OUT/runs/ (each run's checkpoint and metrics), OUT/snapshots/, \
      OUT/snapshots.jsonl, OUT/ladder.jsonl, OUT/report.md and Elo plots against time and \
      positions; --resume skips finished segments and measured snapshots.

      Examples:
        zerolab compare hexapawn --size 4x4 --out runs/compare-4x4 --budget 60
        zerolab compare hexapawn --size 3x3 --out runs/grid --budget 30 \\
          --init he_normal,autoinit --activation relu,mish
        zerolab compare hexapawn --size 3x3 --out runs/compare-3x3 --iterations 40 \\
          --resume
        zerolab compare chess --data data/gen0 --out runs/cmp-chess --budget 3600 \\
          --blocks 4 --channels 64
        zerolab compare chess --data data/gen0 --out runs/cmp-tiny --budget 4 \\
          --blocks 1 --channels 8 --games 2 --sims 8 --max-plies 16 \\
          --ladder-games 2 --ladder-sims 8 --opponents random,alphabeta-d1
      """)

  @Argument(help: "The game.") var game: GameName
  @OptionGroup(title: "Network") var network: NetworkOptions
  @Option(help: "Activations, comma separated: each is trained with each --init.") var activation: String = "relu"
  @Option(name: .customLong("init"), help: "Initializers, comma separated: each is trained with each --activation.")
  var initializer: String = "he_normal"
  @OptionGroup(title: "Network") var recipe: RecipeOptions
  @OptionGroup(title: "Optimisation and measurement") var optimizer: OptimizerOptions
  @OptionGroup(title: "Self-play") var selfPlay: ZeroSelfPlayOptions
  @Option(help: "Run folder.") var out: String
  @Option(help: "Seconds of training per run. (default: 45 for Hexapawn, 600 for chess, unless --iterations is given)")
  var budget: Double?
  @Option(help: "Measurements per run instead of --budget (self-play: iterations; chess: per segment).")
  var iterations: Int?
  @Flag(help: "Continue the comparison in --out: finished runs are kept, the others resume.") var resume = false
  @OptionGroup(title: "Chess") var chess: ChessCompareOptions

  func validate() throws {
    if let iterations, iterations < 0 { throw ValidationError("--iterations must be at least 0") }
    if iterations != nil && budget != nil { throw ValidationError("give --budget or --iterations, not both") }
    switch game {
    case .hexapawn:
      if let option = chess.given { throw ValidationError("\(option) is for chess") }
    case .chess:
      if iterations == 0 { throw ValidationError("--iterations must be positive") }
      if let budget, !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be positive") }
      if network.size != nil { throw ValidationError("--size is for Hexapawn; chess has its board") }
      if activation.contains(",") || initializer.contains(",") {
        throw ValidationError("compare chess takes one --activation and one --init")
      }
      _ = try chessSettings()
    }
  }

  func run() throws {
    if game == .chess { return try runChess() }
    let initList = initializer.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let actList = activation.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let base = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: selfPlay, initializers: initList, activations: actList,
      recipe: recipe)
    do {
      let report = try Runs.compare(
        base: base, dir: out, budget: budget ?? 45, inits: initList, activations: actList, iterations: iterations,
        resume: resume, progress: { Terminal.progress($0) })
      Terminal.endProgress()
      print(report)
      print(
        "Written: \(out)/metrics.jsonl, \(out)/report.md, \(out)/best_possible.json, \(out)/optimal_moves_vs_time.svg, \(out)/optimal_moves_vs_positions.svg, \(out)/value_mse_vs_time.svg"
      )
    } catch let e as NeuralError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }

  /// The chess comparison's settings from the options (a one-line error for a bad one).
  func chessSettings() throws -> ChessCompareSettings {
    var config = try learningConfig(
      network: network, optimizer: optimizer, selfPlay: selfPlay, initializers: [initializer],
      activations: [activation], recipe: recipe)
    config.size = "8x8"
    config.maxPlies = config.maxPlies ?? 200
    config.mirror = false
    let c = chess
    if c.data.isEmpty { throw ValidationError("compare chess needs --data (PGN or data files, or folders)") }
    if c.data.contains("") { throw ValidationError("--data needs a file or folder") }
    var s = ChessCompareSettings(
      config: config, budget: iterations == nil ? budget ?? 600 : nil, iterations: iterations, data: c.data)
    if let k = c.snapshots {
      guard (2...1000).contains(k) else { throw ValidationError("--snapshots must be 2...1000") }
      s.snapshots = k
    }
    if let x = c.lambda {
      guard (0...1).contains(x) else { throw ValidationError("--lambda must be in [0, 1]") }
      s.lambda = x
    }
    if let x = c.holdout {
      guard (0..<1).contains(x) else { throw ValidationError("--holdout must be in [0, 1)") }
      s.holdout = x
    }
    if let x = c.validation {
      guard x > 0 else { throw ValidationError("--validation must be positive") }
      s.validation = x
    }
    if let x = c.ladderGames {
      guard (1...100_000).contains(x) else { throw ValidationError("--ladder-games must be positive") }
      s.ladder.games = x
    }
    if let x = c.ladderSims {
      guard (1...1_000_000).contains(x) else { throw ValidationError("--ladder-sims must be positive") }
      s.ladder.simulations = x
    }
    if let tc = c.ladderTc {
      do { _ = try TimeControl(parsing: tc) } catch { throw ValidationError("--ladder-tc: \(error.message)") }
      s.ladder.timeControl = tc
    }
    if let o = c.opponents {
      let names = o.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if names.contains("") { throw ValidationError("--opponents needs names, comma separated") }
      if Set(names).count != names.count { throw ValidationError("--opponents names an opponent twice") }
      for n in names {
        do { _ = try Ladder.opponent(n) } catch { throw ValidationError("--opponents: \(error.message)") }
      }
      s.ladder.opponents = names
    }
    s.openings = c.openings ?? EngineMatches.defaultOpenings
    if let p = s.problem { throw ValidationError(p) }
    return s
  }

  func runChess() throws {
    let settings = try chessSettings()
    do {
      let report = try ChessCompare.run(settings, dir: out, resume: resume, progress: { Terminal.progress($0) })
      Terminal.endProgress()
      print(report)
      print("Written: " + ChessCompare.written(settings).map { "\(out)/\($0)" }.joined(separator: ", "))
    } catch let e as any ZeroLabError {
      Terminal.endProgress()
      throw RuntimeError(e.message)
    }
  }
}

/// The options only `compare chess` takes.
struct ChessCompareOptions: ParsableArguments {
  @Option(
    parsing: .upToNextOption,
    help: "Chess: PGN files, 'zerolab nnue gen' or 'nnue label' data files, or folders of them.")
  var data: [String] = []
  @Option(help: "Chess: training segments per method, a network snapshot after each. (default: 4)")
  var snapshots: Int?
  @Option(help: "Chess: ladder games against each opponent. (default: 20)") var ladderGames: Int?
  @Option(help: "Chess: the network's simulations a move in ladder games. (default: 200)") var ladderSims: Int?
  @Option(help: "Chess: ladder opponents, comma separated. (default: random,alphabeta-d1,stockfish-1350)")
  var opponents: String?
  @Option(help: "Chess: the clock of every ladder game, BASE+INCREMENT in seconds. (default: 120+1)")
  var ladderTc: String?
  @Option(help: "Chess: the ladder's openings file (EPD). (default: engines/openings.epd)") var openings: String?
  @Option(help: "Chess: the held-out fraction of the data's positions. (default: 0.05)") var holdout: Double?
  @Option(help: "Chess: held-out positions measured each measurement. (default: 1024)") var validation: Int?
  @Option(help: "Chess data files: the weight of the search score in the value target. (default: 0.5)")
  var lambda: Float?

  /// The first chess option given, for Hexapawn's refusal.
  var given: String? {
    let set: [(String, Bool)] = [
      ("--data", !data.isEmpty), ("--snapshots", snapshots != nil), ("--ladder-games", ladderGames != nil),
      ("--ladder-sims", ladderSims != nil), ("--ladder-tc", ladderTc != nil), ("--opponents", opponents != nil),
      ("--openings", openings != nil),
      ("--holdout", holdout != nil), ("--validation", validation != nil), ("--lambda", lambda != nil),
    ]
    return set.first { $0.1 }?.0
  }
}
