/// A game of any `GameState`: the start position, the moves, the current position and the key
/// of every position so far. Positions carry no history; a game's history (for repetitions,
/// for undo, for the move text) lives here.
///
/// Chess adds what depends on its rules in the Chess target (`status` with the draws by rule,
/// `repetitions` within the halfmove-clock window, PGN).
public struct GameRecord<G: GameState>: Sendable {
  /// Where the game started.
  public private(set) var start: G
  /// The current position.
  public private(set) var position: G
  /// The moves played, in order.
  public private(set) var moves: [G.Move] = []
  /// Keys (`hash`) of the positions after each move, with the start first.
  public private(set) var keys: [UInt64]

  /// A game at `start` with no moves yet.
  public init(start: G) {
    self.start = start
    position = start
    keys = [start.hash]
  }

  /// A game at `start` with `moves` played (each must be legal where it is played).
  public init(start: G, moves: some Sequence<G.Move>) {
    self.init(start: start)
    for m in moves { play(m) }
  }

  /// Plays a move that is legal in `position` (chess also takes `Move.null` when not in check).
  public mutating func play(_ m: G.Move) {
    position.play(m)
    moves.append(m)
    keys.append(position.hash)
  }

  /// Reads a move in the game's notation (`parseMove`), checks it and plays it.
  @discardableResult
  public mutating func play(_ text: String) throws(NotationError) -> G.Move {
    let m = try position.parseMove(text)
    play(m)
    return m
  }

  /// Takes back the last move (nothing at the start).
  public mutating func undo() {
    guard !moves.isEmpty else { return }
    moves.removeLast()
    keys.removeLast()
    var p = start
    for m in moves { p.play(m) }
    position = p
  }

  /// How many times the current position has occurred (1 the first time), looking back at most
  /// `plies` plies (a game whose positions cannot recur across some moves, such as captures,
  /// passes the plies since the last of them). Only positions with the same side to move count.
  public func repetitionCount(window plies: Int = .max) -> Int {
    let current = keys[keys.count - 1]
    var n = 1
    var i = keys.count - 3
    let oldest = plies >= keys.count - 1 ? 0 : keys.count - 1 - plies
    while i >= oldest {
      if keys[i] == current { n += 1 }
      i -= 2
    }
    return n
  }

  /// The current position's outcome (`position.outcome`), or `nil` while the game goes on. Games
  /// with endings that depend on the history (chess's draws by rule) add their own: `status`.
  public var outcome: Outcome? { position.outcome }

  /// The moves numbered from the start position's side to move, in the game's notation
  /// (`moveText`): `1. b1b2 a3b2 2. c1b2`, or `1... a3b2` when Black moves first.
  public var moveText: String {
    var out: [String] = []
    var p = start
    var number = 1
    for (i, m) in moves.enumerated() {
      if p.sideToMove == .white {
        out.append("\(number).")
      } else if i == 0 {
        out.append("\(number)...")
      }
      out.append(p.moveText(m))
      if p.sideToMove == .black { number += 1 }
      p.play(m)
    }
    return out.joined(separator: " ")
  }
}
