/// What a search found, built once when the search ends: the one result of every searcher
/// (the generic alpha-beta of GameSearch and the chess engine). Reports made during a search
/// are the searchers' own (the chess engine's per-iteration `SearchInfo`, with its selective
/// depth, table fill and UCI `info` line).
public struct SearchResult<Move: GameMove>: Sendable {
  /// The move to play; `nil` only when the root has no legal move.
  public var bestMove: Move?
  /// Score for the side to move in the searcher's units (centipawns in chess), with the
  /// searcher's mate scores (`SearchScore.mate`, the chess engine's `mateScore`).
  public var score: Int
  /// Deepest completed iteration.
  public var depth: Int
  /// Nodes visited.
  public var nodes: Int
  /// The principal variation, starting with `bestMove`.
  public var pv: [Move]
  /// `true` if the score is exact: every line was searched to the end of the game (always for
  /// a root without legal moves).
  public var proven: Bool
  /// Wall time used.
  public var elapsed: Duration

  public init(
    bestMove: Move?, score: Int = 0, depth: Int = 0, nodes: Int = 0, pv: [Move] = [], proven: Bool = false,
    elapsed: Duration = .zero
  ) {
    self.bestMove = bestMove
    self.score = score
    self.depth = depth
    self.nodes = nodes
    self.pv = pv
    self.proven = proven
    self.elapsed = elapsed
  }
}
