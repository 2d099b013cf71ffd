import ArgumentParser
import Foundation
import InitStudy

struct SearchArch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search-arch",
    abstract: "Architecture search on Hexapawn: aging evolution, then short against long budgets.",
    discussion: """
      Searches policy-value architectures (1-3 stages of residual blocks, each stage with its \
      activation; channels; residual kind and normalisation; squeeze-excitation; the heads' \
      sizes) by regularised (aging) evolution: each candidate is trained by 'supervise \
      hexapawn' for --short measurements and judged by its fitness, the mean of its \
      optimal-move and value-sign accuracies against the exact solver. Then --rank distinct \
      architectures of the evolution are trained for --short and --long measurements with \
      every --inits initializer: OUT/report.md gives Spearman's rho between the short and \
      long fitness per initializer and their difference, with bootstrap 95% intervals. Last, \
      the architecture with the best long fitness trains from --final-seeds seeds against the \
      standard network at the nearest parameter count. Every run is a process in OUT/runs/, \
      --jobs at once; the search is the same whatever --jobs. Kill it at any moment: the same \
      command again resumes it. OUT/search.json holds every figure, OUT/evolution.svg the \
      evolution.

      Examples:
        zerolab search-arch --out runs/search --size 4x4
        zerolab search-arch --out runs/search-small --size 3x3 --population 4 \\
          --candidates 8 --rank 4 --short 1 --long 3 --final-seeds 2
        zerolab search-arch --out runs/search-he --inits he_normal,autoinit \\
          --options "--eval-games 2 --steps 20"
      """)

  @Option(help: "Hexapawn board size FILESxRANKS.") var size: String = "4x4"
  @Option(help: "Population of the aging evolution.") var population: Int = 12
  @Option(help: "Tournament size: members drawn to pick a parent.") var sample: Int = 4
  @Option(help: "Candidates of the evolution, the random population included.") var candidates: Int = 48
  @Option(help: "Measurements of a short run (the evolution's budget).") var short: Int = 3
  @Option(help: "Measurements of a long run.") var long: Int = 15
  @Option(help: "Distinct architectures in the short-against-long ranking.") var rank: Int = 30
  @Option(help: "Initializers of the ranking, comma separated; the first is the evolution's.")
  var inits: String = "autoinit,he_normal"
  @Option(help: "Seeds of the best architecture and of the standard one at the end.") var finalSeeds: Int = 5
  @Option(help: "Seed of the search: the same seed repeats it.") var seed: UInt64 = 1
  @Option(parsing: .unconditional, help: "More options for every run, e.g. \"--steps 20\".")
  var options: String = "--eval-games 2"
  @Option(help: "Runs at once.") var jobs: Int = 2
  @Option(help: "Search folder.") var out: String

  func run() throws {
    let plan = try ArchSearchPlan(
      size: size, population: population, sample: sample, candidates: candidates, shortIterations: short,
      longIterations: long, rankCandidates: rank, inits: inits.split(separator: ",").map(String.init),
      finalSeeds: finalSeeds, seed: seed, extra: options.split(separator: " ").map(String.init))
    let search = try ArchSearch(plan: plan, out: out, binary: Study.binary(), jobs: jobs, render: Study.arguments)
    search.progress = Study.progress("search-arch", first: try search.finished().count)
    print("search-arch: \(search.totalRuns) runs on \(size) Hexapawn, \(jobs) at a time")
    let summary = try search.run()
    Terminal.endProgress()
    for (m, name) in plan.inits.enumerated() { print("rho(short, long) with \(name): \(summary.rho[m].formatted)") }
    if let d = summary.rhoDifference { print("difference \(plan.inits[0]) - \(plan.inits[1]): \(d.formatted)") }
    print(
      "best: \(summary.best.label), \(summary.bestParameters) parameters, fitness \(summary.bestFinal[0].formatted(4))")
    print(
      "standard: \(summary.standard.label), \(summary.standardParameters) parameters, fitness "
        + summary.standardFinal[0].formatted(4))
    print("report: \(out)/report.md, figures: \(out)/search.json, plot: \(out)/evolution.svg")
  }
}
