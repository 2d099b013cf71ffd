import Chess
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUETraining

/// Settings of the supervised-against-self-play comparison (`zerolab nnue compare`).
public struct CompareSettings: Codable, Sendable, Equatable {
  /// Self-play data to draw positions from (generated with `gen` into `OUT/selfplay-data` if empty).
  public var data: [String]
  public var gen: GenSettings
  public var positions: Int
  /// Stockfish's search per position.
  public var stockfishNodes: Int = 5000
  public var stockfish = EngineSpec(
    name: "stockfish", type: "uci", command: "/usr/games/stockfish", options: ["Threads": "1", "Hash": "16"])
  public var train: TrainSettings
  public var arenaGames = 40
  public var timeControl = "2+0.02"
  public var openings: String? = "engines/openings.epd"
  public var workers = 2

  public init(data: [String], gen: GenSettings, positions: Int, train: TrainSettings) {
    self.data = data
    self.gen = gen
    self.positions = positions
    self.train = train
  }
}

/// The comparison's result (`OUT/summary.json`).
public struct CompareSummary: Codable, Sendable {
  public var positions: Int
  /// Mean |our score − Stockfish's score| over the positions, centipawns.
  public var labelDifference: Double
  /// Correlation of the two labels.
  public var labelCorrelation: Double
  public var selfPlay: [TrainMetrics]
  public var stockfish: [TrainMetrics]
  public var selfPlayVsHandcrafted: MatchRecord
  public var stockfishVsHandcrafted: MatchRecord
  public var stockfishVsSelfPlay: MatchRecord
}

/// The same positions, labelled once by our own search (self-play) and once by Stockfish 15.1
/// (supervised), trained the same way, compared on held-out loss and in the arena.
public final class Comparison {
  public let settings: CompareSettings
  public let out: String
  public var log: @Sendable (String) -> Void = { print($0) }
  public var progress: @Sendable (String) -> Void = { _ in }

  public init(settings: CompareSettings, out: String) throws {
    try settings.train.validate()
    self.settings = settings
    self.out = out
    if let old = try RunFiles.readJSON(CompareSettings.self, from: out + "/compare.json"), old != settings {
      throw NNUEError("\(out) holds a comparison with other settings: use another run folder")
    }
    try RunFiles.writeJSON(settings, to: out + "/compare.json")
  }

  public func run() throws -> CompareSummary {
    let gamesTotal = settings.gen.games, epochsTotal = settings.train.epochs
    // 1. Positions (our own search's labels).
    var sources = settings.data
    if sources.isEmpty {
      let counter = DataGenerator.Progress()
      let reporter = Reporter { [progress] in
        let p = counter.snapshot
        progress("self-play: \(p.games)/\(gamesTotal) games, \(p.positions) positions")
      }
      _ = try DataGenerator.run(
        settings: settings.gen, into: out + "/selfplay-data", threads: settings.workers, progress: counter
      ) { HandcraftedEvaluation() }
      reporter.stop()
      sources = [out + "/selfplay-data"]
    }
    let ownPath = out + "/selfplay.zldata", sfPath = out + "/stockfish.zldata"
    var own: [TrainingRecord]
    if FileManager.default.fileExists(atPath: ownPath) {
      own = try TrainingData.read(ownPath)
    } else {
      var all = try TrainingData.load(sources)
      var rng = Xoshiro256(seed: settings.train.seed)
      for i in stride(from: all.count - 1, to: 0, by: -1) { all.swapAt(i, rng.below(i + 1)) }
      own = Array(all.prefix(settings.positions))
      try? FileManager.default.removeItem(atPath: ownPath)
      try TrainingData.writeExclusive(own, to: ownPath)
    }
    log("\(own.count) positions (asked for \(settings.positions))")
    // 2. Stockfish's labels for the same positions.
    var sf: [TrainingRecord]
    if FileManager.default.fileExists(atPath: sfPath) {
      sf = try TrainingData.read(sfPath)
    } else {
      let total = own.count
      let t0 = ContinuousClock.now
      sf = try Labeler.labelParallel(
        own, engine: settings.stockfish, limits: SearchLimits(nodes: settings.stockfishNodes),
        workers: settings.workers
      ) { [progress] done in
        let s = Double((ContinuousClock.now - t0).components.seconds) + 1e-9
        progress("stockfish labels: \(done)/\(total) (\(Int(Double(done) / s))/s)")
      }
      try TrainingData.writeExclusive(sf, to: sfPath)
    }
    guard sf.count == own.count else { throw NNUEError("\(sfPath) does not match \(ownPath)") }
    let a = own.map { Double($0.score) }, b = sf.map { Double($0.score) }
    let diff = zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(max(a.count, 1))
    let corr = correlation(a, b)
    log(String(format: "labels: mean |ours - stockfish| %.0f cp, correlation %.3f", diff, corr))
    // 3. Train both the same way.
    var nets: [String: (String, [TrainMetrics])] = [:]
    for (name, records) in [("selfplay", own), ("stockfish", sf)] {
      let trainer = try NNUETrainer(
        settings: settings.train, records: records, out: out + "/train-" + name, resume: true)
      trainer.progress = { [progress] e, done, total, loss in
        progress("\(name): epoch \(e)/\(epochsTotal) \(done)/\(total) loss \(String(format: "%.5f", loss))")
      }
      trainer.log = { [log] in log("\(name): \($0)") }
      _ = try trainer.run()
      let metrics = try readMetrics(trainer.metricsPath)
      let net = out + "/\(name).nnue"
      try QuantizedNNUE.load(trainer.quantizedPath).save(to: net)
      nets[name] = (net, metrics)
    }
    // 4. Arena.
    let openings = try EngineMatches.openings(settings.openings)
    let tc: TimeControl
    do throws(NotationError) { tc = try TimeControl(parsing: settings.timeControl) } catch {
      throw NNUEError(error.message)
    }
    let selfSpec = Matches.nnue("selfplay-net", file: nets["selfplay"]!.0)
    let sfSpec = Matches.nnue("stockfish-net", file: nets["stockfish"]!.0)
    let arenaPath = out + "/arena.json"
    var matches: [MatchRecord]
    if let done = try RunFiles.readJSON(ArenaResults.self, from: arenaPath) {
      matches = done.matches
    } else {
      matches = try EngineMatches.playConcurrently(
        [(selfSpec, Matches.handcrafted), (sfSpec, Matches.handcrafted)], games: settings.arenaGames,
        timeControl: tc, openings: openings
      ) { [progress] k, s, n in
        progress("arena \(k == 0 ? "selfplay" : "stockfish")-net vs handcrafted \(n): \(s.summary)")
      }
      matches += try EngineMatches.playConcurrently(
        [(sfSpec, selfSpec)], games: settings.arenaGames, timeControl: tc, openings: openings
      ) { [progress] _, s, n in progress("arena stockfish-net vs selfplay-net \(n): \(s.summary)") }
      try RunFiles.writeJSON(ArenaResults(matches: matches), to: arenaPath)
    }
    let summary = CompareSummary(
      positions: own.count, labelDifference: diff, labelCorrelation: corr, selfPlay: nets["selfplay"]!.1,
      stockfish: nets["stockfish"]!.1, selfPlayVsHandcrafted: matches[0], stockfishVsHandcrafted: matches[1],
      stockfishVsSelfPlay: matches[2])
    try RunFiles.writeJSON(summary, to: out + "/summary.json")
    try RunFiles.write(Data(Comparison.table(summary, settings: settings).utf8), to: out + "/compare.md")
    let svg = SVGPlot.lines(
      title: "NNUE: self-play labels vs Stockfish 15.1 labels (\(own.count) positions)", xLabel: "epoch",
      yLabel: "validation loss",
      series: [
        ("self-play labels", summary.selfPlay.map { Double($0.epoch) }, summary.selfPlay.map(\.validationLoss)),
        ("Stockfish labels", summary.stockfish.map { Double($0.epoch) }, summary.stockfish.map(\.validationLoss)),
      ])
    try RunFiles.write(Data(svg.utf8), to: out + "/compare.svg")
    return summary
  }

  func readMetrics(_ path: String) throws -> [TrainMetrics] { try JSONLines<TrainMetrics>(path: path).read() }

  /// The markdown table.
  public static func table(_ s: CompareSummary, settings: CompareSettings) -> String {
    func row(_ name: String, _ m: [TrainMetrics], _ vsHand: MatchRecord) -> String {
      let best = m.min { $0.validationLoss < $1.validationLoss }
      return "| \(name) | \(String(format: "%.5f", best?.validationLoss ?? .nan)) | "
        + "\(String(format: "%.0f", best?.validationCpError ?? .nan)) | \(vsHand.summary) |"
    }
    return """
      # NNUE: self-play labels vs Stockfish 15.1 labels

      \(s.positions) positions from self-play games; the same positions scored by our own search
      (\(settings.gen.nodes.map { "\($0) nodes" } ?? "depth \(settings.gen.depth ?? 0)")) and by Stockfish 15.1 (\(settings.stockfishNodes) nodes). Game results are the same in both.
      Labels differ by \(String(format: "%.0f", s.labelDifference)) cp on average (correlation \(String(format: "%.3f", s.labelCorrelation))).
      Both nets: \(settings.train.spec), \(settings.train.epochs) epochs, λ = \(settings.train.lambda), \(settings.train.initializer) init, seed \(settings.train.seed).
      Arena: \(settings.arenaGames) games a match at \(settings.timeControl), Elo from the net's side with its 95 % interval.
      Validation loss is measured against each net's own labels (so it says how learnable they are, not who is right).

      | labels | best validation loss | validation |cp error| | vs handcrafted |
      |---|---|---|---|
      \(row("self-play (ours)", s.selfPlay, s.selfPlayVsHandcrafted))
      \(row("Stockfish 15.1", s.stockfish, s.stockfishVsHandcrafted))

      Stockfish-labelled net vs self-play-labelled net: \(s.stockfishVsSelfPlay.summary)

      """
  }
}

/// `OUT/arena.json`: the comparison's three matches, in an object so that the file carries its
/// checksum (`RunFiles.writeJSON`); a file written before, a bare list of them, still reads.
struct ArenaResults: Codable {
  var matches: [MatchRecord]

  init(matches: [MatchRecord]) { self.matches = matches }

  init(from decoder: any Decoder) throws {
    if let list = try? decoder.singleValueContainer().decode([MatchRecord].self) {
      matches = list
    } else {
      matches = try decoder.container(keyedBy: CodingKeys.self).decode([MatchRecord].self, forKey: .matches)
    }
  }
}

/// Pearson correlation.
func correlation(_ a: [Double], _ b: [Double]) -> Double {
  let n = Double(a.count)
  guard n > 1 else { return 0 }
  let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
  var sab = 0.0, saa = 0.0, sbb = 0.0
  for i in a.indices {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) * (a[i] - ma)
    sbb += (b[i] - mb) * (b[i] - mb)
  }
  return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
}
