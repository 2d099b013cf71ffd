import Chess
import GameCore

/// The policy's move indices: lc0's 1858 moves, always from the side to move's point of view
/// (for Black the ranks are mirrored, so "forward" is up the board for both sides).
///
/// - Indices 0–1791: every from→to pair a queen or a knight could make on an empty board,
///   ordered by from-square (a1, b1, …, h8) and then by to-square, in the square order of
///   `Square` (`rank·8 + file`): `a1b1` is 0, `a1c1` 1, …, `h8g8` 1791.
/// - Indices 1792–1857: promotions to a queen, a rook or a bishop, from the seventh rank, by
///   from-square, then to-square, then `q`, `r`, `b`: `a7a8q` is 1792, …, `h7h8b` 1857. A
///   promotion to a knight is the plain from→to move (as lc0 has it).
/// - Castling is the king's move onto its own rook (how `Move` stores it, and how lc0 indexes
///   it: `e1h1` for O-O), so Chess960 castling needs nothing more.
///
/// The order is lc0's (`kIdxToMove`), so a policy trained here lines up with lc0's
/// move list. Both tables are built once from the geometry above.
public enum PolicyMap {
  /// 1858.
  public static let size = 1858

  /// One oriented move of the map: from, to and the promotion piece (`nil`: none or a knight).
  public struct Entry: Sendable, Hashable {
    public let from: Int
    public let to: Int
    public let promotion: PieceKind?
  }

  /// The moves by index, oriented (as White sees them).
  public static let entries: [Entry] = {
    var out: [Entry] = []
    out.reserveCapacity(size)
    for from in 0..<64 {
      for to in 0..<64 where to != from && reaches(from, to) {
        out.append(Entry(from: from, to: to, promotion: nil))
      }
    }
    for from in 48..<56 {
      for to in 56..<64 where abs((to & 7) - (from & 7)) <= 1 {
        for kind in [PieceKind.queen, .rook, .bishop] { out.append(Entry(from: from, to: to, promotion: kind)) }
      }
    }
    precondition(out.count == size, "the policy map has \(out.count) moves, not \(size)")
    return out
  }()

  /// `[from·64 + to]` → index of the plain move (−1: no queen or knight move).
  static let plain: [Int16] = {
    var t = [Int16](repeating: -1, count: 4096)
    for (i, e) in entries.enumerated() where e.promotion == nil { t[e.from * 64 + e.to] = Int16(i) }
    return t
  }()

  /// `[(fromFile·3 + toFile − fromFile + 1)·3 + piece]` → index of a promotion (piece 0 queen,
  /// 1 rook, 2 bishop).
  static let promotions: [Int16] = {
    var t = [Int16](repeating: -1, count: 72)
    for (i, e) in entries.enumerated() {
      guard let k = e.promotion else { continue }
      t[promotionSlot(fromFile: e.from & 7, toFile: e.to & 7, kind: k)] = Int16(i)
    }
    return t
  }()

  @inlinable static func promotionSlot(fromFile: Int, toFile: Int, kind: PieceKind) -> Int {
    let piece = kind == .queen ? 0 : kind == .rook ? 1 : 2
    return (fromFile * 3 + toFile - fromFile + 1) * 3 + piece
  }

  /// `true` if a queen or a knight on `from` reaches `to` on an empty board.
  static func reaches(_ from: Int, _ to: Int) -> Bool {
    let df = abs((to & 7) - (from & 7)), dr = abs((to >> 3) - (from >> 3))
    return df == 0 || dr == 0 || df == dr || (df == 1 && dr == 2) || (df == 2 && dr == 1)
  }

  /// `square` as the side to move sees it (ranks mirrored for Black).
  @inlinable public static func orient(_ square: Int, _ side: Side) -> Int { side == .white ? square : square ^ 56 }

  /// The index of `move`, a legal move of a position with `side` to move.
  public static func index(of move: Move, sideToMove side: Side) -> Int {
    let from = orient(move.from, side), to = orient(move.to, side)
    if let k = move.promotion, k != .knight {
      return Int(promotions[promotionSlot(fromFile: from & 7, toFile: to & 7, kind: k)])
    }
    let i = Int(plain[from * 64 + to])
    precondition(i >= 0, "\(move) is not a move of the policy map")
    return i
  }

  /// The indices of the legal moves of `state`, in the order `generateMoves` gives them.
  public static func indices(of state: ChessGameState) -> [Int] {
    state.legalMoves.map { index(of: $0, sideToMove: state.sideToMove) }
  }

  /// The legal move of `state` at policy index `index`, or `nil` if that move is not legal
  /// there (or `index` is outside the map).
  public static func move(at index: Int, in state: ChessGameState) -> Move? {
    guard index >= 0 && index < size else { return nil }
    let e = entries[index]
    let side = state.sideToMove
    let from = orient(e.from, side), to = orient(e.to, side)
    return state.legalMoves.first { m in
      guard m.from == from && m.to == to else { return false }
      let k = m.promotion
      return e.promotion == nil ? (k == nil || k == .knight) : k == e.promotion
    }
  }
}
