import Foundation
import InitStudy
import LabKit
import Testing

@Suite struct StudyPlanTests {
  func plan(vary: [String] = [], cells: [String] = [], task: StudyTask = .hexapawnSupervised) throws -> StudyPlan {
    try StudyPlan.make(
      task: task, size: "3x3", data: task == .nnue ? ["d"] : [], vary: vary, cells: cells, seeds: 3, firstSeed: 7,
      iterations: 4, budget: nil, target: 0.9, extra: ["--blocks", "1"])
  }

  /// The grid is the product of the axes, crossed with each cell; every run gets its cell's
  /// options after the common ones, and its own seed and folder.
  @Test func gridAndArguments() throws {
    let p = try plan(
      vary: ["init=he_normal,autoinit", "pa-rewire=off,on"], cells: ["residual=plain", "residual=fixup norm=none"])
    #expect(p.cells.count == 8)
    #expect(p.cells[0].label == "init he_normal, pa-rewire off, residual plain")
    #expect(p.cells[7].label == "init autoinit, pa-rewire on, residual fixup, norm none")
    #expect(p.runs.count == 24 && p.seeds == [7, 8, 9])
    let r = p.runs[23]
    #expect(r.id == "init-autoinit_pa-rewire-on_residual-fixup_norm-none_s9")
    #expect(
      p.command(r, out: "O") == [
        .word("supervise"), .word("hexapawn"), .option("size", "3x3"), .option("out", "O"), .option("seed", "9"),
        .option("resume", nil), .option("iterations", "4"), .word("--blocks"), .word("1"), .option("init", "autoinit"),
        .option("pa-rewire", nil), .option("residual", "fixup"), .option("norm", "none"),
      ])
    #expect(!p.command(p.runs[0], out: "O").contains(.option("pa-rewire", nil)), "pa-rewire off is no option")
    #expect(try plan().cells.map(\.label) == ["defaults"])
    let n = try plan(vary: ["lbe-weight=0,0.1"], task: .nnue)
    #expect(
      n.command(n.runs[0], out: "O").prefix(5) == [
        .word("nnue"), .word("train"), .option("data", nil), .word("d"), .option("threads", "1"),
      ])
    #expect(n.command(n.runs[0], out: "O").contains(.option("epochs", "4")))
  }

  @Test(arguments: [
    (["init"], [String]()), (["bogus=1"], []), (["init=a", "init=b"], []), (["init=a,"], []),
    (["pa-rewire=yes"], []), ([], ["init=a,b"]), (["init=a"], ["init=b"]), ([], ["residual=plain", "residual=plain"]),
    (["blocks=2"], ["residual=plain"]),
  ])
  func badGridsAreRefused(vary: [String], cells: [String]) {
    #expect(throws: StudyError.self) {
      try plan(vary: vary, cells: cells, task: vary == ["blocks=2"] ? .nnue : .hexapawnSupervised)
    }
  }
}

@Suite struct StudySummaryTests {
  /// Student's t interval against the textbook: 1..5 has mean 3, s = 1.5811, t(4) = 2.776.
  @Test func meanInterval() {
    let m = MeanInterval([1, 2, 3, 4, 5])
    #expect(m.mean == 3)
    #expect(abs(m.halfWidth! - 2.776 * 2.5.squareRoot() / 5.0.squareRoot()) < 1e-12)
    #expect(MeanInterval([2]).halfWidth == nil && MeanInterval([]).formatted() == "–")
    #expect(MeanInterval.t975(degreesOfFreedom: 200) == 1.96 && MeanInterval.t975(degreesOfFreedom: 40) == 2.021)
    #expect(abs(MeanInterval.t975(degreesOfFreedom: 35) - 2.0315) < 0.003)
  }

  /// Time and positions to the target count the runs that reached it; the finals count all.
  @Test func perCellFigures() throws {
    let p = try StudyPlan.make(
      task: .hexapawnSupervised, size: "3x3", data: [], vary: ["init=a,b"], cells: [], seeds: 2, firstSeed: 1,
      iterations: 3, budget: nil, target: 0.9, extra: [])
    let reach = RunCurve(
      seconds: [1, 2, 3], positions: [10, 20, 30], figures: [[0.5, 0, 0], [0.95, 0, 0], [1, 0, 0]])
    let late = RunCurve(
      seconds: [1, 2, 4], positions: [10, 20, 40], figures: [[0.5, 0, 0], [0.8, 0, 0], [0.92, 0, 0]])
    let never = RunCurve(
      seconds: [1, 2, 3], positions: [10, 20, 30], figures: [[0.1, 0, 0], [0.2, 0, 0], [0.3, 0, 0]])
    let s = StudySummary(plan: p, curves: [[reach, late], [never, never]])
    #expect(s.cells[0].reached == 2 && s.cells[0].secondsToTarget.mean == 3 && s.cells[0].positionsToTarget.mean == 30)
    #expect(abs(s.cells[0].final[0].mean - 0.96) < 1e-12)
    #expect(s.cells[1].reached == 0 && s.cells[1].secondsToTarget.n == 0)
    #expect(s.markdown.contains("| init b | 2 | 0/2 | – | – | 0.3000 ± 0.0000 |"))
    // A loss target is reached from above.
    #expect(RunCurve(seconds: [1], positions: [1], figures: [[0.04, 9]]).firstReaching(0.05, rises: false) == 0)
  }
}

@Suite struct StudyRunnerTests {
  /// The arguments as the executable spells them.
  let render: @Sendable ([StudyArgument]) -> [String] = { command in
    command.flatMap { a -> [String] in
      switch a {
      case .word(let w): return [w]
      case .option(let name, let value): return ["-" + "-" + name] + (value.map { [$0] } ?? [])
      }
    }
  }

  /// A stand-in for zerolab: logs each run's folder, fails for seed 2 unless told otherwise.
  func fakeBinary(_ dir: String) throws -> String {
    let path = dir + "/fake.sh"
    let script = """
      #!/bin/sh
      out=""; seed=""
      while [ $# -gt 0 ]; do
        case "$1" in --out) out="$2"; shift ;; --seed) seed="$2"; shift ;; esac
        shift
      done
      echo "$out" >> "\(dir)/calls"
      if [ "$seed" = 2 ] && [ ! -e "\(dir)/heal" ]; then echo "no luck" >&2; exit 3; fi
      mkdir -p "$out"
      """
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
  }

  /// Failed runs are named with their log; a rerun runs only what did not finish; another
  /// plan in the same folder is refused.
  @Test func failuresAndReruns() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-study-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bin = try fakeBinary(dir)
    let plan = try StudyPlan.make(
      task: .hexapawnSupervised, size: "3x3", data: [], vary: ["init=a,b"], cells: [], seeds: 2, firstSeed: 1,
      iterations: 1, budget: nil, target: 0.9, extra: [])
    let out = dir + "/study"
    let error = #expect(throws: StudyError.self) {
      try StudyRunner(plan: plan, out: out, binary: bin, jobs: 2, render: render).run()
    }
    #expect(error?.message.contains("2 of 4 runs failed") == true)
    #expect(
      try StudyRunner(plan: plan, out: out, binary: bin, jobs: 2, render: render).finished() == [
        "init-a_s1", "init-b_s1",
      ])
    let log = try String(contentsOfFile: out + "/runs/init-a_s2.log", encoding: .utf8)
    #expect(log.contains("no luck"))
    FileManager.default.createFile(atPath: dir + "/heal", contents: nil)
    let summary = try StudyRunner(plan: plan, out: out, binary: bin, jobs: 1, render: render).run()
    #expect(summary.cells.count == 2)
    let calls = try String(contentsOfFile: dir + "/calls", encoding: .utf8).split(separator: "\n")
    #expect(calls.count == 6, "the finished runs ran again: \(calls)")
    for name in ["study.json", "report.md", "final.svg", "curves_vs_time.svg", "running.json"] {
      #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
    }
    var other = plan
    other.seeds = [5]
    #expect(throws: StudyError.self) { try StudyRunner(plan: other, out: out, binary: bin, jobs: 1, render: render) }
  }
}
