import AlphaZero
import Foundation
import GameCore
import Hexapawn
import NeuralCore
import Testing

/// Matches between networks, gating on them, resignation's threshold and its bookkeeping in a
/// checkpoint, and detached network copies.
@Suite struct GatingTests {
  static func config() -> ZeroConfig {
    var c = ZeroConfig()
    c.size = "4x4"
    c.blocks = 1
    c.channels = 8
    c.gamesPerIteration = 4
    c.simulations = 8
    c.trainSteps = 5
    c.batchSize = 16
    return c
  }

  @Test func aNetworkAgainstItselfScoresOneHalf() throws {
    let learner = try HexapawnLearner(config: Self.config())
    var copy = learner.network.detachedCopy()
    let r = NetworkMatch.play(
      learner.network, against: copy.detachedCopy(), encoding: learner.encoding, games: 10, simulations: 8,
      openingPlies: 2, maxPlies: nil, seed: 3)
    // Each opening is played with both colours by identical players: the games mirror.
    #expect(r.games == 10 && r.wins == r.losses && r.score == 0.5)
  }

  @Test func aTrainedNetworkBeatsItsStart() throws {
    var c = Self.config()
    c.size = "3x3"
    let learner = try HexapawnLearner(config: c)
    let start = learner.network.detachedCopy()
    learner.train(steps: 200, from: learner.supervisedDataset(classic))
    let r = NetworkMatch.play(
      learner.network, against: start, encoding: learner.encoding, games: 20, simulations: 4, openingPlies: 0,
      maxPlies: nil, seed: 1)
    #expect(r.score >= 0.5 && r.wins >= 10, "\(r)")
    // A match is the same for the same seed.
    let again = NetworkMatch.play(
      learner.network, against: start, encoding: learner.encoding, games: 20, simulations: 4, openingPlies: 0,
      maxPlies: nil, seed: 1)
    #expect(again == r)
  }

  @Test func theGateKeepsOrReplacesTheBest() throws {
    var c = Self.config()
    c.gateEvery = 1
    c.gateGames = 4
    c.gateThreshold = 0
    let always = try HexapawnLearner(config: c)
    always.selfPlayIteration()
    #expect(always.bestIteration == 1 && always.lastGate?.games == 4)
    c.gateThreshold = 1.01
    let never = try HexapawnLearner(config: c)
    var initial = never.best!.detachedCopy()
    never.selfPlayIteration()
    never.selfPlayIteration()
    #expect(never.bestIteration == 0 && never.lastGate?.games == 4)
    // The best is still the initial network; the trained one has moved on.
    let x = TensorBuffer(HexapawnEncoding(size: try c.boardSize).batch([HexapawnPosition(size: try c.boardSize)]))
    var best = never.best!
    #expect(best.evaluate(x, training: false).policy.tensor == initial.evaluate(x, training: false).policy.tensor)
    #expect(
      never.network.evaluate(x, training: false).policy.tensor != initial.evaluate(x, training: false).policy.tensor)
  }

  @Test func gatingAndResignationSurviveACheckpoint() throws {
    var c = Self.config()
    c.gateEvery = 1
    c.gateGames = 2
    c.gateThreshold = 0
    c.resignFalsePositives = 0.05
    let learner = try HexapawnLearner(config: c)
    learner.selfPlayIteration()
    learner.resignation.survivorLows = [-0.2, -0.9]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-gating-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try learner.save(to: dir, wallSeconds: 1)
    let (back, _) = try HexapawnLearner.load(from: dir)
    #expect(back.bestIteration == learner.bestIteration && back.lastGate == learner.lastGate)
    #expect(back.resignation == learner.resignation)
    let x = TensorBuffer(HexapawnEncoding(size: try c.boardSize).batch([HexapawnPosition(size: try c.boardSize)]))
    var a = learner.best!, b = back.best!
    #expect(a.evaluate(x, training: false).value.tensor == b.evaluate(x, training: false).value.tensor)
  }

  @Test func resignationThresholdComesFromTheSurvivors() throws {
    var r = ResignationStatistics()
    // Fewer than 20 played-out sides: no threshold yet.
    for _ in 0..<9 { r.survivorLows += [-0.95, 0.2] }
    r.update(target: 0.05)
    #expect(r.threshold == nil)
    // 100 survivors' lows from −0.99 to 0: 5 % of them fell below −0.94.
    r = ResignationStatistics()
    r.survivorLows = (0..<100).map { -0.99 + Float($0) * 0.01 }
    r.update(target: 0.05)
    #expect(r.threshold.map { abs($0 - -0.94) < 1e-5 } == true)
    // Lows that never go deep keep the threshold at −0.7 at most.
    r.survivorLows = [Float](repeating: -0.1, count: 50)
    r.update(target: 0.05)
    #expect(r.threshold == -0.7)
    // Played-out games: a side below the threshold that did not lose is a false positive; the
    // rate is over the sides that did not lose (4 here: the winners and both drawing sides).
    var s = ResignationStatistics()
    #expect(s.falsePositiveRate == nil)
    s.playedOut(lowest: [-0.95, 0.3], outcome: .win(.white), threshold: -0.9)
    s.playedOut(lowest: [0.2, -0.97], outcome: .win(.white), threshold: -0.9)
    s.playedOut(lowest: [-0.5, -0.6], outcome: .draw, threshold: -0.9)
    #expect(s.wouldResign == 2 && s.falsePositives == 1 && s.survivors == 4 && s.falsePositiveRate == 0.25)
    #expect(s.survivorLows == [-0.95, 0.2, -0.5, -0.6])
    // Games before any threshold add lows but count toward no rate.
    s.playedOut(lowest: [-0.99, 0.5], outcome: .draw, threshold: nil)
    #expect(s.survivors == 4 && s.falsePositiveRate == 0.25 && s.survivorLows.count == 6)
    // A checkpoint written before `survivors` existed still loads.
    let old = #"{"survivorLows":[-0.5],"resigned":1,"wouldResign":2,"falsePositives":1}"#
    let loaded = try JSONDecoder().decode(ResignationStatistics.self, from: Data(old.utf8))
    #expect(loaded.survivors == 0 && loaded.falsePositiveRate == nil && loaded.resigned == 1)
  }

  @Test func detachedCopiesShareNothing() throws {
    let learner = try HexapawnLearner(config: Self.config())
    var copy = learner.network.detachedCopy()
    let x = TensorBuffer(
      HexapawnEncoding(size: try Self.config().boardSize).batch([HexapawnPosition(size: try Self.config().boardSize)]))
    let before = copy.evaluate(x, training: false).policy.tensor
    #expect(learner.network.evaluate(x, training: false).policy.tensor == before)
    learner.train(steps: 20, from: learner.selfPlayGames(2))
    #expect(copy.evaluate(x, training: false).policy.tensor == before)
  }
}
