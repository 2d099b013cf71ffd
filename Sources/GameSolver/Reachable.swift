import GameCore

/// Every position reachable from a root by legal moves, each once, finished ones included:
/// the root first, then in depth-first discovery order (deterministic for a given root).
///
/// The walk keeps every position it has seen, so it is for boards whose whole position
/// graph fits in memory (Hexapawn up to about 4x7; never chess). `limit` bounds it: once
/// more than `limit` distinct positions have been seen, the walk stops and reports the
/// overflow instead of running on.
public enum ReachablePositions {
  /// The positions, or `nil` if there are more than `limit`.
  public static func from<G: GameState>(_ root: G, limit: Int = .max) -> [G]? {
    var seen = Set<G>([root])
    var stack = [root]
    var out: [G] = []
    var moves = MoveList<G.Move>(filler: .none)
    while let p = stack.popLast() {
      out.append(p)
      moves.removeAll()
      p.generateMoves(into: &moves)
      for i in 0..<moves.count {
        var c = p
        c.play(moves.move(at: i))
        if seen.insert(c).inserted {
          guard seen.count <= limit else { return nil }
          stack.append(c)
        }
      }
    }
    return out
  }
}
