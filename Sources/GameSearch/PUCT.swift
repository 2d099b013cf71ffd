import GameCore

#if canImport(Glibc)
  import Glibc
#endif

/// Settings of the network-guided tree search.
public struct PUCTConfig: Sendable, Equatable {
  /// How the root chooses: AlphaZero PUCT, or Gumbel root search (Danihelka et al. 2022).
  public enum Root: String, Sendable, Codable {
    case puct, gumbel
  }
  public var root: Root
  /// Simulations per move.
  public var simulations: Int
  /// `c_puct` in `Q + c_puct·P·sqrt(N_parent)/(1 + N)`.
  public var cPuct: Float
  /// When positive, `c_puct` grows with the parent's visits: `cPuct + log((1 + N + base) / base)`
  /// (AlphaZero: 1.25 and 19652). 0 keeps it constant.
  public var cPuctBase: Float
  /// Dirichlet noise at the root (self-play): concentration α and mixing fraction ε (0: off).
  public var dirichletAlpha: Float
  public var dirichletFraction: Float
  /// Leaves evaluated together (virtual loss keeps a batch's paths apart).
  public var batchSize: Int
  /// Gumbel: actions sampled at the root (`m`), and σ's `c_visit`, `c_scale`.
  public var gumbelActions: Int
  public var cVisit: Float
  public var cScale: Float
  /// Keep the subtree of the move played.
  public var reuseTree: Bool
  public var seed: UInt64

  public init(
    root: Root = .puct, simulations: Int = 64, cPuct: Float = 1.5, cPuctBase: Float = 0, dirichletAlpha: Float = 0.3,
    dirichletFraction: Float = 0, batchSize: Int = 8, gumbelActions: Int = 8, cVisit: Float = 50, cScale: Float = 1,
    reuseTree: Bool = true, seed: UInt64 = 0
  ) {
    precondition(simulations > 0 && batchSize > 0 && gumbelActions > 0, "PUCT needs positive budgets")
    self.root = root
    self.simulations = simulations
    self.cPuct = cPuct
    self.cPuctBase = cPuctBase
    self.dirichletAlpha = dirichletAlpha
    self.dirichletFraction = dirichletFraction
    self.batchSize = batchSize
    self.gumbelActions = gumbelActions
    self.cVisit = cVisit
    self.cScale = cScale
    self.reuseTree = reuseTree
    self.seed = seed
  }
}

/// The result of one search.
public struct PUCTResult<Move: GameMove>: Sendable {
  /// The root's legal moves (generation order) with their visit counts.
  public var moves: [Move]
  public var visits: [Int]
  /// The improved policy over `moves` used as a training target: visit proportions (PUCT) or
  /// softmax(logits + σ(completed Q)) (Gumbel).
  public var policy: [Float]
  /// The move the search recommends (most visits; Gumbel: the sequential-halving winner).
  public var bestMove: Move
  /// Root value estimate for the side to move, in [−1, 1] (PUCT: the root's mean backed-up
  /// value; Gumbel: the completed Q of the chosen move, since sequential halving spreads visits
  /// over weak moves on purpose).
  public var value: Float
  /// Network evaluations made.
  public var evaluations: Int

  public init(moves: [Move], visits: [Int], policy: [Float], bestMove: Move, value: Float, evaluations: Int) {
    self.moves = moves
    self.visits = visits
    self.policy = policy
    self.bestMove = bestMove
    self.value = value
    self.evaluations = evaluations
  }
}

/// AlphaZero-style tree search guided by a `PolicyValueEvaluator`: PUCT selection
/// `Q + c·P·sqrt(N_parent)/(1 + N)` with first-play urgency, leaves evaluated in batches under
/// virtual loss, Dirichlet noise at the root, tree reuse; or Gumbel root search (Gumbel-top-k
/// sampling, sequential halving, completed Q-values) with PUCT below the root.
///
/// A search runs either by itself (`search`, which hands its leaves to its own evaluator) or
/// as one of many whose leaves share the network's batches (`PUCTBatch`, lc0's multi-game
/// batching): `begin` starts it, `collectLeaves` hands out the positions it waits for,
/// `receive` takes their evaluations, until `isComplete`; then `result()`. Both ways do the
/// same simulations in the same order, so a seed gives the same search either way.
///
/// Points of view: the evaluator's value is for the side to move at the leaf. Each node stores
/// the sum of values *for the player who made the move into it*, so a parent picks the child
/// with the highest Q for itself; backing up a leaf value `v` adds `−v` to the leaf and flips
/// the sign at every level above. Finished positions back up their exact result.
public final class PUCTSearch<G: GameState, E: PolicyValueEvaluator> where E.Game == G {
  struct Node {
    var move: G.Move
    var parent: Int32
    var firstChild: Int32 = -1
    var childCount: Int32 = 0
    var visits: Int32 = 0
    var virtualLoss: Int32 = 0
    /// Sum of values for the player who moved into this node.
    var valueSum: Float = 0
    var prior: Float = 0
    /// Exact value for the side to move here if the game is over.
    var terminal: Float? = nil
    var evaluated = false
  }

  /// A leaf on its way to the evaluator: its node, the path from the root, its position and
  /// legal moves (none: the game is over there and the leaf needs no evaluation).
  struct Leaf {
    var node: Int
    var path: [Int]
    var position: G
    var moves: MoveList<G.Move>
  }

  /// A run of simulations below the root, or below one root child (Gumbel's halving rounds).
  struct Phase {
    var count: Int
    var forcedChild: Int?
    var done = 0
  }

  /// Sequential halving's state between its phases.
  struct Gumbel {
    var kids: [Int]
    var logits: [Float]
    var gumbels: [Float]
    var remaining: [Int]
    var rounds: Int
    var round = 0
    /// The next of `remaining` to get its simulations this round.
    var action = 0
    var perAction = 0
    var budget: Int
  }

  enum Stage { case idle, root, running, complete }

  public var config: PUCTConfig
  public var evaluator: E
  var nodes: [Node] = []
  var root: G?
  var rootValue: Float = 0
  var rng: Xoshiro256
  public private(set) var evaluations = 0
  /// Simulations completed by the current search.
  public private(set) var simulations = 0
  /// The current search's simulations' depths below the root: their sum and the deepest.
  public private(set) var depthSum = 0
  public private(set) var maxDepth = 0
  var stage = Stage.idle
  var noise = false
  var phase: Phase?
  var gumbel: Gumbel?
  /// The leaves handed out by the last `collectLeaves`.
  var inFlight: [Leaf] = []
  var finalResult: PUCTResult<G.Move>?

  public init(evaluator: E, config: PUCTConfig) {
    self.evaluator = evaluator
    self.config = config
    rng = Xoshiro256(seed: config.seed)
  }

  /// Forgets the tree (a new game); the generator keeps its stream.
  public func reset() {
    nodes.removeAll(keepingCapacity: true)
    root = nil
  }

  /// Searches `position` (unfinished) with this search's evaluator. `noise` adds Dirichlet
  /// noise at the root (self-play).
  public func search(_ position: G, noise: Bool = false) -> PUCTResult<G.Move> {
    begin(position, noise: noise)
    var batch: [G] = []
    while !isComplete {
      batch.removeAll(keepingCapacity: true)
      collectLeaves(into: &batch)
      if batch.isEmpty { continue }
      receive(evaluator.evaluate(batch)[...])
    }
    return result()
  }

  /// Starts a search of `position` (unfinished), keeping the tree below it when the last search
  /// was of the same position; `noise` adds Dirichlet noise at the root (self-play).
  public func begin(_ position: G, noise: Bool = false) {
    precondition(!position.isFinished, "PUCT needs an unfinished position")
    if root != position || nodes.isEmpty || !config.reuseTree {
      nodes.removeAll(keepingCapacity: true)
      nodes.append(Node(move: .none, parent: -1))
      root = position
    }
    evaluations = 0
    simulations = 0
    depthSum = 0
    maxDepth = 0
    self.noise = noise
    finalResult = nil
    inFlight.removeAll(keepingCapacity: true)
    if nodes[0].evaluated {
      startSimulations()
    } else {
      stage = .root
    }
  }

  /// Whether the search is over (`result()` has its answer).
  public var isComplete: Bool { stage == .complete }

  /// Appends to `batch` the positions this search waits for, at most `config.batchSize` of
  /// them, and returns how many; simulations that end in finished positions run on their own
  /// meanwhile. Returns 0 when the search is complete, or after a round whose simulations all
  /// ended in finished positions (a mate found at the root takes every simulation, and a
  /// search with a budget of billions must still come back to its caller's clock): call it
  /// again while `isComplete` is false. Call it again only after `receive` has taken the
  /// evaluations of the positions it appended.
  @discardableResult
  public func collectLeaves(into batch: inout [G]) -> Int {
    precondition(inFlight.isEmpty, "collectLeaves before the last leaves were received")
    switch stage {
    case .idle, .complete:
      return 0
    case .root:
      guard let r = root else { return 0 }
      inFlight.append(Leaf(node: 0, path: [], position: r, moves: r.legalMoves))
      batch.append(r)
      return 1
    case .running:
      selectLeaves()
      let waiting = inFlight.reduce(0) { $0 + ($1.moves.isEmpty ? 0 : 1) }
      if waiting > 0 {
        for leaf in inFlight where !leaf.moves.isEmpty { batch.append(leaf.position) }
        return waiting
      }
      // Only finished positions: nothing for the evaluator this round.
      if !inFlight.isEmpty { receive([]) }
      return 0
    }
  }

  /// Takes the evaluations of the positions the last `collectLeaves` appended, in order.
  public func receive(_ results: ArraySlice<(priors: [Float], value: Float)>) {
    var next = results.startIndex
    var values = [Float](repeating: 0, count: inFlight.count)
    for (k, leaf) in inFlight.enumerated() {
      let i = leaf.node
      if leaf.moves.isEmpty {
        let t = Float(leaf.position.outcome!.score(for: leaf.position.sideToMove))
        nodes[i].terminal = t
        nodes[i].evaluated = true
        values[k] = t
        continue
      }
      let r = results[next]
      next += 1
      evaluations += 1
      precondition(
        r.priors.count == leaf.moves.count, "evaluator returned \(r.priors.count) priors for \(leaf.moves.count) moves")
      nodes[i].firstChild = Int32(nodes.count)
      nodes[i].childCount = Int32(leaf.moves.count)
      nodes[i].evaluated = true
      for m in 0..<leaf.moves.count {
        var child = Node(move: leaf.moves[m], parent: Int32(i))
        child.prior = r.priors[m]
        nodes.append(child)
      }
      values[k] = r.value
      if i == 0 { rootValue = r.value }
    }
    precondition(
      next == results.endIndex, "receive: \(results.count) evaluations for \(next - results.startIndex) leaves")
    let leaves = inFlight
    inFlight.removeAll(keepingCapacity: true)
    if stage == .root {
      startSimulations()
      return
    }
    for (k, leaf) in leaves.enumerated() {
      for j in leaf.path { nodes[j].virtualLoss -= 1 }
      backup(leaf.path, value: values[k])
      phase!.done += 1
    }
    if phase!.done >= phase!.count { nextPhase() }
  }

  /// Ends the running search now, with the simulations made so far (an engine out of time,
  /// or told to stop); its answer is then `result()`, as if its budget had run out. Call it
  /// between rounds (no leaves handed out and not yet received), once the root has been
  /// evaluated; a search already complete stays as it is.
  public func conclude() {
    precondition(inFlight.isEmpty, "conclude while leaves are out")
    guard stage == .running else {
      precondition(stage == .complete, "conclude before the root's evaluation")
      return
    }
    if var g = gumbel {
      // The candidate standing best now, as a halving round would rank them.
      let maxN = g.kids.map { Int(nodes[$0].visits) }.max() ?? 0
      let q = completedQ(g.kids)
      if let best = g.remaining.max(by: {
        g.gumbels[$0] + g.logits[$0] + sigma(q[$0], maxVisits: maxN)
          < g.gumbels[$1] + g.logits[$1] + sigma(q[$1], maxVisits: maxN)
      }) {
        g.remaining = [best]
      }
      gumbel = g
    }
    finish()
  }

  /// Whether the root has its evaluation (a search can be concluded).
  public var hasRootEvaluation: Bool { !nodes.isEmpty && nodes[0].evaluated }

  /// Nodes in the tree, and the bytes each takes (a tree's memory is about their product).
  public var nodeCount: Int { nodes.count }
  public static var nodeBytes: Int { MemoryLayout<Node>.stride }

  /// The root's moves with their visits, mean value for the side to move at the root (nil
  /// when unvisited), prior, and exact value when the move ends the game (for the side to
  /// move at the root), most visited first.
  public func rootMoves() -> [(move: G.Move, visits: Int, value: Float?, prior: Float, exact: Float?)] {
    guard hasRootEvaluation else { return [] }
    return children(0).map { c in
      let n = nodes[c]
      return (n.move, Int(n.visits), n.visits > 0 ? n.valueSum / Float(n.visits) : nil, n.prior, n.terminal.map { -$0 })
    }.sorted { ($0.visits, $0.prior) > ($1.visits, $1.prior) }
  }

  /// The line the search expects: from the root, the most visited child (the higher prior on
  /// a tie) while it has been visited, at most `limit` moves; it starts with `first` when given
  /// (the move a Gumbel search chose).
  public func principalVariation(first: G.Move? = nil, limit: Int = 64) -> [G.Move] {
    var line: [G.Move] = []
    guard hasRootEvaluation else { return line }
    var i = 0
    while line.count < limit {
      let kids = children(i)
      let pick: Int?
      if i == 0, let first {
        pick = kids.first { nodes[$0].move == first }
      } else {
        pick = kids.filter { nodes[$0].visits > 0 }.max {
          (nodes[$0].visits, nodes[$0].prior) < (nodes[$1].visits, nodes[$1].prior)
        }
      }
      guard let c = pick else { break }
      line.append(nodes[c].move)
      i = c
    }
    return line
  }

  /// The answer of a complete search.
  public func result() -> PUCTResult<G.Move> {
    precondition(isComplete, "result of a search still running")
    return finalResult!
  }

  /// After the root's evaluation: the noise, then the first phase.
  func startSimulations() {
    stage = .running
    if noise && config.dirichletFraction > 0 { addNoise() }
    switch config.root {
    case .puct:
      phase = Phase(count: config.simulations)
    case .gumbel:
      let kids = Array(children(0))
      let logits = kids.map { log(max(nodes[$0].prior, 1e-20)) }
      let gumbels = kids.map { _ in Float(-log(-log(max(rng.unit(), 1e-300)))) }
      let m = min(config.gumbelActions, kids.count)
      let remaining = kids.indices.sorted { gumbels[$0] + logits[$0] > gumbels[$1] + logits[$1] }.prefix(m).map { $0 }
      gumbel = Gumbel(
        kids: kids, logits: logits, gumbels: gumbels, remaining: remaining,
        rounds: max(1, Int(ceil(log2(Double(max(m, 2)))))), budget: config.simulations)
      phase = nil
      nextPhase()
    }
  }

  /// Moves on when a phase is over: the next root action of a halving round (halving the
  /// candidates after each round), or the end of the search.
  func nextPhase() {
    guard config.root == .gumbel, var g = gumbel else {
      finish()
      return
    }
    while g.round < g.rounds && g.remaining.count > 1 && g.budget > 0 || g.action > 0 {
      if g.action == 0 { g.perAction = max(1, g.budget / ((g.rounds - g.round) * g.remaining.count)) }
      if g.action < g.remaining.count {
        let a = g.remaining[g.action]
        g.action += 1
        g.budget -= g.perAction
        gumbel = g
        phase = Phase(count: g.perAction, forcedChild: g.kids[a])
        return
      }
      // The round is over: keep the better half.
      let maxN = g.kids.map { Int(nodes[$0].visits) }.max() ?? 0
      let q = completedQ(g.kids)
      let score = g.remaining.map { g.gumbels[$0] + g.logits[$0] + sigma(q[$0], maxVisits: maxN) }
      let order = g.remaining.indices.sorted { score[$0] > score[$1] }
      g.remaining = order.prefix(max(1, g.remaining.count / 2)).map { g.remaining[$0] }
      g.round += 1
      g.action = 0
    }
    if g.kids.count == 1 && g.budget > 0 {
      // A single legal move: its budget goes to ordinary simulations.
      phase = Phase(count: g.budget)
      g.budget = 0
      gumbel = g
      return
    }
    gumbel = g
    finish()
  }

  func finish() {
    stage = .complete
    phase = nil
    if config.root == .gumbel, let g = gumbel {
      finalResult = gumbelResult(g)
      gumbel = nil
    } else {
      finalResult = puctResult()
    }
  }

  /// Keeps the subtree under `move` if it was searched.
  public func advance(_ move: G.Move, from position: G) {
    guard config.reuseTree, let r = root, r == position, nodes[0].firstChild >= 0,
      let child = children(0).first(where: { nodes[$0].move == move })
    else {
      reset()
      return
    }
    var kept: [Node] = []
    var queue: [(old: Int, parent: Int32)] = [(child, -1)]
    var head = 0
    while head < queue.count {
      let (old, parent) = queue[head]
      head += 1
      var n = nodes[old]
      n.parent = parent
      let newIndex = Int32(kept.count)
      if parent >= 0 && kept[Int(parent)].firstChild < 0 { kept[Int(parent)].firstChild = newIndex }
      let oldFirst = n.firstChild, count = n.childCount
      n.firstChild = -1
      n.childCount = count
      kept.append(n)
      if oldFirst >= 0 { for c in Int(oldFirst)..<Int(oldFirst + count) { queue.append((c, newIndex)) } }
    }
    kept[0].move = .none
    nodes = kept
    root = position.playing(move)
  }

  func children(_ i: Int) -> Range<Int> {
    let n = nodes[i]
    return n.firstChild < 0 ? 0..<0 : Int(n.firstChild)..<Int(n.firstChild + n.childCount)
  }

  /// Q of a child for the player choosing it (virtual losses count as losses).
  func q(_ c: Int, fpu: Float) -> Float {
    let n = nodes[c]
    let v = n.visits + n.virtualLoss
    if v == 0 { return fpu }
    return (n.valueSum - Float(n.virtualLoss)) / Float(v)
  }

  /// `c_puct`, growing with the parent's visits when `cPuctBase` is set (AlphaZero:
  /// `c_init + log((1 + N + c_base) / c_base)`).
  func explorationFactor(_ parentVisits: Int32) -> Float {
    guard config.cPuctBase > 0 else { return config.cPuct }
    return config.cPuct + log((1 + Float(parentVisits) + config.cPuctBase) / config.cPuctBase)
  }

  func selectChild(_ i: Int) -> Int {
    let parent = nodes[i]
    let sqrtN = Float(max(parent.visits + parent.virtualLoss, 1)).squareRoot()
    let c = explorationFactor(parent.visits)
    // First-play urgency: an unvisited child is assumed as good as the parent position is
    // for the chooser, minus a small reduction.
    let parentQ = parent.visits > 0 ? -parent.valueSum / Float(parent.visits) : 0
    let fpu = parentQ - 0.2
    var best = -1
    var bestScore = -Float.infinity
    for c2 in children(i) {
      let n = nodes[c2]
      let u = c * n.prior * sqrtN / Float(1 + n.visits + n.virtualLoss)
      let s = q(c2, fpu: fpu) + u
      if s > bestScore {
        bestScore = s
        best = c2
      }
    }
    return best
  }

  /// Descends from the root (or the phase's forced child) to new leaves under virtual loss,
  /// at most `batchSize` of them and no more than the phase has left; simulations ending in
  /// known finished positions back up at once.
  func selectLeaves() {
    guard var ph = phase, let rootPosition = root else { return }
    let want = min(config.batchSize, ph.count - ph.done)
    var attempts = 0
    while inFlight.count < want && attempts < want * 4 {
      attempts += 1
      var i = 0
      var p = rootPosition
      var path = [0]
      if let f = ph.forcedChild {
        i = f
        p.play(nodes[f].move)
        path.append(f)
      }
      while nodes[i].evaluated && nodes[i].terminal == nil && nodes[i].childCount > 0 {
        i = selectChild(i)
        p.play(nodes[i].move)
        path.append(i)
      }
      if let t = nodes[i].terminal {
        backup(path, value: t)
        ph.done += 1
        if ph.done >= ph.count { break }
        continue
      }
      if inFlight.contains(where: { $0.node == i }) { break }  // collision: evaluate what we have
      for k in path { nodes[k].virtualLoss += 1 }
      inFlight.append(Leaf(node: i, path: path, position: p, moves: p.legalMoves))
    }
    phase = ph
    if inFlight.isEmpty && ph.done >= ph.count { nextPhase() }
  }

  /// Adds a leaf value (for the leaf's side to move) along a path.
  func backup(_ path: [Int], value: Float) {
    var v = -value  // for the player who moved into the leaf
    simulations += 1
    depthSum += path.count - 1
    maxDepth = max(maxDepth, path.count - 1)
    for i in path.reversed() {
      nodes[i].visits += 1
      nodes[i].valueSum += v
      v = -v
    }
  }

  func addNoise() {
    let kids = children(0)
    guard kids.count > 1 else { return }
    var g = kids.map { _ in Float(gamma(shape: Double(config.dirichletAlpha))) }
    let s = g.reduce(0, +)
    if s > 0 { g = g.map { $0 / s } }
    for (k, c) in kids.enumerated() {
      nodes[c].prior = (1 - config.dirichletFraction) * nodes[c].prior + config.dirichletFraction * g[k]
    }
  }

  /// Marsaglia–Tsang gamma sampler (shape < 1 via the boost `U^(1/α)`).
  func gamma(shape a: Double) -> Double {
    if a < 1 { return gamma(shape: a + 1) * pow(max(rng.unit(), 1e-300), 1 / a) }
    let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
    while true {
      var x: Double, v: Double
      repeat {
        x = rng.normal()
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = rng.unit()
      if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
    }
  }

  func puctResult() -> PUCTResult<G.Move> {
    let kids = Array(children(0))
    let visits = kids.map { Int(nodes[$0].visits) }
    let total = max(visits.reduce(0, +), 1)
    let best = kids.indices.max { (visits[$0], nodes[kids[$0]].prior) < (visits[$1], nodes[kids[$1]].prior) } ?? 0
    return PUCTResult(
      moves: kids.map { nodes[$0].move }, visits: visits, policy: visits.map { Float($0) / Float(total) },
      bestMove: nodes[kids[best]].move,
      value: nodes[0].visits > 0 ? -nodes[0].valueSum / Float(nodes[0].visits) : rootValue,
      evaluations: evaluations)
  }

  /// σ(q̂) = (c_visit + max_b N(b))·c_scale·q̂ with q̂ = (q + 1)/2 in [0, 1].
  func sigma(_ q: Float, maxVisits: Int) -> Float { (config.cVisit + Float(maxVisits)) * config.cScale * (q + 1) / 2 }

  /// Completed Q for the root's children: visited ones their Q, unvisited the mixed value
  /// `v_mix = (v̂ + ΣN·Σ_visited π·q / Σ_visited π) / (1 + ΣN)`.
  func completedQ(_ kids: [Int]) -> [Float] {
    let sumN = kids.reduce(0) { $0 + Int(nodes[$1].visits) }
    var piQ: Float = 0, piSum: Float = 0
    for c in kids where nodes[c].visits > 0 {
      piQ += nodes[c].prior * nodes[c].valueSum / Float(nodes[c].visits)
      piSum += nodes[c].prior
    }
    let weighted = piSum > 0 ? piQ / piSum : rootValue
    let vMix = (rootValue + Float(sumN) * weighted) / Float(1 + sumN)
    return kids.map { nodes[$0].visits > 0 ? nodes[$0].valueSum / Float(nodes[$0].visits) : vMix }
  }

  /// Gumbel's answer after its halving rounds: the target softmax(logits + σ(completed Q)) and
  /// the last candidate standing.
  func gumbelResult(_ g: Gumbel) -> PUCTResult<G.Move> {
    let kids = g.kids
    let maxN = kids.map { Int(nodes[$0].visits) }.max() ?? 0
    let q = completedQ(kids)
    let scores = kids.indices.map { g.logits[$0] + sigma(q[$0], maxVisits: maxN) }
    let top = scores.max() ?? 0
    let e = scores.map { exp($0 - top) }
    let z = e.reduce(0, +)
    let chosen = g.remaining.first ?? 0
    return PUCTResult(
      moves: kids.map { nodes[$0].move }, visits: kids.map { Int(nodes[$0].visits) }, policy: e.map { $0 / z },
      bestMove: nodes[kids[chosen]].move, value: q[chosen], evaluations: evaluations)
  }
}

extension PUCTResult {
  /// Picks a move: sampled ∝ visits^(1/τ) for τ > 0 (normalised by Σ N^(1/τ)), the best move at τ = 0.
  public func sample(temperature: Float, rng: inout Xoshiro256) -> Move {
    guard temperature > 0, !moves.isEmpty else { return bestMove }
    let weights = visits.map { Double($0) > 0 ? pow(Double($0), 1 / Double(temperature)) : 0 }
    let total = weights.reduce(0, +)
    guard total > 0 else { return bestMove }
    var u = rng.unit() * total
    for (k, w) in weights.enumerated() {
      u -= w
      if u < 0 { return moves[k] }
    }
    return moves[moves.count - 1]
  }
}
