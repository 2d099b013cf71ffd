import AlphaZero
import Chess
import ChessZero
import ChessZeroLab
import Engines
import Foundation
import GameCore
import LabKit
import NeuralCore
import Testing

/// The chess comparison: its segments and snapshots, resume, and the report.
@Suite struct CompareTests {
  static let pgn = """
    [Result "1-0"]

    1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# 1-0

    [Result "0-1"]

    1. f3 e5 2. g4 Qh4# 0-1

    [Result "1/2-1/2"]

    1. d4 d5 2. c4 e6 3. Nc3 Nf6 4. Bg5 Be7 1/2-1/2

    [Result "1-0"]

    1. e4 c5 2. Nf3 d6 3. d4 cxd4 4. Nxd4 Nf6 1-0

    """

  static func folder(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.path + "/zerolab-cmp-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// A tiny comparison: 2 segments of 1 measurement or iteration each, 2 ladder games against
  /// the random mover.
  static func settings(data: String) -> ChessCompareSettings {
    var c = ZeroConfig()
    c.size = "8x8"
    c.blocks = 1
    c.channels = 8
    c.batchSize = 8
    c.trainSteps = 2
    c.gamesPerIteration = 2
    c.simulations = 4
    c.maxPlies = 8
    c.mirror = false
    c.seed = 3
    var s = ChessCompareSettings(config: c, budget: nil, iterations: 1, data: [data])
    s.snapshots = 2
    s.holdout = 0.5
    s.ladder.games = 2
    s.ladder.simulations = 4
    s.ladder.opponents = ["random"]
    return s
  }

  @Test func segmentsSnapshotsAndResume() throws {
    let dir = try Self.folder("run")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Data(Self.pgn.utf8).write(to: URL(fileURLWithPath: dir + "/games.pgn"))
    let settings = Self.settings(data: dir + "/games.pgn")
    let out = dir + "/cmp"
    let report = try ChessCompare.run(settings, dir: out, resume: false, concurrently: false)
    let snaps = try JSONLines<ChessSnapshot>(path: out + "/snapshots.jsonl").read()
    #expect(snaps.count == 7)
    func snap(_ m: String, _ k: Int) -> ChessSnapshot? { snaps.first { $0.method == m && $0.segment == k } }
    #expect(snap("untrained", 0)?.seconds == 0)
    for m in ["supervised", "supervised+selfplay", "selfplay"] {
      for k in 1...2 {
        let s = try #require(snap(m, k))
        #expect(FileManager.default.fileExists(atPath: out + "/" + s.file))
        #expect(s.seconds > 0 && s.positions > 0)
      }
    }
    // Before the hand-off supervised+selfplay is the supervised network; after it, self-play
    // from there, its time and positions counted on top of the supervised part.
    #expect(snap("supervised+selfplay", 1)?.file == snap("supervised", 1)?.file)
    #expect(snap("supervised+selfplay", 2)!.seconds > snap("supervised", 1)!.seconds)
    #expect(snap("supervised+selfplay", 2)!.positions > snap("supervised", 1)!.positions)
    #expect(snap("supervised+selfplay", 2)!.games > 0 && snap("supervised", 2)!.games == 0)
    #expect(snap("supervised", 2)!.positions > snap("supervised", 1)!.positions)
    let ladder = JSONLines<ChessLadderLine>(path: out + "/ladder.jsonl")
    let lines = try ladder.read()
    #expect(lines.count == 7 && lines.allSatisfy { $0.opponent == "random" && $0.match.games == 2 })
    // The shared network was measured once: both lines hold the same match.
    let shared = lines.filter { $0.segment == 1 && $0.method != "selfplay" }
    #expect(shared.count == 2 && shared[0].match == shared[1].match)
    #expect(report.contains("## Final Elo"))
    for f in ChessCompare.written(settings) { #expect(FileManager.default.fileExists(atPath: out + "/" + f)) }

    // A second start in the same folder is refused; so is a resume with other settings.
    #expect(throws: NeuralError.self) { try ChessCompare.run(settings, dir: out, resume: false) }
    var other = settings
    other.ladder.games = 4
    #expect(throws: NeuralError.self) { try ChessCompare.run(other, dir: out, resume: true) }

    // Killed after the last segment's snapshot and before the ladder's last lines: the resume
    // trains nothing again and measures only what is missing.
    try ladder.rewrite(Array(lines.prefix(5)))
    let before = try Data(contentsOf: URL(fileURLWithPath: out + "/snapshots.jsonl"))
    let metrics = try Data(contentsOf: URL(fileURLWithPath: out + "/runs/selfplay/metrics.jsonl"))
    try ChessCompare.run(settings, dir: out, resume: true, concurrently: false)
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/snapshots.jsonl")) == before)
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/runs/selfplay/metrics.jsonl")) == metrics)
    let again = try ladder.read()
    #expect(again.count == 7 && Array(again.prefix(5)) == Array(lines.prefix(5)))
    #expect(Set(again.map(\.snapshot)).count == 7)
  }

  @Test func resumeFinishesAMissingSegment() throws {
    let dir = try Self.folder("segment")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Data(Self.pgn.utf8).write(to: URL(fileURLWithPath: dir + "/games.pgn"))
    let settings = Self.settings(data: dir + "/games.pgn")
    let out = dir + "/cmp"
    try ChessCompare.run(settings, dir: out, resume: false, concurrently: false)
    // The last self-play segment forgotten: the resume makes it again from the run's
    // checkpoint (already at its budget, so no further iteration) and measures it.
    let log = JSONLines<ChessSnapshot>(path: out + "/snapshots.jsonl")
    let snaps = try log.read()
    try log.rewrite(Array(snaps.dropLast()))
    let ladder = JSONLines<ChessLadderLine>(path: out + "/ladder.jsonl")
    try ladder.rewrite(try ladder.read().filter { $0.snapshot != snaps.last!.name })
    try ChessCompare.run(settings, dir: out, resume: true, concurrently: false)
    let after = try log.read()
    #expect(after.count == 7 && after.last == snaps.last)
    #expect(try ladder.read().count == 7)
  }

  static func record(_ name: String, wins: Int, draws: Int, losses: Int) -> MatchRecord {
    MatchRecord(
      a: name, b: "x", timeControl: "120+1", score: MatchScore(wins: wins, draws: draws, losses: losses))
  }

  @Test func reportTablesWithIntervals() throws {
    var settings = Self.settings(data: "games.pgn")
    settings.ladder.opponents = ["random", "alphabeta-d1"]
    var snaps = [ChessSnapshot(method: "untrained", segment: 0, seconds: 0, positions: 0, games: 0, file: "u")]
    for m in ChessMethod.allCases {
      for k in 1...2 {
        snaps.append(
          ChessSnapshot(
            method: m.rawValue, segment: k, seconds: Double(k) * 5, positions: k * 100, games: 0, file: "\(m)\(k)"))
      }
    }
    var lines: [ChessLadderLine] = []
    for s in snaps {
      lines.append(ChessLadderLine(s, opponent: "random", match: Self.record(s.name, wins: 6, draws: 2, losses: 2)))
      lines.append(
        ChessLadderLine(s, opponent: "alphabeta-d1", match: Self.record(s.name, wins: 0, draws: 0, losses: 10)))
    }
    let host = ChessCompare.Host(cpu: "Test CPU", cores: 2)
    let md = ChessCompare.markdown(settings, snapshots: snaps, ladder: lines, data: nil, host: host)
    #expect(md.contains("| method | trained (s) | positions | vs random | vs alphabeta-d1 |"))
    let finite = ChessCompare.cell(Self.record("a", wins: 6, draws: 2, losses: 2))
    #expect(finite.hasPrefix("+") && finite.contains(" [") && finite.contains("(+6 =2 -2)"))
    #expect(md.contains("| supervised only | 10.0 | 200 | \(finite) | -∞ [-∞, "))
    #expect(md.contains("| self-play from zero | 10.0 | 200 |"))
    #expect(md.contains("| supervised, then self-play | 10.0 | 200 |"))
    #expect(md.contains("| untrained network | 0.0 | 0 |"))
    #expect(md.contains("Test CPU, 2 cores"))
    #expect(md.contains("(there are such cells above)"))
    #expect(md.contains("elo_vs_time_alphabeta-d1.svg") && md.contains("elo_vs_positions_random.svg"))
    #expect(ChessCompare.Host.modelName("processor : 0\nmodel name\t: Some CPU @ 2GHz\n") == "Some CPU @ 2GHz")

    // The plots: every method a line; the infinite values clipped and marked.
    let dir = try Self.folder("plots")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try ChessCompare.plots(settings, snapshots: snaps, ladder: lines, dir: dir)
    let svg = try String(contentsOfFile: dir + "/elo_vs_time_alphabeta-d1.svg", encoding: .utf8)
    #expect(svg.contains("-∞ (every game lost), drawn at -800"))
    #expect(svg.contains("self-play from zero") && svg.contains("supervised only"))
    #expect(FileManager.default.fileExists(atPath: dir + "/elo_vs_positions_random.svg"))
  }

  @Test func badSettings() {
    var s = Self.settings(data: "games.pgn")
    #expect(s.problem == nil)
    s.snapshots = 1
    #expect(s.problem?.contains("snapshots") == true)
    s = Self.settings(data: "games.pgn")
    s.iterations = nil
    #expect(s.problem != nil)
    s.budget = -1
    #expect(s.problem?.contains("positive") == true)
    s = Self.settings(data: "games.pgn")
    s.ladder.opponents = ["random", "random"]
    #expect(s.problem?.contains("twice") == true)
    s = Self.settings(data: "games.pgn")
    s.data = []
    #expect(s.problem != nil)
  }
}
