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
    #expect(text.hasPrefix(#"{"epoch":1,"positions_seen":100,"validation_loss":1}"#))
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
