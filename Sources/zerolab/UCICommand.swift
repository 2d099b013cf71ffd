import ArgumentParser
import ChessArena
import ChessEngine
import Engines
import GameCore

struct UCI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uci",
    abstract: "Run a ZeroLab chess engine under the UCI protocol on standard input and output.",
    discussion: """
      The engine is the alpha-beta search, or with --engine an engine file: a built-in one \
      (its Hash and EvalFile) or a network one (a policy-value network searched by PUCT: 'go \
      nodes N' is N simulations, the network file is the option WeightsFile, Hash bounds the \
      tree).

      The alpha-beta engine's evaluation is the shipped NNUE (engines/zerolab-nnue.nnue of the clone the binary was \
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

  @Option(help: "Transposition table (network engine: tree) size in MiB. (default: 16, or the engine file's)")
  var hash: Int?
  @Option(
    help:
      "Evaluation: an NNUE file or 'handcrafted' (default: the shipped NNUE; also 'setoption name EvalFile value ...')."
  )
  var evalFile: String?
  @Option(
    help: "An engine file, by name in engines/ or as a path: built-in or network. (default: the alpha-beta engine)")
  var engine: String?

  func validate() throws {
    if let hash, !(1...4096).contains(hash) { throw ValidationError("--hash must be 1...4096 MiB") }
  }

  func run() throws {
    let uci: UCIEngine
    do throws(EngineError) {
      uci = try makeEngine()
    } catch {
      throw RuntimeError(error.message)
    }
    uci.run(readLine: { Swift.readLine(strippingNewline: true) })
  }

  /// The alpha-beta engine, or the engine file's: a built-in file's options, a network file's
  /// network.
  func makeEngine() throws(EngineError) -> UCIEngine {
    guard let engine else {
      return try UCIEngine(
        hashMegabytes: hash ?? 16, evalFile: evalFile, factory: Evaluators.factory,
        defaultEval: Evaluators.describe(nil))
    }
    let spec = try EngineSpec.resolve(engine)
    let option = { (name: String) in spec.options?.first { $0.key.lowercased() == name.lowercased() }?.value }
    let hashMB = hash ?? option("Hash").flatMap { Int($0) } ?? (spec.type == "network" ? 64 : 16)
    switch spec.type {
    case "builtin":
      return try UCIEngine(
        hashMegabytes: hashMB, evalFile: evalFile ?? option("EvalFile"), factory: Evaluators.factory,
        defaultEval: Evaluators.describe(nil))
    case "network":
      if evalFile != nil {
        throw EngineError("--eval-file is for the alpha-beta engine; \(engine) is a network engine")
      }
      return try UCIEngine(
        hashMegabytes: hashMB, factory: ZeroEngines.factory(spec), defaultEval: spec.weights ?? "",
        evalOption: "WeightsFile")
    default:
      throw EngineError(
        "\(engine): a \(spec.type) engine cannot run under 'zerolab uci'; only built-in and network ones")
    }
  }
}
