import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// A trained Hexapawn engine on disk: an engine file of type `network` (`EngineSpec`) naming
/// its weights, a safetensors file next to it whose metadata carries the network spec.
public enum NetworkEngine {
  /// Reads the engine file at `path` and its weights; every problem is a one-line error
  /// naming the file.
  public static func load(_ path: String) throws(EngineError) -> (EngineSpec, PolicyValueNetwork) {
    let spec = try EngineSpec.load(path, game: .hexapawn)
    let weights = EngineSpec.path(spec.weights ?? "", besides: path)
    do throws(NeuralError) {
      let contents = try Checkpoint.read(weights)
      var network = PolicyValueNetwork(try Checkpoint.spec(in: contents))
      try Checkpoint.load(into: &network, from: weights)
      return (spec, network)
    } catch {
      throw EngineError(error.message)
    }
  }

  /// A player for a board of `size` (the engine must have been trained on it), named by the
  /// engine file's `name`.
  public static func player(_ path: String, size: BoardSize, seed: UInt64) throws(EngineError) -> NetworkPlayer {
    let (spec, network) = try load(path)
    guard spec.size == size.description else {
      throw EngineError("engine \(path) plays \(spec.size ?? "?") Hexapawn, not \(size)")
    }
    return NetworkPlayer(
      network: network, encoding: HexapawnEncoding(size: size), simulations: spec.simulations ?? 0, seed: seed,
      name: spec.name)
  }
}
