import Chess
import ChessEngine
import GameCore
import NNUE
import Testing

func randomGame(seed: UInt64, plies: Int) -> [ChessPosition] {
  var rng = Xoshiro256(seed: seed)
  var p = ChessPosition()
  var out = [p]
  for _ in 0..<plies {
    let moves = p.legalMoves
    if moves.isEmpty { break }
    p.play(moves[rng.below(moves.count)])
    out.append(p)
  }
  return out
}

@Suite struct NNUETests {
  @Test func featureIndicesAreDistinctAndMirrored() {
    let p = ChessPosition()
    let w = Chess768.active(p, perspective: .white), b = Chess768.active(p, perspective: .black)
    #expect(w.count == 32 && Set(w).count == 32)
    // The start position is symmetric: both perspectives see the same features.
    #expect(Set(w) == Set(b))
    #expect(w.allSatisfy { (0..<768).contains($0) })
  }

  /// The incrementally updated accumulators equal a full refresh after every move of long
  /// random games (captures, castling, en passant and promotions included).
  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
  func incrementalEqualsRefresh(seed: UInt64) {
    let net = QuantizedNNUE(FloatNNUE(hidden: 32, seed: 9))
    let game = randomGame(seed: seed, plies: 300)
    var acc = net.refresh(game[0])
    for i in 1..<game.count {
      net.update(&acc, from: game[i - 1], to: game[i])
      #expect(acc == net.refresh(game[i]), "ply \(i): \(game[i].fen)")
    }
  }

  /// The quantised output stays close to the float network over 2,000+ positions. Expected
  /// size of the error for this test net (hidden 64, W0 ~ N(0, 0.1²), W1 ~ N(0, 0.3²), scale
  /// 400): rounding W0 to 1/255 moves an accumulator by about sqrt(32)·(0.5/255)/sqrt(3) ≈ 0.0065;
  /// through SCReLU (slope ≤ 2) and W1 over 2·64 units that is about
  /// 2·0.0065·0.3·sqrt(128)·400 ≈ 18 cp at worst-case alignment, a few cp on average. Bound:
  /// every position within 30 cp + 3%, and a mean absolute error under 10 cp (measured: 6.8).
  @Test func quantisedMatchesFloat() {
    let f = FloatNNUE(hidden: 64, seed: 4)
    let q = QuantizedNNUE(f)
    var total: Float = 0
    var count = 0
    for seed in 1...20 as ClosedRange<UInt64> {
      for p in randomGame(seed: seed, plies: 120) {
        let a = f.evaluate(p), b = Float(q.evaluate(q.refresh(p), sideToMove: p.sideToMove))
        #expect(abs(a - b) <= 30 + 0.03 * abs(a), "\(p.fen): float \(a) vs quantised \(b)")
        total += abs(a - b)
        count += 1
      }
    }
    #expect(count > 2000)
    #expect(total / Float(count) < 10, "mean absolute error \(total / Float(count)) cp")
  }
}

@Suite struct NNUEEvaluationTests {
  /// Pushing and popping along random games (null moves included) always gives the score of
  /// a fresh refresh of the position reached.
  @Test func stackMatchesRefreshThroughPushAndPop() {
    let net = QuantizedNNUE(FloatNNUE(hidden: 32, seed: 3))
    var eval = NNUEEvaluation(net: net)
    let game = randomGame(seed: 8, plies: 200)
    eval.reset(to: game[0])
    var pushed = 0
    for i in 1..<game.count {
      let move = game[i - 1].legalMoves.first { game[i - 1].playing($0) == game[i] }!
      eval.push(move, from: game[i - 1])
      pushed += 1
      let fresh = net.evaluate(net.refresh(game[i]), sideToMove: game[i].sideToMove)
      #expect(eval.evaluate(game[i]) == Int(fresh))
      // A null move keeps the pieces and hands the move over.
      eval.push(.null, from: game[i])
      eval.pop()
      #expect(eval.evaluate(game[i]) == Int(fresh))
    }
    for _ in 0..<pushed { eval.pop() }
    #expect(eval.evaluate(game[0]) == Int(net.evaluate(net.refresh(game[0]), sideToMove: .white)))
  }

  /// The engine searches with the network behind the evaluation protocol, unchanged.
  @Test func theSearchRunsOnTheNetwork() {
    let net = QuantizedNNUE(FloatNNUE(hidden: 32, seed: 5))
    let searcher = ChessSearcher(evaluator: NNUEEvaluation(net: net), hashMegabytes: 4)
    for fen in [
      "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
      "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
    ] {
      let p = try! ChessPosition(fen: fen)
      let r = searcher.search(p, limits: SearchLimits(depth: 4))
      #expect(r.bestMove.map { p.isLegal($0) } == true)
    }
  }
}
