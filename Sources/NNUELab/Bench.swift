import Chess
import ChessEngine
import Foundation
import GameCore
import NNUE

/// NNUE speed measurements (`zerolab nnue bench`, `make bench-nnue`).
public enum NNUEBenchmark {
  /// Seeded random games (every ply's position and the move played from it).
  public static func games(count: Int, plies: Int, seed: UInt64) -> [[(ChessPosition, Move)]] {
    var rng = Xoshiro256(seed: seed)
    var out: [[(ChessPosition, Move)]] = []
    for _ in 0..<count {
      var p = ChessPosition()
      var g: [(ChessPosition, Move)] = []
      for _ in 0..<plies {
        let moves = p.legalMoves
        if moves.isEmpty || p.end() != nil { break }
        let m = moves[rng.below(moves.count)]
        g.append((p, m))
        p.play(m)
      }
      out.append(g)
    }
    return out
  }

  /// What `incrementalEvals` times per step.
  public enum EvalMode: String, Sendable, CaseIterable {
    /// `push` the game's move, then `evaluate` (the evaluation the search asks for at a node).
    case pushEvaluate = "push+evaluate"
    /// Only the accumulator update (`push`, then the lazy stack brought up to date).
    case update
    /// Only the output layer, on each game's first position (its accumulators computed by the
    /// untimed refresh, so each call runs the output layer alone), once per position of the
    /// game.
    case evaluate
    /// Search-shaped: at every position of the game, each legal move is pushed, evaluated and
    /// popped (as at the leaves of a search, where most evaluations happen), then the game's
    /// move is pushed; the sibling pairs are counted.
    case siblings
  }

  /// What `incrementalEvals` measured: the whole run, and the rate of each window of it.
  public struct EvalRate: Sendable {
    /// Evaluations timed, and the seconds they took (the whole run).
    public var evals: Int, seconds: Double
    /// The sum of every evaluation's result (so none can be optimised away).
    public var checksum: Int
    /// Evaluations per second in each window of about `window` seconds, in run order.
    public var windows: [Double]

    public init(evals: Int, seconds: Double, checksum: Int, windows: [Double]) {
      self.evals = evals
      self.seconds = seconds
      self.checksum = checksum
      self.windows = windows
    }

    /// The whole run's rate.
    public var overall: Double { seconds > 0 ? Double(evals) / seconds : 0 }
    /// The fastest window: the speed of the code with the core to itself. Interference
    /// (another process, or another tenant on the core's other hyperthread) only ever slows
    /// a window down, so the fastest window is the estimate that repeats from run to run
    /// (Chen and Revels, "Robust benchmarking in noisy environments", 2016; `timeit` and
    /// hyperfine report the minimum time for the same reason).
    public var best: Double { windows.max() ?? overall }
    /// The median window.
    public var median: Double {
      let w = windows.sorted()
      guard !w.isEmpty else { return overall }
      return w.count % 2 == 1 ? w[w.count / 2] : (w[w.count / 2 - 1] + w[w.count / 2]) / 2
    }
    /// The slowest window.
    public var worst: Double { windows.min() ?? overall }
  }

  /// Incremental evaluations per second on one core: along each game, `push` the move (the
  /// accumulator update, as in the search) then `evaluate`, for at least `seconds`
  /// (`mode` times one half alone). The rate is also taken over windows of at least
  /// `window` seconds, each closed after a whole pass over the games (0: no windows; the
  /// last, partial window is dropped).
  public static func incrementalEvals(
    net: QuantizedNNUE, seconds: Double = 2, seed: UInt64 = 1, mode: EvalMode = .pushEvaluate,
    window: Double = 0
  ) -> EvalRate {
    let gs = games(count: 64, plies: 120, seed: seed)
    // Flat arrays. Each `push` still gets a copy of its position (Swift passes a value from a
    // buffer by copying it), a cost the search, which passes its own locals, does not pay;
    // `evaluate` needs no position (the stack knows the side to move).
    let before = gs.flatMap { $0.map(\.0) }, moves = gs.flatMap { $0.map(\.1) }
    var starts: [Int] = []
    var k = 0
    for g in gs {
      starts.append(k)
      k += g.count
    }
    // Every legal move of every position, flat (for `.siblings`).
    var siblingStart: [Int] = [], siblingMoves: [Move] = []
    if mode == .siblings {
      for p in before {
        siblingStart.append(siblingMoves.count)
        siblingMoves.append(contentsOf: p.legalMoves)
      }
      siblingStart.append(siblingMoves.count)
    }
    var eval = NNUEEvaluation(net: net)
    var count = 0, checksum = 0
    let clock = ContinuousClock()
    // Only the incremental work is timed: each game's `reset` (a full refresh, not an
    // incremental evaluation) happens outside the clock.
    var timed = Duration.zero
    var elapsed = 0.0
    // The current window: its evaluations, and the timed duration at its start.
    var windows: [Double] = []
    var windowCount = 0, windowStart = Duration.zero
    before.withUnsafeBufferPointer { bp in
      moves.withUnsafeBufferPointer { mp in
        while elapsed < seconds {
          for (gi, s) in starts.enumerated() {
            let end = gi + 1 < starts.count ? starts[gi + 1] : bp.count
            guard s < end else { continue }
            eval.reset(to: bp[s])
            let t0 = clock.now
            defer { timed += clock.now - t0 }
            switch mode {
            case .pushEvaluate:
              for i in s..<end {
                eval.push(mp[i], from: bp[i])
                checksum &+= eval.evaluate()
              }
            case .update:
              for i in s..<end {
                eval.push(mp[i], from: bp[i])
                eval.update()
              }
              checksum &+= eval.evaluate()
            case .evaluate:
              for _ in s..<end { checksum &+= eval.evaluate() }
            case .siblings:
              for i in s..<end {
                for j in siblingStart[i]..<siblingStart[i + 1] {
                  eval.push(siblingMoves[j], from: bp[i])
                  checksum &+= eval.evaluate()
                  eval.pop()
                }
                count &+= siblingStart[i + 1] - siblingStart[i]
                eval.push(mp[i], from: bp[i])
              }
              windowCount &+= siblingStart[end] - siblingStart[s]
              continue
            }
            count &+= end - s
            windowCount &+= end - s
          }
          elapsed = timed.inSeconds
          if window > 0 {
            let w = (timed - windowStart).inSeconds
            if w >= window {
              windows.append(Double(windowCount) / w)
              windowCount = 0
              windowStart = timed
            }
          }
        }
      }
    }
    return EvalRate(evals: count, seconds: elapsed, checksum: checksum, windows: windows)
  }

  /// The peer of `incrementalEvals`: the handcrafted evaluation of the same positions (each
  /// position after a game's move, from scratch, as the search asks for it), per second on one
  /// core, in windows of at least `window` seconds like `incrementalEvals`.
  public static func handcraftedEvals(seconds: Double = 2, seed: UInt64 = 1, window: Double = 0) -> EvalRate {
    let gs = games(count: 64, plies: 120, seed: seed)
    let after = gs.flatMap { g in g.map { $0.0.playing($0.1) } }
    var count = 0, checksum = 0, windowCount = 0
    var windows: [Double] = []
    let clock = ContinuousClock()
    var timed = Duration.zero, windowStart = Duration.zero
    after.withUnsafeBufferPointer { ap in
      while timed.inSeconds < seconds {
        let t0 = clock.now
        for i in 0..<ap.count { checksum &+= HandcraftedEvaluation.score(ap[i]) }
        timed += clock.now - t0
        count &+= ap.count
        windowCount &+= ap.count
        if window > 0, (timed - windowStart).inSeconds >= window {
          windows.append(Double(windowCount) / (timed - windowStart).inSeconds)
          windowCount = 0
          windowStart = timed
        }
      }
    }
    return EvalRate(evals: count, seconds: timed.inSeconds, checksum: checksum, windows: windows)
  }

  /// Search nodes at a fixed depth over the engine's bench positions (each from a fresh
  /// searcher), and the seconds the searches took (not the searchers' set-up).
  public static func searchSpeed<E: ChessEvaluator>(_ make: () -> E, depth: Int) -> (nodes: Int, seconds: Double) {
    var nodes = 0
    var took = Duration.zero
    let clock = ContinuousClock()
    for fen in ChessSearcher<E>.benchPositions {
      let p = try! ChessPosition(fen: fen)
      let s = ChessSearcher(evaluator: make(), hashMegabytes: 16)
      let t0 = clock.now
      nodes += s.search(p, limits: SearchLimits(depth: depth)).nodes
      took += clock.now - t0
    }
    return (nodes, took.inSeconds)
  }

  /// `searchSpeed` of two evaluations, run `repeats` times in turn (A, B, A, B, …): each
  /// one's nodes and its fastest set. The search is deterministic, so every run of one
  /// evaluation visits the same nodes (`consistent` says whether they did); taking the fastest
  /// run keeps a spell of load on the host out of the ratio, as the evaluation figure does.
  public static func searchSpeeds<A: ChessEvaluator, B: ChessEvaluator>(
    _ a: () -> A, _ b: () -> B, depth: Int, repeats: Int
  ) -> (a: (nodes: Int, seconds: Double), b: (nodes: Int, seconds: Double), consistent: Bool) {
    var ra = (nodes: 0, seconds: Double.infinity), rb = ra
    var consistent = true
    for k in 0..<max(repeats, 1) {
      let x = searchSpeed(a, depth: depth), y = searchSpeed(b, depth: depth)
      if k > 0 && (x.nodes != ra.nodes || y.nodes != rb.nodes) { consistent = false }
      ra = (x.nodes, min(ra.seconds, x.seconds))
      rb = (y.nodes, min(rb.seconds, y.seconds))
    }
    return (ra, rb, consistent)
  }
}
