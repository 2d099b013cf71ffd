import GameCore
import GameSolver

/// Score conventions shared by the searchers.
public enum SearchScore {
  /// A win at ply `p` from the root scores `mate − p`; a loss `−(mate − p)`.
  public static let mate = 30_000
  /// Scores beyond `±(mate − 1000)` are proven results.
  public static func isDecisive(_ score: Int) -> Bool { abs(score) >= mate - 1000 }
}

extension SearchResult {
  /// The score as a `GameValue` if it is a proven win or loss.
  public var gameValue: GameValue? {
    guard abs(score) >= SearchScore.mate - 1000 else {
      return proven ? .draw : nil
    }
    let plies = SearchScore.mate - abs(score)
    return score > 0 ? .win(in: plies) : .loss(in: plies)
  }
}

/// Negamax alpha-beta with iterative deepening, a transposition table, move ordering
/// (hash move, captures as generated, two killers per ply, history heuristic) and
/// distance-aware win/loss scores, generic over the game and the evaluator.
///
/// Every transposition-table entry records whether its subtree was searched to the end of
/// the game ("proven"); an iteration whose root is proven ends the search with an exact
/// value, which for small games equals the solver's (tests check it on whole boards).
public final class AlphaBetaSearch<G: GameState, E: Evaluator> where E.Game == G {
  /// Scores at or beyond `mateBase − maxPly` are proven wins (negated: losses).
  public static var mateBase: Int { SearchScore.mate }
  @usableFromInline static var infinity: Int { 32_000 }
  /// Deepest ply the search supports.
  public static var maxPly: Int { 256 }

  @usableFromInline struct Entry: BitwiseCopyable {
    @usableFromInline var key: UInt64 = 0
    @usableFromInline var move: G.Move = .none
    @usableFromInline var score: Int32 = 0
    @usableFromInline var depth: Int16 = -1
    /// 0 exact, 1 lower bound, 2 upper bound.
    @usableFromInline var bound: UInt8 = 0
    @usableFromInline var proven: Bool = false
    @inlinable init() {}
  }

  public let evaluator: E
  @usableFromInline var table: [Entry]
  @usableFromInline let tableMask: Int
  @usableFromInline var killers: [G.Move]
  @usableFromInline var history: [Int32]
  @usableFromInline var nodes = 0
  @usableFromInline var horizonHit = false
  @usableFromInline var stopped = false
  @usableFromInline var deadline: ContinuousClock.Instant?
  @usableFromInline var nodeLimit = Int.max
  @usableFromInline let clock = ContinuousClock()

  /// A searcher with a transposition table of about `tableMegabytes` MB (rounded down to a
  /// power of two entries).
  public init(evaluator: E, tableMegabytes: Int = 16) {
    self.evaluator = evaluator
    let want = max(1024, tableMegabytes * 1_048_576 / MemoryLayout<Entry>.stride)
    var size = 1024
    while size * 2 <= want { size *= 2 }
    table = Array(repeating: Entry(), count: size)
    tableMask = size - 1
    killers = Array(repeating: .none, count: 2 * (AlphaBetaSearch.maxPly + 1))
    history = Array(repeating: 0, count: 4096)
  }

  /// Empties the transposition table and ordering statistics (a new game).
  public func clear() {
    for i in table.indices { table[i] = Entry() }
    for i in killers.indices { killers[i] = .none }
    for i in history.indices { history[i] = 0 }
  }

  /// Share of table slots in use, per mille (UCI `hashfull`).
  public var hashfull: Int {
    let n = min(1000, table.count)
    return table.prefix(n).filter { $0.depth >= 0 }.count * 1000 / n
  }

  /// Searches `root` by iterative deepening within `limits`. `report` is called after each
  /// completed iteration.
  @inlinable public func search(
    _ root: G, limits: SearchLimits = SearchLimits(),
    report: ((SearchResult<G.Move>) -> Void)? = nil
  ) -> SearchResult<G.Move> {
    let start = clock.now
    nodes = 0
    stopped = false
    deadline = limits.time.map { start + $0 }
    nodeLimit = limits.nodes ?? Int.max
    for i in history.indices { history[i] >>= 2 }
    var moves = MoveList<G.Move>(filler: .none)
    root.generateMoves(into: &moves)
    var result = SearchResult<G.Move>(
      bestMove: moves.first, score: 0, depth: 0, nodes: 0, pv: [], proven: false, elapsed: .zero)
    if moves.isEmpty {
      result.proven = true
      if let o = root.outcome {
        result.score = o.score(for: root.sideToMove) * AlphaBetaSearch.mateBase
      }
      return result
    }
    let maxDepth = min(limits.depth ?? AlphaBetaSearch.maxPly - 1, AlphaBetaSearch.maxPly - 1)
    for depth in 1...maxDepth {
      horizonHit = false
      let score = negamax(root, depth: depth, alpha: -AlphaBetaSearch.infinity, beta: AlphaBetaSearch.infinity, ply: 0)
      if stopped && depth > 1 { break }
      let entry = table[Int(truncatingIfNeeded: root.hash) & tableMask]
      if entry.key == root.hash && entry.move != .none { result.bestMove = entry.move }
      result.score = score
      result.depth = depth
      result.proven = !horizonHit && !stopped
      result.nodes = nodes
      result.elapsed = clock.now - start
      result.pv = principalVariation(root, limit: depth)
      report?(result)
      if result.proven || stopped { break }
    }
    result.nodes = nodes
    result.elapsed = clock.now - start
    return result
  }

  /// Follows hash moves from `root`.
  @usableFromInline func principalVariation(_ root: G, limit: Int) -> [G.Move] {
    var pv: [G.Move] = []
    var p = root
    var seen = Set<UInt64>()
    while pv.count < limit, !p.isFinished, seen.insert(p.hash).inserted {
      let e = table[Int(truncatingIfNeeded: p.hash) & tableMask]
      guard e.key == p.hash, e.move != .none, p.isLegal(e.move) else { break }
      pv.append(e.move)
      p.play(e.move)
    }
    return pv
  }

  @inlinable func checkLimits() {
    if nodes >= nodeLimit { stopped = true }
    if let deadline, clock.now >= deadline { stopped = true }
  }

  @inlinable func negamax(_ position: G, depth: Int, alpha alphaIn: Int, beta: Int, ply: Int) -> Int {
    nodes &+= 1
    if nodes & 1023 == 0 { checkLimits() }
    if let outcome = position.outcome {
      let s = outcome.score(for: position.sideToMove)
      return s == 0 ? 0 : s * (AlphaBetaSearch.mateBase - ply)
    }
    if stopped { return 0 }
    if depth <= 0 || ply >= AlphaBetaSearch.maxPly - 1 {
      horizonHit = true
      return evaluator.evaluate(position)
    }
    var alpha = alphaIn
    let key = position.hash
    let slot = Int(truncatingIfNeeded: key) & tableMask
    var hashMove = G.Move.none
    let e = table[slot]
    if e.key == key && e.depth >= 0 {
      hashMove = e.move
      if e.proven || Int(e.depth) >= depth {
        let s = fromTable(Int(e.score), ply: ply)
        let usable = e.bound == 0 || (e.bound == 1 && s >= beta) || (e.bound == 2 && s <= alpha)
        if usable {
          if !e.proven { horizonHit = true }
          return s
        }
      }
    }

    var moves = MoveList<G.Move>(filler: .none)
    position.generateMoves(into: &moves)
    var order = InlineArray<256, Int32>(repeating: 0)
    let k0 = killers[2 * ply], k1 = killers[2 * ply + 1]
    for i in 0..<moves.count {
      let m = moves[i]
      order[i] =
        m == hashMove
        ? 1 << 30
        : m == k0
          ? 1 << 29
          : m == k1
            ? (1 << 29) - 1
            : history[m.historyIndex]
              + Int32(moves.count - i)
    }

    let outerHorizon = horizonHit
    horizonHit = false
    var best = -AlphaBetaSearch.infinity
    var bestMove = G.Move.none
    for i in 0..<moves.count {
      // Selection sort step: bring the best remaining move to i.
      var bi = i
      for j in (i + 1)..<moves.count where order[j] > order[bi] { bi = j }
      if bi != i {
        moves.swapAt(i, bi)
        let t = order[i]
        order[i] = order[bi]
        order[bi] = t
      }
      let m = moves[i]
      let child = position.playing(m)
      let score = -negamax(child, depth: depth - 1, alpha: -beta, beta: -alpha, ply: ply + 1)
      if stopped { break }
      if score > best {
        best = score
        bestMove = m
        if score > alpha {
          alpha = score
          if score >= beta {
            if m != k0 {
              killers[2 * ply + 1] = k0
              killers[2 * ply] = m
            }
            history[m.historyIndex] = min(history[m.historyIndex] + Int32(depth * depth), 1 << 28)
            break
          }
        }
      }
    }
    let proven = !horizonHit
    horizonHit = outerHorizon || horizonHit
    if stopped { return best == -AlphaBetaSearch.infinity ? 0 : best }

    var entry = Entry()
    entry.key = key
    entry.move = bestMove
    entry.score = Int32(toTable(best, ply: ply))
    entry.depth = Int16(min(depth, Int(Int16.max)))
    entry.bound = best >= beta ? 1 : best <= alphaIn ? 2 : 0
    entry.proven = proven
    if e.key != key || depth >= Int(e.depth) || proven || !e.proven { table[slot] = entry }
    return best
  }

  /// Win/loss scores are stored relative to the node, not the root.
  @inlinable func toTable(_ s: Int, ply: Int) -> Int {
    s >= AlphaBetaSearch.mateBase - 1000 ? s + ply : s <= -(AlphaBetaSearch.mateBase - 1000) ? s - ply : s
  }

  @inlinable func fromTable(_ s: Int, ply: Int) -> Int {
    s >= AlphaBetaSearch.mateBase - 1000 ? s - ply : s <= -(AlphaBetaSearch.mateBase - 1000) ? s + ply : s
  }
}
