import ArgumentParser
import Foundation
import NNUE
import NNUELab

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
