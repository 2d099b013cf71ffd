import GameCore

/// Perft: the number of leaf nodes of the legal-move tree to a fixed depth, the standard check
/// of a move generator. Bulk counting: at the last ply the legal moves are counted with
/// popcounts (`legalMoveCount`), never made.
extension ChessPosition {
  /// Leaf nodes at `depth` plies (1 at depth 0).
  public func perft(_ depth: Int) -> UInt64 {
    if depth <= 0 { return 1 }
    if depth == 1 { return UInt64(legalMoveCount) }
    // The generator calls the sink for each move, which plays it on a copy and recurses:
    // no move list is built or copied.
    var sink = PerftSink(parent: self, depth: depth &- 1)
    generate(into: &sink)
    return sink.nodes
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

/// A move sink that plays each generated move on a copy of the parent and counts the subtree.
@usableFromInline struct PerftSink: MoveSink {
  @usableFromInline let parent: ChessPosition
  @usableFromInline let depth: Int
  @usableFromInline var nodes: UInt64 = 0

  @inlinable init(parent: ChessPosition, depth: Int) {
    self.parent = parent
    self.depth = depth
  }

  @inline(__always) @usableFromInline mutating func visit(_ m: Move) {
    var child = parent
    child.play(m)
    nodes &+= depth == 1 ? UInt64(child.legalMoveCount) : child.perft(depth)
  }

  @inlinable mutating func add(from: Int, targets: UInt64) {
    var t = targets
    while t != 0 {
      visit(Move(from: from, to: t.trailingZeroBitCount))
      t &= t &- 1
    }
  }
  @inlinable mutating func addPawnMoves(targets: UInt64, offset: Int) {
    var t = targets
    while t != 0 {
      let to = t.trailingZeroBitCount
      visit(Move(from: to &- offset, to: to))
      t &= t &- 1
    }
  }
  @inlinable mutating func addPromotions(targets: UInt64, offset: Int) {
    var t = targets
    while t != 0 {
      let to = t.trailingZeroBitCount
      visit(.promotion(from: to &- offset, to: to, to: .queen))
      visit(.promotion(from: to &- offset, to: to, to: .rook))
      visit(.promotion(from: to &- offset, to: to, to: .bishop))
      visit(.promotion(from: to &- offset, to: to, to: .knight))
      t &= t &- 1
    }
  }
  @inlinable mutating func add(_ move: Move) { visit(move) }
}
