import Foundation
import LabKit
import Synchronization

/// Runs a study in a folder, its runs as `zerolab` processes (`jobs` at a time), then writes
/// the summary:
///
///     DIR/plan.json        the plan (a rerun must give the same one)
///     DIR/runs/ID/         each run's folder (cell id and seed), DIR/runs/ID.log its output,
///                          and DIR/done.json, DIR/running.json (`RunPool`)
///     DIR/study.json       the figures (`StudySummary`), DIR/report.md the table
///     DIR/final.svg        the main final figure per cell with its 95% interval
///     DIR/curves_vs_time.svg  the main figure against time, the mean over each cell's seeds
///
/// Killed at any moment, a rerun of the same command skips the finished runs and resumes the
/// others from their checkpoints (`RunPool`).
public final class StudyRunner {
  public let plan: StudyPlan
  public let out: String
  public let binary: String
  public let jobs: Int
  /// The arguments of a run's process from its command line.
  let render: @Sendable ([StudyArgument]) -> [String]
  /// Told `(finished, total, running)` as runs end.
  public var progress: @Sendable (Int, Int, Int) -> Void = { _, _, _ in }

  /// `render` spells a run's command line (`StudyPlan.command`) as the binary's arguments.
  public init(
    plan: StudyPlan, out: String, binary: String, jobs: Int, render: @escaping @Sendable ([StudyArgument]) -> [String]
  ) throws {
    guard jobs >= 1 else { throw StudyError("jobs must be at least 1") }
    self.render = render
    self.plan = plan
    self.out = out
    self.binary = binary
    self.jobs = jobs
    try RunPool.claim(out, plan: plan, file: "plan.json", what: "a study")
  }

  var pool: RunPool { get throws { try RunPool(out: out, binary: binary, jobs: jobs) } }
  public func runFolder(_ run: StudyPlan.Run) -> String { out + "/runs/" + run.id }

  /// The ids of the finished runs.
  public func finished() throws -> Set<String> { try pool.finished() }

  /// Runs what is not finished; returns the summary of every run's measurements.
  @discardableResult
  public func run() throws -> StudySummary {
    let pool = try self.pool
    let all = plan.runs
    var pending = all
    let (total, progress) = (all.count, self.progress)
    progress(try pool.finished().intersection(all.map(\.id)).count, total, 0)
    try pool.run(
      total: total,
      next: { done, _ in
        while let run = pending.first, done.contains(run.id) { pending.removeFirst() }
        guard let run = pending.first else { return .finished }
        pending.removeFirst()
        return .start(id: run.id, arguments: render(plan.command(run, out: runFolder(run))))
      },
      progress: { done, running in progress(done, total, running) })
    return try summarize()
  }

  /// Reads every run's measurements and writes the summary, the table and the plots.
  @discardableResult
  public func summarize() throws -> StudySummary {
    var curves = [[RunCurve]](repeating: [], count: plan.cells.count)
    for run in plan.runs {
      if let c = try RunCurve.read(plan.task, dir: runFolder(run)) { curves[run.cell].append(c) }
    }
    let summary = StudySummary(plan: plan, curves: curves)
    try RunFiles.writeJSON(summary, to: out + "/study.json")
    try RunFiles.write(text: report(summary), to: out + "/report.md")
    let main = summary.figures[0]
    let items = summary.cells.map { c in
      (label: c.label, value: c.final[0].n > 0 ? c.final[0].mean : .nan, low: c.final[0].low, high: c.final[0].high)
    }
    try RunFiles.write(
      text: SVGPlot.intervals(
        title: "Final \(main): mean and 95% interval over \(plan.seeds.count) seeds", xLabel: main, items: items),
      to: out + "/final.svg")
    let series: [(String, [Double], [Double])] = plan.cells.indices.map { c in
      let runs = curves[c]
      let count = runs.map(\.seconds.count).min() ?? 0
      let xs = (0..<count).map { i in runs.map { $0.seconds[i] }.reduce(0, +) / Double(runs.count) }
      let ys = (0..<count).map { i in runs.map { $0.figures[i][0] }.reduce(0, +) / Double(runs.count) }
      return (plan.cells[c].label, xs, ys)
    }
    try RunFiles.write(
      text: SVGPlot.lines(
        title: "\(main) against training time (mean over \(plan.seeds.count) seeds)", xLabel: "seconds",
        yLabel: main, series: series, references: [SVGPlot.Reference("target", y: plan.target)]),
      to: out + "/curves_vs_time.svg")
    return summary
  }

  /// DIR/report.md: what was run, the table, and the files.
  func report(_ s: StudySummary) -> String {
    let what: String
    switch plan.task {
    case .hexapawnSupervised: what = "supervised learning on \(plan.size) Hexapawn, against the exact solver"
    case .hexapawnSelfPlay: what = "self-play learning on \(plan.size) Hexapawn, against the exact solver"
    case .nnue: what = "NNUE training on \(plan.data.joined(separator: ", ")), validation loss"
    }
    let length =
      plan.iterations.map { "\($0) \(plan.task == .nnue ? "epochs" : "measurements") a run" }
      ?? "\(plan.budget!) s a run"
    var r = "# Study: \(what)\n\n"
    r +=
      "\(plan.cells.count) cells x \(plan.seeds.count) seeds (\(plan.seeds.map(String.init).joined(separator: ", "))), "
    r += "\(length)"
    r += plan.extra.isEmpty ? ".\n\n" : ", every run with `\(plan.extra.joined(separator: " "))`.\n\n"
    r += "Each figure is the mean over the seeds ± the half-width of its 95% interval (Student's t). "
    r += "Time and positions to the target count the runs that reached it.\n\n"
    r += s.markdown
    r += "\n![final](final.svg)\n\n![curves](curves_vs_time.svg)\n"
    return r
  }
}
