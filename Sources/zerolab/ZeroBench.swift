import ArgumentParser
import ChessZero
import Foundation
import GameCore
import GameSearch
import NeuralCore

struct ZeroBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zero",
    abstract: "Batched PUCT on chess against the network alone: simulations/s over positions/s.",
    discussion: """
      Plays --games chess games at once from seeded random openings, each move searched with \
      --sims simulations, every search handing over up to --leaves leaves a round so that the \
      network evaluates them together; then times the same network alone on the same batches \
      (the search's batch sizes in its order, for half its time). The ratio is the share of the machine the network gets: what \
      the tree, the move generation and the encoding leave it. `make bench-zero` runs it.
        BENCH zero-<root>-<blocks>x<channels>-b<average batch> unit=simulations/s zerolab=<search> \
      network=<network alone> ratio=<search/network>

      Examples:
        zerolab bench zero --blocks 2 --channels 32 --games 4 --seconds 3
        zerolab bench zero --root gumbel --games 32 --leaves 4
      """)

  @Option(help: "Residual blocks.") var blocks: Int = 6
  @Option(help: "Channels.") var channels: Int = 64
  @Option(help: "Squeeze-excitation ratio (none when not given).") var se: Int?
  @Option(help: "Games in flight.") var games: Int = 16
  @Option(help: "Leaves each search hands over per round.") var leaves: Int = 8
  @Option(help: "Simulations per move.") var sims: Int = 100
  @Option(help: "Root search: puct or gumbel.") var root: String = "puct"
  @Option(help: "Seconds of searching (the network alone then runs half as long).") var seconds: Double = 20
  @Option(help: "OpenBLAS threads.") var threads: Int = 1
  @Option(help: "Seed (network weights and openings).") var seed: UInt64 = 1

  func run() throws {
    guard blocks > 0, channels > 0 else { throw ValidationError("--blocks and --channels must be positive") }
    guard games > 0, leaves > 0, sims > 0 else {
      throw ValidationError("--games, --leaves and --sims must be positive")
    }
    guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400]") }
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    if let se, se <= 0 { throw ValidationError("--se must be positive, got \(se)") }
    guard let rootKind = PUCTConfig.Root(rawValue: root) else {
      throw ValidationError("--root must be puct or gumbel, got '\(root)'")
    }
    BLAS.setThreads(threads)
    var net = PolicyValueNetwork(ChessNetworkEvaluator.spec(blocks: blocks, channels: channels, squeezeExcitation: se))
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(), inputShape: ChessEncoding.inputShape, rng: &rng)
    var settings = ChessSearchBenchmark.Settings()
    settings.games = games
    settings.leaves = leaves
    settings.simulations = sims
    settings.root = rootKind
    settings.seconds = seconds
    settings.seed = seed
    let f = try ChessSearchBenchmark.run(net, settings: settings) { Terminal.progress($0) }
    Terminal.endProgress()
    let share = 100 * f.evaluatorSeconds / max(f.seconds, 1e-9)
    print(
      "search (\(blocks)x\(channels), \(games) games x \(leaves) leaves, \(sims) simulations a move, \(root), "
        + "\(threads) thread\(threads == 1 ? "" : "s")): \(grouped(f.simulations)) simulations in "
        + "\(String(format: "%.1f", f.seconds)) s, \(f.searches) moves, \(f.batches) batches of "
        + "\(String(format: "%.1f", f.averageBatch)) positions; the evaluator took \(String(format: "%.1f", share)) %")
    print(
      "network alone on the same batches: \(grouped(f.networkPositions)) positions in "
        + "\(String(format: "%.1f", f.networkSeconds)) s = \(Int(f.networkPositionsPerSecond)) positions/s")
    let ratio = f.simulationsPerSecond / max(f.networkPositionsPerSecond, 1e-9)
    print(
      "BENCH zero-\(root)-\(blocks)x\(channels)-b\(Int(f.averageBatch.rounded())) unit=simulations/s zerolab=\(Int(f.simulationsPerSecond)) "
        + "network=\(Int(f.networkPositionsPerSecond)) ratio=\(String(format: "%.3f", ratio))")
  }
}
