import Chess
import ChessEngine
import Foundation
import GameCore
import LabKit
import NNUE
import Synchronization

/// Self-play data generation settings (`zerolab nnue gen`).
///
/// Each game starts from the start position with `randomPlies` uniformly random legal moves
/// (drawn again if the game ends during them), then the engine plays both sides with a fixed
/// search limit (`nodes` or `depth`, so a seed gives the same games on any machine).
///
/// A position is **recorded** when, after the random opening:
/// - the side to move is not in check (the static evaluation of a position in check is
///   meaningless: the search would resolve the check first);
/// - the best move is quiet: not a capture, en passant or promotion (the score of a position
///   with a pending capture is the score *after* it, which a static evaluator cannot see —
///   nnue-pytorch's "smart FEN skipping");
/// - the score is not a mate score and `|score| ≤ maxScore`.
///
/// With `everyPosition` (data for a policy-value network, whose policy must learn captures and
/// evasions too) every position after the random opening is recorded, its score clamped to
/// `±maxScore` (a mate score to the bound of its sign).
///
/// A game **ends** by the rules (mate, stalemate, repetition, fifty moves, insufficient
/// material); by adjudication when `|score| ≥ winScore` for `winPlies` consecutive plies (a
/// win for the side the score favours) or, after ply 80, `|score| ≤ drawScore` for `drawPlies`
/// consecutive plies (a draw); or as a draw at `maxPlies`.
public struct GenSettings: Sendable, Codable, Equatable {
  public var games: Int
  public var nodes: Int?
  public var depth: Int?
  public var seed: UInt64
  public var randomPlies = 8
  public var gamesPerShard = 16
  public var maxScore = 3000
  public var winScore = 1500
  public var winPlies = 4
  public var drawScore = 8
  public var drawPlies = 12
  public var maxPlies = 400
  public var hashMegabytes = 8
  /// Record every position after the opening (nil: the NNUE's quiet positions only).
  public var everyPosition: Bool?

  public init(games: Int, nodes: Int? = nil, depth: Int? = nil, seed: UInt64) {
    self.games = games
    self.nodes = nodes
    self.depth = depth
    self.seed = seed
  }

  public var limits: SearchLimits { SearchLimits(depth: depth, nodes: nodes) }
  public var shards: Int { (games + gamesPerShard - 1) / gamesPerShard }

  public func shardPath(_ dir: String, _ k: Int) -> String {
    dir + "/" + String(format: "gen-s%llu-%05d.", seed, k) + TrainingData.fileExtension
  }
}

/// What a finished game contributed.
public struct GenGame: Sendable {
  public var records: [TrainingRecord]
  public var plies: Int
  public var outcome: Outcome
}

/// Plays self-play games and writes shards.
public enum DataGenerator {
  /// The seed of game `index` of a run seeded `seed` (SplitMix64 of both).
  public static func gameSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
    var s = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    return s.next()
  }

  /// One game with `searcher` (its table is cleared first).
  public static func playGame<E: ChessEvaluator>(
    _ searcher: ChessSearcher<E>, settings s: GenSettings, seed: UInt64
  ) -> GenGame {
    var rng = Xoshiro256(seed: seed)
    searcher.newGame()
    var record = GameRecord<ChessPosition>()
    // Random opening.
    while true {
      record = GameRecord<ChessPosition>()
      for _ in 0..<s.randomPlies {
        let moves = record.position.legalMoves
        if moves.isEmpty { break }
        record.play(moves[rng.below(moves.count)])
        if record.status != nil { break }
      }
      if record.status == nil { break }
    }
    var pending: [(ChessPosition, Int, Int, Move)] = []
    var outcome: Outcome = .draw
    var winRun = 0, winSide = Side.white, drawRun = 0
    while true {
      if let end = record.status {
        outcome = end.outcome
        break
      }
      if record.moves.count >= s.maxPlies {
        outcome = .draw
        break
      }
      let p = record.position
      let r = searcher.search(p, history: record.keys, limits: s.limits)
      guard let best = r.bestMove else { break }
      let score = r.score
      let mate = abs(score) >= mateBound
      let quiet =
        p[Square(best.to)].isNone && !best.isEnPassant && !best.isPromotion && !best.isCastling
        || best.isCastling
      if s.everyPosition == true {
        pending.append((p, min(s.maxScore, max(-s.maxScore, score)), record.moves.count, best))
      } else if !p.isInCheck && quiet && !mate && abs(score) <= s.maxScore {
        pending.append((p, score, record.moves.count, best))
      }
      // Adjudication (scores are for the side to move).
      let favoured = score >= 0 ? p.sideToMove : p.sideToMove.opponent
      if abs(score) >= s.winScore {
        if winRun > 0 && favoured == winSide { winRun += 1 } else { winRun = 1 }
        winSide = favoured
      } else {
        winRun = 0
      }
      if winRun >= s.winPlies {
        outcome = .win(winSide)
        break
      }
      drawRun = record.moves.count >= 80 && abs(score) <= s.drawScore ? drawRun + 1 : 0
      if drawRun >= s.drawPlies {
        outcome = .draw
        break
      }
      record.play(best)
    }
    let records = pending.map { TrainingRecord($0.0, score: $0.1, result: outcome, ply: $0.2, move: $0.3) }
    return GenGame(records: records, plies: record.moves.count, outcome: outcome)
  }

  /// Live counters for progress lines.
  public final class Progress: Sendable {
    let state = Mutex((games: 0, positions: 0, shards: 0, skipped: 0))
    public init() {}
    public var snapshot: (games: Int, positions: Int, shards: Int, skipped: Int) { state.withLock { $0 } }
    func add(games: Int = 0, positions: Int = 0, shards: Int = 0, skipped: Int = 0) {
      state.withLock {
        $0.games += games
        $0.positions += positions
        $0.shards += shards
        $0.skipped += skipped
      }
    }
  }

  /// What one seed's data in a folder was made with (`DIR/gen-s<seed>.json`; several seeds can
  /// share a folder): the settings, with `games` the number of games the folder is to hold for
  /// that seed, and the evaluation that played them.
  struct Manifest: Codable, Equatable {
    var settings: GenSettings
    var evaluation: String
  }

  /// The path of the manifest of `seed`'s data in `dir`.
  public static func manifestPath(_ dir: String, seed: UInt64) -> String { dir + "/gen-s\(seed).json" }

  /// Checks a rerun against the folder's manifest and prepares a top-up: refuses other
  /// settings (naming them) or fewer games than the folder holds, and removes the last shard
  /// of the earlier run when it was partly filled, so it is played again whole. Then records
  /// the new target, before any shard is written (a run killed at any point resumes right).
  static func prepare(_ s: GenSettings, evaluation: String, in dir: String) throws {
    let path = manifestPath(dir, seed: s.seed)
    let wanted = Manifest(settings: s, evaluation: evaluation)
    let read: Manifest?
    do { read = try RunFiles.readJSON(Manifest.self, from: path) } catch {
      throw NNUEError("\(path) is corrupted: remove it only if the folder's shards match the settings you give")
    }
    if let before = read {
      var same = before
      same.settings.games = s.games
      if same != wanted {
        throw NNUEError(
          "\(dir) holds data of seed \(s.seed) made with other settings (\(differences(before, wanted))): "
            + "give the same settings, or another output folder or seed"
        )
      }
      if before.settings.games > s.games {
        throw NNUEError("\(dir) already holds \(before.settings.games) games, more than the \(s.games) asked")
      }
      if before.settings.games < s.games && before.settings.games % s.gamesPerShard != 0 {
        try? FileManager.default.removeItem(atPath: s.shardPath(dir, before.settings.games / s.gamesPerShard))
      }
    }
    try RunFiles.writeJSON(wanted, to: path)
  }

  /// `nodes 5000 there, 800 asked; ...` for the fields (other than games) that differ.
  static func differences(_ a: Manifest, _ b: Manifest) -> String {
    func fields(_ m: Manifest) -> [String: String] {
      var f: [String: String] = ["evaluation": m.evaluation]
      if let data = try? JSONEncoder().encode(m.settings),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
      {
        for (k, v) in object where k != "games" { f[k] = "\(v)" }
      }
      return f
    }
    let x = fields(a), y = fields(b)
    return Set(x.keys).union(y.keys).sorted().filter { x[$0] != y[$0] }
      .map { "\($0) \(x[$0] ?? "none") there, \(y[$0] ?? "none") asked" }.joined(separator: "; ")
  }

  /// Generates every shard of `settings` into `dir` with `threads` workers (shard `k` goes to
  /// worker `k mod threads`; each worker has its own searcher from `makeEvaluator`). Shards
  /// already present are skipped, so a rerun resumes, and a rerun with more games tops the
  /// folder up to exactly that many (the output does not depend on the thread count or on how
  /// the games were split between runs). `evaluation` names what `makeEvaluator` makes; a
  /// rerun with other settings or another evaluation is refused. With `only`, just those
  /// shards are made (the same bytes as in the whole run: shard `k` depends on the settings and
  /// `k` alone), so machines can share a run's shards. Returns the paths of the shards asked.
  public static func run<E: ChessEvaluator>(
    settings s: GenSettings, into dir: String, threads: Int, progress: Progress, evaluation: String = "handcrafted",
    only: ClosedRange<Int>? = nil, makeEvaluator: @escaping @Sendable () -> E
  ) throws -> [String] {
    let wanted = only ?? 0...(s.shards - 1)
    guard wanted.lowerBound >= 0 && wanted.upperBound < s.shards else {
      throw NNUEError(
        "shards \(wanted.lowerBound)...\(wanted.upperBound) asked, but the run has shards 0...\(s.shards - 1)")
    }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try prepare(s, evaluation: evaluation, in: dir)
    let errors = Mutex<[String]>([])
    let group = DispatchGroup()
    for w in 0..<max(threads, 1) {
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        let searcher = ChessSearcher(evaluator: makeEvaluator(), hashMegabytes: s.hashMegabytes)
        var k = wanted.lowerBound + w
        while k <= wanted.upperBound {
          let path = s.shardPath(dir, k)
          if FileManager.default.fileExists(atPath: path) {
            progress.add(shards: 1, skipped: 1)
            k += threads
            continue
          }
          var records: [TrainingRecord] = []
          let first = k * s.gamesPerShard, last = min(first + s.gamesPerShard, s.games)
          for g in first..<last {
            let game = playGame(searcher, settings: s, seed: gameSeed(s.seed, g))
            records += game.records
            progress.add(games: 1, positions: game.records.count)
          }
          do {
            try TrainingData.writeExclusive(records, to: path)
            progress.add(shards: 1)
          } catch {
            errors.withLock { $0.append("\(error)") }
            return
          }
          k += threads
        }
      }
      thread.stackSize = 64 << 20
      thread.start()
    }
    group.wait()
    if let e = errors.withLock({ $0.first }) { throw NNUEError(e) }
    return wanted.map { s.shardPath(dir, $0) }
  }
}
