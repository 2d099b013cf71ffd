import ChessArena
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUELab
import NNUETraining
import Testing

/// A loop folder whose `loop.json` or a `generation.json` is damaged (empty, truncated, one
/// bit flipped at seeded offsets, a folder in its place), and a comparison folder whose
/// `compare.json` is: refused in one line naming the file (each carries a checksum), which is
/// left as it was.
@Suite struct CorruptLoopTests {
  @Test func aDamagedLoopFileIsRefusedAndKept() throws {
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 3)
    train.batchSize = 64
    var s = LoopSettings(generations: 2, gen: GenSettings(games: 4, nodes: 300, seed: 3), train: train)
    s.openings = nil
    let out = tempPath("corrupt-loop")
    _ = try SelfPlayLoop(settings: s, out: out)
    let path = out + "/loop.json"
    try expectEachDamageRefusedAndKept(path, seed: 5) { _ = try SelfPlayLoop(settings: s, out: out) }
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(throws: (any Error).self) { try SelfPlayLoop(settings: s, out: out) }
  }

  @Test func aDamagedGenerationRecordIsRefusedAndKept() throws {
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 3)
    train.batchSize = 64
    var s = LoopSettings(generations: 1, gen: GenSettings(games: 4, nodes: 300, seed: 3), train: train)
    s.openings = nil
    let out = tempPath("corrupt-generation")
    let match = MatchRecord(a: "gen0", b: "handcrafted", timeControl: "1+0", score: MatchScore(wins: 1, losses: 1))
    let matchJSON = String(decoding: try RunFiles.encoder().encode(match), as: UTF8.self)
    let record = try RunFiles.decoder().decode(
      GenerationRecord.self,
      from: Data(
        """
        {"generation": 0, "data_from": "handcrafted", "positions": 120, "training_positions": 114,
         "validation_loss": 0.0125, "validation_cp_error": 31.5, "vs_handcrafted": \(matchJSON),
         "best": "\(out)/gen0/net.nnue", "seconds": 2}
        """.utf8))
    let path = out + "/gen0/generation.json"
    try RunFiles.writeJSON(record, to: path)
    let loop = try SelfPlayLoop(settings: s, out: out)
    #expect(try loop.run() == [record])
    try expectEachDamageRefusedAndKept(path, seed: 9) { _ = try loop.run() }
  }

  @Test func aDamagedComparisonFileIsRefusedAndKept() throws {
    let train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 3)
    let s = CompareSettings(data: [], gen: GenSettings(games: 4, nodes: 300, seed: 3), positions: 100, train: train)
    let out = tempPath("corrupt-compare")
    _ = try Comparison(settings: s, out: out)
    let path = out + "/compare.json"
    try expectEachDamageRefusedAndKept(path, seed: 11) { _ = try Comparison(settings: s, out: out) }
  }
}
