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
  /// unfinished 3x3 position and its move keeps the game value: backups flip signs correctly.
  @Test(arguments: [PUCTConfig.Root.puct, .gumbel])
  func rootValueAndMoveAgreeWithTheSolver(root: PUCTConfig.Root) {
    for (i, p) in classic.positions.enumerated() {
      let search = PUCTSearch(
        evaluator: SolverEvaluator(solver: classic.solver), config: PUCTConfig(root: root, simulations: 64, seed: 1))
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
