import GameCore

/// Many PUCT searches whose leaves share the network's batches, lc0's multi-game batching: in
/// each round every running search hands over the leaves it waits for (at most its
/// `batchSize`, under virtual loss), the evaluator answers all of them in one call, and each
/// search takes its own answers back. With `k` searches the network sees batches of up to
/// `k · batchSize` positions however small each search's budget is, which is what keeps it
/// busy in self-play.
public enum PUCTBatch {
  /// What one `run` did.
  public struct Statistics: Sendable, Equatable {
    /// Evaluator calls (rounds) and the positions they evaluated.
    public var batches = 0
    public var positions = 0
    /// Searches completed and the simulations they made.
    public var searches = 0
    public var simulations = 0

    public init() {}
  }

  /// Runs a search in every slot until each slot retires. Slot `i` starts on `start[i]`
  /// (`nil`: no search there); whenever its search completes, `next(i, result)` returns what it
  /// searches next — the position and whether its root gets Dirichlet noise — or `nil` to
  /// retire the slot. `next` may call `advance` on `searches[i]` first to keep the subtree of
  /// the move played. Each search gives the same result as its own `search` would, with the
  /// same seed and settings.
  @discardableResult
  public static func run<G: GameState, E: PolicyValueEvaluator>(
    _ searches: [PUCTSearch<G, E>], evaluator: inout E, start: [(position: G, noise: Bool)?],
    next: (Int, PUCTResult<G.Move>) -> (position: G, noise: Bool)?
  ) -> Statistics where E.Game == G {
    precondition(start.count == searches.count, "one start per search")
    var statistics = Statistics()
    var active = [Bool](repeating: false, count: searches.count)
    for (i, s) in start.enumerated() {
      guard let s else { continue }
      searches[i].begin(s.position, noise: s.noise)
      active[i] = true
    }
    var batch: [G] = []
    var counts = [Int](repeating: 0, count: searches.count)
    while true {
      batch.removeAll(keepingCapacity: true)
      for i in searches.indices where active[i] {
        counts[i] = 0
        while true {
          let search = searches[i]
          if search.isComplete {
            statistics.searches += 1
            statistics.simulations += search.simulations
            guard let following = next(i, search.result()) else {
              active[i] = false
              break
            }
            search.begin(following.position, noise: following.noise)
          }
          let n = search.collectLeaves(into: &batch)
          if n > 0 {
            counts[i] = n
            break
          }
        }
      }
      if batch.isEmpty { return statistics }
      let results = evaluator.evaluate(batch)
      precondition(results.count == batch.count, "the evaluator answered \(results.count) of \(batch.count) positions")
      statistics.batches += 1
      statistics.positions += batch.count
      var offset = 0
      for i in searches.indices where counts[i] > 0 {
        searches[i].receive(results[offset..<(offset + counts[i])])
        offset += counts[i]
        counts[i] = 0
      }
    }
  }
}
