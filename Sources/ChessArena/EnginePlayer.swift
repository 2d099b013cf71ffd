import Chess
import GameCore

/// A chess engine (`ChessEngineHandle`) as a `Player<ChessPosition>`, the seat every terminal
/// game takes: it keeps the game so far from `observe` (the engine sees the history, so it
/// knows repetitions) and searches each move within `limits` (the time per move).
///
/// When the engine fails (crashes, times out, answers an illegal move), `chooseMove` returns
/// `Move.none`, which is never legal, and `lastError` says why.
public final class ChessEnginePlayer: Player {
  public typealias Game = ChessPosition
  /// The engine that chooses the moves.
  public let engine: any ChessEngineHandle
  /// What every move's search may spend (`SearchLimits(moveTime:)` in a terminal game).
  public var limits: SearchLimits
  /// The game as observed since the last `reset`, or `nil` before the first position.
  public private(set) var game: GameRecord<ChessPosition>?
  /// Why the last `chooseMove` returned no move.
  public private(set) var lastError: String?

  /// `engine` in a seat, searching every move within `limits`.
  public init(_ engine: any ChessEngineHandle, limits: SearchLimits) {
    self.engine = engine
    self.limits = limits
  }

  public var name: String { engine.name }

  /// The engine's summary of its last search (`depth 9 score cp 31 nodes 120000`, the score
  /// for the side that searched).
  public var lastReport: String? { engine.lastInfo }

  public func chooseMove(in position: ChessPosition) -> Move {
    let record = follow(position)
    lastError = nil
    guard let m = engine.bestMove(record, limits: limits) else {
      lastError = engine.lastError ?? "no move"
      return .none
    }
    return m
  }

  public func observe(_ move: Move, from position: ChessPosition) {
    var record = follow(position)
    record.play(move)
    game = record
  }

  /// Forgets the game and tells the engine a new one starts.
  public func reset() {
    game = nil
    try? engine.newGame()
  }

  /// The game so far, if it leads to `position`; else a new game from `position`.
  func follow(_ position: ChessPosition) -> GameRecord<ChessPosition> {
    if let game, game.position == position { return game }
    let record = GameRecord(start: position)
    game = record
    return record
  }
}
