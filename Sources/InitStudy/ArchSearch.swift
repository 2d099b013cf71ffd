import AlphaZero
import Foundation
import GameCore
import LabKit
import NeuralCore

/// A policy-value architecture of the search space: the residual trunk in stages (each stage's
/// blocks and their activation), its channels, how blocks join their branch and what
/// normalises them, squeeze-excitation, and the heads' sizes. The stem and the heads take the
/// first stage's activation.
public struct Architecture: Codable, Sendable, Hashable {
  public struct Stage: Codable, Sendable, Hashable {
    public var activation: String
    public var blocks: Int
    public init(activation: String, blocks: Int) {
      self.activation = activation
      self.blocks = blocks
    }
  }
  public var stages: [Stage]
  public var channels: Int
  /// A `ResidualKind` name and `batch` or `none`.
  public var residual: String
  public var normalization: String
  public var squeezeExcitation: Int?
  public var valueHidden: Int
  public var policyChannels: Int

  public init(
    stages: [Stage], channels: Int, residual: String, normalization: String, squeezeExcitation: Int?,
    valueHidden: Int, policyChannels: Int
  ) {
    (self.stages, self.channels, self.residual, self.normalization) = (stages, channels, residual, normalization)
    (self.squeezeExcitation, self.valueHidden, self.policyChannels) = (squeezeExcitation, valueHidden, policyChannels)
  }

  /// The space: per stage one activation of these (one input each, so any stage fits any
  /// channel count) and 0...3 blocks, 1...3 stages with 1...6 blocks in all.
  public static let activations = ["relu", "elu", "silu", "mish", "tanh", "fplus"]
  public static let channelChoices = [8, 12, 16, 24, 32]
  /// Residual kind and normalisation: the BatchNorm kinds and the normalisation-free ones.
  public static let residualChoices = [
    ("plain", "batch"), ("rezero", "batch"), ("skipinit", "batch"), ("rescale", "none"), ("fixup", "none"),
    ("rezero", "none"), ("skipinit", "none"),
  ]
  public static let squeezeChoices: [Int?] = [nil, 2, 4]
  public static let valueHiddenChoices = [8, 16, 32, 64]
  public static let policyChannelChoices = [1, 2, 4, 8]
  public static let maxStages = 3
  public static let blocksPerStage = 0...3
  public static let totalBlocks = 1...6

  /// The network `zerolab supervise` trains by default at `channels` channels: two ReLU
  /// blocks with BatchNorm, no squeeze-excitation, 32 value units, 2 policy channels.
  public static func standard(channels: Int) -> Architecture {
    Architecture(
      stages: [Stage(activation: "relu", blocks: 2)], channels: channels, residual: "plain", normalization: "batch",
      squeezeExcitation: nil, valueHidden: 32, policyChannels: 2)
  }

  public var blocks: Int { stages.reduce(0) { $0 + $1.blocks } }

  /// `relu:2,mish:1 c16 plain/batch se4 v32 p2`.
  public var label: String {
    let trunk = stages.map { "\($0.activation):\($0.blocks)" }.joined(separator: ",")
    let se = squeezeExcitation.map { " se\($0)" } ?? ""
    return "\(trunk) c\(channels) \(residual)/\(normalization)\(se) v\(valueHidden) p\(policyChannels)"
  }

  /// The options of `zerolab supervise` that build it.
  public var arguments: [StudyArgument] {
    var a: [StudyArgument] = [
      .option("stages", stages.map { "\($0.activation):\($0.blocks)" }.joined(separator: ",")),
      .option("activation", stages[0].activation), .option("channels", "\(channels)"),
      .option("residual", residual), .option("norm", normalization),
      .option("value-hidden", "\(valueHidden)"), .option("policy-channels", "\(policyChannels)"),
    ]
    if let r = squeezeExcitation { a.append(.option("se", "\(r)")) }
    return a
  }

  /// Whether it lies in the space.
  public var isValid: Bool {
    (1...Self.maxStages).contains(stages.count) && Self.totalBlocks.contains(blocks)
      && stages.allSatisfy { Self.activations.contains($0.activation) && Self.blocksPerStage.contains($0.blocks) }
      && Self.channelChoices.contains(channels)
      && Self.residualChoices.contains { $0 == (residual, normalization) }
      && Self.squeezeChoices.contains(squeezeExcitation) && Self.valueHiddenChoices.contains(valueHidden)
      && Self.policyChannelChoices.contains(policyChannels)
  }

  /// A uniformly drawn architecture: 1...3 stages of 1...2 blocks.
  public static func random(_ rng: inout Xoshiro256) -> Architecture {
    let count = 1 + rng.below(maxStages)
    let stages = (0..<count).map { _ in
      Stage(activation: activations[rng.below(activations.count)], blocks: 1 + rng.below(2))
    }
    let (r, n) = residualChoices[rng.below(residualChoices.count)]
    return Architecture(
      stages: stages, channels: channelChoices[rng.below(channelChoices.count)], residual: r, normalization: n,
      squeezeExcitation: squeezeChoices[rng.below(squeezeChoices.count)],
      valueHidden: valueHiddenChoices[rng.below(valueHiddenChoices.count)],
      policyChannels: policyChannelChoices[rng.below(policyChannelChoices.count)])
  }

  /// One random change that stays in the space and changes something: a stage's activation
  /// or blocks (one more or fewer), a stage added or removed, the channels or a head's size one
  /// step up or down, another residual kind, another squeeze-excitation.
  public func mutated(_ rng: inout Xoshiro256) -> Architecture {
    func step<T: Equatable>(_ choices: [T], _ value: T) -> T {
      let i = choices.firstIndex(of: value) ?? 0
      let j = rng.below(2) == 0 ? i - 1 : i + 1
      return choices[min(max(j, 0), choices.count - 1)]
    }
    for _ in 0..<100 {
      var a = self
      switch rng.below(8) {
      case 0:
        let s = rng.below(a.stages.count)
        a.stages[s].activation = Self.activations[rng.below(Self.activations.count)]
      case 1:
        let s = rng.below(a.stages.count)
        a.stages[s].blocks += rng.below(2) == 0 ? -1 : 1
      case 2:
        if rng.below(2) == 0 && a.stages.count > 1 {
          a.stages.remove(at: rng.below(a.stages.count))
        } else {
          a.stages.insert(
            Stage(activation: Self.activations[rng.below(Self.activations.count)], blocks: 1),
            at: rng.below(a.stages.count + 1))
        }
      case 3: a.channels = step(Self.channelChoices, a.channels)
      case 4:
        let (r, n) = Self.residualChoices[rng.below(Self.residualChoices.count)]
        (a.residual, a.normalization) = (r, n)
      case 5: a.squeezeExcitation = Self.squeezeChoices[rng.below(Self.squeezeChoices.count)]
      case 6: a.valueHidden = step(Self.valueHiddenChoices, a.valueHidden)
      default: a.policyChannels = step(Self.policyChannelChoices, a.policyChannels)
      }
      if a != self && a.isValid { return a }
    }
    return self
  }

  /// The Hexapawn network on the board `size`: its spec and parameter count.
  public func parameterCount(size: String) throws -> Int {
    var c = ZeroConfig()
    c.size = size
    c.blocks = blocks
    c.channels = channels
    c.activation = stages[0].activation
    c.blockActivations = stages.flatMap { Array(repeating: $0.activation, count: $0.blocks) }
    c.squeezeExcitation = squeezeExcitation
    c.valueHidden = valueHidden
    c.policyChannels = policyChannels
    var spec = try c.networkSpec()
    var recipe = NetworkRecipe()
    recipe.residual = residual
    recipe.normalization = normalization
    try recipe.apply(to: &spec)
    try spec.validate()
    var network = PolicyValueNetwork(spec)
    return network.parameterCount()
  }
}

/// An architecture search on Hexapawn, supervised against the exact solver: regularised
/// (aging) evolution (Real et al. 2019) with each candidate trained for a short budget, then
/// the ranking check the AutoInit paper proposes, then the best architecture against the
/// standard one.
///
/// 1. **Evolution.** `population` random architectures; then each new candidate is the
///    mutation of the fittest of `sample` members drawn from the population, the `population`
///    youngest candidates. Candidate i sees the candidates before i − `lag` only, so the
///    search is the same whatever runs at once.
/// 2. **Ranking.** `rankCandidates` distinct architectures of the evolution (a seeded sample),
///    each trained for the short and the long budget with every initializer of `inits`:
///    Spearman's ρ between short and long fitness per initializer, and the difference of the
///    first two, with bootstrap 95% intervals (the same resamples for every initializer).
/// 3. **Final.** The architecture with the best long fitness under the first initializer,
///    against the standard network with the channel count that brings its parameter count
///    closest, `finalSeeds` seeds each at the long budget.
///
/// A candidate's fitness is the mean of the optimal-move and value-sign accuracies of its
/// last measurement.
public struct ArchSearchPlan: Codable, Sendable, Equatable {
  public var size: String
  public var population: Int
  public var sample: Int
  public var candidates: Int
  public var lag: Int
  /// Measurements (of the task's gradient steps each) of a short and a long run.
  public var shortIterations: Int
  public var longIterations: Int
  public var rankCandidates: Int
  public var inits: [String]
  public var finalSeeds: Int
  public var seed: UInt64
  public var bootstrap: Int
  /// Options every run gets.
  public var extra: [String]

  public init(
    size: String, population: Int, sample: Int, candidates: Int, lag: Int = 3, shortIterations: Int,
    longIterations: Int, rankCandidates: Int, inits: [String], finalSeeds: Int, seed: UInt64, bootstrap: Int = 2000,
    extra: [String]
  ) throws(StudyError) {
    guard population >= 2, (1...population).contains(sample) else {
      throw StudyError("the population needs at least 2 members and the sample 1...population")
    }
    guard candidates >= population, candidates <= 10_000 else {
      throw StudyError("candidates: population...10000, got \(candidates)")
    }
    guard lag >= 0 else { throw StudyError("the lag must be at least 0") }
    guard shortIterations >= 1, longIterations > shortIterations else {
      throw StudyError("the long budget must be more measurements than the short one (at least 1)")
    }
    guard rankCandidates >= 3 else { throw StudyError("the ranking needs at least 3 candidates") }
    guard !inits.isEmpty, Set(inits).count == inits.count else { throw StudyError("give distinct initializers") }
    guard finalSeeds >= 2 else { throw StudyError("the final comparison needs at least 2 seeds") }
    guard bootstrap >= 100 else { throw StudyError("at least 100 bootstrap resamples") }
    for name in inits {
      do { _ = try Initializer(parsing: name) } catch { throw StudyError(error.message) }
    }
    var config = ZeroConfig()
    config.size = size
    do { _ = try config.boardSize } catch { throw StudyError("bad board size '\(size)' (FILESxRANKS, e.g. 4x4)") }
    (self.size, self.population, self.sample, self.candidates, self.lag) = (size, population, sample, candidates, lag)
    (self.shortIterations, self.longIterations, self.rankCandidates) = (shortIterations, longIterations, rankCandidates)
    (self.inits, self.finalSeeds, self.seed, self.bootstrap, self.extra) = (inits, finalSeeds, seed, bootstrap, extra)
  }

  /// A random stream of its own for each use of randomness: candidate i's draw, the ranking
  /// sample, the bootstrap.
  func rng(_ stream: UInt64, _ index: Int = 0) -> Xoshiro256 {
    Xoshiro256(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 1_000_003 &+ UInt64(index))
  }

  /// The training seed of candidate i, and of final run j.
  func candidateSeed(_ i: Int) -> UInt64 { seed &+ UInt64(i) }
  func finalSeed(_ j: Int) -> UInt64 { seed &+ 100_000 &+ UInt64(j) }

  /// The `zerolab supervise` command line of a run.
  func command(
    _ a: Architecture, initializer: String, iterations: Int, seed: UInt64, out: String
  )
    -> [StudyArgument]
  {
    [
      .word("supervise"), .word("hexapawn"), .option("size", size), .option("out", out), .option("seed", "\(seed)"),
      .option("resume", nil), .option("iterations", "\(iterations)"), .option("init", initializer),
    ] + extra.map { .word($0) } + a.arguments
  }
}

/// One candidate of the evolution.
public struct SearchCandidate: Codable, Sendable, Equatable {
  public var index: Int
  public var architecture: Architecture
  /// The candidate it mutates (none: drawn at random).
  public var parent: Int?
  public var parameters: Int
  public var fitness: Double
}

/// One architecture of the ranking check: its fitness per initializer at both budgets.
public struct RankedArchitecture: Codable, Sendable, Equatable {
  public var candidate: Int
  public var architecture: Architecture
  public var parameters: Int
  public var short: [Double]
  public var long: [Double]
}

/// A correlation with its bootstrap 95% interval.
public struct Correlation: Codable, Sendable, Equatable {
  public var value: Double
  public var low: Double
  public var high: Double

  public var formatted: String {
    value.isNaN ? "–" : String(format: "%.3f [%.3f, %.3f]", value, low, high)
  }
}

/// The figures of a finished search (DIR/search.json).
public struct ArchSearchSummary: Codable, Sendable, Equatable {
  public var plan: ArchSearchPlan
  public var candidates: [SearchCandidate]
  public var ranked: [RankedArchitecture]
  /// ρ(short, long) per initializer, and the first's minus the second's.
  public var rho: [Correlation]
  public var rhoDifference: Correlation?
  public var best: Architecture
  public var standard: Architecture
  public var bestParameters: Int
  public var standardParameters: Int
  /// Final fitness, optimal moves, value sign, value MSE: best then standard.
  public var bestFinal: [MeanInterval]
  public var standardFinal: [MeanInterval]
}

/// Runs an architecture search in a folder, resumable after a kill at any moment (`RunPool`):
///
///     DIR/search-plan.json   the plan (a rerun must give the same one)
///     DIR/runs/              evo-I (candidate I), rank-K-INIT-short|long, final-best|standard-sJ
///     DIR/search.json        the figures (`ArchSearchSummary`), DIR/report.md the tables
///     DIR/evolution.svg      each candidate's fitness and the best so far
public final class ArchSearch {
  public let plan: ArchSearchPlan
  public let out: String
  let pool: RunPool
  let render: @Sendable ([StudyArgument]) -> [String]
  /// Told `(finished, total, running)` as runs end.
  public var progress: @Sendable (Int, Int, Int) -> Void = { _, _, _ in }

  public init(
    plan: ArchSearchPlan, out: String, binary: String, jobs: Int,
    render: @escaping @Sendable ([StudyArgument]) -> [String]
  ) throws {
    self.plan = plan
    self.out = out
    self.render = render
    pool = try RunPool(out: out, binary: binary, jobs: jobs)
    try RunPool.claim(out, plan: plan, file: "search-plan.json", what: "a search")
  }

  /// The ids of the finished runs.
  public func finished() throws -> Set<String> { try pool.finished() }

  /// Every run of the search: the evolution's, the ranking's (the first initializer's short
  /// runs are the evolution's), the final comparison's.
  public var totalRuns: Int {
    plan.candidates + plan.rankCandidates * (2 * plan.inits.count - 1) + 2 * plan.finalSeeds
  }

  static func evolutionID(_ i: Int) -> String { String(format: "evo-%04d", i) }
  func rankID(_ k: Int, _ m: Int, long: Bool) -> String {
    m == 0 && !long
      ? Self.evolutionID(rankSet[k])
      : String(format: "rank-%03d-", k) + plan.inits[m] + (long ? "-long" : "-short")
  }
  static func finalID(best: Bool, _ j: Int) -> String { "final-\(best ? "best" : "standard")-s\(j)" }

  // The state the schedule builds in order: each candidate's architecture and parent, the
  // ranking's candidates, the final pair.
  var architectures: [Architecture] = []
  var parents: [Int?] = []
  var rankSet: [Int] = []
  var finalPair: (best: Architecture, standard: Architecture)?

  /// The last measurement of run `id`: its fitness and figures (optimal moves, value sign,
  /// value MSE), nil when it has none.
  func figures(_ id: String) throws -> [Double]? {
    guard let c = try RunCurve.read(.hexapawnSupervised, dir: pool.folder(id)), let f = c.figures.last else {
      return nil
    }
    return [(f[0] + f[1]) / 2] + f
  }

  func fitness(_ id: String) throws -> Double {
    guard let f = try figures(id) else { throw StudyError("run \(id) finished without measurements") }
    return f[0]
  }

  /// Candidate i's architecture from the candidates before i − lag.
  func breed(_ i: Int) throws -> (Architecture, Int?) {
    var rng = plan.rng(1, i)
    if i < plan.population { return (Architecture.random(&rng), nil) }
    let end = i - plan.lag
    let members = Array(max(0, end - plan.population)..<end)
    var pool = members
    var drawn: [Int] = []
    for _ in 0..<min(plan.sample, pool.count) { drawn.append(pool.remove(at: rng.below(pool.count))) }
    var parent = drawn[0]
    var best = try fitness(Self.evolutionID(parent))
    for j in drawn.dropFirst() {
      let f = try fitness(Self.evolutionID(j))
      if f > best || (f == best && j > parent) { (parent, best) = (j, f) }
    }
    return (architectures[parent].mutated(&rng), parent)
  }

  /// The ranking's candidates: a seeded sample of the distinct architectures, in order.
  func chooseRankSet() -> [Int] {
    var seen = Set<Architecture>()
    var distinct: [Int] = []
    for (i, a) in architectures.enumerated() where seen.insert(a).inserted { distinct.append(i) }
    var rng = plan.rng(2)
    distinct.shuffle(using: &rng)
    return Array(distinct.prefix(plan.rankCandidates)).sorted()
  }

  /// The best of the ranking by long fitness under the first initializer, and the standard
  /// network nearest its parameter count.
  func chooseFinalPair() throws -> (Architecture, Architecture) {
    var best = rankSet[0]
    var top = try fitness(rankID(0, 0, long: true))
    for k in rankSet.indices.dropFirst() {
      let f = try fitness(rankID(k, 0, long: true))
      if f > top { (best, top) = (rankSet[k], f) }
    }
    let a = architectures[best]
    let target = try a.parameterCount(size: plan.size)
    var standard = Architecture.standard(channels: 1)
    var gap = Int.max
    // The count grows with the channels: stop once past the target.
    for c in 1...256 {
      let s = Architecture.standard(channels: c)
      let n = try s.parameterCount(size: plan.size)
      if abs(n - target) < gap { (standard, gap) = (s, abs(n - target)) }
      if n > target { break }
    }
    return (a, standard)
  }

  /// The steps in order, each with the runs it needs finished.
  enum Step {
    case evolution(Int)
    case rank(Int, Int, long: Bool)
    case final(best: Bool, Int)
  }

  /// Runs what is not finished; returns the summary.
  @discardableResult
  public func run() throws -> ArchSearchSummary {
    var steps: [Step] = (0..<plan.candidates).map { .evolution($0) }
    var cursor = 0
    let total = totalRuns
    let progress = self.progress
    progress(try pool.finished().count, total, 0)
    try pool.run(
      total: total,
      next: { done, failed in
        guard failed.isEmpty else { return .finished }
        while cursor < steps.count {
          let id: String
          let arguments: [String]
          switch steps[cursor] {
          case .evolution(let i):
            if i >= plan.population {
              guard (0..<(i - plan.lag)).allSatisfy({ done.contains(Self.evolutionID($0)) }) else { return .wait }
            }
            let (a, parent) = try breed(i)
            architectures.append(a)
            parents.append(parent)
            id = Self.evolutionID(i)
            arguments = render(
              plan.command(
                a, initializer: plan.inits[0], iterations: plan.shortIterations, seed: plan.candidateSeed(i),
                out: pool.folder(id)))
            if i == plan.candidates - 1 {
              // The ranking follows once every candidate is measured.
              steps.append(.rank(-1, 0, long: true))
            }
          case .rank(let k, let m, let long):
            if k < 0 {
              guard (0..<plan.candidates).allSatisfy({ done.contains(Self.evolutionID($0)) }) else { return .wait }
              rankSet = chooseRankSet()
              for k in rankSet.indices {
                for m in plan.inits.indices {
                  steps.append(.rank(k, m, long: true))
                  if m > 0 { steps.append(.rank(k, m, long: false)) }
                }
              }
              steps.append(.final(best: true, -1))
              cursor += 1
              continue
            }
            let a = architectures[rankSet[k]]
            id = rankID(k, m, long: long)
            arguments = render(
              plan.command(
                a, initializer: plan.inits[m], iterations: long ? plan.longIterations : plan.shortIterations,
                seed: plan.candidateSeed(rankSet[k]), out: pool.folder(id)))
          case .final(let best, let j):
            if j < 0 {
              guard rankSet.indices.allSatisfy({ done.contains(rankID($0, 0, long: true)) }) else { return .wait }
              finalPair = try chooseFinalPair()
              for j in 0..<plan.finalSeeds {
                steps.append(.final(best: true, j))
                steps.append(.final(best: false, j))
              }
              cursor += 1
              continue
            }
            let a = best ? finalPair!.best : finalPair!.standard
            id = Self.finalID(best: best, j)
            arguments = render(
              plan.command(
                a, initializer: plan.inits[0], iterations: plan.longIterations, seed: plan.finalSeed(j),
                out: pool.folder(id)))
          }
          cursor += 1
          if done.contains(id) { continue }
          return .start(id: id, arguments: arguments)
        }
        return .finished
      },
      progress: { done, running in progress(done, total, running) })
    return try summarize()
  }

  /// Reads every run and writes search.json, report.md and evolution.svg.
  func summarize() throws -> ArchSearchSummary {
    guard let pair = finalPair, architectures.count == plan.candidates else {
      throw StudyError("internal: the search ended before its last step")
    }
    let candidates = try architectures.indices.map { i in
      SearchCandidate(
        index: i, architecture: architectures[i], parent: parents[i],
        parameters: try architectures[i].parameterCount(size: plan.size), fitness: try fitness(Self.evolutionID(i)))
    }
    let ranked = try rankSet.indices.map { k in
      RankedArchitecture(
        candidate: rankSet[k], architecture: architectures[rankSet[k]], parameters: candidates[rankSet[k]].parameters,
        short: try plan.inits.indices.map { try fitness(rankID(k, $0, long: false)) },
        long: try plan.inits.indices.map { try fitness(rankID(k, $0, long: true)) })
    }
    // Bootstrap: the same resamples of the candidates for every initializer.
    var rng = plan.rng(3)
    let n = ranked.count
    let resamples = (0..<plan.bootstrap).map { _ in (0..<n).map { _ in rng.below(n) } }
    func rho(_ m: Int, _ idx: [Int]) -> Double {
      Spearman.rho(idx.map { ranked[$0].short[m] }, idx.map { ranked[$0].long[m] })
    }
    func interval(_ value: Double, _ draws: [Double]) -> Correlation {
      let d = draws.filter { !$0.isNaN }.sorted()
      guard !d.isEmpty else { return Correlation(value: value, low: .nan, high: .nan) }
      let at = { (q: Double) in d[min(d.count - 1, max(0, Int((q * Double(d.count)).rounded(.down))))] }
      return Correlation(value: value, low: at(0.025), high: at(0.975))
    }
    let all = Array(0..<n)
    let rhos = plan.inits.indices.map { m in interval(rho(m, all), resamples.map { rho(m, $0) }) }
    let difference =
      plan.inits.count >= 2
      ? interval(rho(0, all) - rho(1, all), resamples.map { rho(0, $0) - rho(1, $0) }) : nil
    func final(_ best: Bool) throws -> [MeanInterval] {
      let rows = try (0..<plan.finalSeeds).map { j in
        guard let f = try figures(Self.finalID(best: best, j)) else {
          throw StudyError("final run \(j) has no figures")
        }
        return f
      }
      return (0..<4).map { c in MeanInterval(rows.map { $0[c] }) }
    }
    let summary = ArchSearchSummary(
      plan: plan, candidates: candidates, ranked: ranked, rho: rhos, rhoDifference: difference, best: pair.best,
      standard: pair.standard, bestParameters: try pair.best.parameterCount(size: plan.size),
      standardParameters: try pair.standard.parameterCount(size: plan.size), bestFinal: try final(true),
      standardFinal: try final(false))
    try RunFiles.writeJSON(summary, to: out + "/search.json")
    try RunFiles.write(text: report(summary), to: out + "/report.md")
    var running = -Double.infinity
    let bestSoFar = candidates.map { c in
      running = max(running, c.fitness)
      return running
    }
    let xs = candidates.map { Double($0.index) }
    try RunFiles.write(
      text: SVGPlot.lines(
        title: "Aging evolution on \(plan.size) Hexapawn (\(plan.inits[0]), \(plan.shortIterations) measurements)",
        xLabel: "candidate", yLabel: "fitness",
        series: [("candidate", xs, candidates.map(\.fitness)), ("best so far", xs, bestSoFar)]),
      to: out + "/evolution.svg")
    return summary
  }

  /// DIR/report.md.
  func report(_ s: ArchSearchSummary) -> String {
    let p = s.plan
    var r = "# Architecture search on \(p.size) Hexapawn\n\n"
    r += "Supervised learning against the exact solver; fitness: the mean of the optimal-move and value-sign "
    r += "accuracies at a run's last measurement. Short budget \(p.shortIterations) measurements, long budget "
    r += "\(p.longIterations)"
    r += p.extra.isEmpty ? ".\n\n" : ", every run with `\(p.extra.joined(separator: " "))`.\n\n"
    r += "## Evolution\n\n"
    r += "Aging evolution: \(p.candidates) candidates, population \(p.population), tournament of \(p.sample), "
    r += "initializer \(p.inits[0]), seed \(p.seed). The ten fittest:\n\n"
    r += "| candidate | parent | architecture | parameters | fitness |\n|---|---|---|---|---|\n"
    for c in s.candidates.sorted(by: { ($0.fitness, -$0.index) > ($1.fitness, -$1.index) }).prefix(10) {
      r += "| \(c.index) | \(c.parent.map(String.init) ?? "random") | `\(c.architecture.label)` | \(c.parameters) | "
      r += String(format: "%.4f", c.fitness) + " |\n"
    }
    r += "\n![evolution](evolution.svg)\n\n## Ranking: short against long budget\n\n"
    r += "\(s.ranked.count) distinct architectures of the evolution, each trained for both budgets with each "
    r += "initializer (the same seed per architecture). Spearman's ρ between short and long fitness, with its "
    r += "bootstrap 95% interval (\(p.bootstrap) resamples of the architectures, the same for every initializer):\n\n"
    r += "| initializer | ρ(short, long) |\n|---|---|\n"
    for (m, name) in p.inits.enumerated() { r += "| \(name) | \(s.rho[m].formatted) |\n" }
    if let d = s.rhoDifference { r += "| \(p.inits[0]) − \(p.inits[1]) | \(d.formatted) |\n" }
    r += "\n| candidate | architecture | parameters |"
    for name in p.inits { r += " \(name) short | \(name) long |" }
    r += "\n|---|---|---|" + String(repeating: "---|---|", count: p.inits.count) + "\n"
    for a in s.ranked {
      r += "| \(a.candidate) | `\(a.architecture.label)` | \(a.parameters) |"
      for m in p.inits.indices { r += String(format: " %.4f | %.4f |", a.short[m], a.long[m]) }
      r += "\n"
    }
    r += "\n## The best architecture against the standard one\n\n"
    r += "The best long fitness under \(p.inits[0]), against `supervise`'s standard network at the nearest "
    r += "parameter count; \(p.finalSeeds) seeds each, the long budget; mean ± the half-width of the 95% "
    r += "interval (Student's t).\n\n"
    r += "| network | architecture | parameters | fitness | optimal moves | value sign | value MSE |\n"
    r += "|---|---|---|---|---|---|---|\n"
    for (name, a, n, f) in [
      ("best", s.best, s.bestParameters, s.bestFinal), ("standard", s.standard, s.standardParameters, s.standardFinal),
    ] {
      r += "| \(name) | `\(a.label)` | \(n) | " + f.map { $0.formatted(4) }.joined(separator: " | ") + " |\n"
    }
    return r
  }
}
