import AlphaZero
import ArgumentParser
import Foundation
import LabKit
import NNUE
import NNUELab
import NNUETraining

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
      intervals; every step's files stay in OUT/gen<k>/ (the arena's in parts of 2 games, in \
      OUT/gen<k>/arena/), so a killed loop continues when rerun. With --delegate the loop plays \
      nothing itself: it trains, and leaves the games of the next step (the self-play data, or the \
      arena's missing parts) as zerolab commands in OUT/delegated.json for zerolab-cluster \
      nnue-loop to run on a cluster (docs/cluster.md); rerun it once they are done.

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
  @Option(help: "Nodes per arena move (with a --tc long enough never to bind, the loop depends on the seed alone).")
  var arenaNodes: Int?
  @Option(help: "Arena openings (EPD).") var openings: String = "engines/openings.epd"
  @Option(help: "Who plays each generation's games: previous (the last generation's net) or best (the best so far).")
  var dataFrom: String = "previous"
  @Flag(
    help:
      "Play no games: write the missing self-play data or arena games of the next step as zerolab commands to OUT/delegated.json and stop (zerolab-cluster nnue-loop)."
  )
  var delegate = false

  func run() throws {
    guard ["previous", "best"].contains(dataFrom) else { throw ValidationError("--data-from: previous or best") }
    var s = LoopSettings(
      generations: generations, gen: try selfPlay.settings(seed: training.seed),
      train: try training.settings(spec: try arch.spec()))
    s.window = max(1, window)
    s.arenaGames = arenaGames
    s.timeControl = tc
    if let arenaNodes, arenaNodes < 1 { throw ValidationError("--arena-nodes must be at least 1") }
    s.arenaNodes = arenaNodes
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
      let delegatedPath = out + "/delegated.json"
      // What an earlier run left to do is this run's to find again (or to do).
      try? FileManager.default.removeItem(atPath: delegatedPath)
      if delegate {
        loop.delegate = { work in try RunFiles.writeJSON(try DelegatedCommands(work), to: delegatedPath) }
      }
      let records = try loop.run()
      Terminal.endProgress()
      if let work = loop.delegated {
        print("delegated: generation \(work.generation) \(work.step) in \(delegatedPath)")
        return
      }
      print("generation | positions | val loss | vs handcrafted | vs previous best")
      for r in records {
        print(
          "\(r.generation) | \(r.positions) | \(String(format: "%.5f", r.validationLoss)) | \(r.vsHandcrafted.summary) | \(r.vsPreviousBest?.summary ?? "-")"
        )
      }
      print("metrics: \(loop.metricsPath)")
    } catch let e as NNUEError {
      throw RuntimeError(e.message)
    } catch let e as RunFileError {
      throw RuntimeError(e.message)
    }
  }
}

/// `OUT/delegated.json` of `zerolab nnue loop --delegate`: the work the loop left, as zerolab
/// commands (paths relative to the run folder) with the files they read (name → path here)
/// and what each makes (zerolab-cluster nnue-loop runs them; docs/cluster.md).
struct DelegatedCommands: Codable {
  struct Command: Codable {
    var arguments: [String]
    var inputs: [String: String]
    var output: String
  }

  var generation: Int
  var step: String
  var commands: [Command]

  /// The `zerolab selfplay` commands of a learning run's missing self-play parts (`dir`: the
  /// run folder).
  init(_ work: SelfPlayWork, dir: String) {
    generation = work.iteration
    step = "selfplay"
    let inputs = [work.job: dir + "/" + work.job, work.network: dir + "/" + work.network]
    commands = work.parts.map { part in
      Command(
        arguments: [
          "selfplay", work.job, "--games", "\(part.games.lowerBound)..\(part.games.upperBound - 1)", "--out",
          part.output,
        ], inputs: inputs, output: part.output)
    }
  }

  init(_ work: DelegatedWork) throws {
    generation = work.generation
    step = work.step
    func inputs(_ names: [String]) -> [String: String] {
      var out: [String: String] = [:]
      for name in names where name != "handcrafted" { out[name] = work.inputs[name] }
      return out
    }
    if let data = work.selfPlay {
      let s = data.settings
      var plain = GenSettings(games: s.games, nodes: s.nodes, seed: s.seed)
      plain.randomPlies = s.randomPlies
      plain.gamesPerShard = s.gamesPerShard
      guard let nodes = s.nodes, plain == s else {
        throw RuntimeError("the loop's self-play settings are not all options of zerolab nnue gen: cannot delegate")
      }
      var args = [
        "nnue", "gen", "--games", "\(s.games)", "--nodes", "\(nodes)", "--seed", "\(s.seed)", "--shard-games",
        "\(s.gamesPerShard)", "--random-plies", "\(s.randomPlies)",
      ]
      if data.evaluation != "handcrafted" { args += ["--eval-file", data.evaluation] }
      commands = [Command(arguments: args + ["--out", data.out], inputs: inputs([data.evaluation]), output: data.out)]
      return
    }
    var openings: [String] = [], openingsInput: [String: String] = [:]
    if let path = work.openings {
      let name = (path as NSString).lastPathComponent
      openings = ["--openings", name]
      openingsInput[name] = path
    }
    commands = work.parts.map { part in
      let w = part.wanted
      var args = ["nnue", "match", w.a, w.b, "--games", "\(w.first)..\(w.first + w.count - 1)", "--tc", w.timeControl]
      if let nodes = w.nodes { args += ["--nodes", "\(nodes)"] }
      return Command(
        arguments: args + openings + ["--out", part.output],
        inputs: inputs([w.a, w.b]).merging(openingsInput) { a, _ in a }, output: part.output)
    }
  }
}
