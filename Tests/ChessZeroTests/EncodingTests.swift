import Chess
import ChessZero
import GameCore
import GameSearch
import NeuralCore
import Testing

/// `m` with its ranks mirrored (the same move on the colour-flipped board).
func mirrored(_ m: Move) -> Move { Move(raw: m.raw ^ (56 | 56 << 6)) }

@Suite struct PolicyMapTests {
  @Test func hasLc0sMovesInLc0sOrder() {
    #expect(PolicyMap.size == 1858 && PolicyMap.entries.count == 1858 && ChessEncoding.policySize == 1858)
    func text(_ i: Int) -> String {
      let e = PolicyMap.entries[i]
      return "\(Square(e.from))\(Square(e.to))" + (e.promotion.map { String($0.letter).lowercased() } ?? "")
    }
    #expect((0..<8).map(text) == ["a1b1", "a1c1", "a1d1", "a1e1", "a1f1", "a1g1", "a1h1", "a1a2"])
    #expect(text(1791) == "h8g8" && text(1792) == "a7a8q" && text(1795) == "a7b8q" && text(1857) == "h7h8b")
    #expect(PolicyMap.entries.filter { $0.promotion == nil }.count == 1792)
    #expect(Set(PolicyMap.entries).count == 1858)
  }

  /// Every legal move of 10,000 positions from seeded random games has its own index, and the
  /// index gives the move back.
  @Test func everyLegalMoveHasADistinctIndexAndBack() {
    let states = randomGameStates(from: ChessGameState(ChessPosition()), count: 10_000, seed: 7)
    var moves = 0
    for s in states {
      let legal = s.legalMoves
      let indices = PolicyMap.indices(of: s)
      #expect(Set(indices).count == legal.count, "\(s)")
      for (m, i) in zip(legal, indices) {
        #expect(i >= 0 && i < PolicyMap.size)
        #expect(PolicyMap.move(at: i, in: s) == m, "\(s): \(s.moveText(m)) at \(i)")
      }
      moves += legal.count
    }
    #expect(states.count == 10_000 && moves > 200_000)
  }

  /// Castling (king onto its rook), under-promotion and en passant, for both colours.
  @Test func specialMoves() throws {
    let castle = ChessGameState(try ChessPosition(fen: "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1"))
    let oo = try castle.parseMove("O-O")
    #expect(PolicyMap.index(of: oo, sideToMove: .white) == PolicyMap.entries.firstIndex { $0.from == 4 && $0.to == 7 })
    let black = ChessGameState(try ChessPosition(fen: "r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1"))
    #expect(
      PolicyMap.index(of: try black.parseMove("O-O-O"), sideToMove: .black)
        == PolicyMap.index(
          of: try castle.parseMove("O-O-O"), sideToMove: .white))
    let promo = ChessGameState(try ChessPosition(fen: "1n5k/P7/8/8/8/8/8/7K w - - 0 1"))
    let all = Set(PolicyMap.indices(of: promo))
    #expect(all.count == promo.legalMoves.count)
    #expect(
      PolicyMap.index(of: try promo.parseMove("a8=N"), sideToMove: .white)
        == PolicyMap.index(
          of: Move(from: 48, to: 56), sideToMove: .white))
  }
}

@Suite struct ChessEncodingTests {
  /// A state and its colour-flipped twin (the mirrored game, colours swapped, history too)
  /// have the same planes, and mirrored moves the same indices.
  @Test func colourFlippedTwinsAgree() throws {
    var rng = Xoshiro256(seed: 3)
    var checked = 0
    for _ in 0..<20 {
      var s = ChessGameState(ChessPosition())
      var twin = ChessGameState(try ChessPosition(fen: "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR b KQkq - 0 1"))
      while !s.isFinished {
        #expect(twin.position.fen.split(separator: " ")[1] != s.position.fen.split(separator: " ")[1])
        let a = ChessEncoding.batch([s]).data, b = ChessEncoding.batch([twin]).data
        #expect(a == b, "\(s) / \(twin)")
        let moves = s.legalMoves
        #expect(Set(moves.map(mirrored)) == Set(twin.legalMoves))
        for m in moves {
          #expect(
            PolicyMap.index(of: m, sideToMove: s.sideToMove)
              == PolicyMap.index(
                of: mirrored(m), sideToMove: twin.sideToMove))
        }
        let m = moves[rng.below(moves.count)]
        s.play(m)
        twin.play(mirrored(m))
        checked += 1
      }
      #expect(twin.isFinished && twin.end?.description == s.end?.description)  // a mate by the other colour
    }
    #expect(checked > 1000)
  }

  @Test func planesOfTheStart() {
    let t = ChessEncoding.batch([ChessGameState(ChessPosition()), ChessGameState(ChessPosition())])
    #expect(t.shape == [2, 8, 8, 19])
    func at(_ rank: Int, _ file: Int, _ plane: Int) -> Float { t.data[(rank * 8 + file) * 19 + plane] }
    #expect((0..<8).allSatisfy { at(1, $0, 0) == 1 && at(6, $0, 6) == 1 && at(0, $0, 18) == 1 && at(3, $0, 17) == 0 })
    #expect(at(0, 4, 5) == 1 && at(7, 4, 11) == 1 && at(0, 3, 4) == 1)
    #expect(at(0, 0, 14) == 1 && at(0, 7, 14) == 1 && at(7, 0, 15) == 1 && at(0, 4, 14) == 0)
    let total: Float = t.data.reduce(0, +)
    #expect(total == 200)  // 32 pieces, 4 castling rooks and 64 ones, twice
  }

  @Test func repetitionsClockAndEnPassant() throws {
    var s = ChessGameState(ChessPosition())
    for m in ["Nf3", "Nf6", "Ng1", "Ng8"] { s.play(try s.parseMove(m)) }
    let planes = ChessEncoding.batch([s]).data
    #expect(planes[12] == 1 && planes[13] == 0 && abs(planes[17] - 0.04) < 1e-6)
    let ep = ChessGameState(try ChessPosition(fen: "4k3/8/8/8/3pP3/8/8/4K3 b - e3 0 1"))
    let e = ChessEncoding.batch([ep]).data
    // Black to move: e3 is seen from Black's side as e6 (rank index 5, file 4).
    let epPlane: [Float] = (0..<64).map { e[$0 * 19 + 16] }
    #expect(e[(5 * 8 + 4) * 19 + 16] == 1 && epPlane.reduce(0, +) == 1)
  }

  @Test func maskedPriorsSumToOneOverLegalMoves() {
    let s = ChessGameState(ChessPosition())
    var rng = Xoshiro256(seed: 1)
    let logits = (0..<PolicyMap.size).map { _ in Float(rng.unit() * 4 - 2) }
    let p = ChessEncoding.priors(logits: logits, for: s)
    #expect(p.count == 20 && abs(p.reduce(0, +) - 1) < 1e-5)
    let mask = ChessEncoding.legalMask([s])
    #expect(mask.shape == [1, 1858] && mask.data.reduce(0, +) == 20)
  }
}

@Suite struct ChessNetworkEvaluatorTests {
  /// PUCT with a tiny random network returns a legal move, from the start and a few middle
  /// and end positions.
  @Test func puctWithATinyRandomNetPlaysLegalMoves() throws {
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: 1, channels: 8, valueHead: .tanh))
    var rng = Xoshiro256(seed: 9)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    let search = PUCTSearch(evaluator: try ChessNetworkEvaluator(network: net), config: PUCTConfig(simulations: 32))
    let states =
      [ChessGameState(ChessPosition())]
      + randomGameStates(from: ChessGameState(ChessPosition()), count: 400, seed: 4).enumerated().filter {
        $0.offset % 97 == 50
      }
      .map(\.element)
    var wdlSpec = ChessNetworkEvaluator.spec(blocks: 1, channels: 8)
    wdlSpec.valueHead = .wdl
    var wdlNet = PolicyValueNetwork(wdlSpec)
    wdlNet.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    var wdl = try ChessNetworkEvaluator(network: wdlNet)
    for (priors, value) in wdl.evaluate(Array(states.prefix(3))) {
      #expect(abs(priors.reduce(0, +) - 1) < 1e-4 && abs(value) <= 1)
    }
    for s in states {
      let r = search.search(s)
      #expect(s.position.isLegal(r.bestMove), "\(s)")
      #expect(abs(r.policy.reduce(0, +) - 1) < 1e-4 && r.evaluations > 0)
      search.reset()
    }
  }

  @Test func refusesANetworkOfAnotherShape() {
    let hexapawn = PolicyValueNetwork(
      NetworkSpec.policyValue(
        height: 3, width: 3, planes: 3, blocks: 1, channels: 4, policySize: 27, activation: Activation(.relu)))
    #expect(throws: NeuralError.self) { try ChessNetworkEvaluator(network: hexapawn) }
  }
}

@Suite struct ChessSearchBenchmarkTests {
  /// A short run on a tiny network: the searches' leaves reach the network in shared batches
  /// no larger than games x leaves, every move searched with its simulations, and the network
  /// alone timed on the search's batches.
  @Test func batchedSearchFeedsTheNetwork() throws {
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    var rng = Xoshiro256(seed: 3)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    var settings = ChessSearchBenchmark.Settings()
    settings.games = 3
    settings.leaves = 4
    settings.simulations = 12
    settings.seconds = 0.5
    let f = try ChessSearchBenchmark.run(net, settings: settings) { _ in }
    #expect(f.searches >= 3)
    #expect(f.simulations >= f.searches * 12, "\(f.simulations) simulations for \(f.searches) searches")
    #expect(f.positions <= f.simulations + f.searches, "each simulation evaluates at most one position")
    #expect(f.averageBatch > 4 && f.averageBatch <= 12, "average batch \(f.averageBatch)")
    #expect(f.evaluatorSeconds > 0 && f.evaluatorSeconds < f.seconds)
    #expect(f.networkPositions > 0 && f.networkPositions <= f.positions && f.networkSeconds > 0)
    #expect(f.simulationsPerSecond > 0 && f.networkPositionsPerSecond > 0)
  }
}
