import Chess
import ChessEngine
import Foundation
import GameCore
import Synchronization
import Testing

@Suite struct MateTests {
  /// Mates in 1, 2 and 3 (the longer ones from Win at Chess, checked with Stockfish).
  static let mates: [(fen: String, moves: Int)] = [
    ("6k1/5ppp/8/8/8/8/5PPP/3R2K1 w - - 0 1", 1),
    ("r1bqkbnr/pppp1ppp/2n5/4p3/2B1P3/5Q2/PPPP1PPP/RNB1K1NR w KQkq - 4 4", 1),
    ("3r2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 0 1", 1),
    ("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - 0 1", 2),
    ("r1bq2rk/pp3pbp/2p1p1pQ/7P/3P4/2PB1N2/PP3PPR/2KR4 w - - 0 1", 2),
    ("5k2/6pp/p1qN4/1p1p4/3P4/2PKP2Q/PP3r2/3R4 b - - 0 1", 2),
    ("4k1r1/2p3r1/1pR1p3/3pP2p/3P2qP/P4N2/1PQ4P/5R1K b - - 0 1", 2),
    ("7k/pp4np/2p3p1/3pN1q1/3P4/Q7/1r3rPP/2R2RK1 w - - 0 1", 2),
    ("k4r2/1R4pb/1pQp1n1p/3P4/5p1P/3P2P1/r1q1R2K/8 w - - 0 1", 3),
    ("r3q1kr/ppp5/3p2pQ/8/3PP1b1/5R2/PPP3P1/5RK1 w - - 0 1", 3),
    ("8/6pp/3q1p2/3n1k2/1P6/3NQ2P/5PP1/6K1 w - - 0 1", 3),
    ("r3k2r/pbp2pp1/3b1n2/1p6/3P3p/1B2N1Pq/PP1PQP1P/R1B2RK1 b kq - 0 1", 3),
  ]

  @Test func findsMatesWithinNodeBudget() throws {
    for (fen, n) in MateTests.mates {
      let p = try ChessPosition(fen: fen)
      let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
      let r = s.search(p, limits: SearchLimits(nodes: 2_000_000))
      #expect(r.mateIn == n, "\(fen): expected mate in \(n), got \(s.lastInfo.uciLine)")
      #expect(r.score == mateScore - (2 * n - 1))
      // The best move must start a mate: after it, the opponent is mated in n-1 (checkmated
      // at once for n = 1; otherwise a fresh search of the reply position, which shares no
      // table with the first, scores every defence as mated in n-1).
      let m = try #require(r.bestMove)
      #expect(p.isLegal(m))
      let q = p.playing(m)
      if n == 1 {
        #expect(q.end() == .checkmate(winner: p.sideToMove), "\(fen): \(q.fen) is not mate")
        continue
      }
      let reply = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
        .search(q, limits: SearchLimits(nodes: 2_000_000))
      #expect(reply.mateIn == -(n - 1), "\(fen) after \(m): score \(reply.score)")
      #expect(reply.score == -(mateScore - 2 * (n - 1)))
    }
  }

  @Test func noMoveMeansMateOrStalemate() throws {
    let mated = try ChessPosition(fen: "3R2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 1 1")
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 1)
    let r = s.search(mated, limits: SearchLimits(depth: 3))
    #expect(r.bestMove == nil && r.proven && r.pv.isEmpty)
    #expect(r.score == -mateScore)
    let stalemate = try ChessPosition(fen: "7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")
    let r2 = s.search(stalemate, limits: SearchLimits(depth: 3))
    #expect(r2.bestMove == nil && r2.score == 0)
  }

  /// The result and the chess report of the same search agree (the report adds the selective
  /// depth, the table fill and the UCI text).
  @Test func theResultAndTheLastReportAgree() throws {
    let p = try ChessPosition(fen: "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3")
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4)
    let r = s.search(p, limits: SearchLimits(depth: 6))
    let info = s.lastInfo
    #expect(r.depth == 6 && info.depth == 6 && r.nodes == info.nodes && r.score == info.score)
    #expect(r.pv == info.pv && r.bestMove == r.pv.first && r.ponderMove == r.pv[1] && !r.proven)
    #expect(info.uciLine.hasPrefix("info depth 6 seldepth ") && info.seldepth >= 6)
    #expect(r.elapsed >= .milliseconds(info.milliseconds))
  }

  @Test func repetitionIsADrawInsideTheSearch() throws {
    // White is two rooks down but has a perpetual check (Qf6+ Kg8 Qg5+ Kh8 Qf6+); every other
    // move loses (Stockfish: 0.00 for Qf6+, -6.9 for the next best). The search must score the
    // position as a draw, which it only sees through the repetition, and choose the check.
    let p = try ChessPosition(fen: "rq3r1k/5p1p/8/8/8/5Q2/5PPP/6K1 w - - 0 1")
    #expect(HandcraftedEvaluation.score(p) < -500)
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4)
    let r = s.search(p, limits: SearchLimits(depth: 8))
    #expect(r.score == 0, "\(s.lastInfo.uciLine)")
    #expect(r.bestMove == (try p.parseMove("Qf6+")))
  }

  @Test func fiftyMoveDrawIsSeen() throws {
    // A rook up but the fifty-move counter is at 99: any non-capture draws.
    let p = try ChessPosition(fen: "8/8/8/4k3/8/8/8/R3K3 w - - 99 80")
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4)
    let r = s.search(p, limits: SearchLimits(depth: 6))
    #expect(r.score == 0)
  }
}

@Suite struct EvaluationTests {
  /// The same position with colours swapped scores the same for the side to move.
  @Test func symmetric() throws {
    let fens = [
      ChessPosition.startFEN, "r1bqkbnr/pppp1ppp/2n5/4p3/2B1P3/5Q2/PPPP1PPP/RNB1K1NR w KQkq - 4 4",
      "8/6pp/3q1p2/3n1k2/1P6/3NQ2P/5PP1/6K1 w - - 0 1", "4k3/8/8/3P4/8/8/8/4K3 b - - 0 1",
    ]
    for fen in fens {
      let p = try ChessPosition(fen: fen)
      let q = try ChessPosition(fen: EvaluationTests.mirror(fen))
      #expect(HandcraftedEvaluation.score(p) == HandcraftedEvaluation.score(q), "\(fen)")
    }
  }

  @Test func materialMatters() throws {
    let up = try ChessPosition(fen: "4k3/8/8/8/8/8/8/R3K3 w - - 0 1")
    #expect(HandcraftedEvaluation.score(up) > 300)
    let down = try ChessPosition(fen: "4k3/8/8/8/8/8/8/R3K3 b - - 0 1")
    #expect(HandcraftedEvaluation.score(down) < -300)
  }

  @Test func staticExchange() throws {
    // exd5 cxd5 Qxd5 wins a pawn; a queen taking a pawn defended by a pawn loses 800.
    let p = try ChessPosition(fen: "4k3/8/2p5/3p4/4P3/8/8/3QK3 w - - 0 1")
    #expect(ChessSearcher<HandcraftedEvaluation>.see(p, try p.parseMove("exd5")) == 100)
    let q = try ChessPosition(fen: "4k3/8/2p5/3p4/8/8/8/3QK3 w - - 0 1")
    #expect(ChessSearcher<HandcraftedEvaluation>.see(q, try q.parseMove("Qxd5")) == -800)
  }

  static func mirror(_ fen: String) -> String {
    let f = fen.split(separator: " ").map(String.init)
    let board = f[0].split(separator: "/").reversed().map { rank in
      String(rank.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
    }.joined(separator: "/")
    let side = f[1] == "w" ? "b" : "w"
    var castling = String(f[2].map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
    if castling != "-" {
      castling = String(castling.sorted { ($0.isUppercase ? 0 : 1, $0) < ($1.isUppercase ? 0 : 1, $1) })
    }
    return "\(board) \(side) \(castling) - \(f[4]) \(f[5])"
  }
}

@Suite struct SelfPlayTests {
  /// 100 fast games (random first plies, a few hundred nodes a move): every move legal, every
  /// game ends by the rules (the end checked against the final position) or exactly at the
  /// ply cap, and some end in checkmate.
  @Test func hundredGamesWithoutIllegalMoves() throws {
    var rng = Xoshiro256(seed: 6)
    let engines = [
      ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 2),
      ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 2),
    ]
    var ends: [String: Int] = [:]
    for _ in 0..<100 {
      var record = GameRecord<ChessPosition>()
      for e in engines { e.newGame() }
      let randomPlies = Int(rng.next() % 5) + 2
      while record.status == nil && record.moves.count < 300 {
        let moves = record.position.legalMoves
        let m: Move
        if record.moves.count < randomPlies {
          m = moves[Int(rng.next() % UInt64(moves.count))]
        } else {
          let e = engines[record.moves.count % 2]
          let r = e.search(
            record.position, history: record.keys, limits: SearchLimits(nodes: 300 + Int(rng.next() % 300)))
          m = try #require(r.bestMove)
        }
        #expect(moves.contains(m), "illegal move \(m) in \(record.position.fen)")
        record.play(m)
      }
      let last = record.position
      switch record.status {
      case .checkmate(let winner):
        #expect(last.legalMoves.isEmpty && last.isInCheck && winner == last.sideToMove.opponent)
      case .stalemate: #expect(last.legalMoves.isEmpty && !last.isInCheck)
      case .insufficientMaterial: #expect(last.isInsufficientMaterial)
      case .fiftyMoveRule: #expect(last.halfmoveClock >= 100)
      case .threefoldRepetition: #expect(record.keys.filter { $0 == last.hash }.count >= 3)
      case nil: #expect(record.moves.count == 300)
      }
      ends[record.status?.description ?? "ply cap", default: 0] += 1
    }
    #expect(ends["checkmate", default: 0] > 0, "\(ends)")
  }
}

/// Time limits under load: a busy two-core test machine can delay any thread by tens of
/// milliseconds, so upper bounds are generous (the tight figures are checked by
/// `make uci-test` on the real binary) and lower bounds check that the time was really used.
@Suite struct TimeTests {
  /// An infinite search runs until `stop` and then ends with a move.
  @Test func stopIsObeyed() throws {
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
    let signal = s.stopSignal
    let stoppedAt = Mutex<ContinuousClock.Instant?>(nil)
    let t = Thread {
      usleep(300_000)
      stoppedAt.withLock { $0 = ContinuousClock.now }
      signal.stop()
    }
    t.start()
    let r = s.search(ChessPosition(), limits: SearchLimits(infinite: true))
    let end = ContinuousClock.now
    #expect(r.bestMove != nil)
    let signalled = try #require(stoppedAt.withLock { $0 }, "the infinite search ended before the signal")
    #expect(end - signalled < .seconds(2), "stopped \(end - signalled) after the signal")
  }

  /// `movetime 200`: the search uses the time (it stops on the clock, not for lack of depth:
  /// 185 ms is its hard limit) and ends soon after it.
  @Test func moveTimeIsRespected() throws {
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
    let start = ContinuousClock.now
    let r = s.search(ChessPosition(), limits: SearchLimits(moveTime: 200))
    let elapsed = ContinuousClock.now - start
    #expect(r.bestMove != nil)
    #expect(elapsed >= .milliseconds(180), "stopped after \(elapsed)")
    #expect(elapsed < .seconds(2), "stopped after \(elapsed)")
  }

  /// With 3 s on the clock and no increment the search plans about 1/30 of it (a hard limit of
  /// 297 ms): it ends by itself, well inside half the time left.
  @Test func clockBudgetIsAFraction() throws {
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
    let start = ContinuousClock.now
    let r = s.search(ChessPosition(), limits: SearchLimits(whiteTime: 3000, blackTime: 3000, whiteIncrement: 0))
    let used = ContinuousClock.now - start
    #expect(r.bestMove != nil)
    #expect(used < .milliseconds(1500), "used \(used) of a 3 s clock")
  }
}
