import Chess
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUELab
import NNUETraining
import Testing

@Suite struct EngineIntegrationTests {
  final class Lines: @unchecked Sendable {
    let lock = NSLock()
    var all: [String] = []
    func add(_ s: String) { lock.withLock { all.append(s) } }
    var text: String { lock.withLock { all.joined(separator: "\n") } }
  }

  /// `setoption name EvalFile` switches the UCI engine to a net and back; a bad file is
  /// reported in one `info string` line and the engine keeps its evaluation.
  @Test func uciLoadsAnEvalFile() throws {
    let path = tempPath("uci.nnue")
    try QuantizedNNUE(NNUENetwork(spec: smallSpecs[0], seed: 1)).save(to: path)
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4, factory: Evaluators.factory)
    engine.handle("uci")
    #expect(out.text.contains("option name EvalFile type string"))
    engine.handle("setoption name EvalFile value \(path)")
    #expect(out.text.contains("info string evaluation: \(path)"))
    engine.handle("position startpos moves e2e4")
    engine.handle("go depth 3")
    engine.stopAndWait()
    #expect(engine.evalFile == path)
    #expect(out.text.contains("bestmove "))
    engine.handle("setoption name EvalFile value /nonexistent.nnue")
    #expect(out.text.contains("info string setoption EvalFile: /nonexistent.nnue"))
    #expect(engine.evalFile == path)
    engine.handle("setoption name EvalFile value <empty>")
    #expect(engine.evalFile == "")
    engine.handle("setoption name EvalFile value handcrafted")
    #expect(engine.evalFile == "handcrafted")
    #expect(out.text.contains("info string evaluation: handcrafted"))
    // Without NNUE support an EvalFile is refused at start, except `handcrafted`.
    #expect(throws: EngineError.self) { try UCIEngine(hashMegabytes: 4, evalFile: path) }
    _ = try UCIEngine(hashMegabytes: 4, evalFile: "handcrafted")
  }

  /// The default evaluation is the shipped net, found walking up from the executable (or the
  /// build's sources); `ZEROLAB_EVAL_FILE` overrides it; with no net anywhere it is handcrafted.
  @Test func theDefaultEvaluationIsTheShippedNet() throws {
    let root = (tempPath("clone") as NSString).appendingPathComponent("repo")
    try FileManager.default.createDirectory(atPath: root + "/engines", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/.build/release", withIntermediateDirectories: true)
    let exe = root + "/.build/release/zerolab"
    #expect(Evaluators.locateDefault(environment: nil, executable: exe, builtFrom: nil) == nil)
    try QuantizedNNUE(NNUENetwork(spec: smallSpecs[0], seed: 3)).save(to: root + "/engines/zerolab-nnue.nnue")
    #expect(
      Evaluators.locateDefault(environment: nil, executable: exe, builtFrom: nil) == root + "/engines/zerolab-nnue.nnue"
    )
    #expect(
      Evaluators.locateDefault(
        environment: nil, executable: "/nonexistent/bin/zerolab", builtFrom: root + "/Sources/X.swift")
        == root + "/engines/zerolab-nnue.nnue")
    #expect(Evaluators.locateDefault(environment: "handcrafted", executable: exe, builtFrom: nil) == nil)
    #expect(Evaluators.locateDefault(environment: "/x.nnue", executable: exe, builtFrom: nil) == "/x.nnue")
    // Keywords of an EvalFile value.
    #expect(Evaluators.file(for: "handcrafted") == nil && Evaluators.file(for: "HANDCRAFTED") == nil)
    #expect(Evaluators.file(for: nil) == Evaluators.defaultEvalFile)
    #expect(Evaluators.file(for: "<empty>") == Evaluators.defaultEvalFile)
    #expect(Evaluators.file(for: " a.nnue ") == "a.nnue")
    // This build finds this clone's shipped net, and it loads.
    if ProcessInfo.processInfo.environment["ZEROLAB_EVAL_FILE"] == nil {
      let shipped = try #require(Evaluators.defaultEvalFile)
      #expect(shipped.hasSuffix("/engines/zerolab-nnue.nnue"))
      _ = try Evaluators.network(shipped)
      let hce = try EngineSpec.resolve("zerolab-hce", directory: "/nonexistent")
      #expect(hce.options?["EvalFile"] == "handcrafted")
      // An engine file's `handcrafted` is a keyword, not a path next to the file.
      let dir = (tempPath("hce.json") as NSString).deletingLastPathComponent
      try Data(#"{"name": "h", "type": "builtin", "options": {"EvalFile": "handcrafted"}}"#.utf8).write(
        to: URL(fileURLWithPath: dir + "/h.json"))
      #expect(try EngineSpec.resolve("h", directory: dir).options?["EvalFile"] == "handcrafted")
    }
  }

  /// An exported engine is found by name, its EvalFile is resolved next to its JSON file, and
  /// the arena plays it.
  @Test func exportedEngineRunsInTheArena() throws {
    let dir = (tempPath("x") as NSString).deletingLastPathComponent
    let q = QuantizedNNUE(NNUENetwork(spec: smallSpecs[0], seed: 2))
    let paths = try EngineExport.export(quantized: q, name: "tiny", directory: dir)
    let spec = try EngineSpec.resolve("tiny", directory: dir)
    #expect(spec.options?["EvalFile"] == dir + "/tiny.nnue")
    #expect(paths.weights == dir + "/tiny.nnue")
    var limited = spec
    limited.options?["Depth"] = "2"
    let r = try EngineMatches.play(
      limited, Matches.handcrafted, games: 2, timeControl: TimeControl(parsing: "5+0.05"), openings: [ChessPosition()])
    #expect(r.games == 2 && r.wins + r.draws + r.losses == 2)
    var broken = spec
    broken.options?["EvalFile"] = dir + "/missing.nnue"
    #expect(throws: EngineError.self) { try BuiltinEngine(spec: broken) }
  }
}

@Suite struct LabTests {
  /// The speed benchmark's summaries: the fastest, median and slowest window, and the whole
  /// run when there are no windows.
  @Test func benchmarkWindowsAreSummarised() {
    let r = NNUEBenchmark.EvalRate(evals: 100, seconds: 10, checksum: 0, windows: [3, 1, 4, 2])
    #expect(r.overall == 10 && r.best == 4 && r.worst == 1 && r.median == 2.5)
    #expect(NNUEBenchmark.EvalRate(evals: 5, seconds: 1, checksum: 0, windows: [7, 2, 9]).median == 7)
    let whole = NNUEBenchmark.EvalRate(evals: 30, seconds: 2, checksum: 0, windows: [])
    #expect(whole.best == 15 && whole.median == 15 && whole.worst == 15)
  }

  /// A short run cut into windows: every window has a positive rate, and there are no more
  /// than the run's length allows; without windows the whole run is the figure.
  @Test func benchmarkRunsInWindows() {
    let net = QuantizedNNUE(NNUENetwork(spec: NNUESpec(accumulator: 32), seed: 2))
    let r = NNUEBenchmark.incrementalEvals(net: net, seconds: 0.06, window: 0.01)
    #expect(r.evals > 0 && r.seconds >= 0.06)
    #expect(!r.windows.isEmpty && r.windows.count <= 7)
    #expect(r.windows.allSatisfy { $0 > 0 })
    #expect(r.best >= r.median && r.median >= r.worst)
    let whole = NNUEBenchmark.incrementalEvals(net: net, seconds: 0.01, window: 0)
    #expect(whole.windows.isEmpty && whole.best == whole.overall)
  }

  /// The search half: repeated runs of each evaluation visit the same nodes (the search is
  /// deterministic), and the two evaluations' node counts are their own.
  @Test func benchmarkSearchesRepeatTheSameNodes() {
    let net = QuantizedNNUE(NNUENetwork(spec: NNUESpec(accumulator: 32), seed: 2))
    let r = NNUEBenchmark.searchSpeeds(
      { NNUEEvaluation(net: net) }, { HandcraftedEvaluation() }, depth: 3, repeats: 2)
    #expect(r.consistent)
    #expect(r.a.nodes > 0 && r.b.nodes > 0 && r.a.seconds > 0 && r.b.seconds > 0)
    #expect(r.b.nodes == NNUEBenchmark.searchSpeed({ HandcraftedEvaluation() }, depth: 3).nodes)
  }

  @Test func scoresAreReadFromInfoLines() {
    #expect(Labeler.score(fromInfo: "depth 9 score cp 31 nodes 120000") == 31)
    #expect(Labeler.score(fromInfo: "info depth 12 seldepth 20 score cp -4500 nodes 1") == -3000)
    #expect(Labeler.score(fromInfo: "depth 5 score mate -3 nodes 10") == -3000)
    #expect(Labeler.score(fromInfo: "depth 5 score mate 2") == 3000)
    #expect(Labeler.score(fromInfo: "depth 5 nodes 10") == nil)
    #expect(Labeler.score(fromInfo: "score cp x") == nil)
  }

  /// Relabelling keeps positions, results and order and replaces the scores with the other
  /// engine's (here the built-in engine at depth 3, so the test needs no external program).
  @Test func labellingReplacesOnlyScores() throws {
    let records = randomGamePositions(plies: 30, seed: 12).dropFirst(4).filter { !$0.isInCheck }.map {
      TrainingRecord($0, score: 12345, result: .draw, ply: 0, move: .none)
    }
    let spec = EngineSpec(name: "d3", type: "builtin", options: ["Depth": "3", "EvalFile": "handcrafted"])
    let out = try Labeler.labelParallel(records, engine: spec, limits: SearchLimits(depth: 3), workers: 2)
    #expect(out.count == records.count)
    for (a, b) in zip(records, out) {
      #expect(a.occupancy == b.occupancy && a.result == b.result && a.blackToMove == b.blackToMove)
      #expect(b.score != 12345 && abs(Int(b.score)) <= 3000)
      let p = try #require(a.position)
      let direct = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4).search(
        p, limits: SearchLimits(depth: 3))
      #expect(Int(b.score) == max(-3000, min(3000, direct.score)))
    }
  }

  /// With `moves`, the engine's best move replaces the record's too (searched in the
  /// position with its castling rights inferred): legal there, and the direct search's move.
  @Test func labellingWithMovesRecordsTheBestMove() throws {
    let castle = try ChessPosition(fen: "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K2R w KQkq - 0 1")
    let records =
      [TrainingRecord(castle, score: 0, result: .draw, ply: 0, move: .none)]
      + randomGamePositions(plies: 12, seed: 5).dropFirst(4).filter { !$0.isInCheck }.map {
        TrainingRecord($0, score: 0, result: .draw, ply: 0, move: .none)
      }
    let spec = EngineSpec(name: "d3", type: "builtin", options: ["Depth": "3", "EvalFile": "handcrafted"])
    let out = try Labeler.labelParallel(records, engine: spec, limits: SearchLimits(depth: 3), workers: 1, moves: true)
    #expect(out.count == records.count)
    for (a, b) in zip(records, out) {
      let p = try #require(a.inferredPosition)
      let move = Move(raw: b.move)
      #expect(p.legalMoves.contains(move), "\(move) in \(p.fen)")
      let direct = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 4).search(
        p, limits: SearchLimits(depth: 3))
      #expect(direct.bestMove == move)
    }
    #expect(try #require(records[0].inferredPosition).castlingRights.rawValue != 0)
  }

  /// The whole loop on a tiny budget: two generations, each with data, a trained net, arena
  /// records and a metrics line; a rerun finds them done.
  @Test func loopRunsAndResumes() throws {
    var gen = GenSettings(games: 4, nodes: 300, seed: 3)
    gen.gamesPerShard = 2
    gen.maxPlies = 60
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 3)
    train.batchSize = 64
    var s = LoopSettings(generations: 2, gen: gen, train: train)
    s.arenaGames = 2
    s.timeControl = "0.5+0.01"
    s.openings = nil
    let out = tempPath("loop")
    let loop = try SelfPlayLoop(settings: s, out: out)
    loop.log = { _ in }
    let records = try loop.run()
    #expect(records.count == 2)
    #expect(records[0].dataFrom == "handcrafted")
    #expect(records[1].dataFrom == out + "/gen0/net.nnue")
    #expect(records[0].vsPreviousBest == nil && records[0].best == out + "/gen0/net.nnue")
    #expect(records[1].vsPreviousBest?.b == "best")
    for r in records {
      #expect(r.positions > 0 && r.vsHandcrafted.games == 2)
      #expect(FileManager.default.fileExists(atPath: out + "/gen\(r.generation)/net.nnue"))
    }
    let lines = try String(contentsOfFile: loop.metricsPath, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    let again = try SelfPlayLoop(settings: s, out: out)
    again.log = { _ in }
    #expect(try again.run().map(\.generation) == [0, 1])
    var other = s
    other.window = 5
    #expect(throws: NNUEError.self) { try SelfPlayLoop(settings: other, out: out) }
  }

  /// With arena moves capped by nodes (and a clock that never binds), a loop depends on its
  /// seed alone: two loops, and a loop whose last generation is redone from its files (its
  /// record and metrics gone, as after a kill), give the same records and metrics.
  @Test func aLoopWithArenaNodesRepeatsExactly() throws {
    var gen = GenSettings(games: 4, nodes: 300, seed: 5)
    gen.gamesPerShard = 2
    gen.maxPlies = 60
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 5)
    train.batchSize = 64
    train.threads = 1
    var s = LoopSettings(generations: 2, gen: gen, train: train)
    s.arenaGames = 2
    s.timeControl = "60+1"
    s.arenaNodes = 300
    s.openings = nil
    s.threads = 1
    func run(_ out: String) throws -> [String] {
      let loop = try SelfPlayLoop(settings: s, out: out)
      loop.log = { _ in }
      return try loop.run().map { r in
        var r = r
        r.seconds = 0
        r.best = r.best.replacingOccurrences(of: out, with: "OUT")
        r.dataFrom = r.dataFrom.replacingOccurrences(of: out, with: "OUT")
        return "\(r)"
      }
    }
    let a = tempPath("loop-a"), b = tempPath("loop-b")
    let first = try run(a)
    #expect(first.count == 2)
    #expect(try run(b) == first)
    try FileManager.default.removeItem(atPath: b + "/gen1/generation.json")
    try FileManager.default.removeItem(atPath: b + "/metrics.jsonl")
    #expect(try run(b) == first)
    #expect(try JSONLines<GenerationRecord>(path: b + "/metrics.jsonl").read().count == 2)
    for g in 0..<2 {
      #expect(
        FileManager.default.contents(atPath: a + "/gen\(g)/net.nnue")
          == FileManager.default.contents(atPath: b + "/gen\(g)/net.nnue"))
    }
  }

  /// The comparison on a tiny budget, with the built-in engine standing in for Stockfish.
  @Test func comparisonWritesTableAndPlot() throws {
    var gen = GenSettings(games: 3, nodes: 300, seed: 4)
    gen.gamesPerShard = 3
    gen.maxPlies = 60
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 2, seed: 4)
    train.batchSize = 64
    var s = CompareSettings(data: [], gen: gen, positions: 60, train: train)
    s.stockfish = EngineSpec(name: "teacher", type: "builtin", options: ["Depth": "2"])
    s.stockfishNodes = 2000
    s.arenaGames = 2
    s.timeControl = "0.5+0.01"
    s.openings = nil
    let out = tempPath("cmp")
    let c = try Comparison(settings: s, out: out)
    c.log = { _ in }
    let summary = try c.run()
    #expect(summary.positions == 60)
    #expect(summary.selfPlay.count == 2 && summary.stockfish.count == 2)
    let table = try String(contentsOfFile: out + "/compare.md", encoding: .utf8)
    #expect(table.contains("| self-play (ours) |") && table.contains("| Stockfish 15.1 |"))
    let svg = try String(contentsOfFile: out + "/compare.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg") && svg.contains("Stockfish labels"))
    // A rerun reads the arena's results back: one digit of them changed (still valid JSON,
    // another score) is refused in one line naming the file, which is left as it was.
    let arena = out + "/arena.json"
    var bytes = [UInt8](try #require(FileManager.default.contents(atPath: arena)))
    let digit = try #require(bytes.lastIndex { (48...57).contains($0) })
    bytes[digit] ^= 1
    try Data(bytes).write(to: URL(fileURLWithPath: arena))
    let again = try Comparison(settings: s, out: out)
    again.log = { _ in }
    #expect(throws: RunFileError("\(arena): damaged (checksum mismatch)")) { try again.run() }
    #expect(FileManager.default.contents(atPath: arena) == Data(bytes))
    // Written before checksums, the file was a bare list of the matches: still read.
    let matches = [summary.selfPlayVsHandcrafted, summary.stockfishVsHandcrafted, summary.stockfishVsSelfPlay]
    try RunFiles.encoder(pretty: true).encode(matches).write(to: URL(fileURLWithPath: arena))
    #expect(try again.run().stockfishVsSelfPlay == summary.stockfishVsSelfPlay)
  }
}
