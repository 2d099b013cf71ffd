import Foundation
import LabKit
import Synchronization

/// Child `zerolab` runs in a folder, `jobs` at a time, resumable after a kill at any moment:
///
///     DIR/runs/ID/         each run's folder, DIR/runs/ID.log its output
///     DIR/done.json        the runs that finished
///     DIR/running.json     the runs in progress and their process ids
///
/// No run folder ever has two writers: the runs die with the pool's process (`ChildProcess`;
/// `run` starts them from the calling thread, whose end kills them), and where a system cannot
/// tie them to it, runs a killed pool left running are stopped before `run` starts any.
/// SIGINT or SIGTERM stops the runs (SIGTERM, then SIGKILL after 3 s; each stops as a killed
/// run does, resumable), then the process exits with 128 + the signal.
final class RunPool {
  let out: String
  let binary: String
  let jobs: Int

  init(out: String, binary: String, jobs: Int) throws(StudyError) {
    guard jobs >= 1 else { throw StudyError("jobs must be at least 1") }
    self.out = out
    self.binary = binary
    self.jobs = jobs
  }

  /// Makes `out` the folder of `plan` (saved as `file`), or checks that it already is: a
  /// folder holding other settings is refused, so a rerun resumes only the same work.
  static func claim<Plan: Codable & Equatable>(_ out: String, plan: Plan, file: String, what: String) throws {
    let path = out + "/" + file
    if let old = try RunFiles.readJSON(Plan.self, from: path) {
      guard old == plan else {
        throw StudyError("\(out) holds \(what) with other settings: rerun its command, or use another folder")
      }
    } else if FileManager.default.fileExists(atPath: path) {
      throw StudyError("\(path): unreadable")
    } else {
      try FileManager.default.createDirectory(atPath: out + "/runs", withIntermediateDirectories: true)
      try RunFiles.writeJSON(plan, to: path)
    }
  }

  var donePath: String { out + "/done.json" }
  var runningPath: String { out + "/running.json" }
  func folder(_ id: String) -> String { out + "/runs/" + id }

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

  /// What to do when a slot is free.
  enum Next {
    /// Start the run `id` with these arguments (its folder is `folder(id)`).
    case start(id: String, arguments: [String])
    /// Nothing can start before a running run ends.
    case wait
    /// Start nothing more.
    case finished
  }

  /// The ids of the finished runs.
  func finished() throws -> Set<String> {
    Set(try RunFiles.readJSON(Finished.self, from: donePath)?.runs ?? [])
  }

  /// Stops the processes of runs that a killed pool left running: those of `running.json`
  /// whose command line still writes into this pool's folder.
  func stopLeftoverRuns() throws {
    guard let left = try RunFiles.readJSON(Running.self, from: runningPath) else { return }
    for entry in left.runs {
      let proc = "/proc/\(entry.pid)"
      guard let cmdline = FileManager.default.contents(atPath: proc + "/cmdline"),
        String(decoding: cmdline, as: UTF8.self).contains(folder(entry.run))
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

  /// What the runs in flight share.
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

  /// Runs what `next` asks for, told the finished and the failed runs each time a slot is
  /// free, until it says `finished` and the runs in flight end; `progress(finished, running)`
  /// is told as runs end. Throws when a run failed, naming its log (and how many of `total`).
  func run(
    total: Int? = nil, next: (_ done: Set<String>, _ failed: [String]) throws -> Next,
    progress: @escaping @Sendable (Int, Int) -> Void
  ) throws {
    try FileManager.default.createDirectory(atPath: out + "/runs", withIntermediateDirectories: true)
    try stopLeftoverRuns()
    let tally = Tally(done: try finished())
    let slots = DispatchSemaphore(value: jobs)
    let ended = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    let (donePath, runningPath) = (self.donePath, self.runningPath)
    /// Writes running.json (under the tally's lock).
    @Sendable func record(_ s: Tally.State) {
      let entries = s.processes.sorted { $0.key < $1.key }.map { Running.Entry(run: $0.key, pid: $0.value) }
      try? RunFiles.writeJSON(Running(runs: entries), to: runningPath)
    }
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
    loop: while true {
      slots.wait()
      let (stopping, done, failed, running) = tally.state.withLock { ($0.stopping, $0.done, $0.failed, $0.running) }
      if stopping {
        // The signal handler ends the process; nothing more starts meanwhile.
        while true { pause() }
      }
      let step: Next
      do {
        step = try next(done, failed)
      } catch {
        slots.signal()
        group.wait()
        throw error
      }
      switch step {
      case .finished:
        slots.signal()
        break loop
      case .wait:
        slots.signal()
        guard running > 0 else { throw StudyError("internal: a run waits for others, but none is running") }
        ended.wait()
        continue loop
      case .start(let id, let arguments):
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let logPath = folder(id) + ".log"
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
            s.processes[id] = nil
            record(s)
            if ok {
              s.done.insert(id)
              try? RunFiles.writeJSON(Finished(runs: s.done.sorted()), to: donePath)
            } else if !s.stopping {
              // A run stopped by a signal to the pool has not failed: it resumes.
              s.failed.append(id)
            }
            return (s.done.count, s.running)
          }
          progress(d, r)
          ended.signal()
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
            s.processes[id] = pid
            record(s)
          }
        }
      }
    }
    group.wait()
    // Stopped by a signal: its handler ends the process once the runs are gone.
    if tally.state.withLock({ $0.stopping }) { while true { pause() } }
    let failed = tally.state.withLock { $0.failed }.sorted()
    if let first = failed.first {
      let count = total.map { "\(failed.count) of \($0)" } ?? "\(failed.count)"
      throw StudyError("\(count) runs failed; the first one's output is in \(folder(first)).log")
    }
  }
}
