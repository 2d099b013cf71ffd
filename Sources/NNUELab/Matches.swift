import Chess
import ChessArena
import ChessEngine
import Engines
import Foundation
import GameCore
import LabKit
import NNUE

/// The engines of the NNUE experiments (their matches: `EngineMatches`).
public enum Matches {
  /// The handcrafted baseline.
  public static let handcrafted = EngineSpec(
    name: "handcrafted", type: "builtin", options: ["Hash": "16", "EvalFile": "handcrafted"])

  /// An engine on an NNUE file.
  public static func nnue(_ name: String, file: String) -> EngineSpec {
    EngineSpec(name: name, type: "builtin", options: ["Hash": "16", "EvalFile": file])
  }

  /// `nnue(_:file:)`, each move capped at `nodes` nodes when given.
  public static func nnue(_ name: String, file: String, nodes: Int?) -> EngineSpec {
    capped(nnue(name, file: file), nodes: nodes)
  }

  /// The handcrafted baseline, each move capped at `nodes` nodes when given.
  public static func handcrafted(nodes: Int?) -> EngineSpec { capped(handcrafted, nodes: nodes) }

  static func capped(_ spec: EngineSpec, nodes: Int?) -> EngineSpec {
    guard let nodes else { return spec }
    var s = spec
    s.options = (s.options ?? [:]).merging(["Nodes": "\(nodes)"]) { $1 }
    return s
  }

}
