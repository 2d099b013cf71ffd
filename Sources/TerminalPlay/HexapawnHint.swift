import GameCore
import GameSearch
import GameSolver
import Hexapawn

/// The `hint` of terminal Hexapawn: the exact solver on boards of up to `solverSquares` squares
/// (perfect advice, the solved value of the position), iterative-deepening alpha-beta with the
/// handcrafted evaluation and a time budget on larger ones. Deterministic: the solver's first
/// optimal move, the search's best move.
public final class HexapawnHint {
  /// Boards with at most this many squares are solved exactly (4x4 has 11,420 reachable
  /// positions, solved in milliseconds).
  public static let solverSquares = 16
  /// The alpha-beta budget on larger boards.
  public static let searchTime: Duration = .seconds(1)

  let solver: Solver<HexapawnPosition>?
  let search: AlphaBetaSearch<HexapawnPosition, HexapawnHeuristic>?
  /// What gives the hint, in words.
  public let engineName: String

  public init(size: BoardSize) {
    if size.files * size.ranks <= HexapawnHint.solverSquares {
      solver = Solver()
      search = nil
      engineName = "exact solver"
    } else {
      solver = nil
      search = AlphaBetaSearch(evaluator: HexapawnHeuristic(), tableMegabytes: 16)
      engineName = "alpha-beta, \(HexapawnHint.searchTime.components.seconds) s"
    }
  }

  /// The suggested move and what the engine thinks of the position, from a named side's point
  /// of view: `Hint (exact solver): b1b2; White wins in 3 plies (1 optimal move)`.
  public func suggest(_ position: HexapawnPosition) -> String {
    let side = position.sideToMove
    if let solver {
      let ranked = solver.optimalMoves(in: position)
      guard let best = ranked.first else { return "no legal move" }
      let value = solver.value(of: position)
      return "Hint (\(engineName)): \(position.moveText(best)); \(HexapawnHint.describe(value, side: side))"
        + " (\(ranked.count) optimal move\(ranked.count == 1 ? "" : "s"))"
    }
    let r = search!.search(position, limits: SearchLimits(depth: 64, time: HexapawnHint.searchTime))
    guard let move = r.bestMove else { return "no legal move" }
    let opinion: String
    if let v = r.gameValue, SearchScore.isDecisive(r.score) {
      opinion = HexapawnHint.describe(v, side: side)
    } else {
      opinion = "score \(r.score > 0 ? "+" : "")\(r.score) for \(side)"
    }
    return "Hint (\(engineName)): \(position.moveText(move)); \(opinion), depth \(r.depth)"
  }

  /// A solved value for `side` to move, from the winner's point of view: `Black wins in 4 plies`.
  public static func describe(_ value: GameValue, side: Side) -> String {
    switch value.sign {
    case 1: return "\(side) wins in \(value.plies) plies"
    case -1: return "\(side.opponent) wins in \(value.plies) plies"
    default: return "a draw"
    }
  }
}
