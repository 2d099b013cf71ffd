import AlphaZero
import Foundation
import GameCore
import Testing

/// A self-play checkpoint with any one of its files damaged (empty, truncated, one bit
/// flipped at seeded offsets): `HexapawnLearner.load` refuses it in one line naming the damaged file,
/// and the checkpoint folder is left byte for byte as it was. The JSON files are covered by
/// checksums kept in the network file's header.
@Suite struct CorruptRunTests {
  @Test(arguments: [1, 2] as [UInt64])
  func aDamagedCheckpointIsRefusedAndLeftAsItWas(seed: UInt64) throws {
    var config = ZeroConfig()
    config.simulations = 4
    config.blocks = 1
    config.channels = 4
    let learner = try HexapawnLearner(config: config)
    learner.buffer = learner.selfPlayGame()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-corrupt-run-\(UUID().uuidString)")
      .path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try learner.save(to: dir, wallSeconds: 1.5)
    _ = try HexapawnLearner.load(from: dir)
    for name in ["state.json", "replay.json", "network.safetensors", "optimizer.safetensors"] {
      let path = dir + "/" + name
      let good = [UInt8](try #require(FileManager.default.contents(atPath: path)))
      for v in FileDamage.variants(of: good, truncations: 4, flips: 6, seed: seed) {
        try Data(v.bytes).write(to: URL(fileURLWithPath: path))
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map {
          FileManager.default.contents(atPath: dir + "/" + $0)
        }
        do {
          _ = try HexapawnLearner.load(from: dir)
          Issue.record("\(name) \(v.label): accepted")
        } catch {
          let message = (error as? any ZeroLabError)?.message ?? "\(error)"
          #expect(message.contains(path) && !message.contains("\n"), "\(name) \(v.label): \(message)")
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map {
          FileManager.default.contents(atPath: dir + "/" + $0)
        }
        #expect(before == after, "\(name) \(v.label): the checkpoint changed")
      }
      try Data(good).write(to: URL(fileURLWithPath: path))
    }
  }
}
