import ArgumentParser
import ChessArena
import ChessEngine
import Engines
import GameCore

struct UCI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uci",
    abstract: "Run the alpha-beta chess engine under the UCI protocol on standard input and output.",
    discussion: """
      The evaluation is the shipped NNUE (engines/zerolab-nnue.nnue of the clone the binary was \
      built in, found from any working directory; ZEROLAB_EVAL_FILE=PATH|handcrafted overrides it), \
      or the handcrafted evaluation if there is no shipped net.

      Commands: uci, isready, ucinewgame, setoption name Hash value MB, setoption name EvalFile \
      value PATH|handcrafted|<empty> (an NNUE file, the handcrafted evaluation, or the default), \
      position startpos|fen FEN [moves ...], go [wtime btime winc binc movestogo depth nodes \
      movetime infinite], stop, quit. Any other or malformed line is answered with \
      'info string ...' and ignored. At end of input a search with a limit (depth, nodes, \
      movetime, a clock) runs to it; quit stops at once.

      Examples:
        printf 'uci\\nposition startpos moves e2e4\\ngo depth 8\\n' | zerolab uci
        printf 'setoption name EvalFile value handcrafted\\ngo depth 8\\n' \\
          | zerolab uci
        printf 'go depth 10\\n' | zerolab uci --eval-file engines/zerolab-nnue.nnue
      """)

  @Option(help: "Transposition table size in MiB.") var hash: Int = 16
  @Option(
    help:
      "Evaluation: an NNUE file or 'handcrafted' (default: the shipped NNUE; also 'setoption name EvalFile value ...')."
  )
  var evalFile: String?

  func validate() throws {
    guard (1...4096).contains(hash) else { throw ValidationError("--hash must be 1...4096 MiB") }
  }

  func run() throws {
    let engine: UCIEngine
    do throws(EngineError) {
      engine = try UCIEngine(
        hashMegabytes: hash, evalFile: evalFile, factory: Evaluators.factory,
        defaultEval: Evaluators.describe(nil))
    } catch {
      throw RuntimeError(error.message)
    }
    engine.run(readLine: { Swift.readLine(strippingNewline: true) })
  }
}
