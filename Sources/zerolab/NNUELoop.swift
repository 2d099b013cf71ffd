import ArgumentParser
import Foundation
import NNUE
import NNUELab

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
  @Option(help: "Nodes per arena move (with a --tc long enough never to bind, the loop depends on the seed alone).")
  var arenaNodes: Int?
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
