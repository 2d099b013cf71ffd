import Foundation
import GameCore
import LabKit
import Testing

/// Every damaged copy of a run folder's files (empty, truncated at several lengths, one bit
/// flipped at several seeded offsets, a folder where the file should be) is refused with one
/// line naming the file, or, for a checksummed file, read back identical: never a crash or
/// a different value.
@Suite struct CorruptFileTests {
  struct Record: Codable, Equatable {
    var step: Int
    var loss: Double
    var name: String
  }

  /// The message of what `body` throws, or `nil` when it returns.
  static func refusal(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch {
      return (error as? any ZeroLabError)?.message ?? "not a ZeroLabError: \(error)"
    }
  }

  /// One line that names `path`.
  static func expectOneLine(_ message: String, naming path: String, _ label: String) {
    #expect(message.contains(path), "\(label): \(message)")
    #expect(!message.contains("\n"), "\(label): \(message)")
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func safetensorsFilesAreRefusedOrReadIdentical(seed: UInt64) throws {
    let dir = scratch("corrupt-safetensors-\(seed)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/net.safetensors"
    try SafetensorsFile.write(
      [("w", [3, 4], (0..<12).map { Float($0) * 0.5 }), ("b", [4], [1, -1, 2, -2])],
      metadata: ["format": "zerolab", "spec": #"{"width":4}"#, "step": "120"], to: path)
    let original = try SafetensorsFile.read(path)
    let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    for v in FileDamage.variants(of: bytes, seed: seed) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: path))
      var read: SafetensorsFile?
      if let message = CorruptFileTests.refusal({ read = try SafetensorsFile.read(path) }) {
        CorruptFileTests.expectOneLine(message, naming: path, v.label)
      } else {
        #expect(read == original, "\(v.label): read back different contents")
      }
    }
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let message = CorruptFileTests.refusal { _ = try SafetensorsFile.read(path) }
    CorruptFileTests.expectOneLine(message ?? "accepted", naming: path, "a folder")
  }

  /// JSON files and JSON Lines lines carry a checksum: a damaged copy is refused in one line
  /// naming the file, or (a cut after a whole line) reads back the lines before the cut
  /// unchanged; a folder in the file's place is refused, not taken for a missing file.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func jsonAndJSONLinesFilesAreRefusedOrDecoded(seed: UInt64) throws {
    let dir = scratch("corrupt-json-\(seed)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let json = dir + "/state.json", lines = dir + "/metrics.jsonl"
    try RunFiles.writeJSON(Record(step: 12, loss: 0.25, name: "gen0"), to: json)
    let log = JSONLines<Record>(path: lines)
    for i in 0..<4 { try log.append(Record(step: i, loss: 1 / Double(i + 1), name: "r\(i)")) }
    let jsonBytes = [UInt8](try #require(FileManager.default.contents(atPath: json)))
    let lineBytes = [UInt8](try #require(FileManager.default.contents(atPath: lines)))
    let records = try log.read()
    for v in FileDamage.variants(of: jsonBytes, seed: seed) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: json))
      let message = CorruptFileTests.refusal({ _ = try RunFiles.readJSON(Record.self, from: json) })
      CorruptFileTests.expectOneLine(message ?? "accepted", naming: json, v.label)
    }
    for v in FileDamage.variants(of: lineBytes, seed: seed) {
      try Data(v.bytes).write(to: URL(fileURLWithPath: lines))
      var read: [Record] = []
      if let message = CorruptFileTests.refusal({ read = try log.read() }) {
        CorruptFileTests.expectOneLine(message, naming: lines, v.label)
      } else {
        // Only a cut at a line break (or an empty file) leaves whole lines: the first ones.
        #expect(!v.isFlip && read == Array(records.prefix(read.count)), "\(v.label): read \(read)")
      }
    }
    for path in [json, lines] {
      try FileManager.default.removeItem(atPath: path)
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    let a = CorruptFileTests.refusal { _ = try RunFiles.readJSON(Record.self, from: json) }
    CorruptFileTests.expectOneLine(a ?? "accepted", naming: json, "a folder")
    let b = CorruptFileTests.refusal { _ = try log.read() }
    CorruptFileTests.expectOneLine(b ?? "accepted", naming: lines, "a folder")
  }
}
