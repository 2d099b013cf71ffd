import GameCore
import GameSearch
import GameSolver
import Hexapawn
import Testing

@Suite struct AlphaBetaTests {
  /// Searched to the end, alpha-beta agrees with the solver on every reachable unfinished
  /// position: the same value (result and distance), and its move keeps that value.
  @Test(arguments: ["3x3", "4x3", "3x4", "4x4"])
  func agreesWithSolverOnEveryReachablePosition(size: String) {
    let solver = Solver<HexapawnPosition>()
    solver.solve(board(size))
    let search = AlphaBetaSearch(evaluator: HexapawnHeuristic(), tableMegabytes: 8)
    var checked = 0
    for p in reachable(board(size)) where !p.isFinished {
      let r = search.search(p)
      #expect(r.proven)
      #expect(r.gameValue == solver.value(of: p), "\(p.fen)")
      #expect(r.bestMove.map { solver.isOptimal($0, in: p) } == true, "\(p.fen): \(String(describing: r.bestMove))")
      checked += 1
    }
    #expect(checked == solver.counts.nonTerminal)
  }

  @Test func freshSearchersAgreeToo() {
    let solver = Solver<HexapawnPosition>()
    for p in reachable(board("3x3")) where !p.isFinished {
      let r = AlphaBetaSearch(evaluator: ZeroEvaluator<HexapawnPosition>(), tableMegabytes: 1).search(p)
      #expect(r.gameValue == solver.value(of: p))
    }
  }

  @Test func depthLimitedSearchReturnsALegalMoveAndIsNotProven() {
    let p = board("6x6")
    let search = AlphaBetaSearch(evaluator: HexapawnHeuristic())
    var depths: [Int] = []
    let r = search.search(p, limits: SearchLimits(depth: 4)) { depths.append($0.depth) }
    #expect(depths == [1, 2, 3, 4])
    #expect(r.depth == 4 && !r.proven)
    #expect(r.bestMove.map(p.isLegal) == true)
    #expect(r.pv.first == r.bestMove)
  }

  @Test func nodeAndTimeLimitsStopTheSearch() {
    let p = board("8x8")
    let search = AlphaBetaSearch(evaluator: HexapawnHeuristic())
    let r = search.search(p, limits: SearchLimits(nodes: 20_000))
    #expect(r.nodes < 40_000)
    #expect(r.bestMove.map(p.isLegal) == true)
    // A generous upper bound (a loaded machine delays threads), and the time really used.
    let t = search.search(p, limits: SearchLimits(time: .milliseconds(100)))
    #expect(t.elapsed < .seconds(2))
    #expect(t.elapsed >= .milliseconds(90))
    #expect(t.bestMove.map(p.isLegal) == true)
  }

  @Test func findsTheImmediateWin() throws {
    let p = try HexapawnPosition(fen: "p1p/1P1/3 w")
    let r = AlphaBetaSearch(evaluator: HexapawnHeuristic()).search(p, limits: SearchLimits(depth: 3))
    #expect(r.gameValue == .win(in: 1))
  }
}

@Suite struct MCTSTests {
  /// With a fixed seed and enough simulations, MCTS plays a winning move in every won 3x3
  /// position (one whose side to move can force a win).
  @Test func playsAWinningMoveInEveryWonClassicPosition() {
    let solver = Solver<HexapawnPosition>()
    solver.solve(board("3x3"))
    let won = reachable(board("3x3")).filter { !$0.isFinished && solver.value(of: $0).sign > 0 }
    #expect(won.count == 55)
    for p in won {
      let mcts = MCTS<HexapawnPosition>(config: MCTSConfig(simulations: 3_000, seed: 11))
      let move = mcts.search(p).bestMove
      #expect(solver.value(of: p.playing(move)).sign < 0, "\(p.fen): \(move)")
    }
  }

  @Test func sameSeedSameSearch() {
    let p = board("5x5")
    let a = MCTS<HexapawnPosition>(config: MCTSConfig(simulations: 4_000, seed: 5)).search(p)
    let b = MCTS<HexapawnPosition>(config: MCTSConfig(simulations: 4_000, seed: 5)).search(p)
    #expect(a.moves.map(\.visits) == b.moves.map(\.visits))
    #expect(a.moves.map(\.move) == b.moves.map(\.move))
    #expect(a.simulations == 4_000)
    #expect(a.moves.map(\.visits).reduce(0, +) == 4_000)
  }

  @Test func reusesTheSubtreeOfThePlayedMove() {
    let p = board("4x4")
    let mcts = MCTS<HexapawnPosition>(config: MCTSConfig(simulations: 5_000, seed: 2))
    let r = mcts.search(p)
    let move = r.bestMove
    let kept = r.moves.first { $0.move == move }!.visits
    mcts.advance(move, from: p)
    let next = p.playing(move)
    let reply = next.legalMoves.first!
    // The child's statistics survive: the new root starts with the visits it had.
    let r2 = mcts.search(next)
    #expect(r2.rootVisits == kept + 5_000)
    // A move from an unknown position drops the tree.
    mcts.advance(reply, from: p)
    let r3 = mcts.search(next)
    #expect(r3.rootVisits == 5_000)
  }

  @Test func timeBudgetIsRespected() {
    let mcts = MCTS<HexapawnPosition>(config: MCTSConfig(simulations: nil, time: .milliseconds(50), seed: 1))
    let r = mcts.search(board("5x5"))
    #expect(r.simulations > 0)
    // A generous upper bound (a loaded machine delays threads), and the time really used.
    #expect(r.elapsed < .seconds(2))
    #expect(r.elapsed >= .milliseconds(45))
  }
}

@Suite struct PlayerTests {
  @Test(arguments: [
    ("mcts:sims=2000", "mcts", ["sims": "2000"]), ("alphabeta", "alphabeta", [:]),
    ("MCTS:c=1.2, sims=10", "mcts", ["c": "1.2", "sims": "10"]),
  ])
  func parsesSpecs(text: String, name: String, options: [String: String]) throws {
    let s = try PlayerSpec(parsing: text)
    #expect(s.name == name && s.options == options)
  }

  @Test(arguments: [
    ("", "empty player spec"), ("mcts:sims", "bad option 'sims'"), ("mcts:sims=abc", "bad value 'abc'"),
    ("mcts:foo=1", "unknown option 'foo' for mcts"), ("stockfish", "unknown player 'stockfish'"),
    ("alphabeta:depth=0", "bad value '0'"), ("mcts:reuse=maybe", "expected true or false"),
    ("minimax:pick=best", "expected random or first"), ("human", "not an engine"),
  ])
  func rejectsBadSpecs(text: String, message: String) {
    #expect {
      let spec = try PlayerSpec(parsing: text)
      _ = try PlayerFactory.make(spec, evaluator: HexapawnHeuristic(), seed: 1) as any Player<HexapawnPosition>
    } throws: { error in
      (error as? NotationError)?.message.contains(message) == true
    }
  }

  @Test(arguments: ["random", "minimax", "minimax:pick=first", "alphabeta:depth=6", "mcts:sims=500", "mcts:time=0.01"])
  func everyEnginePlaysLegalMovesToTheEnd(text: String) throws {
    let player: any Player<HexapawnPosition> = try PlayerFactory.make(
      try PlayerSpec(parsing: text), evaluator: HexapawnHeuristic(), seed: 3)
    var p = board("4x4")
    while !p.isFinished {
      let m = player.chooseMove(in: p)
      #expect(p.isLegal(m))
      player.observe(m, from: p)
      p.play(m)
    }
  }

  @Test func perfectPlayersWinTheirSide() {
    // 4x4 is a White win: the minimax player wins it as White against any opponent.
    for opponent in ["random", "mcts:sims=300", "alphabeta:depth=3"] {
      let white: any Player<HexapawnPosition> = MinimaxPlayer<HexapawnPosition>(seed: 1)
      let black: any Player<HexapawnPosition> = try! PlayerFactory.make(
        try! PlayerSpec(parsing: opponent), evaluator: HexapawnHeuristic(), seed: 9)
      var p = board("4x4")
      while !p.isFinished {
        let m = (p.sideToMove == .white ? white : black).chooseMove(in: p)
        p.play(m)
      }
      #expect(p.outcome == .win(.white), "against \(opponent)")
    }
  }

  @Test func seededRandomPlayersRepeat() {
    func game(seed: UInt64) -> [HexapawnMove] {
      let a = RandomPlayer<HexapawnPosition>(seed: seed)
      var p = board("5x5")
      var moves: [HexapawnMove] = []
      while !p.isFinished {
        let m = a.chooseMove(in: p)
        moves.append(m)
        p.play(m)
      }
      return moves
    }
    #expect(game(seed: 4) == game(seed: 4))
    #expect(game(seed: 4) != game(seed: 5))
  }
}
