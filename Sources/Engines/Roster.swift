import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import NNUE
import Synchronization

/// The roster of engines ZeroLab can start: the chess evaluations by `EvalFile` value, engine
/// files resolved by name in the standard folders, and built-in engines made from them.
///
/// Searchers by evaluation: the shipped NNUE (the default), the handcrafted one, or an NNUE
/// file (loaded once per path and shared: the quantised net is immutable; each searcher gets
/// its own accumulator stack).
///
/// An `EvalFile` value means: empty, `<empty>` or `default` — the shipped net
/// (`engines/zerolab-nnue.nnue`, see `defaultEvalFile`), or the handcrafted evaluation when no
/// shipped net is found; `handcrafted` — the handcrafted evaluation; anything else — a path.
public enum Evaluators {
  static let cache = Mutex<[String: QuantizedNNUE]>([:])

  /// The shipped net's file name, under `engines/`.
  public static let shippedNet = "engines/zerolab-nnue.nnue"

  /// The default evaluation: the environment's `ZEROLAB_EVAL_FILE` (a path, or `handcrafted`)
  /// if set; else the first `engines/zerolab-nnue.nnue` found walking up from the running
  /// executable's folder (a binary in `.build/release/` of a clone finds its clone's net, from
  /// any working directory), then from this source file's clone (where it was built); `nil`
  /// (the handcrafted evaluation) if there is none.
  public static let defaultEvalFile: String? = locateDefault(
    environment: ProcessInfo.processInfo.environment["ZEROLAB_EVAL_FILE"],
    executable: EngineFolders.executable, builtFrom: #filePath)

  /// `defaultEvalFile`'s search, with its inputs explicit (for tests).
  public static func locateDefault(environment: String?, executable: String?, builtFrom: String?) -> String? {
    if let e = environment?.trimmingCharacters(in: .whitespaces), !e.isEmpty {
      return e.lowercased() == "handcrafted" ? nil : e
    }
    return EngineFolders.walkUp(to: shippedNet, from: [executable, builtFrom].compactMap { $0 })
  }

  /// The NNUE file an `EvalFile` value stands for (`nil`: the handcrafted evaluation).
  public static func file(for value: String?) -> String? {
    let v = (value ?? "").trimmingCharacters(in: .whitespaces)
    switch v.lowercased() {
    case "", "<empty>", "default": return defaultEvalFile
    case "handcrafted": return nil
    default: return v
    }
  }

  /// What an `EvalFile` value stands for, in words (`handcrafted` or the net's path).
  public static func describe(_ value: String?) -> String { file(for: value) ?? "handcrafted" }

  /// The network in `path` (cached).
  public static func network(_ path: String) throws(EngineError) -> QuantizedNNUE {
    if let n = cache.withLock({ $0[path] }) { return n }
    do throws(NNUEError) {
      let n = try QuantizedNNUE.load(path)
      cache.withLock { $0[path] = n }
      return n
    } catch {
      throw EngineError(error.message)
    }
  }

  /// A searcher on the evaluation an `EvalFile` value stands for.
  public static func searcher(evalFile: String?, hashMegabytes: Int) throws(EngineError) -> any ChessSearching {
    guard let path = file(for: evalFile) else {
      return ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: hashMegabytes)
    }
    return ChessSearcher(evaluator: NNUEEvaluation(net: try network(path)), hashMegabytes: hashMegabytes)
  }

  /// The factory for `UCIEngine` (EvalFile support).
  public static let factory: UCIEngine.SearcherFactory = { file, hash throws(EngineError) in
    try searcher(evalFile: file, hashMegabytes: hash)
  }
}

extension EngineSpec {
  /// Reads `text` as a file path (`engines/x.json`), a name in `directory` (`x` for
  /// `engines/x.json`; without `directory`, the `EngineFolders.standard` folders), or a
  /// built-in name. Errors are one line: a Hexapawn engine's file is refused, an unknown
  /// name's error lists the chess engines there are.
  public static func resolve(_ text: String, directory: String? = nil) throws(EngineError) -> EngineSpec {
    let folders = directory.map { [$0] } ?? EngineFolders.standard
    if let (found, path) = try EngineFolders.engine(text, game: .chess, in: folders) {
      var spec = found
      // An EvalFile path is relative to the engine file's folder.
      if let key = spec.options?.keys.first(where: { $0.lowercased() == "evalfile" }), let file = spec.options?[key],
        Evaluators.file(for: file) == file
      {
        spec.options?[key] = EngineSpec.path(file, besides: path)
      }
      // So are a network's weights.
      if spec.type == "network", let w = spec.weights { spec.weights = EngineSpec.path(w, besides: path) }
      return spec
    }
    if text == "zerolab-hce" {
      return EngineSpec(name: text, type: "builtin", options: ["Hash": "16", "EvalFile": "handcrafted"])
    }
    if builtinNames.contains(text) { return EngineSpec(name: text, type: "builtin", options: ["Hash": "16"]) }
    if ChessSearchEngine.isPlayer(text) { return EngineSpec(name: text, type: searchType) }
    let known = Array(Set(builtinNames + EngineFolders.engineNames(for: .chess, in: folders))).sorted()
    throw EngineError(
      "unknown engine '\(text)': known engines are \(known.joined(separator: ", ")) (or a path to a JSON file, "
        + "or a game-generic player: \(ChessSearchEngine.players.joined(separator: ", ")))")
  }

  /// The `type` of a game-generic player's spec (`random`, `mcts:sims=2000`, its name):
  /// made by `resolve`, never read from a file.
  public static let searchType = "search"

  /// Starts the engine; `seed` seeds a game-generic player's random choices unless its name
  /// gives `seed=`.
  public func makeEngine(seed: UInt64 = 1) throws(EngineError) -> any ChessEngineHandle {
    if type == "builtin" { return try BuiltinEngine(spec: self) }
    if type == EngineSpec.searchType { return try ChessSearchEngine(name, seed: seed) }
    if type == "network" {
      return BuiltinEngine(name: name, searcher: try ZeroEngines.searcher(self))
    }
    return try UCIProcessEngine(spec: self)
  }
}

extension BuiltinEngine {
  /// The engine of `spec` (its `EvalFile`, if any, is loaded: one-line error if it cannot be).
  public convenience init(spec: EngineSpec) throws(EngineError) {
    var hash = 16, depth: Int?, nodes: Int?, evalFile: String?
    for (k, v) in spec.options ?? [:] {
      switch k.lowercased() {
      case "hash": hash = Int(v) ?? 16
      case "depth": depth = Int(v)
      case "nodes": nodes = Int(v)
      case "evalfile": evalFile = v
      default: break
      }
    }
    self.init(
      name: spec.name, searcher: try Evaluators.searcher(evalFile: evalFile, hashMegabytes: hash), depth: depth,
      nodes: nodes)
  }
}

extension BuiltinEngine {
  /// ZeroLab's engine on its default evaluation, to give advice (`hint`); on the handcrafted
  /// evaluation if the default cannot be loaded (that one has nothing to load, so cannot fail).
  public static func adviser() -> BuiltinEngine {
    if let e = try? BuiltinEngine(spec: EngineSpec(name: "hint", type: "builtin", options: ["Hash": "16"])) { return e }
    return BuiltinEngine(name: "hint", searcher: ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16))
  }
}
