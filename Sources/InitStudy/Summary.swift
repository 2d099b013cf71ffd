import AlphaZero
import Foundation
import LabKit
import NNUETraining

/// One run's measurements as the study reads them: at each measurement the time, the
/// positions trained on so far, and the figures (the first is the one the target is about).
public struct RunCurve: Sendable, Equatable {
  public var seconds: [Double]
  public var positions: [Double]
  public var figures: [[Double]]

  public init(seconds: [Double], positions: [Double], figures: [[Double]]) {
    self.seconds = seconds
    self.positions = positions
    self.figures = figures
  }

  /// The measurements of the run in `dir`, or nil when it has none.
  public static func read(_ task: StudyTask, dir: String) throws -> RunCurve? {
    let path = dir + "/metrics.jsonl"
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    switch task {
    case .hexapawnSupervised, .hexapawnSelfPlay:
      let records = try JSONLines<MetricsRecord>(path: path).read()
      guard !records.isEmpty else { return nil }
      return RunCurve(
        seconds: records.map(\.wallSeconds), positions: records.map { Double($0.positionsSeen) },
        figures: records.map { [$0.optimalMoveAccuracy, $0.valueSignAccuracy, $0.valueMse] })
    case .nnue:
      let records = try JSONLines<TrainMetrics>(path: path).read()
      guard !records.isEmpty else { return nil }
      var total = 0.0
      return RunCurve(
        seconds: records.map(\.seconds),
        positions: records.map {
          total += Double($0.positions)
          return total
        },
        figures: records.map { [$0.validationLoss, $0.validationCpError] })
    }
  }

  /// The first measurement at which the main figure reaches `target` (at least it when
  /// `rises`, at most it otherwise).
  public func firstReaching(_ target: Double, rises: Bool) -> Int? {
    figures.firstIndex { rises ? $0[0] >= target : $0[0] <= target }
  }
}

/// The figures of a study, cell by cell: each a mean with its 95% interval over the seeds.
public struct StudySummary: Codable, Sendable, Equatable {
  public struct Cell: Codable, Sendable, Equatable {
    public var label: String
    public var settings: [StudySetting]
    public var runs: Int
    /// Runs whose main figure reached the target, and their time and positions to it.
    public var reached: Int
    public var secondsToTarget: MeanInterval
    public var positionsToTarget: MeanInterval
    /// The final figures (named as in `StudySummary.figures`), and the run time.
    public var final: [MeanInterval]
    public var seconds: MeanInterval
  }

  public var task: StudyTask
  public var target: Double
  /// The names of the figures, the main one first.
  public var figures: [String]
  public var cells: [Cell]

  public static func figureNames(_ task: StudyTask) -> [String] {
    task == .nnue ? ["validation loss", "|cp error|"] : ["optimal moves", "value sign", "value MSE"]
  }

  /// The summary of `curves[c]` (the runs of cell `c` that have measurements).
  public init(plan: StudyPlan, curves: [[RunCurve]]) {
    task = plan.task
    target = plan.target
    figures = StudySummary.figureNames(plan.task)
    cells = plan.cells.indices.map { c in
      let runs = curves[c]
      let hits = runs.compactMap { r in r.firstReaching(plan.target, rises: plan.task.targetRises).map { (r, $0) } }
      let count = runs.first?.figures.first?.count ?? StudySummary.figureNames(plan.task).count
      return Cell(
        label: plan.cells[c].label, settings: plan.cells[c].settings, runs: runs.count, reached: hits.count,
        secondsToTarget: MeanInterval(hits.map { $0.0.seconds[$0.1] }),
        positionsToTarget: MeanInterval(hits.map { $0.0.positions[$0.1] }),
        final: (0..<count).map { k in MeanInterval(runs.compactMap { $0.figures.last?[k] }) },
        seconds: MeanInterval(runs.compactMap(\.seconds.last)))
    }
  }

  /// The table: one row per cell.
  public var markdown: String {
    let reach = task.targetRises ? "reaching \(target)" : "down to \(target)"
    var t = "| cell | runs | \(reach) | time to it (s) | positions to it | "
    t += figures.map { "final \($0)" }.joined(separator: " | ") + " | run time (s) |\n"
    t += "|---|---|---|---|---|" + String(repeating: "---|", count: figures.count) + "---|\n"
    for c in cells {
      let digits = [4] + Array(repeating: 4, count: max(0, figures.count - 1))
      t += "| \(c.label) | \(c.runs) | \(c.reached)/\(c.runs) | \(c.secondsToTarget.formatted(1)) | "
      t += "\(c.positionsToTarget.formatted(0)) | "
      t += zip(c.final, digits).map { $0.formatted($1) }.joined(separator: " | ")
      t += " | \(c.seconds.formatted(1)) |\n"
    }
    return t
  }
}
