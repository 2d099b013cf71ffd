import GameCore
import GameSearch
import GameSolver
import Hexapawn
import Testing

/// Exact values from the solver and uniform priors: a perfect evaluator for search tests.
struct SolverEvaluator: PolicyValueEvaluator {
  let solver: Solver<HexapawnPosition>
  mutating func evaluate(_ batch: [HexapawnPosition]) -> [(priors: [Float], value: Float)] {
    batch.map { p in
      let n = p.legalMoves.count
      return ([Float](repeating: 1 / Float(n), count: n), Float(solver.value(of: p).sign))
    }
  }
}

/// The reference code's bug: values from White's point of view whoever is to move.
struct WhiteAbsoluteEvaluator: PolicyValueEvaluator {
  let solver: Solver<HexapawnPosition>
  mutating func evaluate(_ batch: [HexapawnPosition]) -> [(priors: [Float], value: Float)] {
    batch.map { p in
      let n = p.legalMoves.count
      let v = Float(solver.value(of: p).sign * p.sideToMove.sign)
      return ([Float](repeating: 1 / Float(n), count: n), v)
    }
  }
}

/// Priors and values drawn from each position's hash: deterministic, uneven and unrelated to
/// the game, so two searches agree only by making the same simulations.
struct HashEvaluator: PolicyValueEvaluator {
  mutating func evaluate(_ batch: [HexapawnPosition]) -> [(priors: [Float], value: Float)] {
    batch.map { p in
      var rng = Xoshiro256(seed: p.hash)
      let priors = (0..<p.legalMoves.count).map { _ in Float(rng.unit()) + 0.05 }
      let total = priors.reduce(0, +)
      return (priors.map { $0 / total }, Float(rng.unit()) * 2 - 1)
    }
  }
}

/// Every unfinished position reachable on a board, with the solver's verdicts: the oracle of
/// the search tests.
struct SolvedPositions {
  let solver = Solver<HexapawnPosition>()
  let positions: [HexapawnPosition]
  /// The game value's sign for the side to move.
  let signs: [Int]
  /// For each position, whether each legal move (in generation order) keeps the game value's
  /// sign (a winning move where the side to move wins; every move where it loses).
  let keepsValue: [[Bool]]

  init(_ size: String) {
    let root = board(size)
    _ = solver.solve(root)
    let solver = self.solver
    positions = reachable(root).filter { $0.outcome == nil }
    signs = positions.map { solver.value(of: $0).sign }
    keepsValue = positions.map { p in
      let s = solver.value(of: p).sign
      return p.legalMoves.map { solver.value(of: p.playing($0)).parent.sign == s }
    }
  }
}

@Suite struct PUCTTests {
  let classic = SolvedPositions("3x3")

  /// With exact values, the search's root value has the solver's sign in every reachable
  /// unfinished 3x3 position and its move keeps the game value: backups flip signs correctly;
  /// also with AlphaZero's growing `c_puct`.
  @Test(arguments: [(PUCTConfig.Root.puct, Float(0)), (.gumbel, 0), (.puct, 19652)])
  func rootValueAndMoveAgreeWithTheSolver(root: PUCTConfig.Root, base: Float) {
    for (i, p) in classic.positions.enumerated() {
      let search = PUCTSearch(
        evaluator: SolverEvaluator(solver: classic.solver),
        config: PUCTConfig(root: root, simulations: 64, cPuct: base > 0 ? 1.25 : 1.5, cPuctBase: base, seed: 1))
      let r = search.search(p)
      #expect((r.value > 0) == (classic.signs[i] > 0), "\(p.fen): value \(r.value)")
      let k = r.moves.firstIndex(of: r.bestMove)!
      #expect(classic.keepsValue[i][k], "\(p.fen): \(r.bestMove)")
      #expect(abs(r.policy.reduce(0, +) - 1) < 1e-4)
    }
  }

  /// With a budget that only reaches the children (so the choice rests on the evaluator's
  /// values), correct side-to-move values find a winning move in every won position where
  /// some move loses, and the reference code's White-absolute values (wrong for every
  /// Black-to-move leaf) make White blunder.
  @Test func whiteAbsoluteValuesAreCaught() {
    var wrongWithBug = 0, wrongWithFix = 0, cases = 0
    for (i, p) in classic.positions.enumerated()
    where p.sideToMove == .white && classic.signs[i] > 0 && classic.keepsValue[i].contains(false) {
      cases += 1
      let n = p.legalMoves.count + 1
      let bug = PUCTSearch(
        evaluator: WhiteAbsoluteEvaluator(solver: classic.solver),
        config: PUCTConfig(simulations: n, batchSize: 1, seed: 1))
      let fix = PUCTSearch(
        evaluator: SolverEvaluator(solver: classic.solver), config: PUCTConfig(simulations: n, batchSize: 1, seed: 1))
      let rb = bug.search(p), rf = fix.search(p)
      if !classic.keepsValue[i][rb.moves.firstIndex(of: rb.bestMove)!] { wrongWithBug += 1 }
      if !classic.keepsValue[i][rf.moves.firstIndex(of: rf.bestMove)!] { wrongWithFix += 1 }
    }
    #expect(cases > 0)
    #expect(wrongWithFix == 0)
    #expect(wrongWithBug > 0)
  }

  /// Searches run together by `PUCTBatch` (their leaves in shared evaluator calls) make the
  /// same simulations as each run alone: the same visits, policy, move, value and evaluations
  /// at every move of their games, PUCT and Gumbel, with noise and tree reuse, whatever the
  /// budgets; and the shared batches hold every search's leaves.
  @Test(arguments: [PUCTConfig.Root.puct, .gumbel])
  func batchedSearchesEqualSearchesAlone(root: PUCTConfig.Root) {
    let budgets = [(1, 1), (7, 3), (64, 8), (200, 16), (33, 4)]
    func config(_ slot: Int) -> PUCTConfig {
      PUCTConfig(
        root: root, simulations: budgets[slot].0, dirichletFraction: 0.25, batchSize: budgets[slot].1,
        gumbelActions: 4, seed: UInt64(slot + 1))
    }
    let start = board("4x4")
    // Alone: each slot plays one game, its searches choosing the moves.
    var alone: [[PUCTResult<HexapawnMove>]] = []
    for slot in budgets.indices {
      let search = PUCTSearch(evaluator: HashEvaluator(), config: config(slot))
      var p = start, results: [PUCTResult<HexapawnMove>] = []
      while !p.isFinished {
        let r = search.search(p, noise: slot % 2 == 0)
        results.append(r)
        search.advance(r.bestMove, from: p)
        p.play(r.bestMove)
      }
      alone.append(results)
    }
    // Together.
    let searches = budgets.indices.map { PUCTSearch(evaluator: HashEvaluator(), config: config($0)) }
    var games = [HexapawnPosition](repeating: start, count: budgets.count)
    var together = [[PUCTResult<HexapawnMove>]](repeating: [], count: budgets.count)
    var evaluator = HashEvaluator()
    let statistics = PUCTBatch.run(
      searches, evaluator: &evaluator, start: budgets.indices.map { (start, $0 % 2 == 0) }
    ) { slot, r in
      together[slot].append(r)
      searches[slot].advance(r.bestMove, from: games[slot])
      games[slot].play(r.bestMove)
      return games[slot].isFinished ? nil : (games[slot], slot % 2 == 0)
    }
    for slot in budgets.indices {
      #expect(together[slot].count == alone[slot].count, "slot \(slot): \(together[slot].count) moves")
      for (x, y) in zip(together[slot], alone[slot]) {
        #expect(x.moves == y.moves && x.visits == y.visits && x.policy == y.policy, "slot \(slot)")
        #expect(x.bestMove == y.bestMove && x.value == y.value && x.evaluations == y.evaluations, "slot \(slot)")
      }
    }
    let evaluations = alone.joined().reduce(0) { $0 + $1.evaluations }
    #expect(statistics.positions == evaluations)
    #expect(statistics.searches == alone.joined().count)
    #expect(statistics.batches < evaluations / 4, "\(statistics.batches) batches for \(evaluations) positions")
  }

  @Test func temperatureSamplingFollowsVisits() {
    let r = PUCTResult<HexapawnMove>(
      moves: [HexapawnMove(from: 0, to: 8), HexapawnMove(from: 1, to: 9)], visits: [30, 10], policy: [0.75, 0.25],
      bestMove: HexapawnMove(from: 0, to: 8), value: 0, evaluations: 0)
    var rng = Xoshiro256(seed: 1)
    var first = 0
    for _ in 0..<4000 where r.sample(temperature: 1, rng: &rng) == r.moves[0] { first += 1 }
    #expect(abs(Double(first) / 4000 - 0.75) < 0.03)
    // τ = 0.5 squares the counts: 900 : 100.
    first = 0
    for _ in 0..<4000 where r.sample(temperature: 0.5, rng: &rng) == r.moves[0] { first += 1 }
    #expect(abs(Double(first) / 4000 - 0.9) < 0.02)
    #expect(r.sample(temperature: 0, rng: &rng) == r.bestMove)
  }
}

/// A search ended early (`conclude`): its answer is from the simulations made, its line the
/// most visited moves, and a Gumbel search keeps a candidate still standing.
@Suite struct PUCTConcludeTests {
  @Test(arguments: [PUCTConfig.Root.puct, .gumbel])
  func concludedSearchAnswersWithWhatItHas(root: PUCTConfig.Root) {
    let p = board("4x4")
    let search = PUCTSearch(
      evaluator: HashEvaluator(), config: PUCTConfig(root: root, simulations: 10_000, batchSize: 4, gumbelActions: 4))
    search.begin(p)
    var batch: [HexapawnPosition] = []
    var rounds = 0
    while !search.isComplete && search.simulations < 100 {
      batch.removeAll()
      if search.collectLeaves(into: &batch) > 0 { search.receive(search.evaluator.evaluate(batch)[...]) }
      rounds += 1
    }
    #expect(search.hasRootEvaluation && !search.isComplete)
    search.conclude()
    #expect(search.isComplete)
    let r = search.result()
    #expect(search.simulations >= 100 && search.simulations < 10_000 && r.visits.reduce(0, +) == search.simulations)
    #expect(p.legalMoves.contains(r.bestMove))
    let moves = search.rootMoves()
    #expect(moves.map(\.visits) == moves.map(\.visits).sorted(by: >))
    if root == .puct { #expect(r.bestMove == moves[0].move) }
    let line = search.principalVariation(first: r.bestMove)
    #expect(line.first == r.bestMove && !line.isEmpty)
    #expect(search.maxDepth >= 1 && search.depthSum >= search.simulations)
  }
}

/// Every move of this position wins at once, so every simulation ends in a finished position
/// and none needs the evaluator: with a budget of billions, each round still comes back to
/// the caller (which checks its clock between rounds) instead of running the budget out.
@Suite struct PUCTFinishedLeavesTests {
  @Test(arguments: [PUCTConfig.Root.puct, .gumbel])
  func roundsOfFinishedPositionsReturn(root: PUCTConfig.Root) throws {
    let p = try HexapawnPosition(fen: "p1p/1P1/3 w")
    #expect(p.legalMoves.allSatisfy { p.playing($0).isFinished })
    let search = PUCTSearch(
      evaluator: HashEvaluator(),
      config: PUCTConfig(root: root, simulations: Int(Int32.max), batchSize: 8, gumbelActions: 4))
    search.begin(p)
    var batch: [HexapawnPosition] = []
    var rounds = 0
    while search.simulations < 1000 && rounds < 10_000 {
      batch.removeAll()
      if search.collectLeaves(into: &batch) > 0 { search.receive(search.evaluator.evaluate(batch)[...]) }
      rounds += 1
    }
    #expect(!search.isComplete && search.simulations >= 1000 && search.simulations < 100_000)
    search.conclude()
    #expect(p.legalMoves.contains(search.result().bestMove))
  }
}
