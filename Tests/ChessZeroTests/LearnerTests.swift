import AlphaZero
import Chess
import ChessZero
import Foundation
import GameCore
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
