import Chess
import Foundation
import GameCore
import NNUE
import Testing

func tempPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-nnue-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

let smallSpecs: [NNUESpec] = [
  NNUESpec(layout: .chess768, accumulator: 32, activation: .screlu),
  NNUESpec(layout: .kings4, accumulator: 32, activation: .crelu),
  NNUESpec(layout: .kings16, accumulator: 48, activation: .screlu, hidden: [8]),
]

/// Writes each damage of the file at `path` in turn (`FileDamage.variants` of its bytes: six
/// truncations and 16 bit flips at offsets seeded by `seed`), and expects `open` to refuse
/// every one in one line naming the file, leaving the damaged bytes as they were.
func expectEachDamageRefusedAndKept(
  _ path: String, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation, open: () throws -> Void
) throws {
  let good = [UInt8](try #require(FileManager.default.contents(atPath: path), sourceLocation: sourceLocation))
  let name = URL(fileURLWithPath: path).lastPathComponent
  for v in FileDamage.variants(of: good, truncations: 6, flips: 16, seed: seed) {
    try Data(v.bytes).write(to: URL(fileURLWithPath: path))
    do {
      try open()
      Issue.record("\(v.label): accepted", sourceLocation: sourceLocation)
    } catch {
      let message = (error as? any ZeroLabError)?.message ?? "\(error)"
      #expect(
        message.contains(path) && !message.contains("\n"), "\(v.label): \(message)", sourceLocation: sourceLocation)
      #expect(
        FileManager.default.contents(atPath: path) == Data(v.bytes), "\(v.label): \(name) was rewritten",
        sourceLocation: sourceLocation)
    }
  }
}
