import GameCore

/// Perft: the number of leaf nodes of the legal-move tree to a fixed depth, the standard check
/// of a move generator. Bulk counting: at the last ply the legal moves are counted with
/// popcounts (`legalMoveCount`), never made.
extension ChessPosition {
  /// Leaf nodes at `depth` plies (1 at depth 0).
  public func perft(_ depth: Int) -> UInt64 {
    if depth <= 0 { return 1 }
    if depth == 1 { return UInt64(legalMoveCount) }
    var list = MoveList<Move>(filler: .none)
    generate(into: &list)
    var nodes: UInt64 = 0
    for i in 0..<list.count {
      var child = self
      child.play(list[i])
      nodes &+= child.perft(depth &- 1)
    }
    return nodes
  }

  /// Perft per root move ("divide"), in generation order: `(move, leaf count)`.
  public func divide(_ depth: Int) -> [(move: Move, nodes: UInt64)] {
    legalMoves.map { m in (m, playing(m).perft(depth - 1)) }
  }

  /// Perft that also checks, at every node, that the incremental Zobrist key equals the key
  /// computed from scratch and that the bitboards agree with the board (for tests; slow).
  /// Returns `nil` at the first inconsistent node.
  public func checkedPerft(_ depth: Int) -> UInt64? {
    guard isConsistent else { return nil }
    if depth <= 0 { return 1 }
    var list = MoveList<Move>(filler: .none)
    generate(into: &list)
    guard list.count == legalMoveCount else { return nil }
    var nodes: UInt64 = 0
    for i in 0..<list.count {
      guard let n = playing(list[i]).checkedPerft(depth - 1) else { return nil }
      nodes += n
    }
    return nodes
  }
}
