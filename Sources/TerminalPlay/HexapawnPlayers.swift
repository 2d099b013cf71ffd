import AlphaZero
import ChessArena
import Foundation
import GameCore
import GameSearch
import GameSolver
import Hexapawn
import NeuralCore

/// Hexapawn players named on the command line: `human`, a built-in engine (`PlayerSpec`), or a
/// trained engine file, given as a path to its JSON or by name in the engine folders
/// (`hexapawn-4x4-zero` for `engines/hexapawn-4x4-zero.json`, found like the chess engines).
public enum HexapawnPlayers {
  /// The engine file `text` stands for, or `nil` when it names a built-in player; an unknown
  /// name is a one-line error listing the players and engines there are.
  public static func engineFile(
    _ text: String, folders: [String] = EngineFolders.standard
  ) throws(NotationError)
    -> String?
  {
    if text.hasSuffix(".json") || text.contains("/") { return text }
    let name = text.split(separator: ":").first.map { String($0).lowercased() } ?? ""
    if name.isEmpty || name == "human" || PlayerSpec.engines.contains(name) { return nil }
    if let path = EngineFolders.file(named: text, in: folders) { return path }
    let files = engineNames(in: folders)
    throw NotationError(
      "unknown player '\(text)': choose human, \(PlayerSpec.engines.joined(separator: ", "))"
        + (files.isEmpty ? "" : ", an engine (\(files.joined(separator: ", ")))") + " or a path to an engine file")
  }

  /// The Hexapawn engine files in `folders`, by name.
  public static func engineNames(in folders: [String] = EngineFolders.standard) -> [String] {
    EngineFolders.names(in: folders) { (try? JSONDecoder().decode(EngineFile.self, from: $0))?.game == "hexapawn" }
  }

  /// The board an engine file named by `text` was trained on (`nil`: a built-in player, or a
  /// file that cannot be read, which `seat` then reports).
  public static func boardSize(
    of text: String, folders: [String] = EngineFolders.standard
  ) throws(NotationError)
    -> BoardSize?
  {
    guard let path = try engineFile(text, folders: folders),
      let data = FileManager.default.contents(atPath: path),
      let file = try? JSONDecoder().decode(EngineFile.self, from: data)
    else { return nil }
    return try? BoardSize(parsing: file.size)
  }

  /// The seat `text` names on a board of `size`; every problem is a one-line error.
  public static func seat(
    _ text: String, size: BoardSize, seed: UInt64, folders: [String] = EngineFolders.standard
  ) throws(NotationError) -> Seat<HexapawnPosition> {
    if let path = try engineFile(text, folders: folders) {
      do throws(NeuralError) {
        return .engine(try EngineFile.player(path, size: size, seed: seed))
      } catch {
        throw NotationError(error.message)
      }
    }
    let spec = try PlayerSpec(parsing: text)
    if spec.name == "human" {
      try spec.check(known: [])
      return .human
    }
    return .engine(try PlayerFactory.make(spec, evaluator: HexapawnHeuristic(), seed: seed))
  }
}

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
    let opinion: String
    if let v = r.gameValue, SearchScore.isDecisive(r.score) {
      opinion = HexapawnHint.describe(v, side: side)
    } else {
      opinion = "score \(r.score > 0 ? "+" : "")\(r.score) for \(side)"
    }
    return "Hint (\(engineName)): \(position.moveText(r.bestMove)); \(opinion), depth \(r.depth)"
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
