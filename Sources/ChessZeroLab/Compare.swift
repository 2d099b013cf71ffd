import AlphaZero
import Chess
import ChessZero
import Engines
import Foundation
import GameCore
import LabKit
import NeuralCore

/// The three ways of training a chess network that `ChessCompare` sets side by side.
public enum ChessMethod: String, Codable, CaseIterable, Sendable {
  /// Supervised training on the comparison's data for the whole budget.
  case supervised
  /// Supervised training for the first half of the budget (the supervised run's snapshot at
  /// the hand-off), then self-play from that network for the rest.
  case supervisedThenSelfPlay = "supervised+selfplay"
  /// Self-play from the untrained network for the whole budget.
  case selfPlay = "selfplay"

  /// The folder of the method's own training run under `DIR/runs/`.
  var folder: String {
    switch self {
    case .supervised: return "supervised"
    case .supervisedThenSelfPlay: return "supervised-selfplay"
    case .selfPlay: return "selfplay"
    }
  }
}

/// What a chess comparison was asked to do, saved as `DIR/settings.json`: a resumed
/// comparison must be given the same settings, or it is refused.
public struct ChessCompareSettings: Codable, Sendable, Equatable {
  /// The network, optimizer and self-play settings every run shares (and the seed).
  public var config: ZeroConfig
  /// Seconds of training time of each method; `nil` with `iterations`.
  public var budget: Double?
  /// Instead of a time budget, each segment is this many measurements (supervised) or
  /// iterations (self-play), so the comparison depends on the seed alone.
  public var iterations: Int?
  /// Segments each method is trained in, with a network snapshot after each.
  public var snapshots: Int = 4
  /// The supervised data: PGN or `nnue gen` data files, or folders of them.
  public var data: [String]
  public var lambda: Float = 0.5
  public var holdout: Double = 0.05
  public var validation: Int = 1024
  public var ladder = LadderSettings()
  /// The openings file of the ladder's games; `nil`: the start position only.
  public var openings: String?

  public init(config: ZeroConfig, budget: Double?, iterations: Int? = nil, data: [String]) {
    self.config = config
    self.budget = budget
    self.iterations = iterations
    self.data = data
  }

  /// The segment after which supervised+selfplay leaves supervised training for self-play.
  public var handOff: Int { snapshots / 2 }

  /// The one-line problem with these settings, or `nil`.
  public var problem: String? {
    if budget == nil && iterations == nil { return "give a budget or iterations" }
    if let budget, !(budget > 0 && budget.isFinite) { return "the budget must be positive" }
    if let iterations, iterations <= 0 { return "iterations must be positive" }
    if snapshots < 2 { return "snapshots must be at least 2 (the hand-off is at the middle one)" }
    if data.isEmpty { return "the comparison needs supervised data" }
    if ladder.games <= 0 || ladder.simulations <= 0 { return "ladder games and simulations must be positive" }
    if ladder.opponents.isEmpty { return "the ladder needs at least one opponent" }
    if Set(ladder.opponents).count != ladder.opponents.count { return "an opponent is named twice" }
    return nil
  }
}

/// A network saved during a comparison: the untrained network (segment 0), or a method's
/// network after a segment, with the training seconds and positions behind it. One line of
/// `DIR/snapshots.jsonl`.
public struct ChessSnapshot: Codable, Sendable, Equatable {
  /// A method's raw value, or `untrained`.
  public var method: String
  public var segment: Int
  /// Training seconds behind the network (supervised+selfplay: both parts).
  public var seconds: Double
  /// Training positions seen (minibatch samples; supervised+selfplay: both parts).
  public var positions: Int
  /// Self-play games played (0 for supervised training).
  public var games: Int
  /// The network file, relative to the comparison folder (snapshots before the hand-off of
  /// supervised+selfplay share the supervised run's files).
  public var file: String

  public init(method: String, segment: Int, seconds: Double, positions: Int, games: Int, file: String) {
    self.method = method
    self.segment = segment
    self.seconds = seconds
    self.positions = positions
    self.games = games
    self.file = file
  }

  /// `untrained`, or `METHOD-SEGMENT`.
  public var name: String { segment == 0 ? "untrained" : "\(method)-\(segment)" }
}

/// One line of `DIR/ladder.jsonl`: a snapshot's match against one opponent.
public struct ChessLadderLine: Codable, Sendable, Equatable {
  public var snapshot: String
  public var method: String
  public var segment: Int
  public var seconds: Double
  public var positions: Int
  public var opponent: String
  public var match: MatchRecord

  public init(_ s: ChessSnapshot, opponent: String, match: MatchRecord) {
    snapshot = s.name
    method = s.method
    segment = s.segment
    seconds = s.seconds
    positions = s.positions
    self.opponent = opponent
    self.match = match
  }
}

/// Supervised only, supervised then self-play, and self-play from zero, at equal training
/// time, each measured in Elo against fixed opponents (`Ladder`).
///
/// Each method's run is advanced in `snapshots` segments (`ChessRuns`: a run resumed with a
/// larger budget continues, its earlier time counted), its network copied aside after each;
/// supervised+selfplay reuses the supervised run's snapshots up to the hand-off (half the
/// budget) and continues from that network by self-play. Then every snapshot, and the
/// untrained network all three start from, plays the ladder. Everything lands in the
/// comparison folder: `settings.json`, `runs/<method>/` (each run's checkpoint and
/// `metrics.jsonl`), `snapshots/`, `snapshots.jsonl`, `ladder.jsonl`, `report.md` and SVG
/// plots. Killed at any moment and rerun with `resume`, it skips finished segments and
/// measured snapshots.
public enum ChessCompare {
  public typealias Progress = @Sendable (String) -> Void

  /// Runs (or resumes) the comparison in `dir`; returns the report.
  @discardableResult
  public static func run(
    _ settings: ChessCompareSettings, dir: String, resume: Bool, concurrently: Bool = true,
    progress: Progress? = nil
  ) throws -> String {
    if let p = settings.problem { throw NeuralError(p) }
    let fm = FileManager.default
    let settingsPath = dir + "/settings.json"
    if let saved = try RunFiles.readJSON(ChessCompareSettings.self, from: settingsPath) {
      guard resume else { throw NeuralError("\(dir) already holds a comparison: resume it, or use another run folder") }
      guard saved == settings else {
        throw NeuralError("\(dir) holds a comparison with other settings: resume it with the same options")
      }
    } else if fm.fileExists(atPath: dir + "/runs") || fm.fileExists(atPath: dir + "/snapshots.jsonl") {
      throw NeuralError("\(dir) holds runs but no settings.json: use another run folder")
    }
    for o in settings.ladder.opponents { _ = try Ladder.opponent(o) }
    let openings = try EngineMatches.openings(settings.openings)
    // The data is read before the folder is made, so bad data leaves nothing behind.
    let made = try JSONLines<ChessSnapshot>(path: dir + "/snapshots.jsonl").read()
    var data: ChessSupervisedData?
    if (1...settings.snapshots).contains(where: { k in !made.contains { $0.method == "supervised" && $0.segment == k } }
    ) {
      data = try ChessSupervisedData.load(settings.data, lambda: settings.lambda) { progress?($0) }
    }
    try fm.createDirectory(atPath: dir + "/snapshots", withIntermediateDirectories: true)
    try RunFiles.writeJSON(settings, to: settingsPath)
    let snapshots = try train(settings, dir: dir, data: data, progress: progress)
    let lines = try measure(
      settings, snapshots: snapshots, dir: dir, openings: openings, concurrently: concurrently, progress: progress)
    let summary = try RunFiles.readJSON(ChessDataSummary.self, from: dir + "/runs/supervised/data.json")
    let report = markdown(settings, snapshots: snapshots, ladder: lines, data: summary, host: Host.current())
    try RunFiles.write(text: report, to: dir + "/report.md")
    try plots(settings, snapshots: snapshots, ladder: lines, dir: dir)
    return report
  }

  /// The files `run` writes at the top of the comparison folder.
  public static func written(_ settings: ChessCompareSettings) -> [String] {
    ["settings.json", "snapshots.jsonl", "ladder.jsonl", "report.md"] + plotNames(settings).flatMap { [$0.0, $0.1] }
  }

  // MARK: Training

  /// Trains every method segment by segment, skipping the segments `snapshots.jsonl` already
  /// holds; returns every snapshot, the untrained network's first.
  /// `data` is the supervised data when already loaded (else it is loaded when needed).
  public static func train(
    _ settings: ChessCompareSettings, dir: String, data loaded: ChessSupervisedData? = nil, progress: Progress? = nil
  ) throws -> [ChessSnapshot] {
    let log = JSONLines<ChessSnapshot>(path: dir + "/snapshots.jsonl")
    var all = try log.read()
    func done(_ method: String, _ segment: Int) -> ChessSnapshot? {
      all.first { $0.method == method && $0.segment == segment }
    }
    func keep(_ s: ChessSnapshot) throws {
      try log.append(s)
      all.append(s)
    }
    /// Copies a run's final network aside, atomically.
    func copy(_ run: String, to file: String) throws {
      guard let data = try RunFiles.contents(of: run + "/network.safetensors") else {
        throw NeuralError("\(run)/network.safetensors is missing")
      }
      try RunFiles.write(data, to: dir + "/" + file)
    }
    let config = settings.config, k = settings.snapshots
    if done("untrained", 0) == nil {
      let learner = try Learner(config: config, encoding: ChessEncoding(), spec: try ChessRuns.spec(config))
      let spec = learner.network.spec
      try Checkpoint.save(
        &learner.network, spec: spec, metadata: ["zerolab.run": "untrained"],
        to: dir + "/snapshots/untrained.safetensors")
      try keep(
        ChessSnapshot(
          method: "untrained", segment: 0, seconds: 0, positions: 0, games: 0, file: "snapshots/untrained.safetensors"))
    }
    func budget(_ segments: Int) -> Double? { settings.budget.map { $0 * Double(segments) / Double(k) } }
    func iterations(_ segments: Int) -> Int? { settings.iterations.map { $0 * segments } }
    func say(_ m: ChessMethod, _ s: Int) -> Runs.Progress? {
      guard let progress else { return nil }
      let prefix = "\(m.rawValue) \(s)/\(k): "
      return { line in progress(prefix + line) }
    }

    // Supervised: K segments on the data (loaded once, only when a segment is left).
    var data = loaded
    let sup = ChessMethod.supervised
    for s in 1...k where done(sup.rawValue, s) == nil {
      if data == nil {
        data = try ChessSupervisedData.load(settings.data, lambda: settings.lambda) { progress?($0) }
      }
      let run = dir + "/runs/" + sup.folder
      let r = try ChessRuns.supervised(
        config: config, data: data!, lambda: settings.lambda, holdout: settings.holdout,
        validation: settings.validation, dir: run, iterations: iterations(s), budget: budget(s), resume: true,
        progress: say(sup, s))
      let file = "snapshots/\(sup.rawValue)-\(s).safetensors"
      try copy(run, to: file)
      let m = r.measurements.last!
      try keep(
        ChessSnapshot(
          method: sup.rawValue, segment: s, seconds: m.wallSeconds, positions: m.positionsSeen, games: 0, file: file))
    }

    // Self-play, from zero (`selfplay`) and from the supervised snapshot at the hand-off.
    let h = settings.handOff
    let both = ChessMethod.supervisedThenSelfPlay
    let start = done(sup.rawValue, h)!
    for s in 1...h where done(both.rawValue, s) == nil {
      var shared = done(sup.rawValue, s)!
      shared.method = both.rawValue
      try keep(shared)
    }
    for (m, first, base) in [(both, h + 1, start), (ChessMethod.selfPlay, 1, done("untrained", 0)!)] {
      guard first <= k else { continue }
      for s in first...k where done(m.rawValue, s) == nil {
        let run = dir + "/runs/" + m.folder
        let r = try ChessRuns.selfPlay(
          config: config, dir: run, iterations: iterations(s - first + 1), budget: budget(s - first + 1), resume: true,
          from: m == both ? dir + "/" + start.file : nil, progress: say(m, s))
        let file = "snapshots/\(m.rawValue)-\(s).safetensors"
        try copy(run, to: file)
        let last = r.measurements.last!
        try keep(
          ChessSnapshot(
            method: m.rawValue, segment: s, seconds: base.seconds + last.wallSeconds,
            positions: base.positions + last.positionsSeen, games: base.games + last.gamesPlayed, file: file))
      }
    }
    return ordered(all, settings)
  }

  /// The untrained snapshot, then each method's in segment order.
  static func ordered(_ all: [ChessSnapshot], _ settings: ChessCompareSettings) -> [ChessSnapshot] {
    let methods = ["untrained"] + ChessMethod.allCases.map(\.rawValue)
    return all.filter { $0.segment <= settings.snapshots && methods.contains($0.method) }.sorted {
      (methods.firstIndex(of: $0.method)!, $0.segment) < (methods.firstIndex(of: $1.method)!, $1.segment)
    }
  }

  // MARK: The ladder

  /// Plays the ladder on every snapshot against every opponent not yet in `ladder.jsonl`
  /// (a network shared by two snapshots is measured once); returns every line.
  public static func measure(
    _ settings: ChessCompareSettings, snapshots: [ChessSnapshot], dir: String, openings: [ChessPosition],
    concurrently: Bool = true, progress: Progress? = nil
  ) throws -> [ChessLadderLine] {
    let log = JSONLines<ChessLadderLine>(path: dir + "/ladder.jsonl")
    var lines = try log.read()
    let files = Dictionary(snapshots.map { ($0.name, $0.file) }, uniquingKeysWith: { a, _ in a })
    var known: [String: MatchRecord] = [:]
    for l in lines { if let f = files[l.snapshot] { known[f + " " + l.opponent] = l.match } }
    for (n, s) in snapshots.enumerated() {
      let missing = settings.ladder.opponents.filter { o in
        !lines.contains { $0.snapshot == s.name && $0.opponent == o }
      }
      let need = missing.filter { known[s.file + " " + $0] == nil }
      if !need.isEmpty {
        var ladder = settings.ladder
        ladder.opponents = need
        let p = progress
        let records = try Ladder.measure(
          weights: dir + "/" + s.file, name: s.name, settings: ladder, openings: openings, concurrently: concurrently
        ) { line in p?("ladder \(n + 1)/\(snapshots.count): " + line) }
        for (o, r) in zip(need, records) { known[s.file + " " + o] = r }
      }
      for o in missing {
        let line = ChessLadderLine(s, opponent: o, match: known[s.file + " " + o]!)
        try log.append(line)
        lines.append(line)
      }
    }
    return lines
  }

  // MARK: The report

  /// The machine a comparison ran on, for the report.
  public struct Host: Sendable {
    public var cpu: String
    public var cores: Int
    public init(cpu: String, cores: Int) {
      self.cpu = cpu
      self.cores = cores
    }
    /// This machine: its CPU's name (the first `model name` of `/proc/cpuinfo`, else
    /// "unknown CPU") and the cores this process may use.
    public static func current() -> Host {
      Host(
        cpu: modelName((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "") ?? "unknown CPU",
        cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The first `model name` line's value in the text of `/proc/cpuinfo`.
    public static func modelName(_ cpuinfo: String) -> String? {
      guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
        let colon = line.firstIndex(of: ":")
      else { return nil }
      let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      return name.isEmpty ? nil : name
    }
  }

  static func methodName(_ m: String) -> String {
    switch m {
    case "selfplay": return "self-play from zero"
    case "supervised+selfplay": return "supervised, then self-play"
    case "supervised": return "supervised only"
    default: return "untrained network"
    }
  }

  static func elo(_ x: Double?, infinite: String) -> String { x.map { String(format: "%+.0f", $0 + 0) } ?? infinite }

  /// `+120 [+40, +210] (+14 =3 -3)`; an infinite value as ±∞.
  public static func cell(_ r: MatchRecord) -> String {
    let e = elo(r.elo, infinite: r.score > 0.5 ? "+∞" : "-∞")
    return
      "\(e) [\(elo(r.eloLow, infinite: "-∞")), \(elo(r.eloHigh, infinite: "+∞"))] (+\(r.wins) =\(r.draws) -\(r.losses))"
  }

  static func match(_ lines: [ChessLadderLine], _ s: ChessSnapshot, _ o: String) -> MatchRecord? {
    lines.first { $0.snapshot == s.name && $0.opponent == o }?.match
  }

  static func seconds(_ x: Double) -> String { String(format: "%.1f", x) }

  /// The report: what was compared, the final Elo of each method against each opponent with
  /// its 95 % interval, every snapshot's Elo (the curves' data), and notes on reading them.
  public static func markdown(
    _ settings: ChessCompareSettings, snapshots: [ChessSnapshot], ladder: [ChessLadderLine],
    data: ChessDataSummary?, host: Host
  ) -> String {
    let c = settings.config, k = settings.snapshots, h = settings.handOff, l = settings.ladder
    let opponents = l.opponents
    var r = "# Supervised, supervised then self-play, and self-play from zero: chess\n\n"
    r += "The same policy-value network (\(c.blocks) residual block\(c.blocks == 1 ? "" : "s") of \(c.channels) "
    r += "channels, \(c.activation), \(c.initializer), seed \(c.seed)) is trained three ways from the same untrained "
    r += "weights, "
    if let b = settings.budget {
      r +=
        "each for \(String(format: "%g", b)) s of training time in \(k) segments of \(String(format: "%g", b / Double(k))) s"
    } else {
      r += "each in \(k) segments of \(settings.iterations!) measurements (supervised) or iterations (self-play)"
    }
    r += ", with a snapshot of the network after every segment:\n\n"
    r += "- **supervised only**: minibatches of \(c.batchSize) drawn from the data below, \(c.trainSteps) steps "
    r += "between measurements, learning rate \(String(format: "%g", c.learningRate));\n"
    r += "- **supervised, then self-play**: the supervised run's network after segment \(h) of \(k) (half the budget), "
    r += "then self-play from it for the remaining \(k - h) segments;\n"
    r += "- **self-play from zero**: \(c.gamesPerIteration) games per iteration at \(c.simulations) simulations "
    r += "per move (\(c.search) root), \(c.trainSteps) steps per iteration, games stopped at \(c.maxPlies ?? 200) "
    r += "plies as draws.\n\n"
    r += "**Data**: \(settings.data.joined(separator: ", "))"
    if let d = data {
      r += ": \(d.positions) positions (\(d.training) trained on, \(d.heldOut) held out), value target λ "
      r += "\(String(format: "%g", d.lambda)) of the search score and the rest the game result"
    }
    r += ".\n\n"
    r += "**Ladder**: every snapshot plays \(l.games) games (colours alternating, each opening twice"
    r += settings.openings.map { ", openings from \($0)" } ?? ", from the start position"
    r += ") against each of \(opponents.map { "`\($0)`" }.joined(separator: ", ")), with \(l.simulations) "
    r += "simulations a move and a \(l.timeControl) clock. Elo is the network's over the opponent, with its 95 % "
    r += "interval.\n\n"
    r += "**Machine**: \(host.cpu), \(host.cores) core\(host.cores == 1 ? "" : "s").\n\n"

    r += "## Final Elo\n\n"
    r += "Each method's last snapshot; the untrained network is where all three start.\n\n"
    r += "| method | trained (s) | positions | " + opponents.map { "vs \($0)" }.joined(separator: " | ") + " |\n"
    r += "|---|---|---|" + String(repeating: "---|", count: opponents.count) + "\n"
    let finals = ["untrained"] + ChessMethod.allCases.map(\.rawValue)
    for m in finals {
      guard let s = snapshots.last(where: { $0.method == m }) else { continue }
      r += "| \(methodName(m)) | \(seconds(s.seconds)) | \(s.positions) | "
      r += opponents.map { o in match(ladder, s, o).map(cell) ?? "not measured" }.joined(separator: " | ") + " |\n"
    }
    r += "\nA cell reads: Elo [95 % interval] (+wins =draws -losses).\n\n"

    r += "## Curves\n\n"
    r += "Every snapshot, the data of the figures below. Seconds and positions of supervised, then self-play "
    r += "count both parts; its first \(h == 1 ? "snapshot is" : "\(h) snapshots are") the supervised run's.\n\n"
    for m in ChessMethod.allCases {
      r += "### \(methodName(m.rawValue))\n\n"
      r +=
        "| snapshot | trained (s) | positions | games | " + opponents.map { "vs \($0)" }.joined(separator: " | ")
        + " |\n"
      r += "|---|---|---|---|" + String(repeating: "---|", count: opponents.count) + "\n"
      for s in snapshots where s.method == m.rawValue || s.method == "untrained" {
        r += "| \(s.name) | \(seconds(s.seconds)) | \(s.positions) | \(s.games) | "
        r += opponents.map { o in match(ladder, s, o).map(cell) ?? "not measured" }.joined(separator: " | ") + " |\n"
      }
      r += "\n"
    }

    r += "## Figures\n\n"
    for (o, (time, positions)) in zip(opponents, plotNames(settings)) {
      r += "![Elo against \(o) over training time](\(time))\n\n"
      r += "![Elo against \(o) over training positions](\(positions))\n\n"
    }
    r += "Each method is a line (colour and dash pattern), from the untrained network at 0.\n\n"

    r += "## Reading it\n\n"
    let infinite = ladder.contains { $0.match.elo == nil }
    r += "- **Infinite Elo**: when a network wins or loses every game against an opponent its Elo is +∞ or -∞ "
    r += "and the interval is open on that side"
    r +=
      infinite
      ? " (there are such cells above); the figures draw them clipped at the edge, on the dashed grey lines marked ±∞.\n"
      : ".\n"
    r += "- **Equal time**: a run checks its budget between measurements (supervised) or iterations (self-play), so "
    r += "a segment ends after the step that crosses it; the seconds above are the time actually trained, "
    r += "measurements on held-out positions included.\n"
    r += "- **Positions** are training samples drawn into minibatches; self-play spends most of its time "
    r += "playing games, so it sees fewer per second than supervised training.\n"
    r += "- **Intervals**: \(l.games) games give wide intervals; differences inside them are not evidence. Elo is "
    r += "relative to each opponent, not an absolute rating (except roughly against `stockfish-1350`).\n"
    r += "- The runs' own measurements (loss; held-out top-1 and policy cross-entropy for supervised training) are "
    r += "in `runs/*/metrics.jsonl`; the ladder's lines in `ladder.jsonl`.\n"
    return r
  }

  /// A name for file names: letters, digits, `-` and `_` kept, anything else `_`.
  static func fileSafe(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
  }

  /// The two plots of each opponent: Elo against time, Elo against positions.
  public static func plotNames(_ settings: ChessCompareSettings) -> [(String, String)] {
    settings.ladder.opponents.map { o in ("elo_vs_time_\(fileSafe(o)).svg", "elo_vs_positions_\(fileSafe(o)).svg") }
  }

  /// The Elo plots: per opponent, every method's line from the untrained network on, against
  /// training seconds and against positions; infinite values drawn at a clip value marked by
  /// a reference line.
  public static func plots(
    _ settings: ChessCompareSettings, snapshots: [ChessSnapshot], ladder: [ChessLadderLine], dir: String
  ) throws {
    let untrained = snapshots.first { $0.method == "untrained" }
    for (o, (timeFile, positionsFile)) in zip(settings.ladder.opponents, plotNames(settings)) {
      let finite = ladder.filter { $0.opponent == o }.compactMap(\.match.elo)
      let clip = max(800, ((finite.map(abs).max() ?? 0) / 100 + 2).rounded(.down) * 100)
      var clipped: Set<Double> = []
      func y(_ s: ChessSnapshot) -> Double? {
        guard let r = match(ladder, s, o) else { return nil }
        if let e = r.elo { return e }
        let v = r.score > 0.5 ? clip : -clip
        clipped.insert(v)
        return v
      }
      var series: [(String, [(Double, Double, Double)])] = []
      for m in ChessMethod.allCases {
        let points = ([untrained].compactMap { $0 } + snapshots.filter { $0.method == m.rawValue }).compactMap { s in
          y(s).map { (s.seconds, Double(s.positions), $0) }
        }
        if !points.isEmpty { series.append((methodName(m.rawValue), points)) }
      }
      let references = clipped.sorted(by: >).map { v in
        SVGPlot.Reference(
          v > 0 ? "+∞ (every game won), drawn at +\(Int(v))" : "-∞ (every game lost), drawn at \(Int(v))", y: v)
      }
      for (file, x, xLabel, title) in [
        (timeFile, 0, "training time (s)", "over training time"),
        (positionsFile, 1, "training positions seen", "over training positions"),
      ] {
        let svg = SVGPlot.lines(
          title: "Chess: Elo against \(o) \(title)", xLabel: xLabel, yLabel: "Elo against \(o)",
          series: series.map { s in (s.0, s.1.map { x == 0 ? $0.0 : $0.1 }, s.1.map(\.2)) }, references: references)
        try RunFiles.write(text: svg, to: dir + "/" + file)
      }
    }
  }
}
