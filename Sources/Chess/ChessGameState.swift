import GameCore

/// A chess position with the history its draws by rule need: the `GameState` the game-generic
/// search (`MCTS`, `PUCTSearch` and their players in GameSearch) plays chess with.
///
/// `ChessPosition` is position-local: its `outcome` is checkmate or stalemate only. This state
/// adds the keys of the positions played since the last capture or pawn move, so its `outcome`
/// is every end `GameRecord.status` reports, in the same order: checkmate, stalemate,
/// insufficient material, the fifty-move rule (halfmove clock ≥ 100) and threefold repetition.
/// A search started from a game (`init(_:)` with a `GameRecord`) therefore counts the positions
/// played before its root: a move that repeats a position for the third time ends the game
/// there, as a draw, exactly as the arena and the terminal would judge it.
///
/// The history is a fixed list of at most `historyCapacity` (100) keys, oldest first, as
/// Stockfish's `StateInfo` chain keeps the keys back to the last irreversible move: no
/// position can repeat across a capture or a pawn move, and the fifty-move rule ends the game
/// before a 101st key could matter. Playing a move appends one key, or empties the list after a
/// capture or pawn move; the state is a value with no references (about 950 bytes), so
/// copy-make search never allocates.
///
/// A finished state has no legal moves (a draw by rule included); `hash` is the position's
/// Zobrist key, and `==` compares the position, its halfmove clock and the history.
@frozen public struct ChessGameState: GameState {
  public typealias Move = Chess.Move

  /// The most keys kept: positions within the fifty-move window.
  public static var historyCapacity: Int { 100 }

  /// The current position.
  @inlinable public var position: ChessPosition { current }
  @usableFromInline var current: ChessPosition
  /// Keys of the earlier positions since the last capture or pawn move, oldest first.
  @usableFromInline var keys: InlineArray<100, UInt64>
  @usableFromInline var keyCount: Int

  /// `position` with no earlier positions (a game that starts here).
  @inlinable public init(_ position: ChessPosition) {
    current = position
    keys = InlineArray(repeating: 0)
    keyCount = 0
  }

  /// The current position of `game` with the keys of its earlier positions that can still
  /// repeat (those within the halfmove clock).
  public init(_ game: GameRecord<ChessPosition>) {
    self.init(game.position, keys: game.keys)
  }

  /// `position` after a game whose positions had the Zobrist `keys`, oldest first, the last
  /// one `position`'s own (as `GameRecord.keys` and the UCI front end keep them); the keys
  /// within the halfmove clock are kept.
  public init(_ position: ChessPosition, keys: [UInt64]) {
    self.init(position)
    let earlier = max(0, keys.count - 1)
    let window = min(earlier, position.halfmoveClock, Self.historyCapacity)
    for k in keys[(earlier - window)..<earlier] { append(k) }
  }

  /// The keys of the earlier positions kept, oldest first.
  public var history: [UInt64] { (0..<keyCount).map { keys[$0] } }

  @inlinable mutating func append(_ key: UInt64) {
    if keyCount == Self.historyCapacity {
      for i in 1..<keyCount { keys[unchecked: i &- 1] = keys[unchecked: i] }
      keyCount &-= 1
    }
    keys[unchecked: keyCount] = key
    keyCount &+= 1
  }

  // MARK: GameState

  @inlinable public var sideToMove: Side { position.sideToMove }
  @inlinable public var hash: UInt64 { position.hash }

  /// How many times the current position has occurred, this time included (1 the first
  /// time): the earlier positions with the same side to move within the halfmove clock.
  @inlinable public var repetitions: Int {
    let key = position.hash
    let window = min(keyCount, position.halfmoveClock)
    var n = 1
    var back = 2
    while back <= window {
      if keys[unchecked: keyCount &- back] == key { n &+= 1 }
      back &+= 2
    }
    return n
  }

  /// `true` if the game is drawn by insufficient material, the fifty-move rule or threefold
  /// repetition (whether or not the side to move could also be mated or stalemated here).
  @inlinable public var isDrawnByRule: Bool {
    position.halfmoveClock >= 100 || repetitions >= 3 || position.isInsufficientMaterial
  }

  /// How the game has ended here, or `nil`: `GameRecord.status`'s answer for the same game.
  public var end: GameEnd? { position.end(repetitions: repetitions) }

  @inlinable public var outcome: Outcome? {
    if let o = position.outcome { return o }
    return isDrawnByRule ? .draw : nil
  }

  /// The legal moves of the position; none once the game has ended (by rule as well).
  @inlinable public func generateMoves(into moves: inout MoveList<Move>) {
    if isDrawnByRule { return }
    position.generateMoves(into: &moves)
  }

  /// Plays a legal move: the key of the position left joins the history, which empties after a
  /// capture or a pawn move.
  @inlinable public mutating func play(_ move: Move) {
    let before = current.hash
    current.play(move)
    if current.halfmoveClock == 0 {
      keyCount = 0
    } else {
      append(before)
    }
  }

  /// UCI long algebraic (`ChessPosition.moveText`).
  public func moveText(_ move: Move) -> String { position.moveText(move) }

  /// Reads a move in UCI or SAN; after a draw by rule every move is refused in one line.
  public func parseMove(_ text: String) throws(NotationError) -> Move {
    if isDrawnByRule, let end {
      throw NotationError("'\(text)': the game is over (\(end))")
    }
    return try position.parseMove(text)
  }

  // MARK: Equality

  public static func == (a: ChessGameState, b: ChessGameState) -> Bool {
    guard a.position == b.position, a.position.halfmoveClock == b.position.halfmoveClock,
      a.keyCount == b.keyCount
    else { return false }
    for i in 0..<a.keyCount where a.keys[i] != b.keys[i] { return false }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(position.hash)
    hasher.combine(keyCount)
  }

  /// The FEN, and how many times the position has occurred when it has before.
  public var description: String {
    let r = repetitions
    return r > 1 ? "\(position.fen) (occurred \(r) times)" : position.fen
  }
}
