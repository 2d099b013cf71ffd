import Foundation

/// An engine as an engine file describes it (`engines/NAME.json`): one format for every game.
///
///     {"game": "chess", "name": "zerolab", "type": "builtin", "options": {"Hash": "64"}}
///     {"game": "chess", "name": "stockfish-1350", "type": "uci", "command": "/usr/games/stockfish",
///      "args": [], "options": {"UCI_LimitStrength": "true", "UCI_Elo": "1350"}}
///     {"game": "hexapawn", "name": "hexapawn-3x3-zero", "type": "network", "size": "3x3",
///      "weights": "hexapawn-3x3-zero.safetensors", "simulations": 0, "description": "..."}
///
/// Every file has `name` and `type` and may have `description`; `game` is `chess` or
/// `hexapawn`, and a file without it is a chess engine (files written before the field
/// existed). The other fields depend on the game and type:
/// - chess `builtin`: the alpha-beta engine in process; `options` `Hash` (MiB), `Depth` or
///   `Nodes` (a cap on every move, positive integers) and `EvalFile` (the shipped NNUE when
///   absent, `handcrafted`, or a net's path, relative to the engine file).
/// - chess `uci`: an external UCI program, `command` (required) with `args`, given `options`
///   with `setoption`.
/// - hexapawn `network`: a trained policy-value network, `size` (`FxR`, the board it was
///   trained on), `weights` (a safetensors file, relative to the engine file; its metadata
///   carries the network spec) and `simulations` (0: play by the policy alone; otherwise
///   PUCT simulations per move).
public struct EngineSpec: Codable, Sendable, Equatable {
  public enum Game: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case chess, hexapawn
    public var description: String { rawValue }
  }

  public var game: Game
  public var name: String
  public var type: String
  public var description: String?
  public var command: String?
  public var args: [String]?
  public var options: [String: String]?
  public var size: String?
  public var weights: String?
  public var simulations: Int?

  public init(
    game: Game = .chess, name: String, type: String, description: String? = nil, command: String? = nil,
    args: [String]? = nil, options: [String: String]? = nil, size: String? = nil, weights: String? = nil,
    simulations: Int? = nil
  ) {
    self.game = game
    self.name = name
    self.type = type
    self.description = description
    self.command = command
    self.args = args
    self.options = options
    self.size = size
    self.weights = weights
    self.simulations = simulations
  }

  enum CodingKeys: String, CodingKey {
    case game, name, type, description, command, args, options, size, weights, simulations
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let game = try c.decodeIfPresent(String.self, forKey: .game) ?? Game.chess.rawValue
    guard let g = Game(rawValue: game) else {
      throw DecodingError.dataCorruptedError(
        forKey: .game, in: c, debugDescription: "must be \"chess\" or \"hexapawn\", not \"\(game)\"")
    }
    self.game = g
    name = try c.decode(String.self, forKey: .name)
    type = try c.decode(String.self, forKey: .type)
    description = try c.decodeIfPresent(String.self, forKey: .description)
    command = try c.decodeIfPresent(String.self, forKey: .command)
    args = try c.decodeIfPresent([String].self, forKey: .args)
    options = try c.decodeIfPresent([String: String].self, forKey: .options)
    size = try c.decodeIfPresent(String.self, forKey: .size)
    weights = try c.decodeIfPresent(String.self, forKey: .weights)
    simulations = try c.decodeIfPresent(Int.self, forKey: .simulations)
  }

  /// The options a chess `builtin` engine takes (case does not matter).
  public static let builtinOptions = ["Hash", "Depth", "Nodes", "EvalFile"]
  /// The options a chess `network` engine takes (case does not matter): the tree's memory in
  /// MiB, the network's threads and the leaves evaluated together.
  public static let networkOptions = ["Hash", "Threads", "Batch"]

  /// Decodes and checks an engine file's contents; `source` (its path) begins every error,
  /// which names the field at fault.
  public static func parse(_ data: Data, source: String) throws(EngineError) -> EngineSpec {
    let spec: EngineSpec
    do {
      spec = try JSONDecoder().decode(EngineSpec.self, from: data)
    } catch DecodingError.keyNotFound(let key, _) {
      throw EngineError(naming: source, "missing \"\(key.stringValue)\"")
    } catch DecodingError.typeMismatch(_, let context) {
      throw EngineError(naming: source, "\(field(context)) has the wrong type")
    } catch DecodingError.valueNotFound(_, let context) {
      throw EngineError(naming: source, "\(field(context)) has the wrong type")
    } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
      throw EngineError(naming: source, "\(field(context)) \(context.debugDescription)")
    } catch {
      throw EngineError(naming: source, "not a JSON object")
    }
    try spec.check(source: source)
    return spec
  }

  /// `"options"`, `"options.Hash"`: the field a decoding error is about.
  static func field(_ context: DecodingError.Context) -> String {
    "\"" + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
  }

  /// The checks every engine file passes (the fields its game and type need).
  public func check(source: String) throws(EngineError) {
    guard !name.isEmpty else { throw EngineError(naming: source, "\"name\" is empty") }
    switch (game, type) {
    case (.chess, "builtin"):
      for (k, v) in (options ?? [:]).sorted(by: { $0.key < $1.key }) {
        guard let known = EngineSpec.builtinOptions.first(where: { $0.lowercased() == k.lowercased() }) else {
          throw EngineError(
            naming: source,
            "unknown built-in option \"options.\(k)\" (\(EngineSpec.builtinOptions.joined(separator: ", ")))")
        }
        if known == "EvalFile" { continue }
        guard let n = Int(v), n > 0 else {
          throw EngineError(naming: source, "\"options.\(k)\" needs a positive integer")
        }
      }
    case (.chess, "uci"):
      guard let c = command, !c.isEmpty else { throw EngineError(naming: source, "a uci engine needs \"command\"") }
    case (.chess, "network"):
      guard let w = weights, !w.isEmpty else {
        throw EngineError(naming: source, "a network engine needs \"weights\"")
      }
      if let n = simulations, n <= 0 { throw EngineError(naming: source, "\"simulations\" must be positive") }
      for (k, v) in (options ?? [:]).sorted(by: { $0.key < $1.key }) {
        guard EngineSpec.networkOptions.contains(where: { $0.lowercased() == k.lowercased() }) else {
          throw EngineError(
            naming: source,
            "unknown network option \"options.\(k)\" (\(EngineSpec.networkOptions.joined(separator: ", ")))")
        }
        guard let n = Int(v), n > 0 else {
          throw EngineError(naming: source, "\"options.\(k)\" needs a positive integer")
        }
      }
    case (.chess, _):
      throw EngineError(
        naming: source, "\"type\" must be \"builtin\", \"uci\" or \"network\" for a chess engine")
    case (.hexapawn, "network"):
      guard let s = size, !s.isEmpty else { throw EngineError(naming: source, "a network engine needs \"size\"") }
      guard let w = weights, !w.isEmpty else {
        throw EngineError(naming: source, "a network engine needs \"weights\"")
      }
      guard let n = simulations else { throw EngineError(naming: source, "a network engine needs \"simulations\"") }
      guard n >= 0 else { throw EngineError(naming: source, "\"simulations\" must be 0 or more") }
    case (.hexapawn, _):
      throw EngineError(naming: source, "\"type\" must be \"network\" for a hexapawn engine")
    }
  }

  /// Reads and checks the engine file at `path`, which must be for `game`: a file for another
  /// game is refused in one line (`engines/x.json: a hexapawn engine, not a chess engine`).
  public static func load(_ path: String, game: Game) throws(EngineError) -> EngineSpec {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EngineError("cannot read engine file \(path)")
    }
    let spec = try parse(data, source: path)
    guard spec.game == game else { throw EngineError(naming: path, "a \(spec.game) engine, not a \(game) engine") }
    return spec
  }

  /// A file an engine file names (`weights`, an `EvalFile`): relative to the engine file's
  /// folder unless absolute.
  public static func path(_ file: String, besides enginePath: String) -> String {
    if file.hasPrefix("/") { return file }
    let dir = (enginePath as NSString).deletingLastPathComponent
    return dir.isEmpty ? file : dir + "/" + file
  }
}
