import Foundation
import GameCore
import Testing

/// Damaged engine files (empty, truncated, one bit flipped at seeded offsets, a folder named
/// like the file): refused in one line naming the file, or read as some valid engine file
/// (a flipped letter of a hand-written JSON file can still be valid JSON); never a crash.
@Suite struct CorruptEngineFileTests {
  static let files = [
    #"{"game":"chess","name":"sf","type":"uci","command":"/usr/games/stockfish","options":{"UCI_Elo":"1350"}}"#,
    #"{"game":"hexapawn","name":"h","type":"network","size":"3x3","weights":"h.safetensors","simulations":0}"#,
  ]

  @Test(arguments: [1, 2, 3] as [UInt64])
  func engineFilesAreRefusedInOneLineOrValid(seed: UInt64) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-engine-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/e.json"
    for (k, text) in CorruptEngineFileTests.files.enumerated() {
      let game: EngineSpec.Game = k == 0 ? .chess : .hexapawn
      for v in FileDamage.variants(of: Array(text.utf8), seed: seed) {
        try Data(v.bytes).write(to: URL(fileURLWithPath: path))
        do throws(EngineError) {
          let spec = try EngineSpec.load(path, game: game)
          try spec.check(source: path)
        } catch {
          #expect(error.message.contains(path) && !error.message.contains("\n"), "\(v.label): \(error.message)")
        }
      }
    }
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(throws: EngineError.self) { _ = try EngineSpec.load(path, game: .chess) }
  }
}
