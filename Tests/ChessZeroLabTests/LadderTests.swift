import Chess
import ChessZero
import ChessZeroLab
import Engines
import Foundation
import GameCore
import NeuralCore
import Testing

/// The ladder: a network engine's matches against named opponents, and the names it knows.
@Suite struct LadderTests {
  @Test func opponentsByName() throws {
    let d2 = try Ladder.opponent("alphabeta-d2")
    #expect(d2.type == "builtin" && d2.options?["Depth"] == "2" && d2.options?["EvalFile"] == "handcrafted")
    #expect(try Ladder.opponent("random").type == EngineSpec.searchType)
    #expect(throws: EngineError.self) { try Ladder.opponent("alphabeta-d0") }
    #expect(throws: EngineError.self) { try Ladder.opponent("no-such-engine") }
  }

  @Test func aNetworkPlaysEachOpponent() throws {
    let dir = FileManager.default.temporaryDirectory.path + "/zerolab-ladder-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    var rng = Xoshiro256(seed: 4)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    let spec = net.spec
    try Checkpoint.save(&net, spec: spec, to: dir + "/net.safetensors")
    var settings = LadderSettings()
    settings.games = 2
    settings.simulations = 8
    settings.opponents = ["random", "alphabeta-d1"]
    let records = try Ladder.measure(
      weights: dir + "/net.safetensors", name: "tiny", settings: settings, openings: [ChessPosition()])
    #expect(records.map(\.b) == ["random", "alphabeta-d1"])
    #expect(records.allSatisfy { $0.a == "tiny" && $0.games == 2 })
  }
}
