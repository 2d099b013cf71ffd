import AlphaZero
import Chess
import ChessZero
import Foundation
import GameCore
import NNUETraining
import NeuralCore
import Testing

/// The game-generic learner on chess: batched self-play games with a tiny network, their
/// samples, the win/draw/loss head's training, the same games for the same seed, and a
/// checkpoint that restores the run.
@Suite struct ChessLearnerTests {
  static func config(seed: UInt64 = 3) -> ZeroConfig {
    var c = ZeroConfig()
    c.blocks = 1
    c.channels = 8
    c.gamesPerIteration = 3
    c.simulations = 6
    c.search = "puct"
    c.maxPlies = 24
    c.trainSteps = 4
    c.batchSize = 16
    c.seed = seed
    return c
  }

  static func learner(seed: UInt64 = 3) throws -> Learner<ChessEncoding> {
    try Learner(
      config: config(seed: seed), encoding: ChessEncoding(), spec: ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
  }

  @Test func selfPlayMakesChessSamples() throws {
    let learner = try Self.learner()
    learner.selfPlayIteration()
    #expect(learner.gamesPlayed == 3 && learner.iteration == 1)
    #expect(learner.buffer.count > 3 && learner.buffer.count <= 3 * 24, "\(learner.buffer.count) samples")
    for s in learner.buffer {
      #expect(s.planes.count == 8 * 8 * 19)
      #expect(!s.indices.isEmpty && Set(s.indices).count == s.indices.count)
      #expect(s.indices.allSatisfy { $0 >= 0 && $0 < 1858 })
      #expect(abs(s.probabilities.reduce(0, +) - 1) < 1e-4)
      #expect([-1, 0, 1].contains(s.value))
    }
    #expect(learner.lastLoss.isFinite && learner.lastLoss > 0)
    // The same seed plays the same games; another seed others.
    let again = try Self.learner()
    again.selfPlayIteration()
    #expect(again.buffer == learner.buffer)
    let other = try Self.learner(seed: 4)
    other.selfPlayIteration()
    #expect(other.buffer != learner.buffer)
  }

  /// Playout cap randomization: only the full searches (about the fraction asked) become
  /// samples, the same ones for the same seed; the fast ones still move the games on.
  @Test func playoutCapKeepsOnlyFullSearches() throws {
    var config = Self.config()
    config.gamesPerIteration = 4
    config.maxPlies = 40
    config.fullSearchFraction = 0.25
    config.fastSimulations = 2
    let make = {
      try Learner(config: config, encoding: ChessEncoding(), spec: ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    }
    let a = try make(), b = try make()
    let samples = a.selfPlayGames(4)
    #expect(samples == b.selfPlayGames(4))
    // 4 games of at most 40 plies: a quarter of up to 160 searches.
    #expect(samples.count >= 8 && samples.count <= 70, "\(samples.count) samples")
    config.fullSearchFraction = nil
    let every = try make().selfPlayGames(4)
    #expect(every.count > samples.count * 2, "\(every.count) samples with every search full")
  }

  /// On a fixed set of samples the loss falls: the policy and the win/draw/loss head learn.
  @Test func lossFallsOnAFixedSet() throws {
    let learner = try Self.learner()
    let data = learner.selfPlayGames(2)
    learner.train(steps: 1, from: data)
    let first = learner.lastLoss
    learner.train(steps: 150, from: data)
    #expect(learner.lastLoss < 0.6 * first, "loss \(first) then \(learner.lastLoss)")
  }

  @Test func checkpointRestoresTheRun() throws {
    let learner = try Self.learner()
    learner.selfPlayIteration()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chess-learner-\(UInt32.random(in: 0...UInt32.max))"
    ).path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try learner.save(to: dir, wallSeconds: 12)
    let (loaded, seconds) = try Learner<ChessEncoding>.load(from: dir) { c in
      (ChessEncoding(), ChessNetworkEvaluator.spec(blocks: c.blocks, channels: c.channels))
    }
    #expect(seconds == 12 && loaded.iteration == 1 && loaded.buffer == learner.buffer)
    // Both continue identically.
    learner.selfPlayIteration()
    loaded.selfPlayIteration()
    #expect(loaded.buffer == learner.buffer && loaded.lastLoss == learner.lastLoss)
  }
}

/// Supervised samples from PGN games and from the alpha-beta engine's records.
@Suite struct ChessSupervisionTests {
  @Test func pgnGamesGiveTheMovesPlayedAndTheResult() throws {
    let text = """
      [Event "a"]
      [Result "1-0"]

      1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# 1-0

      [Event "b"]
      [Result "*"]

      1. d4 d5 *
      """
    let games = try PGN.parse(text)
    let samples = ChessSupervision.samples(pgn: games)
    #expect(samples.count == 7, "the unfinished game gives none")
    var state = ChessGameState(ChessPosition())
    for (i, s) in samples.enumerated() {
      let move = games[0].record.moves[i]
      let legal = Array(state.legalMoves)
      #expect(s.indices.count == legal.count && s.probabilities.reduce(0, +) == 1)
      let k = try #require(s.probabilities.firstIndex(of: 1))
      #expect(Int(s.indices[k]) == PolicyMap.index(of: move, sideToMove: state.sideToMove))
      #expect(s.value == (state.sideToMove == .white ? 1 : -1))
      var planes = [Float](repeating: 0, count: 8 * 8 * 19)
      ChessEncoding.encode(state, into: &planes, at: 0)
      #expect(s.planes == planes)
      state.play(move)
    }
  }

  @Test func engineRecordsGiveItsMoveAndABlendedValue() throws {
    let start = ChessPosition()
    let e4 = try start.parseMove("e2e4")
    let castle = try ChessPosition(fen: "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1")
    let records = [
      TrainingRecord(start, score: 0, result: .draw, ply: 0, move: e4),
      TrainingRecord(start, score: 400, result: .win(.white), ply: 0, move: e4),
      TrainingRecord(castle, score: 0, result: .draw, ply: 0, move: try castle.parseMove("e1g1")),
    ]
    let (samples, skipped) = ChessSupervision.samples(records: records)
    #expect(skipped == 0, "castling rights are inferred from the kings and rooks at home")
    #expect(samples.count == 3)
    #expect(abs(samples[0].value) < 1e-6)
    // t = ½·σ(1) + ½·1, v = 2t − 1 = σ(1).
    #expect(abs(samples[1].value - 0.7310586) < 1e-5)
    let k = try #require(samples[1].probabilities.firstIndex(of: 1))
    #expect(Int(samples[1].indices[k]) == PolicyMap.index(of: e4, sideToMove: .white))
  }
}

/// Chess self-play runs on the game-generic run loop: the run folder, and a run resumed after
/// its first iteration ending as the uninterrupted one.
@Suite struct ChessRunTests {
  static func folder(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "chess-run-\(name)-\(UInt32.random(in: 0...UInt32.max))"
    )
    .path
  }

  @Test func resumedRunEndsAsTheUninterruptedOne() throws {
    let config = ChessLearnerTests.config()
    let a = Self.folder("a"), b = Self.folder("b")
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    let whole = try ChessRuns.selfPlay(config: config, dir: a, iterations: 2, budget: nil, resume: false)
    #expect(whole.measurements.map(\.iteration) == [0, 1, 2])
    #expect(whole.measurements.last!.gamesPlayed == 6 && whole.measurements.last!.replay > 0)
    for name in ["metrics.jsonl", "network.safetensors", "checkpoint/state.json", "checkpoint/replay.json"] {
      #expect(FileManager.default.fileExists(atPath: a + "/" + name), "\(name)")
    }
    _ = try ChessRuns.selfPlay(config: config, dir: b, iterations: 1, budget: nil, resume: false)
    var announced: [String] = []
    let resumed = try ChessRuns.selfPlay(
      config: config, dir: b, iterations: 2, budget: nil, resume: true, announce: { announced.append($0) })
    #expect(announced.count == 1 && announced[0].hasPrefix("resuming \(b) after iteration 1"))
    func strip(_ ms: [ChessRunRecord]) -> [ChessRunRecord] {
      ms.map {
        var m = $0
        m.wallSeconds = 0
        return m
      }
    }
    #expect(strip(resumed.measurements) == strip(whole.measurements))
    #expect(resumed.learner.buffer == whole.learner.buffer)
    let na = FileManager.default.contents(atPath: a + "/network.safetensors")
    #expect(na != nil && na == FileManager.default.contents(atPath: b + "/network.safetensors"))
    // A second start without --resume is refused, and the run is kept.
    #expect(throws: NeuralError.self) {
      try ChessRuns.selfPlay(config: config, dir: b, iterations: 3, budget: nil, resume: false)
    }
  }
}
