import ArgumentParser
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import NNUE
import NNUELab
import NNUETraining

struct NNUELabel: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "label",
    abstract: "Relabel data with another engine's score through UCI (Stockfish 15.1 by default).",
    discussion: """
      Each position is searched with 'go nodes K' (or depth D); the score replaces ours, the game \
      result is kept. With --moves the engine's best move replaces ours too (for 'zerolab \
      supervise chess': the engine's move and score as targets).

      Examples:
        zerolab nnue label data/gen0 --out data/gen0-sf.zldata --nodes 5000 \\
          --workers 2
        zerolab nnue label data/gen0 --out data/gen0-sf-moves.zldata --moves
      """)
  @Argument(help: "Data files or folders.") var data: [String]
  @Option(help: "Output data file.") var out: String
  @Option(help: "Nodes per position.") var nodes: Int = 5000
  @Option(help: "Depth per position instead of nodes.") var depth: Int?
  @Option(help: "Engine: a JSON file or a command (default /usr/games/stockfish).") var engine: String =
    "/usr/games/stockfish"
  @Option(help: "Engine processes at once.") var workers: Int = 2
  @Option(help: "Label only the first N positions.") var limit: Int?
  @Flag(help: "Also replace each record's move by the engine's best move.") var moves = false

  func run() throws {
    do {
      var records = try TrainingData.load(data)
      if let limit { records = Array(records.prefix(limit)) }
      let spec: EngineSpec
      if engine.hasSuffix(".json") {
        do throws(EngineError) { spec = try EngineSpec.resolve(engine) } catch { throw NNUEError(error.message) }
      } else {
        spec = EngineSpec(
          name: (engine as NSString).lastPathComponent, type: "uci", command: engine,
          options: ["Threads": "1", "Hash": "16"])
      }
      let total = records.count
      let start = ContinuousClock.now
      let limits = depth.map { SearchLimits(depth: $0) } ?? SearchLimits(nodes: nodes)
      let out = try Labeler.labelParallel(records, engine: spec, limits: limits, workers: workers, moves: moves) {
        done in
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
