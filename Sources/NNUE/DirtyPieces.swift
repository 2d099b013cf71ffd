import Chess
import GameCore

// What a move changes for the feature transformer, packed so the search's lazy accumulator
// stack (`NNUEEvaluation`) records it per ply in two words.

extension QuantizedNNUE {
  /// The pieces a move changes: up to two added and two removed `(colour, kind, square)`
  /// (a capture-promotion removes two and adds one; castling moves two pieces), and where the
  /// mover's king went if it moved (for king-bucket refreshes).
  public struct DirtyPieces: Sendable {
    // Two words, built in registers and stored whole: the lazy stack's per-ply record is
    // written by `push` and read back by `evaluate` moments later, and loads that match the
    // stores' widths are forwarded from the store buffer (twelve byte-sized fields were not).
    /// Added and removed pieces, 16 bits each: `added.0 | added.1 << 16 | removed.0 << 32 |
    /// removed.1 << 48`.
    @usableFromInline let pieces: UInt64
    /// `addCount | removeCount << 8 | (kingTo + 1) << 16 | mover << 24`.
    @usableFromInline let counts: UInt32

    /// Pieces as `(colour·6 + kind)·64 + square` (colour 0 for White, kind 0 pawn … 5 king).
    @inlinable public var added: (Int, Int) { (Int(pieces & 0xFFFF), Int((pieces &>> 16) & 0xFFFF)) }
    @inlinable public var removed: (Int, Int) { (Int((pieces &>> 32) & 0xFFFF), Int(pieces &>> 48)) }
    @inlinable public var addCount: Int { Int(counts & 0xFF) }
    @inlinable public var removeCount: Int { Int((counts &>> 8) & 0xFF) }
    /// The square the side to move's king lands on, or -1.
    @inlinable public var kingTo: Int { Int((counts &>> 16) & 0xFF) &- 1 }
    /// The side that moved.
    @inlinable public var mover: Side { counts &>> 24 == 0 ? .white : .black }

    @inline(__always) init(a0: Int, a1: Int, r0: Int, r1: Int, adds: Int, removes: Int, king: Int, mover: Side) {
      pieces =
        UInt64(truncatingIfNeeded: a0) | UInt64(truncatingIfNeeded: a1) &<< 16
        | UInt64(truncatingIfNeeded: r0) &<< 32 | UInt64(truncatingIfNeeded: r1) &<< 48
      counts =
        UInt32(truncatingIfNeeded: adds) | UInt32(truncatingIfNeeded: removes) &<< 8
        | UInt32(truncatingIfNeeded: king &+ 1) &<< 16 | (mover == .white ? 0 : 1 &<< 24)
    }

    /// A null move: nothing changes (`addCount` 0).
    public init(nullMoveBy side: Side) {
      self.init(a0: 0, a1: 0, r0: 0, r1: 0, adds: 0, removes: 0, king: -1, mover: side)
    }

    @inline(__always) public init(move m: Move, in p: ChessPosition) {
      // Straight from the packed board: `Piece.raw` is `colour << 3 | (kind + 1)`, and a
      // promotion's kind is `raw >> 14` + 1 (knight…queen), so no optionals on this path.
      let us = p.sideToMove
      let from = m.from, to = m.to
      let own = Int(us.rawValue) &* 6, other = 6 &- own
      let kind = Int(p[Square(from)].raw & 7) &- 1
      if m.isCastling {
        let base = us == .white ? 0 : 56
        let kingside = to > from
        let kTo = base &+ (kingside ? 6 : 2), rTo = base &+ (kingside ? 5 : 3)
        let king = (own &+ 5) &* 64, rook = (own &+ 3) &* 64
        self.init(
          a0: king &+ kTo, a1: rook &+ rTo, r0: king &+ from, r1: rook &+ to, adds: 2, removes: 2, king: kTo, mover: us)
        return
      }
      let placed = m.isPromotion ? Int(m.raw &>> 14) &+ 1 : kind
      let a0 = (own &+ placed) &* 64 &+ to, r0 = (own &+ kind) &* 64 &+ from
      var r1 = 0, removes = 1
      if m.isEnPassant {
        r1 = other &* 64 &+ (to ^ 8)
        removes = 2
      } else {
        let captured = p[Square(to)].raw
        if captured != 0 {
          r1 = (other &+ Int(captured & 7) &- 1) &* 64 &+ to
          removes = 2
        }
      }
      self.init(a0: a0, a1: 0, r0: r0, r1: r1, adds: 1, removes: removes, king: kind == 5 ? to : -1, mover: us)
    }
  }
}
