import Foundation
import LabKit
import NeuralCore

/// One iteration's self-play games, to be played apart (`Runs.selfPlayLoop`'s `delegate`;
/// zerolab-cluster, docs/cluster.md): the game, the run's configuration, the seeds of every
/// game (`Learner.selfPlaySeeds`) and the resignation threshold. It lives in the run folder
/// as `selfplay/iteration-<n>/job.json`, next to the network that plays
/// (`network.safetensors`); the games are played in parts of `partGames`, each part's games
/// (`SelfPlayPart`) kept as `part-<first>-<last>.json` there until the iteration's checkpoint
/// is saved.
public struct SelfPlayJob: Codable, Sendable, Equatable {
  /// Games of a part when the configuration gives none.
  public static let partGames = 4

  public var game: String
  public var config: ZeroConfig
  public var iteration: Int
  public var seeds: [SelfPlaySeeds]
  public var resignThreshold: Float?

  public init(game: String, config: ZeroConfig, iteration: Int, seeds: [SelfPlaySeeds], resignThreshold: Float?) {
    self.game = game
    self.config = config
    self.iteration = iteration
    self.seeds = seeds
    self.resignThreshold = resignThreshold
  }

  /// The job's folder, relative to the run folder.
  public var folder: String { "selfplay/iteration-\(iteration)" }
  public var jobFile: String { folder + "/job.json" }
  public var networkFile: String { folder + "/network.safetensors" }

  /// The games of each part: `partGames` of the configuration, else `SelfPlayJob.partGames`.
  public var parts: [Range<Int>] {
    let n = config.partGames ?? Self.partGames
    return stride(from: 0, to: seeds.count, by: n).map { $0..<min($0 + n, seeds.count) }
  }

  /// Where the games `range` go, relative to the run folder.
  public func partFile(_ range: Range<Int>) -> String {
    folder + "/part-\(range.lowerBound)-\(range.upperBound - 1).json"
  }

  /// Every game of the job in order when all its parts are in the run folder `dir`, else
  /// `nil`; and the work that makes the missing parts. A part of other games is refused.
  public func collect(dir: String) throws -> ([PlayedGame]?, SelfPlayWork) {
    var games: [PlayedGame] = []
    var missing: [SelfPlayWork.Part] = []
    for range in parts {
      let path = dir + "/" + partFile(range)
      guard let part = try RunFiles.readJSON(SelfPlayPart.self, from: path) else {
        missing.append(.init(games: range, output: partFile(range)))
        continue
      }
      guard part.first == range.lowerBound, part.seeds == Array(seeds[range]), part.resignThreshold == resignThreshold,
        part.games.count == range.count
      else {
        throw NeuralError("\(path) holds other games than iteration \(iteration)'s \(range.lowerBound)...: remove it")
      }
      games += part.games
    }
    let work = SelfPlayWork(
      game: game, iteration: iteration, job: jobFile, network: networkFile, parts: missing)
    return (missing.isEmpty ? games : nil, work)
  }

  /// Writes the job and the network that plays into the run folder `dir`, each atomically.
  public func write(dir: String, network: PolicyValueNetwork) throws {
    var copy = network
    let spec = copy.spec
    try Checkpoint.save(&copy, spec: spec, metadata: ["zerolab.run": game], to: dir + "/" + networkFile)
    try RunFiles.writeJSON(self, to: dir + "/" + jobFile)
  }

  /// Plays games `range` of the job with `learner` (made from the job's configuration), its
  /// network loaded from `network`, the file `write` made.
  public func play<E: GameEncoding>(_ range: Range<Int>, learner: Learner<E>, network: String) throws -> SelfPlayPart {
    guard range.lowerBound >= 0, range.upperBound <= seeds.count else {
      throw NeuralError("games \(range.lowerBound)...\(range.upperBound - 1) asked of a job of \(seeds.count)")
    }
    try Checkpoint.load(into: &learner.network, from: network)
    learner.best = nil
    let games = learner.playGames(Array(seeds[range]), resignThreshold: resignThreshold)
    return SelfPlayPart(
      first: range.lowerBound, seeds: Array(seeds[range]), resignThreshold: resignThreshold, games: games)
  }
}

/// A part of a `SelfPlayJob`: its games, from `first` on, with the seeds and threshold they
/// were played with.
public struct SelfPlayPart: Codable, Sendable, Equatable {
  public var first: Int
  public var seeds: [SelfPlaySeeds]
  public var resignThreshold: Float?
  public var games: [PlayedGame]
}

/// The parts of a `SelfPlayJob` still to play: the job's file and its network's (relative to
/// the run folder), and where each part's games go.
public struct SelfPlayWork: Sendable, Equatable {
  public struct Part: Sendable, Equatable {
    public var games: Range<Int>
    public var output: String
  }

  public var game: String
  public var iteration: Int
  public var job: String
  public var network: String
  public var parts: [Part]
}
