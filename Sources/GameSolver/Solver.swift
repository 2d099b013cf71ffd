import GameCore

/// The exact game-theoretic value of a position for its side to move, with the distance to
/// the end under best play: the winner takes the fastest win, the loser the slowest loss.
///
/// Encoded in one `Int16` so that better is larger: a win in `d` plies is `base − d`, a
/// loss in `d` plies is `−(base − d)`, a draw is `0` (`base = 30_000`).
@frozen public struct GameValue: Hashable, Sendable, Comparable, BitwiseCopyable, CustomStringConvertible {
  public static let base: Int16 = 30_000
  public let score: Int16

  @inlinable public init(score: Int16) { self.score = score }
  /// The side to move wins in `plies` plies.
  @inlinable public static func win(in plies: Int) -> GameValue { GameValue(score: base - Int16(plies)) }
  /// The side to move loses in `plies` plies.
  @inlinable public static func loss(in plies: Int) -> GameValue { GameValue(score: -(base - Int16(plies))) }
  /// Nobody can force a win.
  public static let draw = GameValue(score: 0)

  /// `+1` won, `0` drawn, `−1` lost (for the side to move).
  @inlinable public var sign: Int { score > 0 ? 1 : score < 0 ? -1 : 0 }
  /// Plies to the end of the game under best play (0 for a draw).
  @inlinable public var plies: Int { score == 0 ? 0 : Int(GameValue.base - abs(score)) }

  /// The value of the parent position reached by playing into a position of this value.
  @inlinable public var parent: GameValue {
    if score > 0 { return GameValue(score: -(score - 1)) }
    if score < 0 { return GameValue(score: -(score + 1)) }
    return self
  }

  public static func < (a: GameValue, b: GameValue) -> Bool { a.score < b.score }

  /// `win in 5`, `loss in 6`, `draw`.
  public var description: String {
    sign > 0 ? "win in \(plies)" : sign < 0 ? "loss in \(plies)" : "draw"
  }
}

/// Reachable-position counts found by an exhaustive walk of the position graph.
@frozen public struct PositionCounts: Sendable, Equatable, CustomStringConvertible {
  /// Distinct positions (board and side to move), finished ones included.
  public var total = 0
  /// Of which White is to move.
  public var whiteToMove = 0
  /// Of which Black is to move.
  public var blackToMove = 0
  /// Of which the game is over.
  public var terminal = 0
  public init() {}
  public var nonTerminal: Int { total - terminal }
  public var description: String {
    "\(total) positions (\(whiteToMove) White to move, \(blackToMove) Black to move; \(terminal) finished)"
  }
}

/// An exact minimax solver over the position graph (not the tree): a depth-first negamax
/// that visits every position reachable from what it is asked about once, storing each
/// value in a transposition table. It answers the value of any position, every optimal
/// move, the distance to the end and the reachable-position counts.
///
/// The games it solves must be finite (every line ends); Hexapawn is (pawns only advance).
public final class Solver<G: GameState> {
  @usableFromInline let table: PositionTable<G, GameValue>
  /// Counts of the positions solved so far.
  public var counts: PositionCounts { _counts }
  @usableFromInline var _counts = PositionCounts()
  /// Called every 2^18 new positions with the count so far (for progress lines).
  public var progress: ((Int) -> Void)?

  public init(expectedPositions: Int = 1 << 12) {
    table = PositionTable(expected: expectedPositions)
  }

  /// Solves `position` and everything reachable from it; returns its value.
  @discardableResult @inlinable
  public func solve(_ position: G) -> GameValue {
    if let v = table[position] { return v }
    return visit(position)
  }

  /// The value of `position`, solving it first if needed.
  public func value(of position: G) -> GameValue { solve(position) }

  /// Every move that keeps the best value, with the value it leads to (for the mover).
  public func optimalMoves(in position: G) -> [G.Move] {
    let best = solve(position)
    return rankedMoves(in: position).filter { $0.value == best }.map(\.move)
  }

  /// Every legal move with its exact value for the mover, best first.
  public func rankedMoves(in position: G) -> [(move: G.Move, value: GameValue)] {
    var out: [(move: G.Move, value: GameValue)] = []
    for m in position.legalMoves {
      out.append((m, solve(position.playing(m)).parent))
    }
    return out.sorted { $0.value > $1.value }
  }

  /// `true` if `move` keeps the game value of `position` for the side to move.
  public func isOptimal(_ move: G.Move, in position: G) -> Bool {
    solve(position.playing(move)).parent == solve(position)
  }

  /// Number of positions stored.
  public var positionCount: Int { table.count }

  @usableFromInline func report() { progress?(_counts.total) }

  @inlinable func visit(_ position: G) -> GameValue {
    let value: GameValue
    if let outcome = position.outcome {
      switch outcome.score(for: position.sideToMove) {
      case 1: value = .win(in: 0)
      case -1: value = .loss(in: 0)
      default: value = .draw
      }
      _counts.terminal &+= 1
    } else {
      var moves = MoveList<G.Move>(filler: .none)
      position.generateMoves(into: &moves)
      var best = GameValue(score: Int16.min)
      for i in 0..<moves.count {
        let child = position.playing(moves[i])
        let v = (table[child] ?? visit(child)).parent
        if v > best { best = v }
      }
      value = best
    }
    table.set(position, value)
    _counts.total &+= 1
    if position.sideToMove == .white { _counts.whiteToMove &+= 1 } else { _counts.blackToMove &+= 1 }
    if _counts.total & 0x3FFFF == 0 { report() }
    return value
  }
}
