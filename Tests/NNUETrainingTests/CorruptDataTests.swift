import Chess
import Foundation
import GameCore
import NNUE
import NNUETraining
import Testing

/// Damaged `.zldata` shards (empty, truncated, one bit flipped at seeded offsets, a folder
/// named like a shard): refused in one line naming the file, or read back identical; never
/// a crash or different records.
@Suite struct CorruptDataTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func shardsAreRefusedOrReadIdentical(seed: UInt64) throws {
    let records = randomGame(seed: seed, plies: 40).enumerated().map { i, p in
      TrainingRecord(p, score: i * 11 - 200, result: i % 2 == 0 ? .draw : .win(.black), ply: i, move: .none)
    }
    let path = tempPath("shard.zldata")
    let bytes = [UInt8](TrainingData.encode(records))
    for v in FileDamage.variants(of: bytes, truncations: 10, flips: 24, seed: seed) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: path))
      do throws(NNUEError) {
        let back = try TrainingData.load([path])
        #expect(back == records, "\(v.label): read back different records")
      } catch {
        #expect(error.message.contains(path) && !error.message.contains("\n"), "\(v.label): \(error.message)")
      }
    }
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(throws: NNUEError.self) { _ = try TrainingData.read(path) }
  }
}
