import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// Driving learning runs: self-play with checkpoints and resume, supervised training, and the
/// supervised-vs-self-play comparison with its report.
public enum Runs {
  /// A progress line (iteration, games, loss, rate) for the caller to show.
  public typealias Progress = (String) -> Void

  /// Self-play training into `dir`: `checkpoint/` (resumable), `metrics.jsonl` (one line per
  /// iteration) and the final `network.safetensors`. Stops after `iterations` iterations or
  /// `budget` seconds of training time, whichever comes first. A resumed run says where it
  /// picks up through `announce`.
  @discardableResult
  public static func selfPlay(
    config: ZeroConfig, dir: String, iterations: Int?, budget: Double?, resume: Bool, board: SolvedBoard? = nil,
    method: String = "selfplay", progress: Progress? = nil, announce: Progress? = nil
  ) throws -> (learner: Learner, measurements: [MetricsRecord]) {
    let fm = FileManager.default
    let clock = ContinuousClock()
    let start = clock.now
    let checkpoint = dir + "/checkpoint"
    let log = MetricsLog(path: dir + "/metrics.jsonl")
    var learner: Learner
    var prior = 0.0
    if resume {
      (learner, prior) = try Learner.load(from: checkpoint)
      try log.truncate(method: method, after: learner.iteration)
      announce?(
        "resuming \(dir) after iteration \(learner.iteration) (\(learner.gamesPlayed) games, "
          + "\(String(format: "%.0f", prior)) s of training)")
    } else {
      if fm.fileExists(atPath: checkpoint) || fm.fileExists(atPath: checkpoint + ".old") {
        throw NeuralError("\(dir) already holds a run (use --resume to continue it, or another --out)")
      }
      learner = try Learner(config: config)
      try? fm.removeItem(atPath: log.path)
    }
    // The labelling counts toward the budget; a board too large for it is refused before the
    // folder is made.
    let board = try board ?? SolvedBoard(size: learner.size, progress: progress)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    func elapsed() -> Double { prior + seconds(clock.now - start) }
    var out: [MetricsRecord] = []
    if learner.iteration == 0 {
      let m = learner.measure(board: board, method: method, wallSeconds: 0)
      try log.append(m)
      out.append(m)
    }
    while true {
      if let iterations, learner.iteration >= iterations { break }
      if let budget, elapsed() >= budget { break }
      let t0 = clock.now
      learner.selfPlayIteration()
      let wall = elapsed()
      let m = learner.measure(board: board, method: method, wallSeconds: wall)
      try log.append(m)
      out.append(m)
      try learner.save(to: checkpoint, wallSeconds: wall)
      let rate = Double(learner.config.gamesPerIteration) / max(seconds(clock.now - t0), 1e-9)
      progress?(
        "iteration \(learner.iteration), \(learner.gamesPlayed) games, loss \(String(format: "%.3f", learner.lastLoss)), "
          + "optimal moves \(String(format: "%.1f", 100 * m.optimal_move_accuracy))%, \(String(format: "%.1f", rate)) games/s, "
          + "\(String(format: "%.0f", wall)) s")
    }
    try Checkpoint.save(
      &learner.network, spec: learner.network.spec, metadata: ["zerolab.run": method], to: dir + "/network.safetensors")
    return (learner, out)
  }

  /// Supervised training on every solver-labelled position, measured every `trainSteps`
  /// steps, until `budget` seconds (or `steps` gradient steps) are spent.
  @discardableResult
  public static func supervised(
    config: ZeroConfig, dir: String, steps: Int?, budget: Double?, board: SolvedBoard? = nil, progress: Progress? = nil
  ) throws -> (learner: Learner, measurements: [MetricsRecord]) {
    let clock = ContinuousClock()
    let start = clock.now
    let learner = try Learner(config: config)
    let board = try board ?? SolvedBoard(size: learner.size, progress: progress)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let data = learner.supervisedDataset(board)
    let log = MetricsLog(path: dir + "/metrics.jsonl")
    var out = [learner.measure(board: board, method: "supervised", wallSeconds: 0)]
    try log.append(out[0])
    var done = 0
    while true {
      if let steps, done >= steps { break }
      if let budget, seconds(clock.now - start) >= budget { break }
      learner.train(steps: config.trainSteps, from: data)
      done += config.trainSteps
      learner.iteration += 1
      let m = learner.measure(board: board, method: "supervised", wallSeconds: seconds(clock.now - start))
      try log.append(m)
      out.append(m)
      progress?(
        "step \(done), loss \(String(format: "%.3f", learner.lastLoss)), optimal moves "
          + "\(String(format: "%.1f", 100 * m.optimal_move_accuracy))%, \(String(format: "%.0f", m.wall_s)) s")
    }
    try Checkpoint.save(
      &learner.network, spec: learner.network.spec, metadata: ["zerolab.run": "supervised"],
      to: dir + "/network.safetensors")
    return (learner, out)
  }

  /// The comparison: for every (initializer, activation) pair, a supervised run and a
  /// self-play run of `budget` seconds each, measured throughout; writes `metrics.jsonl`,
  /// `report.md` and SVG plots into `dir`; returns the report's table.
  public static func compare(
    base: ZeroConfig, dir: String, budget: Double, inits: [String], activations: [String], progress: Progress? = nil
  ) throws -> String {
    let fm = FileManager.default
    let board = try SolvedBoard(size: try base.boardSize, progress: progress)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let log = MetricsLog(path: dir + "/metrics.jsonl")
    try? fm.removeItem(atPath: log.path)
    var all: [MetricsRecord] = []
    for i in inits {
      for a in activations {
        var config = base
        config.initializer = i
        config.activation = a
        let tag = "\(i)-\(a)"
        progress?("supervised, \(i), \(a)")
        let sup = try supervised(
          config: config, dir: dir + "/runs/supervised-\(tag)", steps: nil, budget: budget, board: board,
          progress: progress)
        progress?("self-play, \(i), \(a)")
        let sp = try selfPlay(
          config: config, dir: dir + "/runs/selfplay-\(tag)", iterations: nil, budget: budget, resume: false,
          board: board,
          progress: progress)
        for m in sup.measurements + sp.measurements {
          try log.append(m)
          all.append(m)
        }
      }
    }
    let report = Report.markdown(all, size: base.size, budget: budget)
    try Checkpoint.atomicWrite(Data(report.utf8), to: dir + "/report.md")
    try Report.plots(all, dir: dir)
    return report
  }

  static func seconds(_ d: Duration) -> Double { d.inSeconds }
}

/// The comparison's report: a markdown table and SVG curves.
public enum Report {
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

  public static func markdown(_ all: [MetricsRecord], size: String, budget: Double) -> String {
    var s = "# Supervised vs self-play, Hexapawn \(size)\n\n"
    s += "Budget \(Int(budget)) s of training time per run. \"Time to 100%\" is the first measurement at which the "
    s += "network's top policy move keeps the solver's game value in every reachable position.\n\n"
    s +=
      "| method | init | activation | time to 100% (s) | positions to 100% | final optimal moves | value sign | value MSE | vs perfect as White | vs perfect as Black | vs random | with search: vs perfect as Black |\n"
    s += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    for (_, ms) in runs(all) {
      let first = ms.first { $0.optimal_move_accuracy >= 1 }
      let last = ms.last!
      func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
      s += "| \(last.method) | \(last.`init`) | \(last.activation) | "
      s += (first.map { String(format: "%.1f", $0.wall_s) } ?? "not reached") + " | "
      s += (first.map { "\($0.positions_seen)" } ?? "not reached") + " | "
      s +=
        "\(pct(last.optimal_move_accuracy)) | \(pct(last.value_sign_accuracy)) | \(String(format: "%.3f", last.value_mse)) | "
      s +=
        "\(pct(last.score_vs_perfect_as_white)) | \(pct(last.score_vs_perfect_as_black)) | \(pct(last.score_vs_random)) | "
      s += "\(pct(last.search_score_vs_perfect_as_black)) |\n"
    }
    s += "\nPlots: `optimal_moves_vs_time.svg`, `optimal_moves_vs_positions.svg`, `value_mse_vs_time.svg`.\n"
    return s
  }

  public static func plots(_ all: [MetricsRecord], dir: String) throws {
    let groups = runs(all)
    func write(
      _ name: String, title: String, x: String, y: String, _ fx: (MetricsRecord) -> Double,
      _ fy: (MetricsRecord) -> Double
    ) throws {
      let svg = SVGPlot.lines(
        title: title, xLabel: x, yLabel: y, series: groups.map { ($0.0, $0.1.map(fx), $0.1.map(fy)) })
      try Checkpoint.atomicWrite(Data(svg.utf8), to: dir + "/" + name)
    }
    try write(
      "optimal_moves_vs_time.svg", title: "optimal-move accuracy", x: "wall time (s)", y: "accuracy", { $0.wall_s },
      { $0.optimal_move_accuracy })
    try write(
      "optimal_moves_vs_positions.svg", title: "optimal-move accuracy", x: "positions seen", y: "accuracy",
      { Double($0.positions_seen) }, { $0.optimal_move_accuracy })
    try write(
      "value_mse_vs_time.svg", title: "value MSE against the solver", x: "wall time (s)", y: "MSE", { $0.wall_s },
      { $0.value_mse })
  }
}
