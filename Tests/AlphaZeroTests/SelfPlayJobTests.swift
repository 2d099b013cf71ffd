import AlphaZero
import Foundation
import GameCore
import Hexapawn
import LabKit
import NeuralCore
import Testing

@Suite struct SelfPlayJobTests {
  func config() -> ZeroConfig {
    var c = ZeroConfig()
    c.blocks = 1
    c.channels = 8
    c.gamesPerIteration = 6
    c.simulations = 8
    c.trainSteps = 5
    c.evalGames = 2
    c.partGames = 4
    c.seed = 11
    return c
  }

  func tempDir() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-job-\(UUID().uuidString)").path
  }

  /// An iteration whose games are played in parts by other learners (as workers play them,
  /// from the job and the network file) and recorded in order ends exactly as the learner's
  /// own iteration with the same `partGames`; the job's seeds are the learner's next draws.
  @Test func partsPlayedApartMakeTheLearnersIteration() throws {
    let here = try HexapawnLearner(config: config())
    here.selfPlayIteration()
    let there = try HexapawnLearner(config: config())
    let dir = tempDir()
    var job = SelfPlayJob(
      game: "hexapawn", config: config(), iteration: 1, seeds: there.selfPlaySeeds(6),
      resignThreshold: there.resignThreshold)
    #expect(job.parts == [0..<4, 4..<6])
    let (none, work) = try job.collect(dir: dir)
    #expect(none == nil && work.parts.map(\.games) == [0..<4, 4..<6])
    #expect(work.parts.map(\.output) == ["selfplay/iteration-1/part-0-3.json", "selfplay/iteration-1/part-4-5.json"])
    try job.write(dir: dir, network: there.network)
    // Each part by a learner of its own, the network read from the job's file.
    for part in work.parts.reversed() {
      let worker = try HexapawnLearner(
        config: try #require(try RunFiles.readJSON(SelfPlayJob.self, from: dir + "/" + work.job)).config)
      let played = try job.play(part.games, learner: worker, network: dir + "/" + work.network)
      try RunFiles.writeJSON(played, to: dir + "/" + part.output)
    }
    let (games, left) = try job.collect(dir: dir)
    #expect(left.parts.isEmpty)
    there.finishIteration(there.record(try #require(games)))
    #expect(there.buffer == here.buffer)
    #expect(there.gamesPlayed == here.gamesPlayed && there.lastLoss == here.lastLoss)
    // A part of other games (another iteration's seeds) is refused.
    job.seeds[0].search &+= 1
    #expect(throws: NeuralError.self) { try job.collect(dir: dir) }
  }
}
