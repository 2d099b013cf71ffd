import GameCore

/// Why a chess game ended.
@frozen public enum GameEnd: Hashable, Sendable, CustomStringConvertible {
  /// The side to move is checkmated; `winner` is the other side.
  case checkmate(winner: Side)
  /// The side to move has no legal move and is not in check.
  case stalemate
  /// Neither side can possibly mate (python-chess's `is_insufficient_material` rules).
  case insufficientMaterial
  /// 100 plies without a capture or pawn move (the fifty-move rule, taken as soon as it may
  /// be claimed).
  case fiftyMoveRule
  /// The current position occurred three times (taken as soon as it may be claimed).
  case threefoldRepetition

  /// The result.
  public var outcome: Outcome {
    if case .checkmate(let w) = self { return .win(w) }
    return .draw
  }

  /// `checkmate`, `stalemate`, `insufficient material`, `fifty-move rule`, `threefold repetition`.
  public var description: String {
    switch self {
    case .checkmate: return "checkmate"
    case .stalemate: return "stalemate"
    case .insufficientMaterial: return "insufficient material"
    case .fiftyMoveRule: return "fifty-move rule"
    case .threefoldRepetition: return "threefold repetition"
    }
  }
}

extension ChessPosition {
  /// Checkmate or stalemate (position-local and the only ends perft knows); `nil` otherwise.
  /// Draws by rule are in `end(repetitions:)` and `GameRecord.status`.
  public var outcome: Outcome? {
    if legalMoveCount != 0 { return nil }
    return isInCheck ? .win(side.opponent) : .draw
  }

  /// `true` if `color` cannot possibly mate: no pawns, rooks or queens, and either a lone
  /// knight against nothing but a king and queens, or bishops all on one square colour with no
  /// pawns or knights on the board (python-chess's rules).
  public func hasInsufficientMaterial(_ color: Color) -> Bool {
    let mine = bb[Int(color.rawValue)], theirs = bb[Int(color.rawValue) ^ 1]
    if mine & (bb[2] | bb[5] | bb[6]) != 0 { return false }
    if mine & bb[3] != 0 {
      return mine.nonzeroBitCount <= 2 && theirs & ~bb[7] & ~bb[6] == 0
    }
    if mine & bb[4] != 0 {
      let dark: UInt64 = 0xAA55_AA55_AA55_AA55
      let sameColor = bb[4] & dark == 0 || bb[4] & ~dark == 0
      return sameColor && bb[2] == 0 && bb[3] == 0
    }
    return true
  }

  /// `true` if neither side can mate.
  public var isInsufficientMaterial: Bool { hasInsufficientMaterial(.white) && hasInsufficientMaterial(.black) }

  /// How the game ends here, given how many times this position has occurred (counting this
  /// one): checkmate, stalemate, insufficient material, fifty-move rule, threefold repetition,
  /// checked in that order; `nil` while the game goes on.
  public func end(repetitions: Int = 1) -> GameEnd? {
    if legalMoveCount == 0 { return isInCheck ? .checkmate(winner: side.opponent) : .stalemate }
    if isInsufficientMaterial { return .insufficientMaterial }
    if halfmoves >= 100 { return .fiftyMoveRule }
    if repetitions >= 3 { return .threefoldRepetition }
    return nil
  }
}

/// A chess game (`GameRecord` of GameCore) with chess's rules: the repetition history
/// within the halfmove clock, and the draws by rule.
extension GameRecord where G == ChessPosition {
  /// A game from the standard start position.
  public init() { self.init(start: ChessPosition()) }

  /// How many times the current position has occurred (1 the first time). Only the plies
  /// since the last capture or pawn move can repeat it.
  public var repetitions: Int { repetitionCount(window: position.halfmoveClock) }

  /// How the game has ended (checkmate, stalemate, or a draw by rule), or `nil`.
  public var status: GameEnd? { position.end(repetitions: repetitions) }
}

/// One ply of a traced game (for differential tests against other implementations).
public struct TracedPly: Sendable {
  public let fenBefore: String
  /// Legal moves before the move, UCI, sorted.
  public let legalMoves: [String]
  public let uci: String
  public let san: String
  public let fenAfter: String
  /// `none` or the `GameEnd` description after the move.
  public let status: String
}

/// The positions of a game of uniformly random legal moves from `start`, seeded: `start`
/// first, then one position per ply, until `plies` plies or a position without legal moves.
/// The same seed gives the same game.
public func randomGamePositions(
  from start: ChessPosition = ChessPosition(), plies: Int, seed: UInt64
)
  -> [ChessPosition]
{
  var rng = Xoshiro256(seed: seed)
  var p = start
  var out = [p]
  for _ in 0..<plies {
    let moves = p.legalMoves
    if moves.isEmpty { break }
    p.play(moves[rng.below(moves.count)])
    out.append(p)
  }
  return out
}

/// A game of uniformly random legal moves from the start, until it ends by rule or reaches
/// `maxPlies`.
public func randomGameTrace(maxPlies: Int, using rng: inout Xoshiro256) -> [TracedPly] {
  var game = GameRecord<ChessPosition>()
  var plies: [TracedPly] = []
  while plies.count < maxPlies && game.status == nil {
    let p = game.position
    let list = p.legalMoves
    let m = list[rng.below(list.count)]
    let san = p.san(m)
    game.play(m)
    plies.append(
      TracedPly(
        fenBefore: p.fen, legalMoves: list.map { p.moveText($0) }.sorted(), uci: p.moveText(m), san: san,
        fenAfter: game.position.fen, status: game.status.map(\.description) ?? "none"))
  }
  return plies
}
