import ArgumentParser
import Foundation
import InitStudy

struct Study: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "A grid of network options x seeds: each cell's mean and 95% interval.",
    discussion: """
      Every run is a training command of its own ('supervise hexapawn', 'train hexapawn' or \
      'nnue train') in OUT/runs/, --jobs of them at once. The grid is the product of the \
      --vary axes (KEY=V1,V2,...), crossed with each --cell (KEY=V KEY=V, for options that \
      go together, such as residual=fixup norm=none); KEY is an option of the training \
      command without its dashes. Each cell runs --seeds seeds. Per cell OUT/report.md and \
      OUT/study.json give the runs that reached --target (optimal-move accuracy against the \
      exact solver; NNUE: validation loss to fall to), the time and positions they took, and \
      the final figures, each as a mean with its 95% interval (Student's t); OUT/final.svg \
      and OUT/curves_vs_time.svg plot them. Kill it at any moment: the \
      same command again skips the finished runs and resumes the others. --options passes \
      more options to every run.

      Examples:
        zerolab study --out runs/study-init --vary init=he_normal,autoinit \\
          --seeds 5 --iterations 20
        zerolab study --out runs/study-res --task hexapawn-supervised \\
          --cell "residual=plain" --cell "residual=fixup norm=none" \\
          --cell "residual=rescale norm=none" --options "--blocks 8" \\
          --iterations 30
        zerolab study --task nnue --data data/gen0 --out runs/study-nnue \\
          --vary init=he_normal,autoinit --seeds 5 --iterations 4 --target 0.05
        zerolab study --out runs/tiny --vary lbe-weight=0,0.1 --seeds 2 \\
          --iterations 2 --jobs 2
      """)

  @Option(help: "hexapawn-supervised, hexapawn-selfplay or nnue.") var task: String = "hexapawn-supervised"
  @Option(help: "Hexapawn board size FILESxRANKS.") var size: String = "3x3"
  @Option(parsing: .upToNextOption, help: "NNUE: data files or folders.") var data: [String] = []
  @Option(help: "An axis of the grid: KEY=V1,V2,... (repeat for more axes).") var vary: [String] = []
  @Option(help: "A cell: KEY=V KEY=V ... (repeat; each is crossed with the --vary product).") var cell: [String] = []
  @Option(help: "Seeds per cell.") var seeds: Int = 5
  @Option(help: "The first seed (the others follow it).") var seed: UInt64 = 1
  @Option(help: "Measurements per run (NNUE: epochs).") var iterations: Int?
  @Option(help: "Hexapawn: seconds of training per run instead of --iterations.") var budget: Double?
  @Option(help: "Target: optimal-move accuracy (default 0.9), NNUE: validation loss (default 0.05).")
  var target: Double?
  @Option(parsing: .unconditional, help: "More options for every run, e.g. \"--blocks 4 --channels 16\".")
  var options: String = ""
  @Option(help: "Runs at once.") var jobs: Int = 2
  @Option(help: "Study folder.") var out: String

  func run() throws {
    guard let t = StudyTask(rawValue: task) else {
      throw ValidationError("--task: \(StudyTask.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let plan = try StudyPlan.make(
      task: t, size: size, data: data, vary: vary, cells: cell, seeds: seeds, firstSeed: seed, iterations: iterations,
      budget: budget, target: target ?? (t == .nnue ? 0.05 : 0.9),
      extra: options.split(separator: " ").map(String.init))
    let runner = try StudyRunner(plan: plan, out: out, binary: try Study.binary(), jobs: jobs, render: Study.arguments)
    runner.progress = Study.progress("study", first: try runner.finished().count)
    print("study: \(plan.cells.count) cells x \(plan.seeds.count) seeds, \(plan.runs.count) runs, \(jobs) at a time")
    let summary = try runner.run()
    Terminal.endProgress()
    print(summary.markdown, terminator: "")
    print("table: \(out)/report.md, figures: \(out)/study.json, plots: \(out)/final.svg \(out)/curves_vs_time.svg")
  }

  /// The progress line of child runs: `LABEL: done/total runs, running, rate, ETA` (the rate
  /// from the runs this process finished, `first` being those finished before it).
  static func progress(_ label: String, first: Int) -> @Sendable (Int, Int, Int) -> Void {
    let start = ContinuousClock.now
    return { done, total, running in
      let t = (ContinuousClock.now - start).inSeconds
      let rate = Double(done - first) / max(t, 1e-9)
      Terminal.progress(
        "\(label): \(done)/\(total) runs, \(running) running, \(String(format: "%.2f", rate * 60)) runs/min, ETA "
          + etaText(done: Double(done - first), total: Double(total - first), elapsed: t))
    }
  }

  /// This executable's path, for the runs.
  static func binary() throws -> String {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let self_ = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    return FileManager.default.isExecutableFile(atPath: self_) ? self_ : binary
  }

  /// A run's command line as arguments: options by name become `--name [value]`.
  @Sendable static func arguments(_ command: [StudyArgument]) -> [String] {
    command.flatMap { a -> [String] in
      switch a {
      case .word(let w): return [w]
      case .option(let name, let value): return ["--" + name] + (value.map { [$0] } ?? [])
      }
    }
  }
}
