import ArgumentParser
import Chess
import ChessEngine
import Foundation
import GameCore
import NNUE

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
