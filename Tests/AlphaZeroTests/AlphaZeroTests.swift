import AlphaZero
import Foundation
import GameCore
import GameSearch
import GameSolver
import Hexapawn
import NeuralCore
import Testing

let classic = try! SolvedBoard(size: try! BoardSize(parsing: "3x3"))

@Suite struct EncodingTests {
  @Test func planesAreFromTheSideToMove() throws {
    let enc = HexapawnEncoding(size: try BoardSize(parsing: "3x4"))
    #expect(enc.inputShape == [4, 3, 3])
    #expect(enc.policySize == 36)
    let start = HexapawnPosition(size: try BoardSize(parsing: "3x4"))
    var a = [Float](repeating: -1, count: 36)
    enc.encode(start, into: &a, at: 0)
    // White to move: own pawns on (oriented) rank 0, the opponent's on rank 3, ones plane full.
    for f in 0..<3 {
      #expect(a[(0 * 3 + f) * 3] == 1 && a[(3 * 3 + f) * 3 + 1] == 1)
      #expect(a[(1 * 3 + f) * 3] == 0 && a[(1 * 3 + f) * 3 + 1] == 0)
    }
    #expect(stride(from: 2, to: 36, by: 3).allSatisfy { a[$0] == 1 })
    // After 1. b1b2 Black is to move and sees its own pawns on its rank 0 too.
    let p = start.playing(try start.parseMove("b1b2"))
    var b = [Float](repeating: -1, count: 36)
    enc.encode(p, into: &b, at: 0)
    for f in 0..<3 { #expect(b[(0 * 3 + f) * 3] == 1) }
    #expect(b[(2 * 3 + 1) * 3 + 1] == 1)  // White's b2 is on Black's oriented rank 2
  }

  @Test(arguments: ["3x3", "4x4", "5x3", "3x6"])
  func legalMovesMapToDistinctIndices(size: String) throws {
    let s = try BoardSize(parsing: size)
    let enc = HexapawnEncoding(size: s)
    var rng = Xoshiro256(seed: 3)
    for _ in 0..<30 {
      var p = HexapawnPosition(size: s)
      while !p.isFinished {
        let moves = p.legalMoves
        let idx = moves.map { enc.index(of: $0, in: p) }
        #expect(Set(idx).count == idx.count)
        #expect(idx.allSatisfy { (0..<enc.policySize).contains($0) })
        // Mirror: the mirrored position's moves have the mirrored encodings' indices.
        let m = p.mirrored
        let mIdx = Set(m.legalMoves.map { enc.index(of: $0, in: m) })
        #expect(Set(moves.map { enc.index(of: p.mirror($0), in: m) }) == mIdx)
        p.play(moves[rng.below(moves.count)])
      }
    }
  }
}

@Suite struct SearchSignTests {
  @Test func selfPlayValueTargetsAreFromTheSideToMove() throws {
    var config = ZeroConfig()
    config.simulations = 8
    config.mirror = false
    let learner = try HexapawnLearner(config: config)
    let samples = learner.selfPlayGame()
    // Replay the samples: the side to move alternates from White; the last mover won.
    #expect(!samples.isEmpty)
    let last = samples.count - 1
    #expect(samples[last].value == 1, "the side that made the last move won the game")
    for k in 0..<last { #expect(samples[k].value == -samples[k + 1].value) }
  }

}

@Suite struct MetricTests {
  func outputs(choosing pick: (Int) -> Int, values: (Int) -> Float) -> [(priors: [Float], value: Float)] {
    classic.positions.enumerated().map { i, p in
      let n = p.legalMoves.count
      var pr = [Float](repeating: 0.1, count: n)
      pr[pick(i)] = 0.9
      return (pr, values(i))
    }
  }

  @Test func definitions() {
    // A perfect network: an optimal move everywhere, exact values.
    let perfect = outputs(choosing: { classic.optimal[$0].firstIndex(of: true)! }, values: { classic.signs[$0] })
    let p = Evaluation.solverScores(board: classic, outputs: perfect)
    #expect(p.0 == 1 && p.1 == 1 && p.2 == 0)
    // A network that throws away every won position: accuracy = share of lost positions.
    let blunders = outputs(
      choosing: { i in classic.keepsValue[i].firstIndex(of: false) ?? 0 }, values: { -classic.signs[$0] })
    let b = Evaluation.solverScores(board: classic, outputs: blunders)
    let lost = classic.signs.filter { $0 < 0 }.count
    let wonWithOnlyWinningMoves = classic.keepsValue.enumerated().filter {
      classic.signs[$0.offset] > 0 && !$0.element.contains(false)
    }.count
    #expect(b.0 == Double(lost + wonWithOnlyWinningMoves) / 70)
    #expect(b.1 == 0 && b.2 == 4)
    // Value 0 is never a correct sign; MSE of 0 is 1.
    let zero = outputs(choosing: { _ in 0 }, values: { _ in 0 })
    let z = Evaluation.solverScores(board: classic, outputs: zero)
    #expect(z.1 == 0 && z.2 == 1)
  }

  @Test func classicBoardFacts() {
    #expect(classic.positions.count == 70)
    #expect(classic.signs.filter { $0 > 0 }.count == 55)
    // In a lost position every move keeps the (lost) value.
    for (i, s) in classic.signs.enumerated() where s < 0 { #expect(!classic.keepsValue[i].contains(false)) }
  }
}

@Suite struct TrainingRunTests {
  func tempDir(_ name: String) -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent(
      "zerolab-zero-\(ProcessInfo.processInfo.processIdentifier)-\(name)"
    ).path
    try? FileManager.default.removeItem(atPath: d)
    return d
  }

  func smallConfig() -> ZeroConfig {
    var c = ZeroConfig()
    c.blocks = 1
    c.channels = 8
    c.gamesPerIteration = 3
    c.simulations = 8
    c.trainSteps = 5
    c.batchSize = 16
    c.evalGames = 2
    c.evalSimulations = 4
    return c
  }

  func weights(_ dir: String) throws -> [Float] {
    let c = try Checkpoint.read(dir + "/network.safetensors")
    return c.order.flatMap { c.tensors[$0]!.data }
  }

  /// Three iterations in one go, or one iteration, a stop, and a resume: the same network,
  /// bit for bit, and the same metrics lines.
  @Test func resumeGivesTheSameRunAsNoInterruption() throws {
    let a = tempDir("a"), b = tempDir("b")
    try Runs.selfPlay(config: smallConfig(), dir: a, iterations: 3, budget: nil, resume: false)
    try Runs.selfPlay(config: smallConfig(), dir: b, iterations: 1, budget: nil, resume: false)
    // A kill in the middle of replacing the checkpoint leaves it as checkpoint.old.
    try FileManager.default.moveItem(atPath: b + "/checkpoint", toPath: b + "/checkpoint.old")
    try Runs.selfPlay(config: smallConfig(), dir: b, iterations: 3, budget: nil, resume: true)
    #expect(try weights(a) == weights(b))
    func strip(_ m: MetricsRecord) -> String {
      "\(m.iteration) \(m.positionsSeen) \(m.optimalMoveAccuracy) \(m.loss)"
    }
    let la = try MetricsLog(path: a + "/metrics.jsonl").read().map(strip)
    let lb = try MetricsLog(path: b + "/metrics.jsonl").read().map(strip)
    #expect(la == lb)
    #expect(la.count == 4)
  }

  /// Measurements without the wall clock.
  func strip(_ ms: [MetricsRecord]) -> [String] {
    ms.map {
      "\($0.method) \($0.iteration) \($0.positionsSeen) \($0.optimalMoveAccuracy) \($0.valueMse) \($0.loss) "
        + "\($0.scoreVsRandom)"
    }
  }

  @Test func refusesToOverwriteARunAndResumeStartsARunWithoutCheckpoint() throws {
    let d = tempDir("c")
    try Runs.selfPlay(config: smallConfig(), dir: d, iterations: 1, budget: nil, resume: false)
    #expect(throws: NeuralError.self) {
      try Runs.selfPlay(config: smallConfig(), dir: d, iterations: 2, budget: nil, resume: false)
    }
    // --resume on a folder a kill left before its first checkpoint starts the run.
    let e = tempDir("e"), f = tempDir("f")
    try FileManager.default.createDirectory(atPath: e, withIntermediateDirectories: true)
    try "{}\n".write(toFile: e + "/metrics.jsonl", atomically: true, encoding: .utf8)
    let resumed = try Runs.selfPlay(config: smallConfig(), dir: e, iterations: 2, budget: nil, resume: true)
    let fresh = try Runs.selfPlay(config: smallConfig(), dir: f, iterations: 2, budget: nil, resume: false)
    #expect(strip(resumed.measurements) == strip(fresh.measurements))
    #expect(try weights(e) == weights(f))
  }

  /// Supervised: six measurements in one go, or three, a stop and a resume (also once more
  /// when finished): the same network bit for bit, the same metrics, every measurement returned.
  @Test func supervisedResumeGivesTheSameRunAsNoInterruption() throws {
    let a = tempDir("sa"), b = tempDir("sb")
    let straight = try Runs.supervised(config: smallConfig(), dir: a, steps: 30, budget: nil, board: classic)
    try Runs.supervised(config: smallConfig(), dir: b, steps: 15, budget: nil, board: classic)
    #expect(throws: NeuralError.self) {
      try Runs.supervised(config: smallConfig(), dir: b, steps: 30, budget: nil, board: classic)
    }
    let resumed = try Runs.supervised(
      config: smallConfig(), dir: b, steps: 30, budget: nil, board: classic, resume: true)
    #expect(try weights(a) == weights(b))
    #expect(strip(straight.measurements).count == 7)
    #expect(strip(resumed.measurements) == strip(straight.measurements))
    #expect(strip(try MetricsLog(path: b + "/metrics.jsonl").read()) == strip(straight.measurements))
    let again = try Runs.supervised(config: smallConfig(), dir: b, steps: 30, budget: nil, board: classic, resume: true)
    #expect(strip(again.measurements) == strip(straight.measurements))
    #expect(try weights(a) == weights(b))
  }

  /// A comparison under an iteration budget, with one run stopped half way and resumed by
  /// `compare(resume:)`: the same metrics, networks and report as one never stopped.
  @Test func compareResumesToTheSameComparison() throws {
    let a = tempDir("ca"), b = tempDir("cb")
    let straight = try Runs.compare(
      base: smallConfig(), dir: a, budget: 60, inits: ["he_normal"], activations: ["relu"], iterations: 2)
    #expect(throws: NeuralError.self) {
      try Runs.compare(base: smallConfig(), dir: a, budget: 60, inits: ["he_normal"], activations: ["relu"])
    }
    try Runs.supervised(config: smallConfig(), dir: b + "/runs/supervised-he_normal-relu", steps: 5, budget: nil)
    let resumed = try Runs.compare(
      base: smallConfig(), dir: b, budget: 60, inits: ["he_normal"], activations: ["relu"], iterations: 2,
      resume: true)
    func timeless(_ report: String) -> [String] {
      report.split(separator: "\n").filter { !$0.contains(" s") && !$0.hasPrefix("| ") }.map(String.init)
    }
    #expect(timeless(resumed) == timeless(straight))
    #expect(straight.contains("Each run trains for 2 iterations"))
    for run in ["supervised", "selfplay"] {
      #expect(try weights(a + "/runs/\(run)-he_normal-relu") == weights(b + "/runs/\(run)-he_normal-relu"))
    }
    let la = try MetricsLog(path: a + "/metrics.jsonl").read(), lb = try MetricsLog(path: b + "/metrics.jsonl").read()
    #expect(strip(la) == strip(lb))
    #expect(la.map(\.iteration) == [0, 1, 2, 0, 1, 2])
  }

  /// A resume whose metrics lost a measurement the checkpoint has (cut at a line break) is
  /// refused in one line naming the file, and the run is left as it was.
  @Test func aResumeRefusesMetricsMissingMeasurements() throws {
    let d = tempDir("lost")
    try Runs.selfPlay(config: smallConfig(), dir: d, iterations: 2, budget: nil, resume: false)
    let path = d + "/metrics.jsonl"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let cut = text.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n"
    try cut.write(toFile: path, atomically: true, encoding: .utf8)
    let state = FileManager.default.contents(atPath: d + "/checkpoint/state.json")
    #expect {
      try Runs.selfPlay(config: smallConfig(), dir: d, iterations: 3, budget: nil, resume: true)
    } throws: { error in
      let message = (error as? any ZeroLabError)?.message ?? ""
      return message.hasPrefix(path + ": damaged") && !message.contains("\n")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == cut)
    #expect(FileManager.default.contents(atPath: d + "/checkpoint/state.json") == state)
  }

  @Test func supervisedLearnsTheClassicBoardQuickly() throws {
    var c = smallConfig()
    c.channels = 16
    c.trainSteps = 40
    c.batchSize = 64
    let r = try Runs.supervised(config: c, dir: tempDir("s"), steps: 400, budget: 30, board: classic)
    #expect(r.measurements.last!.optimalMoveAccuracy == 1)
    #expect(r.measurements.last!.valueSignAccuracy == 1)
  }

  @Test func engineFilesLoadAndPlay() throws {
    let d = tempDir("engine")
    let r = try Runs.supervised(config: smallConfig(), dir: d, steps: 10, budget: nil, board: classic)
    let file = EngineSpec(
      game: .hexapawn, name: "tiny", type: "network", size: "3x3", weights: "network.safetensors", simulations: 0)
    try JSONEncoder().encode(file).write(to: URL(fileURLWithPath: d + "/engine.json"))
    let player = try NetworkEngine.player(d + "/engine.json", size: try BoardSize(parsing: "3x3"), seed: 1)
    #expect(player.name == "tiny")
    let start = HexapawnPosition()
    #expect(start.isLegal(player.chooseMove(in: start)))
    #expect(r.learner.iteration == 2)
    #expect(throws: EngineError("engine \(d)/engine.json plays 3x3 Hexapawn, not 4x4")) {
      try NetworkEngine.player(d + "/engine.json", size: try BoardSize(parsing: "4x4"), seed: 1)
    }
    #expect(throws: EngineError("cannot read engine file \(d)/missing.json")) {
      try NetworkEngine.player(d + "/missing.json", size: try BoardSize(parsing: "3x3"), seed: 1)
    }
    // Weights that cannot be read: one line naming them.
    var missing = file
    missing.weights = "nowhere.safetensors"
    try JSONEncoder().encode(missing).write(to: URL(fileURLWithPath: d + "/broken.json"))
    let size = try BoardSize(parsing: "3x3")
    do throws(EngineError) {
      _ = try NetworkEngine.player(d + "/broken.json", size: size, seed: 1)
      Issue.record("missing weights were accepted")
    } catch {
      #expect(!error.message.contains("\n") && error.message.contains("nowhere.safetensors"))
    }
  }
}

@Suite struct SolvedBoardLimitTests {
  /// A board too large to label is refused while its positions are enumerated, before solving.
  @Test func boardsPastTheLimitAreRefused() throws {
    let clock = ContinuousClock()
    let t0 = clock.now
    #expect {
      try SolvedBoard(size: try BoardSize(parsing: "5x5"))
    } throws: { error in
      (error as? NeuralError)?.message.contains("more than 500000 reachable positions") == true
    }
    #expect(clock.now - t0 < .seconds(60))
    #expect(try SolvedBoard(size: try BoardSize(parsing: "4x4")).positions.count == 20286 - 8866)
  }
}

@Suite struct CalibrationPositionsTests {
  /// An int8 player's quantization depends on its calibration positions: seeded random games
  /// of the board, the same for the same seed.
  @Test func int8CalibrationPositionsAreFixed() throws {
    let size = try BoardSize(parsing: "4x4")
    let positions = NetworkEngine.calibrationPositions(size, count: NetworkEngine.int8Calibration, seed: 1)
    #expect(positions.count == 512)
    #expect(positions[0] == HexapawnPosition(size: size))
    #expect(positions[5].fen == "1p1p/p1p1/1PPP/P3 b")
    #expect(positions[511].fen == "2p1/1p1p/PpPP/4 w")
    var fingerprint: UInt64 = 0
    for (i, p) in positions.enumerated() { fingerprint = fingerprint &* 31 &+ p.hash &+ UInt64(i) }
    #expect(fingerprint == 2_836_187_679_555_417_285)
  }
}
