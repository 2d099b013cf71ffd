import GameCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Settings for UCT Monte-Carlo tree search.
public struct MCTSConfig: Sendable, Equatable {
  /// Simulations per move (`nil`: limited by `time` alone).
  public var simulations: Int?
  /// Time per move (`nil`: limited by `simulations` alone).
  public var time: Duration?
  /// UCT exploration constant `c` in `Q + c·sqrt(ln N / n)`, rewards in [0, 1].
  public var exploration: Double
  /// Keep the subtree of the move played instead of starting afresh.
  public var reuseTree: Bool
  /// Seed of the rollout generator.
  public var seed: UInt64
  /// Node cap of the tree; past it the search keeps running rollouts without growing.
  public var maxNodes: Int

  public init(
    simulations: Int? = 1000, time: Duration? = nil, exploration: Double = 1.4,
    reuseTree: Bool = true, seed: UInt64 = 0, maxNodes: Int = 4_000_000
  ) {
    precondition(simulations != nil || time != nil, "MCTS needs a simulation or time budget")
    precondition(simulations.map { $0 > 0 } ?? true, "simulations must be positive")
    precondition(exploration >= 0, "exploration must be non-negative")
    self.simulations = simulations
    self.time = time
    self.exploration = exploration
    self.reuseTree = reuseTree
    self.seed = seed
    self.maxNodes = maxNodes
  }
}

/// One root move's statistics after a search.
public struct MoveStatistics<Move: GameMove>: Sendable {
  public var move: Move
  public var visits: Int
  /// Mean reward for the side to move at the root, in [0, 1].
  public var value: Double
}

/// What an MCTS search found.
public struct MCTSResult<Move: GameMove>: Sendable {
  /// The most-visited root move.
  public var bestMove: Move
  /// Simulations run by this call.
  public var simulations: Int
  /// Visits of the root including those kept from earlier moves.
  public var rootVisits: Int
  /// Root moves, most visited first.
  public var moves: [MoveStatistics<Move>]
  public var elapsed: Duration
}

/// UCT (Kocsis & Szepesvári 2006) with uniformly random rollouts: select by
/// `Q + c·sqrt(ln N_parent / n)` (unvisited children first), expand one level, roll out to
/// the end of the game, back the result up (1 win, ½ draw, 0 loss for the side that moved
/// into each node). The tree is an arena of value-type nodes indexed by `Int32`; a move
/// played re-roots it by copying the kept subtree. Seeded: same seed, same tree.
public final class MCTS<G: GameState> {
  @usableFromInline struct Node {
    @usableFromInline var move: G.Move
    @usableFromInline var firstChild: Int32 = -1
    @usableFromInline var childCount: Int32 = 0
    @usableFromInline var visits: Int32 = 0
    /// Sum of rewards for the side that played `move`.
    @usableFromInline var total: Double = 0
    @inlinable init(move: G.Move) { self.move = move }
  }

  /// The settings; a front end may change the budget (`simulations`, `time`) between searches.
  public var config: MCTSConfig
  @usableFromInline var nodes: [Node] = []
  @usableFromInline var root: G?
  @usableFromInline var rng: Xoshiro256
  @usableFromInline var path: [Int32] = []
  @usableFromInline let clock = ContinuousClock()

  public init(config: MCTSConfig) {
    self.config = config
    rng = Xoshiro256(seed: config.seed)
    path.reserveCapacity(AlphaBetaSearch<G, ZeroEvaluator<G>>.maxPly + 2)
  }

  /// Forgets the tree (and restarts the generator from the seed).
  public func reset() {
    nodes.removeAll(keepingCapacity: true)
    root = nil
    rng = Xoshiro256(seed: config.seed)
  }

  /// Number of nodes in the tree.
  public var treeSize: Int { nodes.count }

  /// Searches `position` (which must not be finished) within the configured budget.
  @inlinable public func search(_ position: G) -> MCTSResult<G.Move> {
    precondition(!position.isFinished, "MCTS.search needs an unfinished position")
    if root != position || nodes.isEmpty || !config.reuseTree {
      nodes.removeAll(keepingCapacity: true)
      nodes.append(Node(move: .none))
      root = position
    }
    let start = clock.now
    let deadline = config.time.map { start + $0 }
    var sims = 0
    while true {
      if let limit = config.simulations, sims >= limit { break }
      // The clock every 8 simulations: a chess rollout takes a few hundred microseconds, so
      // a time budget is kept within a few milliseconds; a clock read costs far less.
      if let deadline, sims & 7 == 0, clock.now >= deadline { break }
      simulate(position)
      sims += 1
    }
    return result(simulations: sims, elapsed: clock.now - start)
  }

  @usableFromInline func result(simulations: Int, elapsed: Duration) -> MCTSResult<G.Move> {
    let r = nodes[0]
    var stats: [MoveStatistics<G.Move>] = []
    if r.firstChild >= 0 {
      for c in Int(r.firstChild)..<Int(r.firstChild + r.childCount) {
        let n = nodes[c]
        stats.append(
          MoveStatistics(move: n.move, visits: Int(n.visits), value: n.visits > 0 ? n.total / Double(n.visits) : 0))
      }
    }
    stats.sort { ($0.visits, $0.value) > ($1.visits, $1.value) }
    return MCTSResult(
      bestMove: stats.first?.move ?? root?.legalMoves.first ?? .none, simulations: simulations,
      rootVisits: Int(r.visits), moves: stats, elapsed: elapsed)
  }

  /// One selection–expansion–rollout–backup pass.
  @inlinable func simulate(_ start: G) {
    var position = start
    var index: Int32 = 0
    path.removeAll(keepingCapacity: true)
    path.append(0)
    let outcome: Outcome
    // A node's moves are generated once, when it is expanded: a node expanded with no children
    // is a finished position (`GameState`: a finished position has no legal moves), and only
    // then is its `outcome` asked for.
    while true {
      let node = nodes[Int(index)]
      if node.firstChild < 0 {
        if node.visits > 0 || index == 0, nodes.count < config.maxNodes {
          expand(index, position)
        } else {
          outcome = rollout(position)
          break
        }
      }
      if nodes[Int(index)].childCount == 0 {
        outcome = Self.finishedOutcome(position)
        break
      }
      index = select(index)
      position.play(nodes[Int(index)].move)
      path.append(index)
    }
    // Backup: the node at depth d was entered by a move of the side to move at depth d-1.
    let rootSide = start.sideToMove
    for (depth, i) in path.enumerated() {
      let mover = depth % 2 == 1 ? rootSide : rootSide.opponent
      let reward = Double(outcome.score(for: mover) + 1) * 0.5
      nodes[Int(i)].visits &+= 1
      nodes[Int(i)].total += reward
    }
  }

  @inlinable func expand(_ index: Int32, _ position: G) {
    var moves = MoveList<G.Move>(filler: .none)
    position.generateMoves(into: &moves)
    nodes[Int(index)].firstChild = Int32(nodes.count)
    nodes[Int(index)].childCount = Int32(moves.count)
    for i in 0..<moves.count { nodes.append(Node(move: moves[i])) }
  }

  @inlinable func select(_ index: Int32) -> Int32 {
    let parent = nodes[Int(index)]
    let logN = log(Double(max(parent.visits, 1)))
    var best: Int32 = parent.firstChild
    var bestScore = -Double.infinity
    for c in parent.firstChild..<(parent.firstChild + parent.childCount) {
      let n = nodes[Int(c)]
      if n.visits == 0 { return c }
      let visits = Double(n.visits)
      let score = n.total / visits + config.exploration * (logN / visits).squareRoot()
      if score > bestScore {
        bestScore = score
        best = c
      }
    }
    return best
  }

  /// Random moves to the end of the game: one move generation a ply, and the `outcome` of the
  /// position that has none.
  @inlinable func rollout(_ start: G) -> Outcome {
    var position = start
    var moves = MoveList<G.Move>(filler: .none)
    while true {
      moves.removeAll()
      position.generateMoves(into: &moves)
      if moves.isEmpty { return Self.finishedOutcome(position) }
      position.play(moves[rng.below(moves.count)])
    }
  }

  /// The outcome of a position without legal moves, which `GameState` makes a finished one.
  @inlinable static func finishedOutcome(_ position: G) -> Outcome {
    guard let outcome = position.outcome else {
      preconditionFailure("a position without legal moves must have an outcome: \(position)")
    }
    return outcome
  }

  /// Keeps the subtree under `move` when it is played from the current root; otherwise the
  /// tree is dropped at the next search.
  public func advance(_ move: G.Move, from position: G) {
    guard config.reuseTree, let r = root, r == position, !nodes.isEmpty, nodes[0].firstChild >= 0 else {
      nodes.removeAll(keepingCapacity: true)
      root = nil
      return
    }
    let first = Int(nodes[0].firstChild), count = Int(nodes[0].childCount)
    guard let child = (first..<(first + count)).first(where: { nodes[$0].move == move }) else {
      nodes.removeAll(keepingCapacity: true)
      root = nil
      return
    }
    // Copy the kept subtree breadth-first so children stay contiguous.
    var kept: [Node] = [nodes[child]]
    kept[0].move = .none
    var queue: [(old: Int, new: Int)] = [(child, 0)]
    var head = 0
    while head < queue.count {
      let (old, new) = queue[head]
      head += 1
      let n = nodes[old]
      guard n.firstChild >= 0 else { continue }
      kept[new].firstChild = Int32(kept.count)
      for c in Int(n.firstChild)..<Int(n.firstChild + n.childCount) {
        queue.append((c, kept.count))
        var copy = nodes[c]
        copy.firstChild = -1
        copy.childCount = nodes[c].childCount
        kept.append(copy)
      }
    }
    nodes = kept
    root = position.playing(move)
  }
}
