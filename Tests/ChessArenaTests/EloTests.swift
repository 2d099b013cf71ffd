import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import Testing

@Suite struct EloTests {
  /// References computed independently in Python (logistic Elo, trinomial variance,
  /// 1.959964 standard errors, LOS by erf, GSPRT normal approximation).
  static let cases:
    [(
      w: Int, d: Int, l: Int, score: Double, elo: Double, low: Double, high: Double, los: Double,
      llr0_10: Double, llrm10_50: Double
    )] = [
      (30, 10, 10, 0.7, 147.190714, 62.601027, 252.878937, 0.999217, 0.866857, 4.600021),
      (10, 20, 10, 0.5, 0, -77.388745, 77.388745, 0.5, -0.033119, -0.783998),
      (6, 2, 12, 0.35, -107.538125, -297.568621, 32.908189, 0.078650, -0.223365, -1.513831),
      (300, 400, 250, 0.526316, 18.302996, 1.515877, 35.175999, 0.983497, 1.814434, -1.258195),
    ]

  @Test func knownValues() {
    #expect(abs(MatchScore.elo(score: 0.75) - 190.848502) < 1e-5)
    #expect(abs(MatchScore.expectedScore(elo: 190.848502) - 0.75) < 1e-8)
    for c in EloTests.cases {
      let s = MatchScore(wins: c.w, draws: c.d, losses: c.l)
      #expect(abs(s.score - c.score) < 1e-6)
      #expect(abs(s.elo - c.elo) < 1e-4)
      #expect(abs(s.eloInterval.low - c.low) < 1e-4)
      #expect(abs(s.eloInterval.high - c.high) < 1e-4)
      #expect(abs(s.likelihoodOfSuperiority - c.los) < 1e-6)
      #expect(abs(s.logLikelihoodRatio(elo0: 0, elo1: 10) - c.llr0_10) < 1e-5)
      #expect(abs(s.logLikelihoodRatio(elo0: -10, elo1: 50) - c.llrm10_50) < 1e-5)
    }
    let bounds = MatchScore.sprtBounds()
    #expect(abs(bounds.lower + 2.944439) < 1e-6 && abs(bounds.upper - 2.944439) < 1e-6)
    #expect(MatchScore(wins: 3).elo == .infinity)
    // A one-sided run still decides: 10-0 accepts Elo 200 over 0; 0-10 rejects it.
    #expect(MatchScore(wins: 10).logLikelihoodRatio(elo0: 0, elo1: 200) > bounds.upper)
    #expect(MatchScore(losses: 10).logLikelihoodRatio(elo0: 0, elo1: 200) < bounds.lower)
  }

  /// Results where every game ended alike: the interval is bounded on the side the data bound,
  /// never `[+inf, +inf]`, and the summary says so instead of `± inf`.
  @Test func oneSidedResultsHaveAnHonestInterval() {
    let perfect = MatchScore(wins: 2)
    let i = perfect.eloInterval
    #expect(i.low.isFinite && i.high == .infinity)
    #expect(i.low < 0)  // two games prove little
    #expect(perfect.eloIntervalText.hasSuffix(", +inf]"))
    #expect(perfect.summary.contains("Elo > ") && !perfect.summary.contains("inf"))
    #expect(perfect.intervalCaveat?.contains("from below only") == true)
    let many = MatchScore(wins: 40).eloInterval
    #expect(many.low > 150 && many.high == .infinity)
    let lost = MatchScore(losses: 3).eloInterval
    #expect(lost.low == -.infinity && lost.high.isFinite)
    let drawn = MatchScore(draws: 6).eloInterval
    #expect(drawn.low.isFinite && drawn.high.isFinite && abs(drawn.low + drawn.high) < 1e-9 && drawn.high > 0)
    #expect(MatchScore(wins: 3, draws: 2, losses: 1).intervalCaveat?.contains("too few") == true)
    #expect(MatchScore(wins: 30, draws: 10, losses: 10).intervalCaveat == nil)
  }

  @Test func timeControls() throws {
    let tc = try TimeControl(parsing: "10+0.1")
    #expect(tc.baseMilliseconds == 10_000 && tc.incrementMilliseconds == 100)
    #expect(tc.description == "10+0.1")
    #expect(try TimeControl(parsing: "60").incrementMilliseconds == 0)
    for bad in ["", "x", "10+", "-1+0", "10+0.1+2", "+1"] {
      #expect(throws: NotationError.self) { try TimeControl(parsing: bad) }
    }
  }

  @Test func openings() throws {
    let ps = try readOpenings("# c\n\nrnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - c0 \"e4\";\n", source: "t")
    #expect(ps.count == 1 && ps[0].sideToMove == .black)
    #expect(throws: NotationError.self) { try readOpenings("garbage\n", source: "t") }
  }

  /// A tiny in-process match: both sides built-in, fixed depth, every game ends.
  @Test func smallMatch() throws {
    let a = BuiltinEngine(
      name: "d2", searcher: ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16), depth: 2)
    let b = BuiltinEngine(
      name: "d1", searcher: ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16), depth: 1)
    let arena = Arena(
      a: a, b: b, timeControl: TimeControl(baseMilliseconds: 5000, incrementMilliseconds: 50), openings: [])
    arena.maxPlies = 120
    _ = arena.run(games: 4)
    #expect(arena.score.games == 4)
    #expect(arena.games.map(\.whiteIsA) == [true, false, true, false])
    let pgn = arena.pgn()
    let parsed = try PGN.parse(pgn)
    #expect(parsed.count == 4)
  }
}
