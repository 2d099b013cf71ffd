import Chess
import ChessArena
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUELab
import NNUETraining
import Testing

@Suite struct ArenaPartTests {
  let openings = try! readOpenings(
    """
    rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq -
    rnbqkbnr/pppppppp/8/8/3P4/8/PPP1PPPP/RNBQKBNR b KQkq -
    """, source: "t")

  /// A match played whole, and played as two parts by other engines, has the same games: the
  /// engines start each game afresh, game i's opening and colours depend on i alone.
  @Test func aMatchInPartsScoresWhatItScoresWhole() throws {
    let net = tempPath("random.nnue")
    try QuantizedNNUE(NNUENetwork(spec: NNUESpec(accumulator: 16), seed: 3)).save(to: net)
    let tc = try TimeControl(parsing: "60+1")
    let whole = try ArenaPart.play(net, "handcrafted", games: 0..<4, nodes: 200, timeControl: tc, openings: openings)
    let first = try ArenaPart.play(net, "handcrafted", games: 0..<2, nodes: 200, timeControl: tc, openings: openings)
    let second = try ArenaPart.play(net, "handcrafted", games: 2..<4, nodes: 200, timeControl: tc, openings: openings)
    #expect(whole.count == 4 && whole.score.games == 4)
    #expect(second.first == 2 && second.count == 2)
    let sum = MatchScore(
      wins: first.wins + second.wins, draws: first.draws + second.draws, losses: first.losses + second.losses)
    #expect(whole.score == sum)
    // Game 2 is not game 0 again: a part of other games is another part.
    #expect(!first.isSameGames(as: second))
    #expect(throws: NNUEError.self) {
      try ArenaPart.play("/nonexistent.nnue", "handcrafted", games: 0..<1, nodes: 10, timeControl: tc, openings: [])
    }
  }

  func settings() -> LoopSettings {
    var gen = GenSettings(games: 2, nodes: 300, seed: 7)
    gen.gamesPerShard = 2
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 7)
    train.batchSize = 64
    train.threads = 1
    var s = LoopSettings(generations: 1, gen: gen, train: train)
    s.arenaGames = 4
    s.timeControl = "60+1"
    s.arenaNodes = 300
    s.openings = nil
    s.threads = 1
    return s
  }

  /// With `delegate` the loop plays nothing: it hands over the self-play data it misses, then
  /// the arena parts it misses, and stops; a part holding other games is refused, never
  /// summed.
  @Test func aDelegatingLoopLeavesItsGames() throws {
    let out = tempPath("delegate")
    let loop = try SelfPlayLoop(settings: settings(), out: out)
    loop.log = { _ in }
    var handed: [DelegatedWork] = []
    loop.delegate = { handed.append($0) }
    #expect(try loop.run().isEmpty)
    let data = try #require(loop.delegated)
    #expect(handed == [data])
    #expect(data.generation == 0 && data.step == "data" && data.parts.isEmpty && data.inputs.isEmpty)
    #expect(data.selfPlay?.settings == settings().gen && data.selfPlay?.evaluation == "handcrafted")
    #expect(data.selfPlay?.out == "gen0/data")
    #expect(!FileManager.default.fileExists(atPath: out + "/gen0/data"))
    // The whole generation on this machine, then one arena part and the record taken away.
    loop.delegate = nil
    let done = try loop.run()
    #expect(loop.delegated == nil)
    let part = out + "/gen0/arena/vs-handcrafted-2-3.json"
    let kept = try #require(FileManager.default.contents(atPath: part))
    try FileManager.default.removeItem(atPath: part)
    try FileManager.default.removeItem(atPath: out + "/gen0/generation.json")
    loop.delegate = { _ in }
    _ = try loop.run()
    let arena = try #require(loop.delegated)
    #expect(arena.step == "arena" && arena.selfPlay == nil && arena.openings == nil)
    #expect(arena.inputs == ["gen0/net.nnue": out + "/gen0/net.nnue"])
    #expect(arena.parts.map(\.output) == ["gen0/arena/vs-handcrafted-2-3.json"])
    let wanted = try #require(arena.parts.first?.wanted)
    #expect(wanted.a == "gen0/net.nnue" && wanted.b == "handcrafted" && wanted.first == 2 && wanted.count == 2)
    #expect(wanted.nodes == 300 && wanted.timeControl == "60+1")
    // The part put back (as a worker would), the loop ends with the record it made whole.
    try kept.write(to: URL(fileURLWithPath: part))
    var again = try loop.run()
    #expect(loop.delegated == nil)
    again[0].seconds = done[0].seconds
    #expect(again == done)
    // A part of other games in a part's place is refused.
    var other = try #require(try RunFiles.readJSON(ArenaPart.self, from: part))
    other.b = "gen9/net.nnue"
    try RunFiles.writeJSON(other, to: part)
    try FileManager.default.removeItem(atPath: out + "/gen0/generation.json")
    #expect(throws: NNUEError.self) { try loop.run() }
  }
}
