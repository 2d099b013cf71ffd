import GameCore

/// A handcrafted Hexapawn evaluation for depth-limited alpha-beta, from the side to move's
/// point of view:
///
///     score = Σ_own (100 + 12·a²) − Σ_enemy (100 + 12·a²) + 15·(own mobility − enemy mobility)
///
/// where `a` is how many ranks a pawn has advanced. Advanced pawns are worth more because
/// reaching the far rank wins; mobility matters because a side without moves loses.
public struct HexapawnHeuristic: Evaluator {
  public init() {}

  @inlinable public func evaluate(_ p: HexapawnPosition) -> Int {
    var white = 0
    var bb = p.white
    while bb != 0 {
      let a = bb.trailingZeroBitCount >> 3
      white &+= 100 &+ 12 &* a &* a
      bb &= bb &- 1
    }
    var black = 0
    bb = p.black
    let top = p.ranks - 1
    while bb != 0 {
      let a = top &- (bb.trailingZeroBitCount >> 3)
      black &+= 100 &+ 12 &* a &* a
      bb &= bb &- 1
    }
    let own = p.moveCount
    var flipped = p
    flipped.passTurn()
    let other = flipped.moveCount
    let material = p.sideToMove == .white ? white &- black : black &- white
    return material &+ 15 &* (own &- other)
  }
}

extension HexapawnPosition {
  /// Gives the move to the other side without moving (a "null move"; evaluation only).
  @inlinable mutating func passTurn() {
    _side = _side.opponent
    _hash ^= Zobrist.blackToMove
  }
}
