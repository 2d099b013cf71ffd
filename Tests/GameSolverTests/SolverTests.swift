import GameCore
import GameSolver
import Hexapawn
import Testing

func board(_ text: String) -> HexapawnPosition {
  HexapawnPosition(size: try! BoardSize(parsing: text))
}

/// Every position reachable from `root`, finished ones included.
func reachable(_ root: HexapawnPosition) -> [HexapawnPosition] {
  ReachablePositions.from(root) ?? []
}

/// A plain recursive minimax over the tree (no table), as an independent oracle.
func treeValue(_ p: HexapawnPosition) -> GameValue {
  if let o = p.outcome { return o.score(for: p.sideToMove) > 0 ? .win(in: 0) : .loss(in: 0) }
  return p.legalMoves.map { treeValue(p.playing($0)).parent }.max()!
}

@Suite struct SolverTests {
  @Test func classicBoardIsABlackWinInSixPlies() {
    let solver = Solver<HexapawnPosition>()
    let start = board("3x3")
    let v = solver.solve(start)
    #expect(v == .loss(in: 6))
    #expect(solver.optimalMoves(in: start).map(\.description) == ["b1b2"])
    // Wing pushes lose three plies sooner.
    let ranked = solver.rankedMoves(in: start)
    #expect(ranked.first { $0.move.description == "a1a2" }?.value == .loss(in: 4))
    #expect(solver.counts.total == 135)
    #expect(solver.counts.nonTerminal == 70)
  }

  @Test func classicBoardNonTerminalSplitAndForcedWins() {
    let solver = Solver<HexapawnPosition>()
    solver.solve(board("3x3"))
    let live = reachable(board("3x3")).filter { !$0.isFinished }
    #expect(live.count == 70)
    #expect(live.filter { $0.sideToMove == .white }.count == 33)
    #expect(live.filter { $0.sideToMove == .black }.count == 37)
    // The side to move has a forced win in 55 of the 70.
    #expect(live.filter { solver.value(of: $0).sign > 0 }.count == 55)
  }

  @Test func octapawnIsAWhiteWin() {
    let solver = Solver<HexapawnPosition>()
    #expect(solver.solve(board("4x4")).sign == 1)
  }

  /// Winners and reachable-position counts (finished positions included) of generalised
  /// Hexapawn, from an independent enumeration (shared/reference/hexapawn.md §6; its table is
  /// rows x columns, converted here to files x ranks).
  @Test(arguments: [
    ("3x3", Side.black, 135, 70), ("4x3", .white, 1_128, 486), ("3x4", .black, 987, 604),
    ("5x3", .white, 8_698, 3_150), ("3x5", .white, 3_708, 2_529), ("4x4", .white, 20_286, 11_420),
    ("6x3", .black, 64_074, 19_964), ("4x5", .black, 118_133, 76_561), ("5x4", .black, 359_894, 184_132),
  ])
  func knownBoards(size: String, winner: Side, positions: Int, live: Int) {
    let solver = Solver<HexapawnPosition>()
    let v = solver.solve(board(size))
    #expect((v.sign > 0 ? Side.white : .black) == winner)
    #expect(solver.counts.total == positions)
    #expect(solver.counts.nonTerminal == live)
    #expect(solver.counts.whiteToMove + solver.counts.blackToMove == positions)
  }

  @Test(arguments: [
    ("3x6", Side.black), ("3x7", .white), ("3x8", .black), ("7x3", .white), ("4x6", .white),
  ])
  func knownWinners(size: String, winner: Side) {
    let v = Solver<HexapawnPosition>().solve(board(size))
    #expect((v.sign > 0 ? Side.white : .black) == winner)
  }

  @Test(arguments: ["3x3", "4x3", "3x4"])
  func agreesWithPlainTreeMinimaxEverywhere(size: String) {
    let solver = Solver<HexapawnPosition>()
    for p in reachable(board(size)) {
      #expect(solver.value(of: p) == treeValue(p))
    }
  }

  @Test func valuesAreConsistentAndMirrorInvariantOn4x4() {
    let solver = Solver<HexapawnPosition>()
    solver.solve(board("4x4"))
    for p in reachable(board("4x4")) {
      let v = solver.value(of: p)
      #expect(solver.value(of: p.mirrored) == v)
      if !p.isFinished {
        let best = p.legalMoves.map { solver.value(of: p.playing($0)).parent }.max()!
        #expect(best == v)
        for m in solver.optimalMoves(in: p) { #expect(solver.isOptimal(m, in: p)) }
      }
    }
  }

  @Test func solvesAnyPositionOnDemand() throws {
    let solver = Solver<HexapawnPosition>()
    // White to move on 3x3 with b2 vs a3/c3: b2b3, b2xa3 and b2xc3 all reach the last rank.
    let p = try HexapawnPosition(fen: "p1p/1P1/3 w")
    #expect(solver.value(of: p) == .win(in: 1))
    #expect(Set(solver.optimalMoves(in: p).map(\.description)) == ["b2a3", "b2b3", "b2c3"])
  }

  @Test func gameValueEncoding() {
    #expect(GameValue.win(in: 3) > GameValue.win(in: 5))
    #expect(GameValue.loss(in: 8) > GameValue.loss(in: 2))
    #expect(GameValue.loss(in: 2).parent == .win(in: 3))
    #expect(GameValue.win(in: 0).parent == .loss(in: 1))
    #expect(GameValue.win(in: 7).description == "win in 7")
    #expect(GameValue.draw.plies == 0)
  }
}
