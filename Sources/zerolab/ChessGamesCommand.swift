import ArgumentParser
import Chess
import GameCore

/// Hidden: seeded random chess games as JSON lines, one per ply, for the differential test
/// against python-chess (`scripts/chess_diff.py`).
struct ChessGames: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chess-games",
    abstract: "Seeded random chess games as JSON lines (for the python-chess differential test).",
    discussion: """
      One line per ply: the FEN before, the sorted legal moves (UCI), the move played (UCI and \
      SAN), the FEN after and the game status after (`none` or the reason the game ended).

      Example:
        zerolab chess-games --games 300 --seed 1 > games.jsonl
      """,
    shouldDisplay: false)

  @Option(help: "Number of games.") var games: Int = 300
  @Option(help: "Seed of the random moves.") var seed: UInt64 = 1
  @Option(help: "Longest game in plies.") var maxPlies: Int = 300

  func run() throws {
    var rng = Xoshiro256(seed: seed)
    var out = ""
    for g in 0..<games {
      for ply in randomGameTrace(maxPlies: maxPlies, using: &rng) {
        let moves = ply.legalMoves.map { "\"\($0)\"" }.joined(separator: ",")
        out += "{\"game\":\(g),\"fen\":\"\(ply.fenBefore)\",\"moves\":[\(moves)],\"uci\":\"\(ply.uci)\","
        out += "\"san\":\"\(ply.san)\",\"after\":\"\(ply.fenAfter)\",\"status\":\"\(ply.status)\"}\n"
      }
      print(out, terminator: "")
      out = ""
    }
  }
}
