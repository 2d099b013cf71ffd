import ArgumentParser
import ChessEngine
import Foundation
import NNUE
import NNUELab

struct NNUEBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "NNUE speed: incremental evaluations per second on one core, and search nodes/s next to handcrafted.",
    discussion: """
      Evaluations: along 64 seeded random games, each move is pushed and the \
      position evaluated (the lazy stack's incremental update fused with the \
      output layer, as in the search); each game's first full refresh is not \
      timed. The run is cut into windows (--timing-window seconds each) and the BENCH \
      line reports the fastest: interference from other processes, or from another \
      tenant on a shared core, only slows a window down, so the fastest window is \
      the figure that repeats from run to run. The whole run's rate and the median \
      window are printed above it; --timing-window 0 makes the whole run the one window. \
      Search: `zerolab bench engine`'s eight positions at a fixed depth with each \
      evaluation, --repeats times each in turn, the fastest run counting. Without \
      --eval-file a random 768->256x2->1 SCReLU net is used (speed does not depend on \
      the weights).

      Examples:
        zerolab nnue bench
        zerolab nnue bench --eval-file engines/zerolab-nnue.nnue --depth 10
        zerolab nnue bench --depth 0 --breakdown
        zerolab nnue bench --depth 0 --timing-window 0
      """)
  @Option(help: "An NNUE file (default: a random 768->256x2->1 net).") var evalFile: String?
  @Option(name: .customLong("net"), help: .hidden) var netAlias: String?
  var net: String? { evalFile ?? netAlias }
  @Option(help: "Seconds of evaluation timing. (default: 3)") var budget: Double?
  @Option(name: .customLong("seconds"), help: .hidden) var secondsAlias: Double?
  var seconds: Double { budget ?? secondsAlias ?? 3 }
  @Option(help: "Search depth (0: skip the search part).") var depth: Int = 9
  @Flag(help: "Also time the accumulator update and the output layer alone.") var breakdown = false
  @Option(help: "Accumulator units of the random net (without --eval-file).") var accumulator: Int = 256
  @Option(help: "Seconds per timing window; the BENCH line reports the fastest (0: the whole run). (default: 0.05)")
  var timingWindow: Double?
  @Option(name: .customLong("window"), help: .hidden) var windowAlias: Double?
  var window: Double { timingWindow ?? windowAlias ?? 0.05 }
  @Option(help: "Runs of the search set per evaluation, in turn; the fastest counts.") var repeats: Int = 3

  func validate() throws {
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--budget must be positive") }
    guard window >= 0, window.isFinite else { throw ValidationError("--timing-window must be 0 or positive") }
    guard depth >= 0 else { throw ValidationError("--depth must be 0 or positive") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
  }

  func run() throws {
    let q: QuantizedNNUE
    if let net {
      do { q = try QuantizedNNUE.load(net) } catch { throw RuntimeError(error.message) }
    } else {
      q = QuantizedNNUE(NNUENetwork(spec: NNUESpec(accumulator: accumulator), seed: 1))
    }
    print("net: \(q.spec)")
    let r = NNUEBenchmark.incrementalEvals(net: q, seconds: seconds, window: window)
    let evals = Int(r.best)
    func m(_ x: Double) -> String { String(format: "%.2f", x / 1e6) }
    print(
      "incremental evaluations: \(grouped(r.evals)) in \(format3(r.seconds)) s, \(m(r.overall)) M/s (checksum \(r.checksum))"
    )
    if !r.windows.isEmpty {
      print(
        "windows of \(String(format: "%g", window)) s: \(r.windows.count), fastest \(m(r.best)), median \(m(r.median)), slowest \(m(r.worst)) M/s"
      )
    }
    if breakdown {
      let of = window > 0 ? "fastest window" : "whole run"
      for mode in [NNUEBenchmark.EvalMode.update, .evaluate, .siblings] {
        let b = NNUEBenchmark.incrementalEvals(net: q, seconds: seconds, mode: mode, window: window)
        print("  \(mode.rawValue) alone: \(String(format: "%.1f", 1e9 / b.best)) ns each (\(of))")
      }
      print("  push+evaluate: \(String(format: "%.1f", 1e9 / r.best)) ns each (\(of))")
    }
    if depth > 0 {
      let (n, h, consistent) = NNUEBenchmark.searchSpeeds(
        { NNUEEvaluation(net: q) }, { HandcraftedEvaluation() }, depth: depth, repeats: repeats)
      let nn = Int(Double(n.nodes) / max(n.seconds, 1e-9)), hh = Int(Double(h.nodes) / max(h.seconds, 1e-9))
      func ms(_ x: Double) -> String { String(format: "%.0f", x * 1000) }
      print(
        "search depth \(depth): nnue \(grouped(n.nodes)) nodes in \(ms(n.seconds)) ms, handcrafted \(grouped(h.nodes)) nodes in \(ms(h.seconds)) ms (fastest of \(repeats) runs each, in turn)"
      )
      if !consistent {
        print("warning: a repeated search visited different nodes (the search should be deterministic)")
      }
      print(
        "BENCH nnue-search unit=nodes/s zerolab=\(nn) handcrafted=\(hh) ratio=\(String(format: "%.2f", Double(nn) / Double(max(hh, 1))))"
      )
    }
    // The peer: the handcrafted evaluation of the same positions, from scratch.
    let h = NNUEBenchmark.handcraftedEvals(seconds: min(seconds, 2), window: window)
    print(
      "handcrafted evaluations of the same positions: \(m(h.best)) M/s (\(window > 0 ? "fastest window" : "whole run"))"
    )
    print(
      "BENCH nnue-eval unit=evals/s zerolab=\(evals) handcrafted=\(Int(h.best)) ratio=\(String(format: "%.2f", Double(evals) / max(h.best, 1)))"
    )
  }
}
