import Foundation
import GameCore
import Testing

/// The one engine-file format: both games, every type, one-line errors naming file and field.
@Suite struct EngineSpecTests {
  func parse(_ json: String) throws(EngineError) -> EngineSpec {
    try EngineSpec.parse(Data(json.utf8), source: "e.json")
  }

  /// The error `json` gets.
  func problem(_ json: String) -> String? {
    do throws(EngineError) {
      _ = try parse(json)
      return nil
    } catch {
      return error.message
    }
  }

  @Test func bothGamesInOneFormat() throws {
    let sf = try parse(
      #"{"game":"chess","name":"sf","type":"uci","command":"/usr/games/stockfish","options":{"UCI_Elo":"1350"}}"#)
    #expect(sf.game == .chess && sf.options?["UCI_Elo"] == "1350")
    let net = try parse(
      #"{"game":"hexapawn","name":"h","type":"network","size":"3x3","weights":"h.safetensors","simulations":0}"#)
    #expect(net.game == .hexapawn && net.size == "3x3" && net.weights == "h.safetensors" && net.simulations == 0)
    // A chess file written before `game` existed is still a chess file.
    let old = try parse(#"{"name":"zerolab","type":"builtin","options":{"Hash":"64"}}"#)
    #expect(old.game == .chess && old == EngineSpec(name: "zerolab", type: "builtin", options: ["Hash": "64"]))
    // Written and read back, a file keeps its fields (`game` is always written).
    let data = try JSONEncoder().encode(net)
    #expect(String(decoding: data, as: UTF8.self).contains(#""game":"hexapawn""#))
    #expect(try EngineSpec.parse(data, source: "x") == net)
  }

  @Test func problemsNameTheFileAndTheField() {
    let cases: [(String, String)] = [
      (#"{"name":"a"}"#, #"e.json: missing "type""#),
      (#"{"type":"uci"}"#, #"e.json: missing "name""#),
      (#"{"name":"","type":"uci"}"#, #"e.json: "name" is empty"#),
      (#"{"name":"a","type":"weird"}"#, #"e.json: "type" must be "builtin", "uci" or "network" for a chess engine"#),
      (#"{"name":"a","type":"network"}"#, #"e.json: a network engine needs "weights""#),
      (#"{"name":"a","type":"network","weights":"w","simulations":0}"#, #"e.json: "simulations" must be positive"#),
      (
        #"{"name":"a","type":"network","weights":"w","options":{"Depth":"3"}}"#,
        #"e.json: unknown network option "options.Depth" (Hash, Threads, Batch)"#
      ),
      (
        #"{"name":"a","type":"network","weights":"w","options":{"Batch":"0"}}"#,
        #"e.json: "options.Batch" needs a positive integer"#
      ),
      (#"{"name":"a","type":"uci"}"#, #"e.json: a uci engine needs "command""#),
      ("not json", "e.json: not a JSON object"),
      (#"{"name":"a","type":"builtin","options":{"Hash":"x"}}"#, #"e.json: "options.Hash" needs a positive integer"#),
      (
        #"{"name":"a","type":"builtin","options":{"Threads":"2"}}"#,
        #"e.json: unknown built-in option "options.Threads" (Hash, Depth, Nodes, EvalFile)"#
      ),
      (#"{"name":"a","type":"builtin","options":{"Hash":16}}"#, #"e.json: "options.Hash" has the wrong type"#),
      (#"{"game":"go","name":"a","type":"builtin"}"#, #"e.json: "game" must be "chess" or "hexapawn", not "go""#),
      (#"{"game":"hexapawn","name":"a","type":"builtin"}"#, #"e.json: "type" must be "network" for a hexapawn engine"#),
      (
        #"{"game":"hexapawn","name":"a","type":"network","size":"3x3","simulations":0}"#,
        #"e.json: a network engine needs "weights""#
      ),
      (
        #"{"game":"hexapawn","name":"a","type":"network","size":"3x3","weights":"w","simulations":"many"}"#,
        #"e.json: "simulations" has the wrong type"#
      ),
    ]
    for (json, message) in cases { #expect(problem(json) == message, "\(json)") }
  }

  @Test func aFileForTheOtherGameIsRefused() throws {
    let dir = FileManager.default.temporaryDirectory.path + "/zerolab-enginespec-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/h.json"
    try Data(#"{"game":"hexapawn","name":"h","type":"network","size":"4x4","weights":"w","simulations":8}"#.utf8)
      .write(to: URL(fileURLWithPath: path))
    #expect(try EngineSpec.load(path, game: .hexapawn).simulations == 8)
    #expect(throws: EngineError("\(path): a hexapawn engine, not a chess engine")) {
      try EngineSpec.load(path, game: .chess)
    }
    #expect(throws: EngineError("cannot read engine file \(dir)/missing.json")) {
      try EngineSpec.load(dir + "/missing.json", game: .chess)
    }
    #expect(EngineSpec.path("w.safetensors", besides: path) == dir + "/w.safetensors")
    #expect(EngineSpec.path("/abs/w", besides: path) == "/abs/w")
    #expect(EngineSpec.path("w", besides: "h.json") == "w")
  }
}

/// The one shape of every layer's error.
@Suite struct ZeroLabErrorTests {
  @Test func oneLineShape() {
    let e = NotationError("bad square 'z9'")
    #expect(e.description == e.message && "\(e)" == "bad square 'z9'")
    #expect(EngineError(naming: "x.json", "missing \"name\"").message == "x.json: missing \"name\"")
    // A message that already names the file is not prefixed twice.
    #expect(EngineError(naming: "x.json", "x.json: not a JSON object").message == "x.json: not a JSON object")
    // Carried up to another layer unchanged.
    #expect(EngineError(NotationError("unknown player 'x'")) == EngineError("unknown player 'x'"))
    let any: any ZeroLabError = EngineError("cannot read engine file e.json")
    #expect(any.message == "cannot read engine file e.json")
  }
}

/// Engine files libFuzzer found (`make fuzz`): values and keys quoted in an error were shown
/// with their control characters, breaking the one-line message.
@Suite struct EngineSpecFuzzRegressionTests {
  static func refusal(_ json: String) -> String {
    do throws(EngineError) {
      _ = try EngineSpec.parse(Data(json.utf8), source: "e.json")
      return "accepted"
    } catch {
      return error.message
    }
  }

  @Test func controlCharactersInAnEngineFileStayOnOneLine() {
    #expect(
      Self.refusal(#"{"game": "ch\u0001ess", "name": "x", "type": "builtin"}"#)
        == #"e.json: "game" must be "chess" or "hexapawn", not "ch?ess""#)
    #expect(
      Self.refusal(#"{"name": "x", "type": "builtin", "options": {"H\u001bash": "1"}}"#)
        .hasPrefix(#"e.json: unknown built-in option "options.H?ash""#))
  }
}
