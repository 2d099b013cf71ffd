import ArgumentParser
import ChessArena
import ChessEngine
import GameCore

struct UCI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uci",
    abstract: "Run the alpha-beta chess engine under the UCI protocol on standard input and output.",
    discussion: """
      Commands: uci, isready, ucinewgame, setoption name Hash value MB, setoption name EvalFile
      value PATH (an NNUE file; <empty> for the handcrafted evaluation), position startpos|fen FEN
      [moves ...], go [wtime btime winc binc movestogo depth nodes movetime infinite], stop, quit.
      Any other or malformed line is answered with 'info string ...' and ignored.

      Example:
        printf 'uci\\nposition startpos moves e2e4\\ngo depth 8\\nquit\\n' | zerolab uci
        printf 'setoption name EvalFile value engines/zerolab-nnue.nnue\\ngo depth 8\\nquit\\n' | zerolab uci
      """)

  @Option(help: "Transposition table size in MiB.") var hash: Int = 16
  @Option(help: "Evaluation: an NNUE file (default: handcrafted; also 'setoption name EvalFile value PATH').")
  var evalFile: String?

  func validate() throws {
    guard (1...4096).contains(hash) else { throw ValidationError("--hash must be 1...4096 MiB") }
  }

  func run() throws {
    let engine: UCIEngine
    do throws(NotationError) {
      engine = try UCIEngine(hashMegabytes: hash, evalFile: evalFile, factory: Evaluators.factory)
    } catch {
      throw RuntimeError(error.message)
    }
    engine.run(readLine: { Swift.readLine(strippingNewline: true) })
  }
}
