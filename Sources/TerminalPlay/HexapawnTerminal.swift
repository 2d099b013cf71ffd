import GameCore
import Hexapawn

/// Hexapawn at the terminal (`TerminalRules` for `TerminalGame`): the board of
/// `HexapawnBoardView` with the last move, moves in from-to notation, engine reports in the
/// mover's view, a hint from the given function (`HexapawnHint.suggest` in `zerolab play`), and
/// the numbered moves at the end.
public final class HexapawnTerminal: TerminalRules {
  public typealias Game = HexapawnPosition
  /// Draws the board.
  public let view: HexapawnBoardView
  let hint: ((HexapawnPosition) -> String)?

  /// - Parameter hint: the `hint` command's line for a position (the suggested move and what the
  ///   engine giving it thinks); `nil`: no hints.
  public init(view: HexapawnBoardView, hint: ((HexapawnPosition) -> String)? = nil) {
    self.view = view
    self.hint = hint
  }

  public static var helpText: String {
    """
    Type a move in from-to notation (e.g. b1b2), or a command:
      moves   list the legal moves
      undo    take back your last move (and the engine's reply)
      hint    suggest a move (exact solver; alpha-beta for 1 s above 16 squares)
      flip    turn the board around
      fen     show the position as FEN-like text (what --fen accepts)
      help    show this help
      quit    stop the game
    \(TerminalInput.typeAheadNote)
    """
  }

  public var helpText: String { HexapawnTerminal.helpText }
  public var pliesWord: String { "moves" }

  public func gameStarts(white: Seat<HexapawnPosition>, black: Seat<HexapawnPosition>) {}

  public func show(_ record: GameRecord<HexapawnPosition>, flipped: Bool) -> [String] {
    [view.render(record.position, lastMove: record.moves.last, flipped: flipped)]
  }

  public func moveText(_ move: HexapawnMove, in position: HexapawnPosition) -> String { position.moveText(move) }

  /// Players report from the point of view of the side to move: the line says so.
  public func describe(report: String, side: Side) -> String { "\(side)'s view: \(report)" }

  public func failure(of player: any Player<HexapawnPosition>) -> String { "no move" }

  public func end(of record: GameRecord<HexapawnPosition>) -> (outcome: Outcome, line: String)? {
    record.outcome.map { ($0, "\($0)") }
  }

  public func hint(for record: GameRecord<HexapawnPosition>) -> [String] {
    [hint?(record.position) ?? "no hints in this game"]
  }

  public func command(_ words: [String], record: GameRecord<HexapawnPosition>) -> [String]? { nil }

  public func recorded(_ record: GameRecord<HexapawnPosition>, result: String) -> String? { nil }

  /// `Moves: 1. b1b2 a3b2 …`: always after a result, after a stop when there are moves.
  public func closing(_ record: GameRecord<HexapawnPosition>, result: String, finished: Bool) -> [String] {
    finished || !record.moves.isEmpty ? ["Moves: \(record.moveText)"] : []
  }
}
