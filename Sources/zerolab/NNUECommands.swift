import ArgumentParser
import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import NNUE
import NNUELab

struct NNUECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nnue",
    abstract: "NNUE for chess: generate self-play data, train, loop generations, compare with Stockfish labels.",
    discussion: """
      Examples:
        zerolab nnue gen --games 200 --nodes 5000 --out data/gen0
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 10
        zerolab nnue eval runs/nnue0/quantized.safetensors \\
          --fen 'rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1'
        zerolab nnue loop --generations 3 --games 400 --out runs/loop
        zerolab nnue compare --positions 100000 --out runs/compare
        zerolab nnue bench
      """,
    subcommands: [
      NNUEGen.self, NNUETrain.self, NNUEEval.self, NNUEExport.self, NNUELabel.self, NNUELoop.self, NNUECompare.self,
      NNUEBench.self,
    ])
}

func etaText(done: Double, total: Double, elapsed: Double) -> String {
  guard done > 0, total > done else { return "-" }
  let s = Int(elapsed / done * (total - done))
  return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}

/// `handcrafted` or an NNUE file.
func evaluatorChoice(_ text: String) throws -> QuantizedNNUE? {
  if text == "handcrafted" { return nil }
  do { return try QuantizedNNUE.load(text) } catch { throw RuntimeError(error.message) }
}

struct NNUEGen: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gen",
    abstract: "Generate training data by self-play of the alpha-beta engine.",
    discussion: """
      Each game starts with --random-plies random moves, then the engine plays itself with a fixed \
      --nodes or --depth per move (so a seed gives the same games on any machine). Positions in \
      check, positions whose best move is a capture or promotion, and mate scores are skipped. \
      Games end by the rules or by adjudication (|score| >= 1500 for 4 plies: a win; after ply 80, \
      |score| <= 8 for 12 plies: a draw). Data goes to OUT/gen-s<seed>-<k>.zldata, a shard per \
      --shard-games games, each written whole, with the settings in OUT/gen-s<seed>.json. A rerun \
      with the same seed skips finished shards and tops the folder up to exactly --games; one \
      with other settings for that seed is refused. Several processes with different seeds can \
      write into one folder at once.

      Examples:
        zerolab nnue gen --games 1000 --nodes 5000 --out data/gen0 --threads 2
        zerolab nnue gen --games 1000 --depth 6 --out data/gen1 --seed 2 \\
          --eval-file runs/nnue0/quantized.safetensors
      """)

  @Option(help: "Games to play.") var games: Int
  @Option(help: "Nodes per move (default 5000 unless --depth is given).") var nodes: Int?
  @Option(help: "Depth per move instead of --nodes.") var depth: Int?
  @Option(help: "Output folder.") var out: String
  @Option(help: "Evaluation: handcrafted or an NNUE file. (default: handcrafted)") var evalFile: String?
  @Option(name: .customLong("eval"), help: .hidden) var evalAlias: String?
  var eval: String { evalFile ?? evalAlias ?? "handcrafted" }
  @Option(help: "Random plies at the start of each game.") var randomPlies: Int = 8
  @Option(help: "Games per shard file.") var shardGames: Int = 16
  @Option(help: "Worker threads.") var threads: Int = 1
  @Option(help: "Random seed.") var seed: UInt64 = 1

  func validate() throws {
    guard games >= 1 else { throw ValidationError("--games must be at least 1") }
    if let nodes, nodes < 1 { throw ValidationError("--nodes must be at least 1") }
    if let depth, !(1...64).contains(depth) { throw ValidationError("--depth must be 1...64") }
    guard (0...40).contains(randomPlies) else { throw ValidationError("--random-plies must be 0...40") }
    guard (1...10_000).contains(shardGames) else { throw ValidationError("--shard-games must be 1...10000") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
  }

  func run() throws {
    var s = GenSettings(games: games, nodes: nodes ?? (depth == nil ? 5000 : nil), depth: depth, seed: seed)
    s.randomPlies = randomPlies
    s.gamesPerShard = shardGames
    let net = try evaluatorChoice(eval)
    let progress = DataGenerator.Progress()
    let start = ContinuousClock.now
    let done = Mutex2(false)
    let reporter = Thread {
      while !done.value {
        Thread.sleep(forTimeInterval: 0.5)
        let p = progress.snapshot
        let t = toSeconds(ContinuousClock.now - start)
        Terminal.progress(
          "gen: \(p.games)/\(games) games, \(grouped(p.positions)) positions, "
            + String(format: "%.0f positions/s, %.2f games/s", Double(p.positions) / t, Double(p.games) / t)
            + ", ETA \(etaText(done: Double(p.games), total: Double(games - p.skipped * shardGames), elapsed: t))")
      }
    }
    reporter.start()
    let paths: [String]
    do {
      if let net {
        paths = try DataGenerator.run(settings: s, into: out, threads: threads, progress: progress, evaluation: eval) {
          NNUEEvaluation(net: net)
        }
      } else {
        paths = try DataGenerator.run(settings: s, into: out, threads: threads, progress: progress) {
          HandcraftedEvaluation()
        }
      }
    } catch {
      done.value = true
      throw RuntimeError("\(error)")
    }
    done.value = true
    Terminal.endProgress()
    let p = progress.snapshot
    let d = ContinuousClock.now - start
    print(
      "generated \(p.games) games, \(grouped(p.positions)) positions in \(seconds(d)) s (\(rate(p.positions, d)))"
        + (p.skipped > 0 ? "; \(p.skipped) shards were already there" : ""))
    print("data: \(out) (\(paths.count) shards)")
  }
}

/// A tiny lock-protected value.
final class Mutex2<T>: @unchecked Sendable {
  let lock = NSLock()
  var stored: T
  init(_ v: T) { stored = v }
  var value: T {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

/// Architecture options shared by train, loop and compare.
struct ArchitectureOptions: ParsableArguments {
  @Option(help: "Input features: chess768, kings4, kings16 (king buckets).") var layout: String = "chess768"
  @Option(help: "Accumulator units per perspective.") var accumulator: Int = 256
  @Option(help: "Transformer activation: crelu or screlu.") var activation: String = "screlu"
  @Option(help: "Hidden layer sizes after the transformer, comma separated (empty: none).") var hidden: String = ""

  func spec() throws -> NNUESpec {
    do {
      return try NNUESpec.parse(layout: layout, accumulator: accumulator, activation: activation, hidden: hidden)
    } catch {
      throw ValidationError(error.message)
    }
  }
}

/// Training options shared by train, loop and compare.
struct TrainingOptions: ParsableArguments {
  @Option(help: "Epochs over the data.") var epochs: Int = 10
  @Option(help: "Batch size.") var batch: Int = 4096
  @Option(help: "Adam learning rate (cosine decay to 5% of it).") var lr: Float = 1e-3
  @Option(help: "Weight of the search score in the target (1 - lambda on the game result).") var lambda: Float = 1
  @Option(help: "Sigmoid scale K in centipawns.") var sigmoidScale: Float = 400
  @Option(
    name: .customLong("init"),
    help: "Initializer (default: autoinit; the names are listed by 'zerolab signal --help').")
  var initName: String?
  @Option(name: .customLong("initializer"), help: .hidden) var initializerAlias: String?
  var initializer: String { initName ?? initializerAlias ?? "autoinit" }
  @Option(help: "Training threads.") var threads: Int = 2
  @Option(help: "Random seed.") var seed: UInt64 = 1

  func settings(spec: NNUESpec) throws -> TrainSettings {
    var s = TrainSettings(spec: spec, epochs: epochs, seed: seed)
    s.batchSize = batch
    s.learningRate = lr
    s.lambda = lambda
    s.sigmoidScale = sigmoidScale
    s.initializer = initializer
    s.threads = threads
    do { try s.validate() } catch { throw ValidationError(error.message) }
    return s
  }
}

struct NNUETrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train an NNUE on data files (float, on the neural core), then quantise it.",
    discussion: """
      Loss: q = sigmoid(eval/K), t = lambda*sigmoid(score/K) + (1-lambda)*result, mean (q - t)^2. \
      Adam with cosine decay; 5% of the positions (at most 50,000) are held out for validation. \
      Each epoch appends to OUT/metrics.jsonl and saves OUT/checkpoint.safetensors atomically; kill \
      it at any moment and continue with --resume. The best net (lowest validation loss) is \
      OUT/best.safetensors, quantised as OUT/quantized.safetensors; --engine NAME also writes \
      engines/NAME.json and engines/NAME.nnue for the arena, UCI and the terminal.

      Examples:
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 10
        zerolab nnue train --data data/gen0 data/gen1 --out runs/nnue1 \\
          --layout kings4 --hidden 16 --init he_normal
        zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 20 --resume
      """)

  @Option(parsing: .upToNextOption, help: "Data files or folders.") var data: [String]
  @Option(help: "Run folder.") var out: String
  @OptionGroup var arch: ArchitectureOptions
  @OptionGroup var training: TrainingOptions
  @Option(help: "Also export the best net as engines/NAME.json + engines/NAME.nnue.") var engine: String?
  @Flag(help: "Continue the run in --out.") var resume = false

  func run() throws {
    let settings = try training.settings(spec: try arch.spec())
    let records: [TrainingRecord]
    do { records = try TrainingData.load(data) } catch { throw RuntimeError(error.message) }
    print("\(grouped(records.count)) positions from \(data.joined(separator: " ")); net \(settings.spec)")
    let trainer: NNUETrainer
    do {
      trainer = try NNUETrainer(settings: settings, records: records, out: out, resume: resume)
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
    let start = ContinuousClock.now
    let total = Double(settings.epochs * trainer.trainCount)
    let startEpoch = trainer.epoch
    trainer.progress = { epoch, done, count, loss in
      let t = toSeconds(ContinuousClock.now - start)
      let finished = Double((epoch - 1 - startEpoch) * count + done)
      Terminal.progress(
        "train: epoch \(epoch)/\(settings.epochs) \(done)/\(count) loss "
          + String(format: "%.5f, %.0f positions/s", loss, finished / t)
          + ", ETA \(etaText(done: finished, total: total - Double(startEpoch * count), elapsed: t))")
    }
    trainer.log = { s in
      Terminal.endProgress()
      print(s)
    }
    do { try trainer.run() } catch { throw RuntimeError("\(error)") }
    Terminal.endProgress()
    print("best: \(trainer.bestPath), quantised: \(trainer.quantizedPath), metrics: \(trainer.metricsPath)")
    if let engine {
      do {
        let paths = try EngineExport.export(
          quantized: try QuantizedNNUE.load(trainer.quantizedPath), name: engine, directory: "engines")
        print("engine: \(paths.json) (weights \(paths.weights))")
      } catch let e as NNUEError {
        throw RuntimeError(e.message)
      }
    }
  }
}

struct NNUEExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Quantise an NNUE file and write it as an engine (engines/NAME.json + engines/NAME.nnue).",
    discussion: """
      Example:
        zerolab nnue export runs/nnue0/best.safetensors --name zerolab-nnue
      """)
  @Argument(help: "A float or quantised NNUE file.") var net: String
  @Option(help: "Engine name.") var name: String
  @Option(help: "Engines folder.") var directory: String = "engines"

  func run() throws {
    do {
      let q = try QuantizedNNUE.load(net)
      let paths = try EngineExport.export(quantized: q, name: name, directory: directory)
      print("engine: \(paths.json) (weights \(paths.weights), \(q.spec))")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
  }
}

struct NNUEEval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate positions with an NNUE file (quantised and float) next to the handcrafted evaluation.",
    discussion: """
      Every score is in centipawns for the side to move. A float file is also evaluated in \
      float; a quantised file (as shipped) has only its quantised evaluation.

      Example:
        zerolab nnue eval engines/zerolab-nnue.nnue \\
          --fen 'r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3'
      """)
  @Argument(help: "A float or quantised NNUE file.") var net: String
  @Option(help: "Position (default: the start position).") var fen: String?

  func run() throws {
    let q: QuantizedNNUE
    do { q = try QuantizedNNUE.load(net) } catch { throw RuntimeError(error.message) }
    let p: ChessPosition
    do throws(NotationError) {
      p = try ChessPosition(fen: fen ?? ChessPosition.startFEN)
    } catch {
      throw RuntimeError(error.message)
    }
    let side = "\(p.sideToMove)"
    print("net: \(q.spec)")
    print("nnue (quantised): \(q.evaluate(p)) cp for \(side)")
    if let f = try? NNUENetwork.load(net) {
      print("nnue (float): \(String(format: "%.1f", f.evaluate(p))) cp for \(side)")
    } else {
      print("nnue (float): none (a quantised file)")
    }
    print("handcrafted: \(HandcraftedEvaluation.score(p)) cp for \(side)")
  }
}

/// Self-play generation options shared by loop and compare.
struct SelfPlayOptions: ParsableArguments {
  @Option(help: "Self-play games (per generation for loop).") var games: Int = 400
  @Option(help: "Nodes per move in self-play.") var nodes: Int = 5000
  @Option(help: "Random plies at the start of each game.") var randomPlies: Int = 8

  func settings(seed: UInt64) throws -> GenSettings {
    guard games >= 1, nodes >= 1, (0...40).contains(randomPlies) else {
      throw ValidationError("--games and --nodes must be positive, --random-plies 0...40")
    }
    var s = GenSettings(games: games, nodes: nodes, seed: seed)
    s.randomPlies = randomPlies
    return s
  }
}

struct NNUELoop: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loop",
    abstract: "The self-play loop: play, train, measure in the arena, repeat.",
    discussion: """
      Generation 0's games are played by the handcrafted evaluation; each next generation's by the \
      previous generation's net (--data-from best: by the best net so far). After training, the new \
      net plays the handcrafted baseline and the best net of the earlier generations (both matches \
      at once); it becomes the best net if it scores over 50% against it. OUT/metrics.jsonl gets a \
      line per generation with both Elo figures and their 95% \
      intervals; every step's files stay in OUT/gen<k>/, so a killed loop continues when rerun.

      Examples:
        zerolab nnue loop --generations 3 --games 400 --nodes 5000 --out runs/loop \\
          --epochs 8
        zerolab nnue loop --generations 2 --games 20 --nodes 500 --epochs 2 \\
          --out runs/loop-small --arena-games 4 --tc 1+0.01
      """)

  @Option(help: "Generations.") var generations: Int = 3
  @Option(help: "Run folder.") var out: String
  @OptionGroup var selfPlay: SelfPlayOptions
  @OptionGroup var arch: ArchitectureOptions
  @OptionGroup var training: TrainingOptions
  @Option(help: "Train on this many most recent generations' data.") var window: Int = 2
  @Option(help: "Arena games per match (even: each opening twice).") var arenaGames: Int = 40
  @Option(help: "Arena time control BASE+INC in seconds.") var tc: String = "2+0.02"
  @Option(help: "Arena openings (EPD).") var openings: String = "engines/openings.epd"
  @Option(help: "Who plays each generation's games: previous (the last generation's net) or best (the best so far).")
  var dataFrom: String = "previous"

  func run() throws {
    guard ["previous", "best"].contains(dataFrom) else { throw ValidationError("--data-from: previous or best") }
    var s = LoopSettings(
      generations: generations, gen: try selfPlay.settings(seed: training.seed),
      train: try training.settings(spec: try arch.spec()))
    s.window = max(1, window)
    s.arenaGames = arenaGames
    s.timeControl = tc
    s.openings = openings
    s.threads = max(1, training.threads)
    s.dataFrom = dataFrom
    do {
      let loop = try SelfPlayLoop(settings: s, out: out)
      loop.progress = { Terminal.progress($0) }
      loop.log = { text in
        Terminal.endProgress()
        print(text)
      }
      let records = try loop.run()
      Terminal.endProgress()
      print("generation | positions | val loss | vs handcrafted | vs previous best")
      for r in records {
        print(
          "\(r.generation) | \(r.positions) | \(String(format: "%.5f", r.validationLoss)) | \(r.vsHandcrafted.summary) | \(r.vsPreviousBest?.summary ?? "-")"
        )
      }
      print("metrics: \(loop.metricsPath)")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
  }
}

struct NNUELabel: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "label",
    abstract: "Relabel data with another engine's score through UCI (Stockfish 15.1 by default).",
    discussion: """
      Each position is searched with 'go nodes K' (or depth D); the score replaces ours, the game \
      result is kept.

      Example:
        zerolab nnue label data/gen0 --out data/gen0-sf.zldata --nodes 5000 \\
          --workers 2
      """)
  @Argument(help: "Data files or folders.") var data: [String]
  @Option(help: "Output data file.") var out: String
  @Option(help: "Nodes per position.") var nodes: Int = 5000
  @Option(help: "Depth per position instead of nodes.") var depth: Int?
  @Option(help: "Engine: a JSON file or a command (default /usr/games/stockfish).") var engine: String =
    "/usr/games/stockfish"
  @Option(help: "Engine processes at once.") var workers: Int = 2
  @Option(help: "Label only the first N positions.") var limit: Int?

  func run() throws {
    do {
      var records = try TrainingData.load(data)
      if let limit { records = Array(records.prefix(limit)) }
      let spec: EngineSpec
      if engine.hasSuffix(".json") {
        do throws(NotationError) { spec = try EngineSpec.resolve(engine) } catch { throw NNUEError(error.message) }
      } else {
        spec = EngineSpec(
          name: (engine as NSString).lastPathComponent, type: "uci", command: engine,
          options: ["Threads": "1", "Hash": "16"])
      }
      let total = records.count
      let start = ContinuousClock.now
      let limits = depth.map { SearchLimits(depth: $0) } ?? SearchLimits(nodes: nodes)
      let out = try Labeler.labelParallel(records, engine: spec, limits: limits, workers: workers) { done in
        let t = toSeconds(ContinuousClock.now - start)
        Terminal.progress(
          "label: \(done)/\(total), \(Int(Double(done) / max(t, 1e-9)))/s, ETA \(etaText(done: Double(done), total: Double(total), elapsed: t))"
        )
      }
      Terminal.endProgress()
      try? FileManager.default.removeItem(atPath: self.out)
      try TrainingData.writeExclusive(out, to: self.out)
      print("labelled \(out.count) positions with \(spec.name): \(self.out)")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
  }
}

struct NNUECompare: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Supervised (Stockfish 15.1 labels) against self-play (our labels) on the same positions.",
    discussion: """
      Takes --positions positions from --data (or plays --games self-play games first), labels them \
      with Stockfish at --sf-nodes, trains one net on each label set with the same settings, and \
      plays both against the handcrafted evaluation and each other. Writes OUT/compare.md (the \
      table), OUT/compare.svg (validation loss by epoch) and OUT/summary.json.

      Examples:
        zerolab nnue compare --data data/gen0 --positions 200000 --out runs/compare \\
          --epochs 8
        zerolab nnue compare --games 30 --nodes 500 --positions 2000 --out runs/cmp \\
          --epochs 2 --arena-games 4 --tc 1+0.01
      """)
  @Option(parsing: .upToNextOption, help: "Self-play data files or folders (default: generate).") var data: [String] =
    []
  @Option(help: "Positions in each data set.") var positions: Int = 100_000
  @Option(help: "Stockfish nodes per position.") var sfNodes: Int = 5000
  @Option(help: "Run folder.") var out: String
  @OptionGroup var selfPlay: SelfPlayOptions
  @OptionGroup var arch: ArchitectureOptions
  @OptionGroup var training: TrainingOptions
  @Option(help: "Arena games per match.") var arenaGames: Int = 40
  @Option(help: "Arena time control BASE+INC in seconds.") var tc: String = "2+0.02"
  @Option(help: "Arena openings (EPD).") var openings: String = "engines/openings.epd"

  func run() throws {
    var s = CompareSettings(
      data: data, gen: try selfPlay.settings(seed: training.seed), positions: positions,
      train: try training.settings(spec: try arch.spec()))
    s.stockfishNodes = sfNodes
    s.arenaGames = arenaGames
    s.timeControl = tc
    s.openings = openings
    s.workers = max(1, training.threads)
    do {
      let c = try Comparison(settings: s, out: out)
      c.progress = { Terminal.progress($0) }
      c.log = { text in
        Terminal.endProgress()
        print(text)
      }
      _ = try c.run()
      Terminal.endProgress()
      print(try String(contentsOfFile: out + "/compare.md", encoding: .utf8))
      print("table: \(out)/compare.md, plot: \(out)/compare.svg, summary: \(out)/summary.json")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    }
  }
}

struct NNUEBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "NNUE speed: incremental evaluations per second on one core, and search nodes/s next to handcrafted.",
    discussion: """
      Evaluations: along 64 seeded random games, each move is pushed and the \
      position evaluated (the lazy stack's incremental update fused with the \
      output layer, as in the search); each game's first full refresh is not \
      timed. The run is cut into windows (--timing-window seconds each) and the BENCH \
      line reports the fastest: interference from other processes, or from another \
      tenant on a shared core, only slows a window down, so the fastest window is \
      the figure that repeats from run to run. The whole run's rate and the median \
      window are printed above it; --timing-window 0 makes the whole run the one window. \
      Search: `zerolab bench engine`'s eight positions at a fixed depth with each \
      evaluation, --repeats times each in turn, the fastest run counting. Without \
      --eval-file a random 768->256x2->1 SCReLU net is used (speed does not depend on \
      the weights).

      Examples:
        zerolab nnue bench
        zerolab nnue bench --eval-file engines/zerolab-nnue.nnue --depth 10
        zerolab nnue bench --depth 0 --breakdown
        zerolab nnue bench --depth 0 --timing-window 0
      """)
  @Option(help: "An NNUE file (default: a random 768->256x2->1 net).") var evalFile: String?
  @Option(name: .customLong("net"), help: .hidden) var netAlias: String?
  var net: String? { evalFile ?? netAlias }
  @Option(help: "Seconds of evaluation timing. (default: 3)") var budget: Double?
  @Option(name: .customLong("seconds"), help: .hidden) var secondsAlias: Double?
  var seconds: Double { budget ?? secondsAlias ?? 3 }
  @Option(help: "Search depth (0: skip the search part).") var depth: Int = 9
  @Flag(help: "Also time the accumulator update and the output layer alone.") var breakdown = false
  @Option(help: "Accumulator units of the random net (without --eval-file).") var accumulator: Int = 256
  @Option(help: "Seconds per timing window; the BENCH line reports the fastest (0: the whole run). (default: 0.05)")
  var timingWindow: Double?
  @Option(name: .customLong("window"), help: .hidden) var windowAlias: Double?
  var window: Double { timingWindow ?? windowAlias ?? 0.05 }
  @Option(help: "Runs of the search set per evaluation, in turn; the fastest counts.") var repeats: Int = 3

  func validate() throws {
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--budget must be positive") }
    guard window >= 0, window.isFinite else { throw ValidationError("--timing-window must be 0 or positive") }
    guard depth >= 0 else { throw ValidationError("--depth must be 0 or positive") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
  }

  func run() throws {
    let q: QuantizedNNUE
    if let net {
      do { q = try QuantizedNNUE.load(net) } catch { throw RuntimeError(error.message) }
    } else {
      q = QuantizedNNUE(NNUENetwork(spec: NNUESpec(accumulator: accumulator), seed: 1))
    }
    print("net: \(q.spec)")
    let r = NNUEBenchmark.incrementalEvals(net: q, seconds: seconds, window: window)
    let evals = Int(r.best)
    func m(_ x: Double) -> String { String(format: "%.2f", x / 1e6) }
    print(
      "incremental evaluations: \(grouped(r.evals)) in \(format3(r.seconds)) s, \(m(r.overall)) M/s (checksum \(r.checksum))"
    )
    if !r.windows.isEmpty {
      print(
        "windows of \(String(format: "%g", window)) s: \(r.windows.count), fastest \(m(r.best)), median \(m(r.median)), slowest \(m(r.worst)) M/s"
      )
    }
    if breakdown {
      let of = window > 0 ? "fastest window" : "whole run"
      for mode in [NNUEBenchmark.EvalMode.update, .evaluate, .siblings] {
        let b = NNUEBenchmark.incrementalEvals(net: q, seconds: seconds, mode: mode, window: window)
        print("  \(mode.rawValue) alone: \(String(format: "%.1f", 1e9 / b.best)) ns each (\(of))")
      }
      print("  push+evaluate: \(String(format: "%.1f", 1e9 / r.best)) ns each (\(of))")
    }
    if depth > 0 {
      let (n, h, consistent) = NNUEBenchmark.searchSpeeds(
        { NNUEEvaluation(net: q) }, { HandcraftedEvaluation() }, depth: depth, repeats: repeats)
      let nn = Int(Double(n.nodes) / max(n.seconds, 1e-9)), hh = Int(Double(h.nodes) / max(h.seconds, 1e-9))
      func ms(_ x: Double) -> String { String(format: "%.0f", x * 1000) }
      print(
        "search depth \(depth): nnue \(grouped(n.nodes)) nodes in \(ms(n.seconds)) ms, handcrafted \(grouped(h.nodes)) nodes in \(ms(h.seconds)) ms (fastest of \(repeats) runs each, in turn)"
      )
      if !consistent {
        print("warning: a repeated search visited different nodes (the search should be deterministic)")
      }
      print(
        "BENCH nnue-search unit=nodes/s zerolab=\(nn) handcrafted=\(hh) ratio=\(String(format: "%.2f", Double(nn) / Double(max(hh, 1))))"
      )
    }
    print(
      "BENCH nnue-eval unit=evals/s zerolab=\(evals) goal=20000000 ratio=\(String(format: "%.2f", Double(evals) / 20_000_000))"
    )
  }
}
