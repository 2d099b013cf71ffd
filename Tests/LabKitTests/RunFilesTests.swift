import Foundation
import GameCore
import LabKit
import Testing

struct Line: Codable, Equatable {
  var epoch: Int
  var validationLoss: Double
  var positionsSeen: Int
}

func scratch(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "zerolab-labkit-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
  ).path
  try? FileManager.default.removeItem(atPath: dir)
  return dir
}

@Suite struct RunFilesTests {
  @Test func jsonKeysAreSnakeCaseAndSorted() throws {
    let data = try RunFiles.encoder().encode(Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12))
    #expect(String(decoding: data, as: UTF8.self) == #"{"epoch":3,"positions_seen":12,"validation_loss":0.5}"#)
    #expect(
      try RunFiles.decoder().decode(Line.self, from: data) == Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12))
  }

  @Test func writeMakesFoldersReplacesAndLeavesNoTemporaryFile() throws {
    let dir = scratch("write")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/a/b/state.json"
    try RunFiles.writeJSON(Line(epoch: 1, validationLoss: 1, positionsSeen: 0), to: path)
    try RunFiles.writeJSON(Line(epoch: 2, validationLoss: 0.25, positionsSeen: 7), to: path)
    #expect(try RunFiles.readJSON(Line.self, from: path) == Line(epoch: 2, validationLoss: 0.25, positionsSeen: 7))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/a/b") == ["state.json"])
    #expect(try RunFiles.readJSON(Line.self, from: dir + "/missing.json") == nil)
  }

  @Test func writeJSONRefusesWhatCannotCarryAChecksum() throws {
    let dir = scratch("unsealable")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/list.json"
    #expect(throws: RunFileError.self) { try RunFiles.writeJSON([1, 2, 3], to: path) }
    #expect(throws: RunFileError.self) { try RunFiles.writeJSON("bare", to: path) }
    #expect(throws: RunFileError.self) { try RunFiles.writeJSON([String: Int](), to: path) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func aCorruptFileIsAnErrorNamingIt() throws {
    let dir = scratch("corrupt")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try RunFiles.write(text: "{\"epoch\": 1", to: dir + "/x.json")
    #expect(throws: RunFileError.self) { try RunFiles.readJSON(Line.self, from: dir + "/x.json") }
    do {
      _ = try RunFiles.readJSON(Line.self, from: dir + "/x.json")
    } catch {
      #expect(error.message.contains("x.json"))
    }
  }

  /// The checksum member: FNV-1a 64 of the object without it (the values below computed
  /// independently, by scripts/run_digest.py's implementation), first in the object, in the
  /// compact form of JSON Lines and the pretty form of JSON files.
  @Test func aChecksumLeadsEveryObjectAndIsTheObjectsWithoutIt() throws {
    let compact = try RunFiles.encoder().encode(Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12))
    #expect(
      String(decoding: RunFiles.sealing(compact), as: UTF8.self)
        == #"{"checksum":"fnv1a64:cf01fafbd7b0e326","epoch":3,"positions_seen":12,"validation_loss":0.5}"#)
    let pretty = try RunFiles.encoder(pretty: true).encode(Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12))
    let sealed = String(decoding: RunFiles.sealing(pretty), as: UTF8.self)
    #expect(sealed.hasPrefix("{\n  \"checksum\" : \"fnv1a64:8c53752db21cc72a\",\n  \"epoch\" : 3,"))
    #expect(try RunFiles.unsealing(RunFiles.sealing(pretty)).get() == pretty)
    #expect(try RunFiles.unsealing(RunFiles.sealing(compact)).get() == compact)
    // Not an object, or an empty one: nothing to seal.
    #expect(RunFiles.sealing(Data("[1]".utf8)) == Data("[1]".utf8))
    #expect(RunFiles.sealing(Data("{}".utf8)) == Data("{}".utf8))
  }

  /// A digit changed by one bit still decodes, to another value: the checksum refuses it, in
  /// a JSON file and in a JSON Lines line, naming the file (and the line).
  @Test func aFlippedDigitIsRefused() throws {
    let dir = scratch("digit")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/state.json"
    try RunFiles.writeJSON(Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12), to: path)
    var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    let three = try #require(bytes.lastIndex(of: UInt8(ascii: "3")))
    bytes[three] ^= 1
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: RunFileError("\(path): damaged (checksum mismatch)")) {
      try RunFiles.readJSON(Line.self, from: path)
    }
    let log = JSONLines<Line>(path: dir + "/metrics.jsonl")
    for e in 1...3 { try log.append(Line(epoch: e, validationLoss: 0.5, positionsSeen: 10 * e)) }
    var text = [UInt8](try #require(FileManager.default.contents(atPath: log.path)))
    let twenty = try #require(text.firstRange(of: Array(#""positions_seen":20"#.utf8)))
    text[twenty.upperBound - 2] ^= 1
    try Data(text).write(to: URL(fileURLWithPath: log.path))
    #expect(throws: RunFileError("\(log.path):2: damaged line (checksum mismatch)")) { try log.read() }
    // A flip in the member's own text is refused too, not read as a file without a checksum.
    try RunFiles.writeJSON(Line(epoch: 3, validationLoss: 0.5, positionsSeen: 12), to: path)
    bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
    bytes[6] ^= 1
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: RunFileError("\(path): damaged (its checksum member is corrupted)")) {
      try RunFiles.readJSON(Line.self, from: path)
    }
  }

  /// Files and lines written before checksums (none in them) are still read.
  @Test func filesWithoutAChecksumAreRead() throws {
    let dir = scratch("legacy")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try RunFiles.write(text: #"{"epoch": 2, "validation_loss": 0.25, "positions_seen": 7}"#, to: dir + "/old.json")
    #expect(
      try RunFiles.readJSON(Line.self, from: dir + "/old.json")
        == Line(epoch: 2, validationLoss: 0.25, positionsSeen: 7))
    let log = JSONLines<Line>(path: dir + "/old.jsonl")
    try RunFiles.write(text: #"{"epoch":1,"positions_seen":0,"validation_loss":1}"# + "\n", to: log.path)
    try log.append(Line(epoch: 2, validationLoss: 0.5, positionsSeen: 1))
    #expect(try log.read().map(\.epoch) == [1, 2])
    // A last line without its line break was cut short.
    try RunFiles.write(text: #"{"epoch":1,"positions_seen":0,"validation_loss":1}"#, to: log.path)
    #expect(throws: RunFileError("\(log.path):1: cut short (no line break)")) { try log.read() }
  }

  @Test func anUnwritablePlaceIsAnErrorNotACrash() {
    #expect(throws: RunFileError.self) { try RunFiles.write(text: "x", to: "/proc/zerolab/x.json") }
    do throws(RunFileError) {
      try RunFiles.write(text: "x", to: "/proc/zerolab/x.json")
    } catch {
      // The one-line shape every layer's error has.
      let any: any ZeroLabError = error
      #expect(!any.description.contains("\n") && any.description == error.message)
    }
  }
}

@Suite struct JSONLinesTests {
  @Test func appendReadRewrite() throws {
    let dir = scratch("lines")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = JSONLines<Line>(path: dir + "/metrics.jsonl")
    #expect(try log.read().isEmpty)
    for e in 1...4 { try log.append(Line(epoch: e, validationLoss: 1 / Double(e), positionsSeen: 100 * e)) }
    #expect(try log.read().map(\.epoch) == [1, 2, 3, 4])
    let text = try String(contentsOfFile: log.path, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 4)
    #expect(text.hasPrefix(#"{"checksum":"fnv1a64:"#))
    #expect(text.split(separator: "\n")[0].hasSuffix(#","epoch":1,"positions_seen":100,"validation_loss":1}"#))
    // A resumed run repeats epoch 3: the lines from 3 on go, the new line is appended.
    try log.append(Line(epoch: 3, validationLoss: 0.3, positionsSeen: 300)) { $0.epoch < 3 }
    #expect(
      try log.read() == [
        Line(epoch: 1, validationLoss: 1, positionsSeen: 100), Line(epoch: 2, validationLoss: 0.5, positionsSeen: 200),
        Line(epoch: 3, validationLoss: 0.3, positionsSeen: 300),
      ])
    try log.rewrite([])
    #expect(try log.read().isEmpty)
  }

  @Test func aBadLineIsNamedWithItsNumber() throws {
    let dir = scratch("badline")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = JSONLines<Line>(path: dir + "/metrics.jsonl")
    try log.append(Line(epoch: 1, validationLoss: 1, positionsSeen: 0))
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
    try h.seekToEnd()
    try h.write(contentsOf: Data("{\"epoch\": \n".utf8))
    try h.close()
    do {
      _ = try log.read()
      Issue.record("a truncated line was read")
    } catch {
      #expect(error.message.hasSuffix("metrics.jsonl:2: not a valid Line line"))
    }
  }
}
