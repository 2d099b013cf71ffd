import ArgumentParser
import ChessEngine
import Foundation
import NNUE
import NNUETraining

struct NNUEGen: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gen",
    abstract: "Generate training data by self-play of the alpha-beta engine.",
    discussion: """
      Each game starts with --random-plies random moves, then the engine plays itself with a fixed \
      --nodes or --depth per move (so a seed gives the same games on any machine). Positions in \
      check, positions whose best move is a capture or promotion, and mate scores are skipped. \
      Games end by the rules or by adjudication (|score| >= 1500 for 4 plies: a win; after ply 80, \
      |score| <= 8 for 12 plies: a draw). Data goes to OUT/gen-s<seed>-<k>.zldata, a shard per \
      --shard-games games, each written whole, with the settings in OUT/gen-s<seed>.json. A rerun \
      with the same seed skips finished shards and tops the folder up to exactly --games; one \
      with other settings for that seed is refused. Several processes with different seeds can \
      write into one folder at once. With --every-position every position after the random \
      opening is kept (checks, captures and mates too, the score clamped to +-3000): data for a \
      policy-value network ('zerolab supervise chess'), whose policy must learn those moves.

      --shards K..L makes only shards K to L of the run (0 is the first), the same bytes the \
      whole run writes there: one seed spread over machines (zerolab-cluster, docs/cluster.md).

      Examples:
        zerolab nnue gen --games 1000 --nodes 5000 --out data/gen0 --threads 2
        zerolab nnue gen --games 1000 --depth 6 --out data/gen1 --seed 2 \\
          --eval-file runs/nnue0/quantized.safetensors
        zerolab nnue gen --games 500 --nodes 5000 --out data/zero0 --every-position \\
          --eval-file engines/zerolab-nnue.nnue
        zerolab nnue gen --games 1000 --nodes 5000 --out data/part --shards 4..7
      """)

  @Option(help: "Games to play.") var games: Int
  @Option(help: "Nodes per move (default 5000 unless --depth is given).") var nodes: Int?
  @Option(help: "Depth per move instead of --nodes.") var depth: Int?
  @Option(help: "Output folder.") var out: String
  @Option(help: "Evaluation: handcrafted or an NNUE file. (default: handcrafted)") var evalFile: String?
  @Option(name: .customLong("eval"), help: .hidden) var evalAlias: String?
  var eval: String { evalFile ?? evalAlias ?? "handcrafted" }
  @Option(help: "Random plies at the start of each game.") var randomPlies: Int = 8
  @Option(help: "Games per shard file.") var shardGames: Int = 16
  @Option(help: "Only these shards of the run: K or K..L, 0 the first. (default: all)") var shards: String?
  @Option(help: "Worker threads.") var threads: Int = 1
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Flag(help: "Keep every position after the opening (data for a policy-value network).") var everyPosition = false

  func validate() throws {
    guard games >= 1 else { throw ValidationError("--games must be at least 1") }
    if let nodes, nodes < 1 { throw ValidationError("--nodes must be at least 1") }
    if let depth, !(1...64).contains(depth) { throw ValidationError("--depth must be 1...64") }
    guard (0...40).contains(randomPlies) else { throw ValidationError("--random-plies must be 0...40") }
    guard (1...10_000).contains(shardGames) else { throw ValidationError("--shard-games must be 1...10000") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
    if let shards {
      guard let range = Self.shardRange(shards) else {
        throw ValidationError("--shards must be K or K..L with 0 <= K <= L, not '\(shards)'")
      }
      let count = (games + shardGames - 1) / shardGames
      guard range.upperBound < count else {
        throw ValidationError(
          "--shards \(shards): \(games) games of --shard-games \(shardGames) make shards 0..\(count - 1)")
      }
    }
  }

  /// `K` or `K..L` (0 <= K <= L) as a range, nil when the text is neither.
  static func shardRange(_ text: String) -> ClosedRange<Int>? {
    let parts = text.split(separator: "..", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let first = Int(parts[0]), let last = Int(parts[parts.count - 1]),
      first >= 0, first <= last
    else { return nil }
    return first...last
  }

  func run() throws {
    var s = GenSettings(games: games, nodes: nodes ?? (depth == nil ? 5000 : nil), depth: depth, seed: seed)
    s.randomPlies = randomPlies
    s.gamesPerShard = shardGames
    if everyPosition { s.everyPosition = true }
    let net = try evaluatorChoice(eval)
    let only = shards.flatMap(Self.shardRange)
    let selected =
      only.map { r in min(r.upperBound * shardGames + shardGames, games) - r.lowerBound * shardGames } ?? games
    let progress = DataGenerator.Progress()
    let start = ContinuousClock.now
    let reporter = ProgressReporter {
      let p = progress.snapshot
      let t = toSeconds(ContinuousClock.now - start)
      return "gen: \(p.games)/\(selected) games, \(grouped(p.positions)) positions, "
        + String(format: "%.0f positions/s, %.2f games/s", Double(p.positions) / t, Double(p.games) / t)
        + ", ETA \(etaText(done: Double(p.games), total: Double(selected - p.skipped * shardGames), elapsed: t))"
    }
    let paths: [String]
    do {
      if let net {
        paths = try DataGenerator.run(
          settings: s, into: out, threads: threads, progress: progress, evaluation: eval, only: only
        ) {
          NNUEEvaluation(net: net)
        }
      } else {
        paths = try DataGenerator.run(settings: s, into: out, threads: threads, progress: progress, only: only) {
          HandcraftedEvaluation()
        }
      }
    } catch {
      reporter.stop()
      throw RuntimeError("\(error)")
    }
    reporter.stop()
    Terminal.endProgress()
    let p = progress.snapshot
    let d = ContinuousClock.now - start
    print(
      "generated \(p.games) games, \(grouped(p.positions)) positions in \(seconds(d)) s (\(rate(p.positions, d)))"
        + (p.skipped > 0 ? "; \(p.skipped) shards were already there" : ""))
    print("data: \(out) (\(paths.count) shards)")
  }
}
