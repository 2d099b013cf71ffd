import Chess
import ChessArena
import Engines
import Foundation
import GameCore
import LabKit
import NNUE
import NNUETraining

/// The score of games `first..<first + count` of an arena match between two evaluations
/// (`handcrafted` or an NNUE file), as `zerolab nnue match` and the self-play loop write it.
/// The loop keeps a match in parts (`OUT/gen<k>/arena/<match>-<first>-<last>.json`), so a
/// killed loop continues mid-arena and the parts can be played on other machines.
public struct ArenaPart: Codable, Sendable, Equatable {
  /// The evaluations as named in the command (`handcrafted`, or a net's path).
  public var a: String
  public var b: String
  public var first: Int
  public var count: Int
  /// Nodes per move (`nil`: the clock alone decides).
  public var nodes: Int?
  public var timeControl: String
  public var wins: Int
  public var draws: Int
  public var losses: Int

  public var score: MatchScore { MatchScore(wins: wins, draws: draws, losses: losses) }

  /// Whether this part is the games `other` asks for (its score aside).
  public func isSameGames(as other: ArenaPart) -> Bool {
    var x = self, y = other
    (x.wins, x.draws, x.losses) = (0, 0, 0)
    (y.wins, y.draws, y.losses) = (0, 0, 0)
    return x == y
  }

  /// The engine of an evaluation, each move capped at `nodes` nodes when given.
  static func engine(_ evaluation: String, path: String, nodes: Int?) -> EngineSpec {
    evaluation == "handcrafted"
      ? Matches.handcrafted(nodes: nodes) : Matches.nnue(evaluation, file: path, nodes: nodes)
  }

  /// Plays games `range` of the match of `a` against `b` (named as in the record; their files at
  /// `pathA`, `pathB`), every move capped at `nodes` nodes when given.
  public static func play(
    _ a: String, _ b: String, pathA: String? = nil, pathB: String? = nil, games range: Range<Int>, nodes: Int?,
    timeControl: TimeControl, openings: [ChessPosition], progress: @escaping (MatchScore, Int) -> Void = { _, _ in }
  ) throws -> ArenaPart {
    let s: MatchScore
    do throws(EngineError) {
      s = try EngineMatches.play(
        engine(a, path: pathA ?? a, nodes: nodes), engine(b, path: pathB ?? b, nodes: nodes), games: range,
        timeControl: timeControl, openings: openings, progress: progress)
    } catch {
      throw NNUEError(error.message)
    }
    return ArenaPart(
      a: a, b: b, first: range.lowerBound, count: range.count, nodes: nodes, timeControl: timeControl.description,
      wins: s.wins, draws: s.draws, losses: s.losses)
  }

  /// The part at `path` if it is there, refused (one line) when it holds other games.
  public static func read(_ path: String, expecting wanted: ArenaPart) throws -> ArenaPart? {
    guard let part = try RunFiles.readJSON(ArenaPart.self, from: path) else { return nil }
    guard part.isSameGames(as: wanted), part.score.games == part.count else {
      throw NNUEError(
        "\(path) holds other games (\(part.a) vs \(part.b), games \(part.first)+\(part.count)) than asked "
          + "(\(wanted.a) vs \(wanted.b), games \(wanted.first)+\(wanted.count)): remove it")
    }
    return part
  }
}

/// Work the self-play loop leaves to another program (`SelfPlayLoop.delegate`): a
/// generation's missing self-play data, or its missing arena parts. Names are relative to the
/// run folder; `inputs` and the paths say where the files they name are on this machine. The
/// program makes the data (`gen-s<seed>-<k>.zldata` shards and the manifest in `data.out`,
/// what `DataGenerator.run` writes there) or each part's score (an `ArenaPart` at the part's
/// `output`), then runs the loop again (zerolab-cluster nnue-loop, docs/cluster.md).
public struct DelegatedWork: Sendable, Equatable {
  public struct SelfPlay: Sendable, Equatable {
    public var settings: GenSettings
    /// `handcrafted` or the net that plays, by its name in the run folder (`gen<k>/net.nnue`),
    /// as the data's manifest records it.
    public var evaluation: String
    /// The folder the shards go to.
    public var out: String
  }

  public struct Part: Sendable, Equatable {
    /// The games, their evaluations by name in the run folder.
    public var wanted: ArenaPart
    /// Where its score goes.
    public var output: String
  }

  public var generation: Int
  /// The self-play data to make, or `nil` when the arena parts are what is left.
  public var selfPlay: SelfPlay?
  public var parts: [Part]
  /// The arena's openings file (`nil`: the start position).
  public var openings: String?
  /// Where the files the work reads are: name in the run folder → path on this machine.
  public var inputs: [String: String]

  /// `data` or `arena`.
  public var step: String { selfPlay == nil ? "arena" : "data" }
}
