import Foundation
import LabKit
import Synchronization

/// Runs a study in a folder, its runs as `zerolab` processes (`jobs` at a time), then writes
/// the summary:
///
///     DIR/plan.json        the plan (a rerun must give the same one)
///     DIR/runs/ID/         each run's folder (cell id and seed), DIR/runs/ID.log its output
///     DIR/done.json        the runs that finished
///     DIR/running.json     the runs in progress and their process ids
///     DIR/study.json       the figures (`StudySummary`), DIR/report.md the table
///     DIR/final.svg        the main final figure per cell with its 95% interval
///     DIR/curves_vs_time.svg  the main figure against time, the mean over each cell's seeds
///
/// Killed at any moment, a rerun of the same command skips the finished runs and resumes the
/// others from their checkpoints. No run folder ever has two writers: the runs die with the
/// study (`ChildProcess`; `run()` starts them from the calling thread, whose end kills them),
/// and where a system cannot tie them to it, runs a killed study left running are stopped
/// before a rerun starts any.
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
    let planPath = out + "/plan.json"
    if let old = try RunFiles.readJSON(StudyPlan.self, from: planPath) {
      guard old == plan else {
        throw StudyError("\(out) holds a study with other settings: rerun its command, or use another folder")
      }
    } else if FileManager.default.fileExists(atPath: planPath) {
      throw StudyError("\(planPath): unreadable")
    } else {
      try FileManager.default.createDirectory(atPath: out + "/runs", withIntermediateDirectories: true)
      try RunFiles.writeJSON(plan, to: planPath)
    }
  }

  var donePath: String { out + "/done.json" }
  public func runFolder(_ run: StudyPlan.Run) -> String { out + "/runs/" + run.id }

  /// DIR/done.json.
  struct Finished: Codable {
    var runs: [String]
  }

  /// DIR/running.json.
  struct Running: Codable {
    struct Entry: Codable {
      var run: String
      var pid: Int32
    }
    var runs: [Entry]
  }

  var runningPath: String { out + "/running.json" }

  /// Stops the processes of runs that a killed study left running: those of `running.json`
  /// whose command line still writes into this study's run folder.
  func stopLeftoverRuns() throws {
    guard let left = try RunFiles.readJSON(Running.self, from: runningPath) else { return }
    for entry in left.runs {
      let proc = "/proc/\(entry.pid)"
      guard let cmdline = FileManager.default.contents(atPath: proc + "/cmdline"),
        String(decoding: cmdline, as: UTF8.self).contains(out + "/runs/" + entry.run)
      else { continue }
      kill(entry.pid, SIGKILL)
      // Gone, or a zombie its new parent has not reaped yet: either way it writes no more.
      for _ in 0..<500 {
        guard let stat = FileManager.default.contents(atPath: proc + "/stat") else { break }
        let text = String(decoding: stat, as: UTF8.self)
        if let close = text.lastIndex(of: ")"),
          text[text.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        {
          break
        }
        usleep(10_000)
      }
    }
    try RunFiles.writeJSON(Running(runs: []), to: runningPath)
  }

  /// The ids of the finished runs.
  public func finished() throws -> Set<String> {
    Set(try RunFiles.readJSON(Finished.self, from: donePath)?.runs ?? [])
  }

  /// What the runs in flight share: the finished and failed runs, how many run.
  final class Tally: Sendable {
    struct State {
      var done: Set<String>
      var failed: [String] = []
      var running = 0
      var processes: [String: Int32] = [:]
      /// A signal came: start no more runs.
      var stopping = false
    }
    let state: Mutex<State>
    init(done: Set<String>) { state = Mutex(State(done: done)) }
  }

  /// Runs what is not finished; returns the summary of every run's measurements.
  @discardableResult
  public func run() throws -> StudySummary {
    try stopLeftoverRuns()
    let all = plan.runs
    let tally = Tally(done: try finished())
    var pending = all.filter { r in !tally.state.withLock { $0.done.contains(r.id) } }
    let slots = DispatchSemaphore(value: jobs)
    let group = DispatchGroup()
    let (donePath, runningPath, total, progress) = (self.donePath, self.runningPath, all.count, self.progress)
    /// Writes running.json (under the tally's lock).
    @Sendable func record(_ s: Tally.State) {
      let entries = s.processes.sorted { $0.key < $1.key }.map { Running.Entry(run: $0.key, pid: $0.value) }
      try? RunFiles.writeJSON(Running(runs: entries), to: runningPath)
    }
    progress(all.count - pending.count, total, 0)
    // SIGINT or SIGTERM: the runs get SIGTERM (SIGKILL if still there after 3 s; each stops as
    // a killed run does, resumable), then the study exits with 128 + the signal.
    let handlers = [SIGINT, SIGTERM].map { sig in
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler {
        let pids = tally.state.withLock { s in
          s.stopping = true
          return Array(s.processes.values)
        }
        for pid in pids { kill(pid, SIGTERM) }
        for _ in 0..<300 where tally.state.withLock({ $0.running }) > 0 { usleep(10_000) }
        for pid in tally.state.withLock({ Array($0.processes.values) }) { kill(pid, SIGKILL) }
        for _ in 0..<100 where tally.state.withLock({ $0.running }) > 0 { usleep(10_000) }
        exit(128 + sig)
      }
      source.resume()
      return source
    }
    defer {
      for h in handlers { h.cancel() }
      signal(SIGINT, SIG_DFL)
      signal(SIGTERM, SIG_DFL)
    }
    while !pending.isEmpty {
      slots.wait()
      if tally.state.withLock({ $0.stopping }) {
        // The signal handler ends the process; nothing more starts meanwhile.
        while true { pause() }
      }
      let run = pending.removeFirst()
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = render(plan.command(run, out: runFolder(run)))
      let logPath = runFolder(run) + ".log"
      guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
        throw StudyError("cannot write \(logPath)")
      }
      let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
      process.standardOutput = log
      process.standardError = log
      process.standardInput = FileHandle.nullDevice
      process.environment = ChildProcess.environment()
      group.enter()
      process.terminationHandler = { p in
        try? log.close()
        let ok = p.terminationReason == .exit && p.terminationStatus == 0
        let (d, r) = tally.state.withLock { s in
          s.running -= 1
          s.processes[run.id] = nil
          record(s)
          if ok {
            s.done.insert(run.id)
            try? RunFiles.writeJSON(Finished(runs: s.done.sorted()), to: donePath)
          } else {
            s.failed.append(run.id)
          }
          return (s.done.count, s.running)
        }
        progress(d, total, r)
        slots.signal()
        group.leave()
      }
      tally.state.withLock { $0.running += 1 }
      do {
        try process.run()
      } catch {
        throw StudyError("cannot start \(binary): \(error.localizedDescription)")
      }
      let pid = process.processIdentifier
      tally.state.withLock { s in
        if process.isRunning {
          s.processes[run.id] = pid
          record(s)
        }
      }
    }
    group.wait()
    let failed = tally.state.withLock { $0.failed }.sorted()
    if let first = failed.first {
      throw StudyError("\(failed.count) of \(total) runs failed; the first one's output is in \(out)/runs/\(first).log")
    }
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
