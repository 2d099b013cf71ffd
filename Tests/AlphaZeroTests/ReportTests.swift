import AlphaZero
import Foundation
import GameCore
import Hexapawn
import LabKit
import NeuralCore
import Testing

/// The contents of every `<text>` element of an SVG, in order.
func svgTexts(_ svg: String) -> [String] {
  svg.split(separator: "<text").dropFirst().compactMap { part in
    guard let open = part.firstIndex(of: ">"), let close = part.range(of: "</text>") else { return nil }
    return String(part[part.index(after: open)..<close.lowerBound])
  }
}

@Suite struct ReportTests {
  @Test func bestPossibleValuesComeFromTheSolver() throws {
    let b3 = BestPossible(board: classic, games: 10)
    #expect(b3.winner == "Black" && b3.size == "3x3")
    #expect(b3.scoreVsPerfectAsWhite == 0 && b3.scoreVsPerfectAsBlack == 1)
    // Black wins 3x3 whatever White does, so it beats the random player every time; White can
    // only hope for mistakes.
    #expect(b3.winChanceVsRandomAsBlack == 1)
    #expect(b3.winChanceVsRandomAsWhite > 0 && b3.winChanceVsRandomAsWhite < 1)
    #expect(abs(b3.scoreVsRandom - (b3.winChanceVsRandomAsWhite + 1) / 2) < 1e-12)
    // Three games: two as White, one as Black.
    let odd = BestPossible(board: classic, games: 3)
    #expect(abs(odd.scoreVsRandom - (2 * odd.winChanceVsRandomAsWhite + 1) / 3) < 1e-12)
    let b4 = BestPossible(board: try SolvedBoard(size: try BoardSize(parsing: "4x4")), games: 10)
    #expect(b4.winner == "White" && b4.scoreVsPerfectAsWhite == 1 && b4.scoreVsPerfectAsBlack == 0)
    #expect(b4.winChanceVsRandomAsWhite == 1)
  }

  /// White's best chance against a random Black on 3x3: the memoised expectimax equals the
  /// plain recursion over the whole game tree.
  @Test func winChanceAgainstRandomAgreesWithADirectRecursion() {
    func direct(_ p: HexapawnPosition) -> Double {
      if let o = p.outcome { return o == .win(.white) ? 1 : 0 }
      let c = p.legalMoves.map { direct(p.playing($0)) }
      return p.sideToMove == .white ? c.max()! : c.reduce(0, +) / Double(c.count)
    }
    let start = HexapawnPosition(size: classic.size)
    #expect(BestPossible.winChanceAgainstRandom(start, for: .white) == direct(start))
  }

  @Test func heldPerfect() {
    func m(_ t: Double, _ acc: Double) -> MetricsRecord {
      var fields: [String: Any] = [
        "method": "supervised", "init": "he_normal", "activation": "relu", "size": "3x3", "seed": 1, "iteration": 0,
        "wall_seconds": t, "positions_seen": 0, "optimal_move_accuracy": acc,
      ]
      for k in [
        "value_sign_accuracy", "value_mse", "score_vs_perfect_as_white", "score_vs_perfect_as_black", "score_vs_random",
        "search_score_vs_perfect_as_white", "search_score_vs_perfect_as_black", "search_score_vs_random", "loss",
      ] { fields[k] = 0.0 }
      return try! RunFiles.decoder().decode(MetricsRecord.self, from: JSONSerialization.data(withJSONObject: fields))
    }
    #expect(!Runs.heldPerfect([], for: 1))
    #expect(!Runs.heldPerfect([m(0, 0.5), m(1, 1), m(1.5, 1)], for: 1))
    #expect(Runs.heldPerfect([m(0, 0.5), m(1, 1), m(2, 1)], for: 1))
    #expect(!Runs.heldPerfect([m(0, 1), m(1, 0.9), m(2, 1), m(2.5, 1)], for: 1))
    #expect(!Runs.heldPerfect([m(0, 1), m(5, 1), m(6, 0.99)], for: 1))
  }

  /// A small real comparison on 3x3: runs stop once they have held 100 %, the report has the
  /// untrained network's row (the step-0 measurement, the same for both methods) and the
  /// board's best possible row, explains each figure, and the figures name the board.
  @Test func reportOfARealComparison() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "zerolab-report-\(ProcessInfo.processInfo.processIdentifier)"
    ).path
    try? FileManager.default.removeItem(atPath: dir)
    var c = ZeroConfig()
    c.blocks = 1
    c.channels = 16
    c.gamesPerIteration = 4
    c.simulations = 8
    c.evalGames = 2
    c.evalSimulations = 4
    let report = try Runs.compare(
      base: c, dir: dir, budget: 60, inits: ["he_normal"], activations: ["relu"], hold: 1)
    let all = try MetricsLog(path: dir + "/metrics.jsonl").read()
    let sup = all.filter { $0.method == "supervised" }, sp = all.filter { $0.method == "selfplay" }
    let zero = try #require(sup.first)
    #expect(zero.iteration == 0 && zero.wallSeconds == 0 && zero.positionsSeen == 0)
    let spZero = try #require(sp.first)
    #expect(spZero.iteration == 0 && spZero.optimalMoveAccuracy == zero.optimalMoveAccuracy)
    #expect(spZero.valueMse == zero.valueMse)
    // Supervised 3x3 reaches 100 % within a second or two, then holds it for 1 s and stops.
    #expect(Runs.heldPerfect(sup, for: 1) && sup.last!.wallSeconds < 30)
    let lines = report.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("| supervised |") && $0.contains("(held 100 %)") })
    let untrained = try #require(lines.first { $0.hasPrefix("| untrained network (step 0) |") })
    #expect(untrained.contains(String(format: "%.1f %%", 100 * zero.optimalMoveAccuracy)))
    #expect(untrained.contains(String(format: "%.3f", zero.valueMse)))
    let best = try #require(lines.first { $0.hasPrefix("| **best possible on 3x3** |") })
    // optimal moves, value sign, MSE, vs perfect as White, as Black.
    #expect(best.contains("| 100.0 % | 100.0 % | 0.000 | 0.0 % | 100.0 % |"))
    #expect(report.contains("**Black wins**"))
    #expect(report.contains("0 % as White"))
    let saved = try RunFiles.decoder().decode(
      BestPossible.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/best_possible.json")))
    #expect(saved == BestPossible(board: classic, games: 2))
    for figure in ["optimal_moves_vs_time.svg", "optimal_moves_vs_positions.svg", "value_mse_vs_time.svg"] {
      #expect(report.contains("](\(figure))") && report.contains("`\(figure)`:"))
      let svg = try String(contentsOfFile: dir + "/" + figure, encoding: .utf8)
      let texts = svgTexts(svg)
      #expect(texts.first?.hasPrefix("Hexapawn 3x3: ") == true)
      #expect(texts.contains { $0.hasPrefix("untrained network (step 0): ") })
      #expect(texts.contains { $0.hasPrefix("best possible: ") })
      #expect(
        svg.split(separator: "\n").filter { $0.hasPrefix("<polyline ") && $0.contains("class=\"series\"") }.count == 2)
    }
    // Every column of the table is explained.
    let header = try #require(lines.first { $0.hasPrefix("| run |") })
    let columns = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    for col in columns { #expect(report.contains("**\(col)**"), "column \(col) is not explained") }
  }
}
