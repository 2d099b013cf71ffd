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
  public static func network(_ path: String) throws(NotationError) -> QuantizedNNUE {
    if let n = cache.withLock({ $0[path] }) { return n }
    do throws(NNUEError) {
      let n = try QuantizedNNUE.load(path)
      cache.withLock { $0[path] = n }
      return n
    } catch {
      throw NotationError(error.message)
    }
  }

  /// A searcher on the evaluation an `EvalFile` value stands for.
  public static func searcher(evalFile: String?, hashMegabytes: Int) throws(NotationError) -> any ChessSearching {
    guard let path = file(for: evalFile) else {
      return ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: hashMegabytes)
    }
    return ChessSearcher(evaluator: NNUEEvaluation(net: try network(path)), hashMegabytes: hashMegabytes)
  }

  /// The factory for `UCIEngine` (EvalFile support).
  public static let factory: UCIEngine.SearcherFactory = { file, hash throws(NotationError) in
    try searcher(evalFile: file, hashMegabytes: hash)
  }
}

extension EngineSpec {
  /// Reads `text` as a file path (`engines/x.json`), a name in `directory` (`x` for
  /// `engines/x.json`; without `directory`, the `EngineFolders.standard` folders), or a
  /// built-in name. Errors are one line; an unknown name's lists the engines there are.
  public static func resolve(_ text: String, directory: String? = nil) throws(NotationError) -> EngineSpec {
    let fm = FileManager.default
    let folders = directory.map { [$0] } ?? EngineFolders.standard
    var path: String?
    if text.hasSuffix(".json") || text.contains("/") {
      path = text
    } else {
      path = EngineFolders.file(named: text, in: folders)
    }
    if let path {
      guard let data = fm.contents(atPath: path) else { throw NotationError("cannot read engine file \(path)") }
      var spec = try parse(data, source: path)
      // An EvalFile path is relative to the engine file's folder.
      if let key = spec.options?.keys.first(where: { $0.lowercased() == "evalfile" }), let file = spec.options?[key],
        !file.hasPrefix("/"), Evaluators.file(for: file) == file
      {
        let dir = (path as NSString).deletingLastPathComponent
        spec.options?[key] = dir.isEmpty ? file : dir + "/" + file
      }
      return spec
    }
    if text == "zerolab-hce" {
      return EngineSpec(name: text, type: "builtin", options: ["Hash": "16", "EvalFile": "handcrafted"])
    }
    if builtinNames.contains(text) { return EngineSpec(name: text, type: "builtin", options: ["Hash": "16"]) }
    let files = EngineFolders.names(in: folders) { data in (try? parse(data, source: "")) != nil }
    let known = Array(Set(builtinNames + files)).sorted()
    throw NotationError(
      "unknown engine '\(text)': known engines are \(known.joined(separator: ", ")) (or a path to a JSON file)")
  }

  /// Starts the engine.
  public func makeEngine() throws(NotationError) -> any ChessEngineHandle {
    if type == "builtin" { return try BuiltinEngine(spec: self) }
    return try UCIProcessEngine(spec: self)
  }
}

extension BuiltinEngine {
  /// The engine of `spec` (its `EvalFile`, if any, is loaded: one-line error if it cannot be).
  public convenience init(spec: EngineSpec) throws(NotationError) {
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
