import AlphaZero
import ChessArena
import ChessEngine
import ChessZero
import GameCore
import GameSearch
import NeuralCore

/// Chess engines of type `network`: a policy-value network searched by `ZeroSearcher`
/// (`{"game": "chess", "type": "network", "weights": "x.safetensors", "simulations": N,
/// "options": {"Hash": "64", "Threads": "1", "Batch": "8"}}`). `simulations` caps every move
/// (none: the clock decides, and 800 without one); `Hash` bounds the tree in MiB, `Threads` is
/// the network's threads, `Batch` the leaves evaluated together.
public enum ZeroEngines {
  /// The searcher an engine file describes; `weights` replaces the file's network when given.
  public static func searcher(_ spec: EngineSpec, weights: String? = nil) throws(EngineError) -> ZeroSearcher {
    guard let file = weights ?? spec.weights else { throw EngineError("engine \(spec.name) names no weights") }
    let network = try NetworkEngine.weights(file)
    var hash = 64, threads = 1, batch = ZeroSearcher.playingConfig.batchSize
    for (k, v) in spec.options ?? [:] {
      switch k.lowercased() {
      case "hash": hash = Int(v) ?? hash
      case "threads": threads = Int(v) ?? threads
      case "batch": batch = Int(v) ?? batch
      default: break
      }
    }
    var config = ZeroSearcher.playingConfig
    config.batchSize = max(1, batch)
    do throws(NeuralError) {
      let s = try ZeroSearcher(
        network: network, config: config, hashMegabytes: hash,
        defaultSimulations: spec.simulations ?? ZeroSearcher.playingConfig.simulations)
      s.threads = threads
      s.simulationCap = spec.simulations
      return s
    } catch {
      throw EngineError("\(file): \(error.message)")
    }
  }

  /// The factory for `UCIEngine` over an engine file (`WeightsFile`: another network for it).
  public static func factory(_ spec: EngineSpec) -> UCIEngine.SearcherFactory {
    { file, hash throws(EngineError) in
      var s = spec
      s.options = (s.options ?? [:]).filter { $0.key.lowercased() != "hash" }
      s.options?["Hash"] = String(hash)
      return try searcher(s, weights: file)
    }
  }
}
