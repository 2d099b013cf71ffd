import Foundation
import LabKit
import NeuralCore

/// The comparison's report: a markdown page explaining every column and figure, with the
/// untrained network as the baseline row and the board's best possible values as the last
/// row, and SVG curves with both as reference lines.
public enum Report {
  /// What the report needs besides the measurements.
  public struct Setting: Sendable {
    public var config: ZeroConfig
    public var budget: Double
    /// Measurements per run instead of a time budget (`Runs.compare`'s `iterations`).
    public var iterations: Int?
    public var hold: Double?
    /// Reachable unfinished positions of the board (the positions every measurement scores).
    public var positions: Int
    public var best: BestPossible
    /// The optimal-move accuracy a uniformly random move choice would have on average.
    public var chanceAccuracy: Double

    public init(
      config: ZeroConfig, budget: Double, hold: Double?, positions: Int, best: BestPossible, chanceAccuracy: Double
    ) {
      self.config = config
      self.budget = budget
      self.hold = hold
      self.positions = positions
      self.best = best
      self.chanceAccuracy = chanceAccuracy
    }
  }

  static func key(_ m: MetricsRecord) -> String { "\(m.method) \(m.`init`) \(m.activation)" }

  /// Groups measurements by run, in first-seen order.
  static func runs(_ all: [MetricsRecord]) -> [(String, [MetricsRecord])] {
    var order: [String] = []
    var groups: [String: [MetricsRecord]] = [:]
    for m in all {
      if groups[key(m)] == nil { order.append(key(m)) }
      groups[key(m), default: []].append(m)
    }
    return order.map { ($0, groups[$0]!) }
  }

  /// The untrained network of each (initializer, activation) pair: the step-0 measurement of
  /// its first run (both methods start from the same weights).
  static func baselines(_ all: [MetricsRecord]) -> [MetricsRecord] {
    var seen = Set<String>()
    return all.filter { $0.iteration == 0 && seen.insert("\($0.`init`) \($0.activation)").inserted }
  }

  static func methodName(_ m: String) -> String { m == "selfplay" ? "self-play" : m }

  /// A run's name in legends: the method, with the initializer and activation when the
  /// comparison has more than one pair.
  static func runName(_ m: MetricsRecord, grid: Bool) -> String {
    grid ? "\(methodName(m.method)), \(m.`init`), \(m.activation)" : methodName(m.method)
  }

  static func pct(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }

  public static func markdown(_ all: [MetricsRecord], _ s: Setting) -> String {
    let b = s.best, c = s.config
    let size = b.size
    let loser = b.winner == "White" ? "Black" : "White"
    let games = c.evalGames
    var r = "# Supervised vs self-play, Hexapawn \(size)\n\n"
    r +=
      "The same policy-value network (\(c.blocks) residual block\(c.blocks == 1 ? "" : "s") of \(c.channels) channels, seed \(c.seed)) "
    r += "is trained two ways, each from the same untrained weights:\n\n"
    r += "- **supervised**: on every reachable position labelled by the exact solver (policy target: the optimal "
    r += "moves, value target: the game value), \(c.trainSteps) minibatches of \(c.batchSize) between measurements;\n"
    r += "- **self-play**: only on games it plays against itself with a search of \(c.simulations) "
    r +=
      "simulations per move (\(c.search) root; \(c.gamesPerIteration) games and \(c.trainSteps) minibatches per iteration); it never sees the "
    r += "solver.\n\n"
    r += s.iterations.map { "Each run trains for \($0) iterations" } ?? "Each run trains for at most \(Int(s.budget)) s"
    if let hold = s.hold {
      r += ", and stops earlier once its optimal-move accuracy has been 100 % at every measurement for "
      r += "\(String(format: "%g", hold)) s"
    }
    r += ". After every iteration the network is measured against the exact solver; the measurement at "
    r += "step 0 is the untrained network, the baseline every curve starts from.\n\n"
    r += "## The board\n\n"
    r += "Hexapawn \(size) has \(s.positions) reachable unfinished positions. With perfect play **\(b.winner) wins** "
    r += "(in \(b.plies) plies), so against the perfect player the best possible score is 100 % as \(b.winner) and "
    r += "0 % as \(loser): a network playing \(loser) can only lose to it, and 0 % there is perfect play, not a "
    r += "failure. All best possible values below come from the exact solver.\n\n"

    r += "## Results\n\n"
    let grid = Set(all.map { "\($0.`init`) \($0.activation)" }).count > 1
    r += "| run | init | activation | trained (s) | time to 100 % (s) | positions to 100 % | optimal moves | "
    r += "value sign | value MSE | vs perfect as White | vs perfect as Black | vs random | "
    r += "with search: vs perfect as \(b.winner) |\n"
    r += "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    func values(_ m: MetricsRecord) -> String {
      let search = b.winner == "White" ? m.searchScoreVsPerfectAsWhite : m.searchScoreVsPerfectAsBlack
      return "\(pct(m.optimalMoveAccuracy)) | \(pct(m.valueSignAccuracy)) | "
        + "\(String(format: "%.3f", m.valueMse)) | \(pct(m.scoreVsPerfectAsWhite)) | "
        + "\(pct(m.scoreVsPerfectAsBlack)) | \(pct(m.scoreVsRandom)) | \(pct(search)) |"
    }
    for m in baselines(all) {
      r += "| untrained network (step 0) | \(m.`init`) | \(m.activation) | 0 | – | – | \(values(m))\n"
    }
    for (_, ms) in runs(all) {
      let first = ms.first { $0.optimalMoveAccuracy >= 1 }
      let last = ms.last!
      let held = s.hold.map { Runs.heldPerfect(ms, for: $0) } ?? false
      r += "| \(methodName(last.method)) | \(last.`init`) | \(last.activation) | "
      r += String(format: "%.1f", last.wallSeconds) + (held ? " (held 100 %)" : "") + " | "
      r += (first.map { String(format: "%.1f", $0.wallSeconds) } ?? "not reached") + " | "
      r += (first.map { "\($0.positionsSeen)" } ?? "not reached") + " | \(values(last))\n"
    }
    let bestSearch = b.winner == "White" ? b.scoreVsPerfectAsWhite : b.scoreVsPerfectAsBlack
    r += "| **best possible on \(size)** | | | | | | \(pct(b.optimalMoveAccuracy)) | \(pct(b.valueSignAccuracy)) | "
    r += "\(String(format: "%.3f", b.valueMse)) | \(pct(b.scoreVsPerfectAsWhite)) | "
    r += "\(pct(b.scoreVsPerfectAsBlack)) | \(pct(b.scoreVsRandom)) | \(pct(bestSearch)) |\n\n"
    r += "The run rows give each run's last measurement"
    r += grid ? "; the untrained rows its pair's step-0 measurement.\n\n" : ".\n\n"

    r += "## The columns\n\n"
    r += "- **run**: the untrained network, a training method, or the best possible values; **init** and "
    r += "**activation**: the network's weight initializer and activation function.\n"
    r += "- **trained (s)**: training time of the run's last measurement (wall clock, measurements included); "
    r += "\"held 100 %\" marks a run stopped early because it had held 100 % optimal moves.\n"
    r += "- **time to 100 % (s)**, **positions to 100 %**: training time and training positions seen (minibatch "
    r += "samples) at the first measurement with 100 % optimal moves.\n"
    r += "- **optimal moves**: the share of the \(s.positions) positions in which the network's highest-prior legal "
    r += "move keeps the solver's game value (a winning move where the side to move can force a win; in a lost "
    r += "position every move keeps the value). Best possible: \(pct(b.optimalMoveAccuracy)). A uniformly random "
    r += "move would score \(pct(s.chanceAccuracy)) on average, which is why the untrained network starts well "
    r += "above 0 %.\n"
    r += "- **value sign**: the share of positions where the value head's sign is the solver's (+ when the side to "
    r += "move wins, − when it loses). Best possible: \(pct(b.valueSignAccuracy)).\n"
    r += "- **value MSE**: the mean of (value − solver value)² over the positions, the solver value being ±1. "
    r += "Best possible: \(String(format: "%.3f", b.valueMse)); a network answering 0 everywhere scores 1.\n"
    r += "- **vs perfect as White**, **vs perfect as Black**: the share of \(games) games won with the policy alone "
    r += "(the highest-prior move, no search) against the perfect player, which picks at random among the optimal "
    r += "moves (a fresh seed each game). Best possible: \(pct(b.scoreVsPerfectAsWhite)) as White, "
    r += "\(pct(b.scoreVsPerfectAsBlack)) as Black, since \(b.winner) wins \(size).\n"
    r += "- **vs random**: the share of \(games) games won with the policy alone against a uniformly random "
    r += "player, alternately as White and as Black. Best possible: \(pct(b.scoreVsRandom)), the expected score "
    r += "of the best strategy (it beats the random player with probability \(pct(b.winChanceVsRandomAsWhite)) "
    r += "as White and \(pct(b.winChanceVsRandomAsBlack)) as Black); a finite number of games can land above "
    r += "or below it.\n"
    r += "- **with search: vs perfect as \(b.winner)**: the same games as \(b.winner), the side that can win, with "
    r +=
      "a PUCT search of \(c.evalSimulations) simulations per move guided by the network. Best possible: \(pct(bestSearch)).\n\n"

    r += "## The figures\n\n"
    r += "Each run is one line, told apart by colour and by dash pattern (legend under each plot); the grey "
    r += "reference lines are the untrained network's value (the baseline) and the best possible value.\n\n"
    r += "![optimal-move accuracy against training time](optimal_moves_vs_time.svg)\n\n"
    r += "`optimal_moves_vs_time.svg`: optimal-move accuracy (%) against training time (s): which method reaches "
    r += "perfect move choice sooner on this machine; self-play spends most of its time playing its own games.\n\n"
    r += "![optimal-move accuracy against training positions](optimal_moves_vs_positions.svg)\n\n"
    r += "`optimal_moves_vs_positions.svg`: the same accuracy against training positions seen: which method makes "
    r += "better use of its training data.\n\n"
    r += "![value MSE against training time](value_mse_vs_time.svg)\n\n"
    r += "`value_mse_vs_time.svg`: the value head's mean squared error against the solver's values over training "
    r += "time (best possible 0).\n"
    return r
  }

  public static func plots(_ all: [MetricsRecord], _ s: Setting, dir: String) throws {
    let groups = runs(all)
    let grid = Set(all.map { "\($0.`init`) \($0.activation)" }).count > 1
    let board = "Hexapawn \(s.best.size)"
    func references(_ f: (MetricsRecord) -> Double, best: Double, format: (Double) -> String) -> [SVGPlot.Reference] {
      baselines(all).map { m in
        let who = grid ? "untrained \(m.`init`) \(m.activation)" : "untrained network (step 0)"
        return SVGPlot.Reference("\(who): \(format(f(m)))", y: f(m))
      } + [SVGPlot.Reference("best possible: \(format(best))", y: best)]
    }
    func write(
      _ name: String, title: String, x: String, y: String, yDomain: ClosedRange<Double>?,
      references: [SVGPlot.Reference], _ fx: (MetricsRecord) -> Double, _ fy: (MetricsRecord) -> Double
    ) throws {
      let svg = SVGPlot.lines(
        title: "\(board): \(title)", xLabel: x, yLabel: y,
        series: groups.map { (runName($0.1[0], grid: grid), $0.1.map(fx), $0.1.map(fy)) }, yDomain: yDomain,
        references: references)
      try RunFiles.write(Data(svg.utf8), to: dir + "/" + name)
    }
    let accuracy = references(
      { 100 * $0.optimalMoveAccuracy }, best: 100 * s.best.optimalMoveAccuracy,
      format: { String(format: "%.1f %%", $0) })
    try write(
      "optimal_moves_vs_time.svg", title: "optimal-move accuracy against training time", x: "training time (s)",
      y: "optimal-move accuracy (%)", yDomain: nil, references: accuracy, { $0.wallSeconds },
      { 100 * $0.optimalMoveAccuracy })
    try write(
      "optimal_moves_vs_positions.svg", title: "optimal-move accuracy against training positions",
      x: "training positions seen", y: "optimal-move accuracy (%)", yDomain: nil, references: accuracy,
      { Double($0.positionsSeen) }, { 100 * $0.optimalMoveAccuracy })
    try write(
      "value_mse_vs_time.svg", title: "value MSE against the solver over training time", x: "training time (s)",
      y: "value MSE", yDomain: nil,
      references: references({ $0.valueMse }, best: s.best.valueMse, format: { String(format: "%.3f", $0) }),
      { $0.wallSeconds }, { $0.valueMse })
  }
}
