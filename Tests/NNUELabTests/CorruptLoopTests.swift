import Foundation
import GameCore
import NNUE
import NNUELab
import NNUETraining
import Testing

/// A loop folder whose `loop.json` is damaged (empty, truncated, one bit flipped at seeded
/// offsets, a folder in its place): opening the loop is refused in one line naming the file,
/// which is left as it was, or (a flip in a field a rerun may change, or one leaving the same
/// value) accepted.
@Suite struct CorruptLoopTests {
  @Test func aDamagedLoopFileIsRefusedAndKept() throws {
    var train = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 3)
    train.batchSize = 64
    var s = LoopSettings(generations: 2, gen: GenSettings(games: 4, nodes: 300, seed: 3), train: train)
    s.openings = nil
    let out = tempPath("corrupt-loop")
    _ = try SelfPlayLoop(settings: s, out: out)
    let path = out + "/loop.json"
    let good = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    for v in FileDamage.variants(of: good, truncations: 6, flips: 16, seed: 5) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: path))
      do {
        _ = try SelfPlayLoop(settings: s, out: out)
      } catch {
        let message = (error as? any ZeroLabError)?.message ?? "\(error)"
        #expect(message.contains(path) && !message.contains("\n"), "\(v.label): \(message)")
        #expect(FileManager.default.contents(atPath: path) == Data(v.bytes), "\(v.label): loop.json was rewritten")
      }
    }
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(throws: (any Error).self) { try SelfPlayLoop(settings: s, out: out) }
  }
}
