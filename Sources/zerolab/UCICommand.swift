import ArgumentParser
import ChessEngine

struct UCI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uci",
    abstract: "Run the alpha-beta chess engine under the UCI protocol on standard input and output.",
    discussion: """
      Commands: uci, isready, ucinewgame, setoption name Hash value MB, position startpos|fen FEN
      [moves ...], go [wtime btime winc binc movestogo depth nodes movetime infinite], stop, quit.
      Any other or malformed line is answered with 'info string ...' and ignored.

      Example:
        printf 'uci\\nposition startpos moves e2e4\\ngo depth 8\\nquit\\n' | zerolab uci
      """)

  @Option(help: "Transposition table size in MiB.") var hash: Int = 16

  func validate() throws {
    guard (1...4096).contains(hash) else { throw ValidationError("--hash must be 1...4096 MiB") }
  }

  func run() throws {
    let engine = UCIEngine(hashMegabytes: hash)
    engine.run(readLine: { Swift.readLine(strippingNewline: true) })
  }
}
