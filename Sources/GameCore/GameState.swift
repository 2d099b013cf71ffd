/// A move of some game: a small value with no references inside.
public protocol GameMove: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
  /// A placeholder value that is never a legal move (fills fixed buffers and empty slots).
  static var none: Self { get }
  /// A small index in `0..<4096` that tells moves of one position apart (for history
  /// tables in move ordering): from-square and to-square in 6 bits each for board games.
  var historyIndex: Int { get }
}

/// A position of a two-player, perfect-information, turn-based game: everything search needs
/// and nothing about how it is shown.
///
/// Positions are values (copy-make): `play(_:)` mutates a copy, so undo is "keep the old
/// copy". Positions carry no history; games that need it (chess repetition) keep it outside.
/// Search code is generic over `GameState` and specialised by the compiler, so no
/// existential ever appears in a search loop.
public protocol GameState: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
  associatedtype Move: GameMove

  /// The side whose turn it is.
  var sideToMove: Side { get }

  /// Appends every legal move to `moves` (which the caller has emptied). Never allocates.
  /// A finished position (one with an `outcome`) has no legal moves, and a position without
  /// legal moves is finished.
  func generateMoves(into moves: inout MoveList<Move>)

  /// Plays a legal move. Playing an illegal move is a programming error; use
  /// `parseMove(_:)` or `isLegal(_:)` to check untrusted input.
  mutating func play(_ move: Move)

  /// How the game ended, or `nil` while it goes on.
  var outcome: Outcome? { get }

  /// A Zobrist hash of the position (equal positions have equal hashes).
  var hash: UInt64 { get }

  /// The move in the game's text notation.
  func moveText(_ move: Move) -> String

  /// Reads a move in the game's text notation and checks that it is legal here.
  /// The error's message is one line naming the problem.
  func parseMove(_ text: String) throws(NotationError) -> Move
}

extension GameState {
  /// The legal moves in a fresh list.
  @inlinable public var legalMoves: MoveList<Move> {
    var list = MoveList<Move>(filler: .none)
    generateMoves(into: &list)
    return list
  }

  /// `true` if `move` is legal here.
  @inlinable public func isLegal(_ move: Move) -> Bool {
    var list = MoveList<Move>(filler: .none)
    generateMoves(into: &list)
    return list.contains(move)
  }

  /// The position after `move` (non-mutating twin of `play(_:)`).
  @inlinable public func playing(_ move: Move) -> Self {
    var next = self
    next.play(move)
    return next
  }

  /// `true` once the game is over.
  @inlinable public var isFinished: Bool { outcome != nil }
}

/// `count` unfinished positions of seeded games of uniformly random legal moves from `start`
/// (which must not be finished): every position of each game in order, games until there are
/// enough, the last one cut short. The same seed gives the same positions.
public func randomGameStates<G: GameState>(from start: G, count: Int, seed: UInt64) -> [G] {
  precondition(count <= 0 || !start.isFinished, "random games need an unfinished start")
  var rng = Xoshiro256(seed: seed)
  var out: [G] = []
  while out.count < count {
    var p = start
    while !p.isFinished && out.count < count {
      out.append(p)
      let moves = p.legalMoves
      p.play(moves[rng.below(moves.count)])
    }
  }
  return out
}

/// A game whose positions can be written and read as one line of text (FEN or FEN-like).
public protocol TextualPosition: GameState {
  /// The position as one line of text.
  var fen: String { get }
  /// Reads a position; the error's message is one line naming the problem.
  init(fen: String) throws(NotationError)
}
