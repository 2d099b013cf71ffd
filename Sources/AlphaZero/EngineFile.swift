import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// A trained engine on disk: `engines/NAME.json` naming its weights (a safetensors file next
/// to it, whose metadata carries the network spec) and how it plays.
///
///     {"game": "hexapawn", "size": "3x3", "weights": "hexapawn-3x3-zero.safetensors",
///      "simulations": 0, "description": "..."}
public struct EngineFile: Codable, Sendable {
  public var game: String
  public var size: String
  public var weights: String
  /// 0: play by the policy alone; otherwise PUCT simulations per move.
  public var simulations: Int
  public var description: String?

  public init(game: String, size: String, weights: String, simulations: Int, description: String?) {
    self.game = game
    self.size = size
    self.weights = weights
    self.simulations = simulations
    self.description = description
  }

  /// Reads an engine file; every problem is a one-line error.
  public static func load(_ path: String) throws(NeuralError) -> (EngineFile, PolicyValueNetwork) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw NeuralError("cannot read engine file \(path)")
    }
    guard let file = try? JSONDecoder().decode(EngineFile.self, from: data) else {
      throw NeuralError("engine file \(path) is not valid (expected game, size, weights, simulations)")
    }
    guard file.game == "hexapawn" else { throw NeuralError("engine file \(path) is for \(file.game), not hexapawn") }
    let dir = (path as NSString).deletingLastPathComponent
    let weights = file.weights.hasPrefix("/") ? file.weights : (dir.isEmpty ? file.weights : dir + "/" + file.weights)
    let contents = try Checkpoint.read(weights)
    let spec = try Checkpoint.spec(in: contents)
    var network = PolicyValueNetwork(spec)
    try Checkpoint.load(into: &network, from: weights)
    return (file, network)
  }

  /// A player for a board of `size` (the engine must have been trained on it).
  public static func player(_ path: String, size: BoardSize, seed: UInt64) throws(NeuralError) -> NetworkPlayer {
    let (file, network) = try load(path)
    guard file.size == size.description else {
      throw NeuralError("engine \(path) plays \(file.size) Hexapawn, not \(size)")
    }
    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return NetworkPlayer(
      network: network, encoding: HexapawnEncoding(size: size), simulations: file.simulations, seed: seed, name: name)
  }
}
