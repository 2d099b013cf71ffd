import AlphaZero
import Engines
import GameCore
import Hexapawn
import NeuralCore
import Testing

/// The shipped Hexapawn engines on the int8 inference path against their float networks, on
/// every reachable unfinished position of their boards, and the `NAME:int8` players.
@Suite struct Int8EngineTests {
  static let folders = [HexapawnPlayersTests.engines]

  static func agreement(_ name: String) throws -> Int8Agreement {
    let path = try #require(try HexapawnPlayers.engineFile(name, folders: folders))
    let (spec, network) = try NetworkEngine.load(path)
    let board = try SolvedBoard(size: try BoardSize(parsing: spec.size ?? ""))
    return Int8Agreement.measure(network, board: board, calibration: NetworkEngine.int8Calibration, seed: 1).0
  }

  /// 3x3 (70 positions): the same move everywhere, values within 0.02 on average.
  @Test func threeByThreeAgrees() throws {
    let a = try Self.agreement("hexapawn-3x3-zero")
    #expect(a.positions == 70)
    #expect(a.top1 >= 0.99, "same policy move \(a.top1)")
    #expect(a.valueDifference <= 0.02, "mean value difference \(a.valueDifference)")
  }

  /// 4x4 (11,420 positions): at least 99 % the same move (the rest are near ties: the int8
  /// network picks an optimal move as often as the float one, within half a point), values
  /// within 0.02 on average.
  @Test func fourByFourAgrees() throws {
    let a = try Self.agreement("hexapawn-4x4-zero")
    #expect(a.positions == 11_420)
    #expect(a.top1 >= 0.99, "same policy move \(a.top1)")
    #expect(a.valueDifference <= 0.02, "mean value difference \(a.valueDifference)")
    #expect(
      abs(a.optimalMoveAccuracyInt8 - a.optimalMoveAccuracyFloat) <= 0.005,
      "optimal moves \(a.optimalMoveAccuracyInt8) against \(a.optimalMoveAccuracyFloat)")
  }

  @Test func int8Players() throws {
    let size = try BoardSize(parsing: "4x4")
    let player = try #require(
      try HexapawnPlayers.player("hexapawn-4x4-zero:int8", size: size, seed: 1, folders: Self.folders))
    #expect(player.name == "hexapawn-4x4-zero:int8")
    #expect(try HexapawnPlayers.boardSize(of: "hexapawn-4x4-zero:int8", folders: Self.folders)?.description == "4x4")
    let move = player.chooseMove(in: HexapawnPosition(size: size))
    #expect(HexapawnPosition(size: size).legalMoves.contains(move))
    #expect(throws: EngineError("'minimax:int8': :int8 applies to a trained engine, not to a built-in player")) {
      try HexapawnPlayers.player("minimax:int8", size: size, seed: 1, folders: Self.folders)
    }
  }
}
