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
    let records = randomGamePositions(plies: 40, seed: seed).enumerated().map { i, p in
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

/// A training run whose data fingerprint (`data.json`), settings or metrics are damaged: a
/// resume is refused in one line naming the file (each carries a checksum, so even a flipped
/// digit is caught), and the file is left as it was (never replaced by the fingerprint of the
/// data given).
@Suite struct CorruptTrainingRunTests {
  @Test(arguments: ["data.json", "settings.json", "metrics.jsonl"])
  func aDamagedRunFileIsRefusedAndKept(name: String) throws {
    var settings = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 1, seed: 5)
    settings.batchSize = 128
    settings.threads = 1
    let records = randomGamePositions(plies: 60, seed: 4).enumerated().map { i, p in
      TrainingRecord(p, score: i * 3 - 90, result: .draw, ply: i, move: .none)
    }
    let out = tempPath("run")
    try NNUETrainer(settings: settings, records: records, out: out, resume: false).run()
    let path = out + "/" + name
    let good = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    for v in FileDamage.variants(of: good, truncations: 4, flips: 8, seed: 7) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: path))
      do {
        _ = try NNUETrainer(settings: settings, records: records, out: out, resume: true)
        Issue.record("\(v.label): accepted")
      } catch {
        let message = (error as? any ZeroLabError)?.message ?? "\(error)"
        #expect(message.contains(path) && !message.contains("\n"), "\(v.label): \(message)")
      }
      #expect(FileManager.default.contents(atPath: path) == Data(v.bytes), "\(v.label): \(name) was rewritten")
    }
  }
}
