import Foundation
import LabKit
import Testing

@Suite struct SafetensorsTests {
  /// Tensors (an empty one too) and string metadata come back exactly, in file order, with the
  /// checksum the writer adds; the header is padded to 8 bytes.
  @Test func roundTripKeepsTensorsMetadataAndOrder() throws {
    let dir = scratch("safetensors")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/t.safetensors"
    try SafetensorsFile.write(
      [("b", [2, 3], [1, 2, 3, 4, 5, 6]), ("a", [3], [-0.5, .infinity, 7e-20]), ("empty", [0], [])],
      metadata: ["note": "x"], to: path)
    let f = try SafetensorsFile.read(path)
    #expect(f.order == ["b", "a", "empty"])
    #expect(f.tensors["b"] == SafetensorsFile.Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
    #expect(f.tensors["a"]?.values == [-0.5, .infinity, 7e-20])
    #expect(f.tensors["empty"]?.values == [])
    #expect(f.metadata["note"] == "x" && f.metadata["checksum"]?.hasPrefix("fnv1a64-all:") == true)
    let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    #expect(Int(bytes[0]) % 8 == 0)
  }

  /// Every problem is one line: a missing file, a text file, a flipped data byte, a duplicate name.
  @Test func badFilesAndDuplicateNamesAreOneLineErrors() throws {
    let dir = scratch("safetensors-bad")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/t.safetensors"
    func refusal(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "accepted"
      } catch {
        return (error as? RunFileError)?.message ?? "\(error)"
      }
    }
    #expect(refusal { _ = try SafetensorsFile.read(dir + "/none") }.contains("cannot read"))
    try SafetensorsFile.write([("w", [2], [1, 2])], metadata: [:], to: path)
    var data = try #require(FileManager.default.contents(atPath: path))
    data[data.count - 1] ^= 0x40
    try data.write(to: URL(fileURLWithPath: path))
    #expect(refusal { _ = try SafetensorsFile.read(path) }.contains("checksum"))
    try Data("plain text\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(refusal { _ = try SafetensorsFile.read(path) }.contains("no safetensors header"))
    let duplicate = refusal { try SafetensorsFile.write([("w", [1], [1]), ("w", [1], [2])], metadata: [:], to: path) }
    #expect(duplicate.contains("duplicate tensor name w") && !duplicate.contains("\n"))
  }

  /// A tensor name with a control character (found by libFuzzer, `make fuzz`) was quoted as it
  /// is in the error.
  @Test func aControlCharacterInATensorNameStaysOnOneLine() throws {
    let dir = scratch("safetensors-name")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/t.safetensors"
    let header = Data(#"{"a.\u007fweight": {"shape": [1]}}"#.utf8)
    var file = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
    try (file + header).write(to: URL(fileURLWithPath: path))
    do {
      _ = try SafetensorsFile.read(path)
      Issue.record("accepted")
    } catch {
      #expect(error.message == "\(path): corrupted entry for a.?weight")
    }
  }
}
