import Chess
import Foundation
import GameCore
import NNUE
import Testing

/// Damaged NNUE nets, quantised (`.nnue`) and float (`.safetensors`): every copy (empty,
/// truncated, one bit flipped at seeded offsets) is refused in one line naming the file, or
/// loads a net that evaluates exactly like the original.
@Suite struct CorruptNetTests {
  @Test(arguments: [1, 2] as [UInt64])
  func netsAreRefusedOrLoadIdentical(seed: UInt64) throws {
    let f = NNUENetwork(spec: smallSpecs[2], seed: 6)
    let q = QuantizedNNUE(f)
    let positions = randomGamePositions(plies: 20, seed: 3)
    for ext in ["nnue", "safetensors"] {
      let path = tempPath("net.\(ext)")
      if ext == "nnue" { try q.save(to: path) } else { try f.save(to: path) }
      let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
      for v in FileDamage.variants(of: bytes, seed: seed) {
        try Data(v.bytes).write(to: URL(fileURLWithPath: path))
        do throws(NNUEError) {
          let loaded = try QuantizedNNUE.load(path)
          #expect(
            positions.allSatisfy { loaded.evaluate($0) == q.evaluate($0) }, "\(ext) \(v.label): evaluates differently")
        } catch {
          #expect(error.message.contains(path) && !error.message.contains("\n"), "\(ext) \(v.label): \(error.message)")
        }
      }
    }
  }
}
