import Chess
import GameCore
import GameSearch
import Testing

/// The game-generic search on chess, through `ChessGameState`.
@Suite struct ChessSearchTests {
  func state(_ fen: String) -> ChessGameState { ChessGameState(try! ChessPosition(fen: fen)) }

  /// MCTS with random rollouts finds a mate in one, for either side, promotions included.
  @Test(arguments: [
    "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1",
    "r5k1/8/8/8/8/8/5PPP/6K1 b - - 0 1",
    "k7/2P5/1K6/8/8/8/8/8 w - - 0 1",
    "k7/8/1K6/8/8/8/7Q/8 w - - 0 1",
  ])
  func mctsFindsMateInOne(fen: String) {
    let s = state(fen)
    let mcts = MCTS<ChessGameState>(config: MCTSConfig(simulations: 2000, seed: 3))
    let r = mcts.search(s)
    let after = s.playing(r.bestMove)
    #expect(after.outcome == .win(s.sideToMove), "\(fen): \(s.moveText(r.bestMove))")
  }

  /// White (Kh1, Na1) against Kf2 and Ra8: every White move allows Rh8#, but Kh2 repeats a
  /// position for the third time, counting the positions played before the search's root. With
  /// that history MCTS draws (value ½, a score of 0); without it every move loses.
  @Test func seesRepetitionsBeforeItsRoot() throws {
    var game = GameRecord(start: try ChessPosition(fen: "r7/8/8/8/8/8/5k1K/N7 b - - 9 39"))
    for m in ["a8b8", "h2h1", "b8a8", "h1h2", "a8b8", "h2h1", "b8a8"] { try game.play(m) }
    let root = ChessGameState(game)
    #expect(root.repetitions == 2 && root.outcome == nil)
    let kh2 = try root.parseMove("h1h2")
    #expect(root.playing(kh2).end == .threefoldRepetition)

    let config = MCTSConfig(simulations: 3000, exploration: 0.7, seed: 5)
    let withHistory = MCTS<ChessGameState>(config: config).search(root)
    #expect(withHistory.bestMove == kh2)
    #expect(abs((withHistory.moves.first?.value ?? 0) - 0.5) < 0.01)

    let fresh = ChessGameState(root.position)
    let without = MCTS<ChessGameState>(config: config).search(fresh)
    #expect(without.moves.allSatisfy { $0.value < 0.3 }, "\(without.moves.map { ($0.move, $0.value) })")
  }

  /// Games of MCTS against the random player end by the rules, every move legal, where the
  /// game record ends them.
  @Test(arguments: [UInt64(1), 2])
  func mctsAgainstRandomEndsLegally(seed: UInt64) {
    let white: any Player<ChessGameState> = MCTSPlayer(config: MCTSConfig(simulations: 24, seed: seed))
    let black: any Player<ChessGameState> = RandomPlayer(seed: seed)
    var record = GameRecord<ChessPosition>()
    var state = ChessGameState(ChessPosition())
    while !state.isFinished {
      let player = state.sideToMove == .white ? white : black
      let m = player.chooseMove(in: state)
      #expect(record.position.isLegal(m))
      white.observe(m, from: state)
      black.observe(m, from: state)
      record.play(m)
      state.play(m)
      #expect(state == ChessGameState(record))
    }
    #expect(record.status != nil && state.end == record.status)
  }

  /// PUCT searches chess too: uniform priors, exact results at the leaves; it finds the mate.
  @Test func puctWithUniformPriorsFindsMate() {
    let s = state("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1")
    let search = PUCTSearch(evaluator: UniformEvaluator<ChessGameState>(), config: PUCTConfig(simulations: 200))
    let r = search.search(s)
    #expect(s.playing(r.bestMove).outcome == .win(.white))
    #expect(r.moves.count == s.legalMoves.count)
  }
}
