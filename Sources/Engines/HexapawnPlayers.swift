import AlphaZero
import Foundation
import GameCore
import GameSearch
import Hexapawn
import NeuralCore

/// Hexapawn players named on the command line: `human`, a built-in engine (`PlayerSpec`), or a
/// trained engine file, given as a path to its JSON or by name in the engine folders
/// (`hexapawn-4x4-zero` for `engines/hexapawn-4x4-zero.json`, found like the chess engines).
public enum HexapawnPlayers {
  /// The engine file `text` stands for, or `nil` when it names a built-in player; an unknown
  /// name is a one-line error listing the players and engines there are.
  public static func engineFile(
    _ text: String, folders: [String] = EngineFolders.standard
  ) throws(EngineError)
    -> String?
  {
    if text.hasSuffix(".json") || text.contains("/") { return text }
    let name = text.split(separator: ":").first.map { String($0).lowercased() } ?? ""
    if name.isEmpty || name == "human" || PlayerSpec.engines.contains(name) { return nil }
    if let path = EngineFolders.file(named: text, in: folders) { return path }
    let files = EngineFolders.engineNames(for: .hexapawn, in: folders)
    throw EngineError(
      "unknown player '\(text)': choose human, \(PlayerSpec.engines.joined(separator: ", "))"
        + (files.isEmpty ? "" : ", an engine (\(files.joined(separator: ", ")))") + " or a path to an engine file")
  }

  /// `text` without its `:int8` suffix, and whether it had one (`NAME:int8`: the engine's
  /// network on the int8 inference path).
  static func int8Suffix(_ text: String) -> (name: String, int8: Bool) {
    text.hasSuffix(":int8") ? (String(text.dropLast(5)), true) : (text, false)
  }

  /// The board the engine file named by `text` was trained on (`nil`: a built-in player, or a
  /// file whose size cannot be read, which `player` then reports); a file that is not a
  /// Hexapawn engine is a one-line error.
  public static func boardSize(
    of text: String, folders: [String] = EngineFolders.standard
  ) throws(EngineError)
    -> BoardSize?
  {
    let (name, _) = int8Suffix(text)
    guard let path = try engineFile(name, folders: folders) else { return nil }
    let spec = try EngineSpec.load(path, game: .hexapawn)
    return try? BoardSize(parsing: spec.size ?? "")
  }

  /// The player `text` names on a board of `size` (`nil` for `human`); every problem is a
  /// one-line error (a player spec that cannot be read is carried up as it is).
  public static func player(
    _ text: String, size: BoardSize, seed: UInt64, folders: [String] = EngineFolders.standard
  ) throws(EngineError) -> (any Player<HexapawnPosition>)? {
    let (name, int8) = int8Suffix(text)
    if let path = try engineFile(name, folders: folders) {
      return try NetworkEngine.player(path, size: size, seed: seed, int8: int8)
    }
    if int8 { throw EngineError("'\(text)': :int8 applies to a trained engine, not to a built-in player") }
    do throws(NotationError) {
      let spec = try PlayerSpec(parsing: text)
      if spec.name == "human" {
        try spec.check(known: [])
        return nil
      }
      return try PlayerFactory.make(spec, evaluator: HexapawnHeuristic(), seed: seed)
    } catch {
      throw EngineError(error.message)
    }
  }
}
