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
    root: Root = .puct, simulations: Int = 64, cPuct: Float = 1.5, dirichletAlpha: Float = 0.3,
    dirichletFraction: Float = 0, batchSize: Int = 8, gumbelActions: Int = 8, cVisit: Float = 50, cScale: Float = 1,
    reuseTree: Bool = true, seed: UInt64 = 0
  ) {
    precondition(simulations > 0 && batchSize > 0 && gumbelActions > 0, "PUCT needs positive budgets")
    self.root = root
    self.simulations = simulations
    self.cPuct = cPuct
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
/// `Q + c_puct·P·sqrt(N_parent)/(1 + N)`, leaves evaluated in batches under virtual loss,
/// Dirichlet noise at the root, tree reuse; or Gumbel root search (Gumbel-top-k sampling,
/// sequential halving, completed Q-values) with PUCT below the root.
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

  public var config: PUCTConfig
  public var evaluator: E
  var nodes: [Node] = []
  var root: G?
  var rootValue: Float = 0
  var rng: Xoshiro256
  public private(set) var evaluations = 0

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

  /// Searches `position` (unfinished). `noise` adds Dirichlet noise at the root (self-play).
  public func search(_ position: G, noise: Bool = false) -> PUCTResult<G.Move> {
    precondition(!position.isFinished, "PUCT needs an unfinished position")
    if root != position || nodes.isEmpty || !config.reuseTree {
      nodes.removeAll(keepingCapacity: true)
      nodes.append(Node(move: .none, parent: -1))
      root = position
    }
    evaluations = 0
    if !nodes[0].evaluated { expandBatch([(0, position)]) }
    if noise && config.dirichletFraction > 0 { addNoise() }
    switch config.root {
    case .puct:
      runSimulations(position, count: config.simulations)
      return puctResult()
    case .gumbel:
      return gumbelSearch(position)
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

  func selectChild(_ i: Int) -> Int {
    let parent = nodes[i]
    let sqrtN = Float(max(parent.visits + parent.virtualLoss, 1)).squareRoot()
    // First-play urgency: an unvisited child is assumed as good as the parent position is
    // for the chooser, minus a small reduction.
    let parentQ = parent.visits > 0 ? -parent.valueSum / Float(parent.visits) : 0
    let fpu = parentQ - 0.2
    var best = -1
    var bestScore = -Float.infinity
    for c in children(i) {
      let n = nodes[c]
      let u = config.cPuct * n.prior * sqrtN / Float(1 + n.visits + n.virtualLoss)
      let s = q(c, fpu: fpu) + u
      if s > bestScore {
        bestScore = s
        best = c
      }
    }
    return best
  }

  /// Runs `count` simulations below the root (or below `forcedChild` when given).
  func runSimulations(_ rootPosition: G, count: Int, forcedChild: Int? = nil) {
    var done = 0
    while done < count {
      var pending: [(Int, G)] = []
      var paths: [[Int]] = []
      let want = min(config.batchSize, count - done)
      var attempts = 0
      while pending.count < want && attempts < want * 4 {
        attempts += 1
        var i = 0
        var p = rootPosition
        var path = [0]
        if let f = forcedChild {
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
          done += 1
          if done >= count { break }
          continue
        }
        if pending.contains(where: { $0.0 == i }) { break }  // collision: evaluate what we have
        for k in path { nodes[k].virtualLoss += 1 }
        pending.append((i, p))
        paths.append(path)
      }
      if pending.isEmpty { continue }
      let values = expandBatch(pending)
      for (k, path) in paths.enumerated() {
        for j in path { nodes[j].virtualLoss -= 1 }
        backup(path, value: values[k])
        done += 1
      }
    }
  }

  /// Evaluates and expands leaves; returns each leaf's value for its side to move.
  @discardableResult
  func expandBatch(_ leaves: [(Int, G)]) -> [Float] {
    var out = [Float](repeating: 0, count: leaves.count)
    var toEvaluate: [Int] = []
    for (k, (i, p)) in leaves.enumerated() {
      if let o = p.outcome {
        let t = Float(o.score(for: p.sideToMove))
        nodes[i].terminal = t
        nodes[i].evaluated = true
        out[k] = t
      } else {
        toEvaluate.append(k)
      }
    }
    if !toEvaluate.isEmpty {
      let results = evaluator.evaluate(toEvaluate.map { leaves[$0].1 })
      evaluations += toEvaluate.count
      for (j, k) in toEvaluate.enumerated() {
        let (i, p) = leaves[k]
        let moves = p.legalMoves
        precondition(
          results[j].priors.count == moves.count,
          "evaluator returned \(results[j].priors.count) priors for \(moves.count) moves")
        nodes[i].firstChild = Int32(nodes.count)
        nodes[i].childCount = Int32(moves.count)
        nodes[i].evaluated = true
        for m in 0..<moves.count {
          var child = Node(move: moves[m], parent: Int32(i))
          child.prior = results[j].priors[m]
          nodes.append(child)
        }
        out[k] = results[j].value
        if i == 0 { rootValue = results[j].value }
      }
    }
    return out
  }

  /// Adds a leaf value (for the leaf's side to move) along a path.
  func backup(_ path: [Int], value: Float) {
    var v = -value  // for the player who moved into the leaf
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

  func gumbelSearch(_ position: G) -> PUCTResult<G.Move> {
    let kids = Array(children(0))
    let logits = kids.map { log(max(nodes[$0].prior, 1e-20)) }
    let gumbels = kids.map { _ in Float(-log(-log(max(rng.unit(), 1e-300)))) }
    let m = min(config.gumbelActions, kids.count)
    var remaining = kids.indices.sorted { gumbels[$0] + logits[$0] > gumbels[$1] + logits[$1] }.prefix(m).map { $0 }
    let rounds = max(1, Int(ceil(log2(Double(max(m, 2))))))
    var budget = config.simulations
    for r in 0..<rounds where remaining.count > 1 && budget > 0 {
      let perAction = max(1, budget / ((rounds - r) * remaining.count))
      for a in remaining {
        runSimulations(position, count: perAction, forcedChild: kids[a])
        budget -= perAction
      }
      let maxN = kids.map { Int(nodes[$0].visits) }.max() ?? 0
      let q = completedQ(kids)
      remaining.sort {
        gumbels[$0] + logits[$0] + sigma(q[$0], maxVisits: maxN) > gumbels[$1] + logits[$1]
          + sigma(q[$1], maxVisits: maxN)
      }
      remaining = Array(remaining.prefix(max(1, remaining.count / 2)))
    }
    if remaining.count == 1 && budget > 0 && kids.count == 1 { runSimulations(position, count: budget) }
    let maxN = kids.map { Int(nodes[$0].visits) }.max() ?? 0
    let q = completedQ(kids)
    let scores = kids.indices.map { logits[$0] + sigma(q[$0], maxVisits: maxN) }
    let top = scores.max() ?? 0
    let e = scores.map { exp($0 - top) }
    let z = e.reduce(0, +)
    let chosen = remaining.first ?? 0
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
