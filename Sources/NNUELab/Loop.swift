import Chess
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUETraining
import Synchronization

/// Settings of the self-play loop (`zerolab nnue loop`).
public struct LoopSettings: Codable, Sendable, Equatable {
  public var generations: Int
  /// Self-play games per generation and the search limit per move.
  public var gen: GenSettings
  public var train: TrainSettings
  /// Train on the data of this many most recent generations.
  public var window = 2
  public var arenaGames = 40
  public var timeControl = "2+0.02"
  /// Nodes per arena move (`nil`: the clock alone decides). With a node count and a clock
  /// that never runs short, every arena game, and so the whole loop, depends on the seed
  /// alone.
  public var arenaNodes: Int?
  public var openings: String? = "engines/openings.epd"
  public var threads = 2
  /// Who plays generation k's games: `previous` (the net of generation k−1) or `best` (the
  /// best net so far, gated by the arena as in AlphaGo Zero; also what `nil` means).
  public var dataFrom: String? = "previous"

  public init(generations: Int, gen: GenSettings, train: TrainSettings) {
    self.generations = generations
    self.gen = gen
    self.train = train
  }
}

/// One line of the loop's `metrics.jsonl`.
public struct GenerationRecord: Codable, Sendable, Equatable {
  public var generation: Int
  /// Evaluation that played the generation's self-play games (`handcrafted` or a net file).
  public var dataFrom: String
  public var positions: Int
  public var trainingPositions: Int
  public var validationLoss: Double
  public var validationCpError: Double
  public var vsHandcrafted: MatchRecord
  /// Against the best net before this generation (`nil` for generation 0, which has none).
  public var vsPreviousBest: MatchRecord?
  /// The best net after this generation (the first generation's net, then whichever beat it).
  public var best: String
  public var seconds: Double
}

/// The self-play loop: generation 0's data is played by the handcrafted evaluation; each
/// next generation's data by the previous generation's net (or, with `dataFrom: best`, by the
/// best net so far); after training, the new net plays the handcrafted baseline and the best
/// net of the earlier generations (both matches at once, one core each), and it becomes the
/// best net if it scored over 50 % against it (generation 0's net is the first best). Every step leaves its
/// files in `OUT/gen<k>/` and is skipped when rerun, so a killed loop continues where it stopped
/// (`OUT/metrics.jsonl` is rewritten from the generations' records after each one).
public final class SelfPlayLoop {
  public let settings: LoopSettings
  public let out: String
  public var log: @Sendable (String) -> Void = { print($0) }
  public var progress: @Sendable (String) -> Void = { _ in }
  /// When set, the loop plays no games: where it would, it hands them to `delegate` and
  /// stops (`delegated` says what).
  public var delegate: ((DelegatedWork) throws -> Void)?
  /// The work the last `run()` left to `delegate`, else `nil`.
  public private(set) var delegated: DelegatedWork?
  /// Games of an arena part: each opening with both colours.
  public static let arenaPartGames = 2

  public init(settings: LoopSettings, out: String) throws {
    try settings.train.validate()
    self.settings = settings
    self.out = out
    let path = out + "/loop.json"
    if let old = try RunFiles.readJSON(LoopSettings.self, from: path) {
      var a = old, b = settings
      a.generations = 0
      b.generations = 0
      guard a == b else {
        throw NNUEError(
          "\(path): the loop in \(out) has other settings (only the number of generations may change)")
      }
    }
    try RunFiles.writeJSON(settings, to: path)
  }

  func dir(_ g: Int) -> String { out + "/gen\(g)" }
  public var metricsPath: String { out + "/metrics.jsonl" }

  /// A net's name in the run folder (`gen<k>/net.nnue`) from its path, `handcrafted` as it is.
  static func runName(_ path: String) -> String {
    path == "handcrafted" ? path : path.split(separator: "/").suffix(2).joined(separator: "/")
  }

  /// The path of a name `runName` gave.
  func runPath(_ name: String) -> String { name == "handcrafted" ? name : out + "/" + name }

  /// Stops the run with `work` left to `delegate`.
  func leave(_ work: DelegatedWork) throws {
    try delegate?(work)
    delegated = work
    log("generation \(work.generation): \(work.step) delegated")
  }

  /// Runs (or continues) every generation; returns their records.
  @discardableResult
  public func run() throws -> [GenerationRecord] {
    var records: [GenerationRecord] = []
    delegated = nil
    var best = "handcrafted", previousNet = "handcrafted"
    let usePrevious = settings.dataFrom == "previous"
    let openings = try EngineMatches.openings(settings.openings)
    let tc: TimeControl
    do throws(NotationError) { tc = try TimeControl(parsing: settings.timeControl) } catch {
      throw NNUEError(error.message)
    }
    // A kill between generation.json and the metrics leaves lines to write: the metrics are
    // rewritten once after the generations done before, not once for each.
    var metricsBehind = false
    for g in 0..<settings.generations {
      let d = dir(g)
      let start = ContinuousClock.now
      if let done = try RunFiles.readJSON(GenerationRecord.self, from: d + "/generation.json") {
        records.append(done)
        best = done.best == "handcrafted" ? d + "/net.nnue" : done.best
        previousNet = d + "/net.nnue"
        log("generation \(g): done before (best \(best))")
        metricsBehind = true
        continue
      }
      if metricsBehind {
        try JSONLines<GenerationRecord>(path: metricsPath).rewrite(records)
        metricsBehind = false
      }
      // 1. Self-play data with the best evaluation so far.
      var gs = settings.gen
      gs.seed = settings.gen.seed &+ UInt64(g) &* 1000
      let progressCounter = DataGenerator.Progress()
      let player = usePrevious ? previousNet : best
      let playerName = Self.runName(player)
      if delegate != nil
        && !(0..<gs.shards).allSatisfy({ FileManager.default.fileExists(atPath: gs.shardPath(d + "/data", $0)) })
      {
        try leave(
          DelegatedWork(
            generation: g, selfPlay: .init(settings: gs, evaluation: playerName, out: "gen\(g)/data"), parts: [],
            openings: nil, inputs: playerName == "handcrafted" ? [:] : [playerName: player]))
        break
      }
      let net: QuantizedNNUE? = player == "handcrafted" ? nil : try QuantizedNNUE.load(player)
      let genGames = gs.games
      let reporter = Reporter { [progress] in
        let p = progressCounter.snapshot
        progress("generation \(g): self-play \(p.games)/\(genGames) games, \(p.positions) positions")
      }
      if let net {
        _ = try DataGenerator.run(
          settings: gs, into: d + "/data", threads: settings.threads, progress: progressCounter,
          evaluation: playerName
        ) {
          NNUEEvaluation(net: net)
        }
      } else {
        _ = try DataGenerator.run(settings: gs, into: d + "/data", threads: settings.threads, progress: progressCounter)
        {
          HandcraftedEvaluation()
        }
      }
      reporter.stop()
      let own = try TrainingData.load([d + "/data"])
      var dataDirs: [String] = []
      for k in max(0, g - settings.window + 1)...g { dataDirs.append(dir(k) + "/data") }
      let trainRecords = try TrainingData.load(dataDirs)
      log("generation \(g): \(own.count) new positions (played by \(player)); training on \(trainRecords.count)")
      // 2. Train.
      var ts = settings.train
      ts.seed = settings.train.seed &+ UInt64(g)
      let trainer = try NNUETrainer(settings: ts, records: trainRecords, out: d + "/train", resume: true)
      trainer.progress = { [progress] e, done, total, loss in
        progress(
          "generation \(g): training epoch \(e)/\(ts.epochs) \(done)/\(total) loss \(String(format: "%.5f", loss))")
      }
      trainer.log = { [log] in log("generation \(g): \($0)") }
      // Every epoch's line, those of an earlier (killed) run of this step included.
      let metrics = try trainer.run()
      let netPath = d + "/net.nnue"
      try QuantizedNNUE.load(trainer.quantizedPath).save(to: netPath, metadata: ["generation": "\(g)"])
      // 3. Arena.
      guard let results = try arena(g, net: netPath, best: best, timeControl: tc, openings: openings) else { break }
      let vsHand = results[0], vsBest: MatchRecord? = results.count > 1 ? results[1] : nil
      if best == "handcrafted" || (vsBest?.score ?? 0) > 0.5 { best = netPath }
      previousNet = netPath
      let last = metrics.last
      let rec = GenerationRecord(
        generation: g, dataFrom: player, positions: own.count, trainingPositions: trainer.trainCount,
        validationLoss: trainer.bestValidation, validationCpError: last?.validationCpError ?? 0,
        vsHandcrafted: vsHand, vsPreviousBest: vsBest, best: best,
        seconds: Double((ContinuousClock.now - start).components.seconds))
      try RunFiles.writeJSON(rec, to: d + "/generation.json")
      records.append(rec)
      try JSONLines<GenerationRecord>(path: metricsPath).rewrite(records)
      log(
        "generation \(g): vs handcrafted \(vsHand.summary); vs previous best \(vsBest?.summary ?? "-"); best net: \(best)"
      )
    }
    if metricsBehind { try JSONLines<GenerationRecord>(path: metricsPath).rewrite(records) }
    return records
  }
}

extension SelfPlayLoop {
  /// One arena part: where its score goes, and the games it holds.
  struct PartJob: Sendable {
    var path: String
    var wanted: ArenaPart
  }

  /// Generation `g`'s arena: its net against the handcrafted evaluation and against `best`
  /// (unless that is the handcrafted one), both matches at once, one thread each. A match is
  /// played in parts of `arenaPartGames` games, each kept in `OUT/gen<k>/arena/` as it
  /// finishes and read back on a rerun; `nil` when the missing parts were delegated.
  func arena(
    _ g: Int, net: String, best: String, timeControl tc: TimeControl, openings: [ChessPosition]
  ) throws
    -> [MatchRecord]?
  {
    let total = settings.arenaGames, nodes = settings.arenaNodes, d = dir(g)
    var matches = [(label: "vs-handcrafted", b: "handcrafted", name: "handcrafted")]
    if best != "handcrafted" { matches.append((label: "vs-best", b: Self.runName(best), name: "best")) }
    let me = Self.runName(net)
    var scores = [MatchScore](repeating: MatchScore(), count: matches.count)
    var jobs = [[PartJob]](repeating: [], count: matches.count)
    for m in matches.indices {
      for first in stride(from: 0, to: total, by: Self.arenaPartGames) {
        let count = min(Self.arenaPartGames, total - first)
        let job = PartJob(
          path: d + "/arena/\(matches[m].label)-\(first)-\(first + count - 1).json",
          wanted: ArenaPart(
            a: me, b: matches[m].b, first: first, count: count, nodes: nodes, timeControl: tc.description, wins: 0,
            draws: 0, losses: 0))
        if let done = try ArenaPart.read(job.path, expecting: job.wanted) {
          scores[m] = scores[m] + done.score
        } else {
          jobs[m].append(job)
        }
      }
    }
    if delegate != nil && jobs.contains(where: { !$0.isEmpty }) {
      var inputs = [me: net]
      if best != "handcrafted" { inputs[Self.runName(best)] = best }
      try leave(
        DelegatedWork(
          generation: g, selfPlay: nil,
          parts: jobs.joined().map { .init(wanted: $0.wanted, output: String($0.path.dropFirst(out.count + 1))) },
          openings: settings.openings, inputs: inputs))
      return nil
    }
    let played = Mutex(scores)
    let errors = Mutex([String]())
    let labels = matches.map { $0.label == "vs-handcrafted" ? "vs handcrafted" : "vs previous best" }
    let paths = Dictionary(uniqueKeysWithValues: ([me] + matches.map(\.b)).map { ($0, runPath($0)) })
    let group = DispatchGroup()
    for (m, todo) in jobs.enumerated() where !todo.isEmpty {
      group.enter()
      let t = Thread { [progress] in
        defer { group.leave() }
        do {
          for job in todo {
            let w = job.wanted, before = played.withLock { $0[m] }
            let r = try ArenaPart.play(
              w.a, w.b, pathA: paths[w.a], pathB: paths[w.b], games: w.first..<(w.first + w.count), nodes: w.nodes,
              timeControl: tc, openings: openings
            ) { s, _ in
              let sum = before + s
              progress("generation \(g): arena \(labels[m]) \(sum.games)/\(total): \(sum.summary)")
            }
            try RunFiles.writeJSON(r, to: job.path)
            played.withLock { $0[m] = $0[m] + r.score }
          }
        } catch {
          errors.withLock { $0.append("\(error)") }
        }
      }
      t.stackSize = 64 << 20
      t.start()
    }
    group.wait()
    if let e = errors.withLock({ $0.first }) { throw NNUEError(e) }
    scores = played.withLock { $0 }
    return matches.indices.map {
      MatchRecord(a: "gen\(g)", b: matches[$0].name, timeControl: tc.description, score: scores[$0])
    }
  }
}

extension MatchScore {
  /// The score of two sets of games together.
  static func + (x: MatchScore, y: MatchScore) -> MatchScore {
    MatchScore(wins: x.wins + y.wins, draws: x.draws + y.draws, losses: x.losses + y.losses)
  }
}

/// Calls `body` every few seconds on a background thread until stopped.
final class Reporter: Sendable {
  let running = Mutex(true)
  init(every: Double = 1, _ body: @escaping @Sendable () -> Void) {
    Thread { [self] in
      while running.withLock({ $0 }) {
        body()
        Thread.sleep(forTimeInterval: every)
      }
    }.start()
  }
  func stop() { running.withLock { $0 = false } }
}
