import Foundation
import GameCore
import Hexapawn
import NeuralCore

/// A trained engine on disk: an engine file of type `network` (`EngineSpec`) naming its
/// weights, a safetensors file next to it whose metadata carries the network spec; the
/// Hexapawn players made from one (chess ones: `ZeroEngines` in Engines).
public enum NetworkEngine {
  /// Reads the engine file at `path` and its weights; every problem is a one-line error
  /// naming the file.
  public static func load(_ path: String) throws(EngineError) -> (EngineSpec, PolicyValueNetwork) {
    let spec = try EngineSpec.load(path, game: .hexapawn)
    return (spec, try weights(EngineSpec.path(spec.weights ?? "", besides: path)))
  }

  /// The network in the safetensors file `path`, built from the spec its metadata carries.
  public static func weights(_ path: String) throws(EngineError) -> PolicyValueNetwork {
    do throws(NeuralError) {
      let contents = try Checkpoint.read(path)
      var network = PolicyValueNetwork(try Checkpoint.spec(in: contents))
      try Checkpoint.load(into: &network, from: path)
      return network
    } catch {
      throw EngineError(error.message)
    }
  }

  /// A player for a board of `size` (the engine must have been trained on it), named by the
  /// engine file's `name`; with `int8`, its network runs the int8 inference path
  /// (`PolicyValueNetwork.quantize`), calibrated on `int8Calibration` reachable positions of
  /// the board drawn with a fixed seed, so the same engine always quantizes the same way.
  public static func player(
    _ path: String, size: BoardSize, seed: UInt64, int8: Bool = false
  ) throws(EngineError) -> NetworkPlayer {
    var (spec, network) = try load(path)
    guard spec.size == size.description else {
      throw EngineError("engine \(path) plays \(spec.size ?? "?") Hexapawn, not \(size)")
    }
    let encoding = HexapawnEncoding(size: size)
    if int8 {
      network.quantize(calibratingOn: encoding.batch(calibrationPositions(size, count: int8Calibration, seed: 1)))
    }
    return NetworkPlayer(
      network: network, encoding: encoding, simulations: spec.simulations ?? 0, seed: seed,
      name: spec.name + (int8 ? ":int8" : ""))
  }

  /// Calibration positions of an int8 player.
  public static let int8Calibration = 512

  /// `count` unfinished positions of seeded random games on a board of `size` (every position
  /// of each game, games until there are enough).
  public static func calibrationPositions(_ size: BoardSize, count: Int, seed: UInt64) -> [HexapawnPosition] {
    randomGameStates(from: HexapawnPosition(size: size), count: count, seed: seed)
  }
}

/// How an int8 copy of a trained Hexapawn network (`PolicyValueNetwork.quantize`) plays
/// against the float network it came from, on every reachable unfinished position of its board.
public struct Int8Agreement: Sendable {
  /// Positions compared, and the calibration positions (a seeded sample of them).
  public var positions: Int, calibration: Int
  /// The fraction of positions where both choose the same legal move by policy.
  public var top1: Double
  /// The mean absolute difference of the values (in −1…1).
  public var valueDifference: Double
  /// The largest absolute value difference.
  public var largestValueDifference: Double
  /// The optimal-move accuracy (`Evaluation.solverScores`: the share of positions whose policy
  /// move keeps the exact solver's game value) of the float network and of the int8 copy.
  public var optimalMoveAccuracyFloat: Double, optimalMoveAccuracyInt8: Double

  /// Quantizes a copy of `network` calibrated on `calibration` positions of seeded random games
  /// (`NetworkEngine.calibrationPositions`, as an int8 player is), and compares both on every
  /// position (`Evaluation.outputs`); returns the comparison and the int8 copy.
  public static func measure(
    _ network: PolicyValueNetwork, board: SolvedBoard, calibration: Int, seed: UInt64
  ) -> (Int8Agreement, PolicyValueNetwork) {
    var int8 = network
    let encoding = HexapawnEncoding(size: board.size)
    int8.quantize(
      calibratingOn: encoding.batch(NetworkEngine.calibrationPositions(board.size, count: calibration, seed: seed)))
    let a = Evaluation.outputs(network, board: board), b = Evaluation.outputs(int8, board: board)
    var result = Int8Agreement(
      positions: board.positions.count, calibration: calibration, top1: 0, valueDifference: 0,
      largestValueDifference: 0, optimalMoveAccuracyFloat: Evaluation.solverScores(board: board, outputs: a).0,
      optimalMoveAccuracyInt8: Evaluation.solverScores(board: board, outputs: b).0)
    for (x, y) in zip(a, b) {
      if Evaluation.policyMove(x.priors) == Evaluation.policyMove(y.priors) { result.top1 += 1 }
      let d = Double(abs(x.value - y.value))
      result.valueDifference += d
      result.largestValueDifference = max(result.largestValueDifference, d)
    }
    let n = Double(board.positions.count)
    result.top1 /= n
    result.valueDifference /= n
    return (result, int8)
  }
}
