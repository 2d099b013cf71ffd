import Chess
import ChessEngine
import Foundation
import GameCore
import NNUE
import Testing

/// The move that leads from `a` to `b`.
func move(from a: ChessPosition, to b: ChessPosition) -> Move {
  a.legalMoves.first { a.playing($0) == b }!
}

func tempPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zerolab-nnue-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

let smallSpecs: [NNUESpec] = [
  NNUESpec(layout: .chess768, accumulator: 32, activation: .screlu),
  NNUESpec(layout: .kings4, accumulator: 32, activation: .crelu),
  NNUESpec(layout: .kings16, accumulator: 48, activation: .screlu, hidden: [8]),
]

@Suite struct FeatureTests {
  @Test func featureIndicesAreDistinctAndMirrored() {
    let p = ChessPosition()
    let w = InputLayout.chess768.active(p, perspective: .white)
    let b = InputLayout.chess768.active(p, perspective: .black)
    #expect(w.count == 32 && Set(w).count == 32)
    // The start position is symmetric: both perspectives see the same features.
    #expect(Set(w) == Set(b))
    #expect(w.allSatisfy { (0..<768).contains($0) })
  }

  @Test(arguments: InputLayout.allCases)
  func bucketsCoverTheBoard(layout: InputLayout) {
    let buckets = Set((0..<64).map { layout.bucket(orientedKingSquare: $0) })
    #expect(buckets == Set(0..<layout.buckets))
    // A king on e1 and a king on e8 seen from their own sides are in the same bucket.
    let p = try! ChessPosition(fen: "4k3/8/8/8/8/8/8/4K3 w - - 0 1")
    #expect(layout.bucket(p, perspective: .white) == layout.bucket(p, perspective: .black))
    for f in layout.active(p, perspective: .white) { #expect((0..<layout.featureCount).contains(f)) }
  }

  @Test func specParsingAndErrors() throws {
    let s = try NNUESpec.parse(layout: "kings4", accumulator: 128, activation: "crelu", hidden: "16,8")
    #expect(s.description == "kings4→128x2→16→8→1 crelu")
    #expect(throws: NNUEError.self) {
      try NNUESpec.parse(layout: "halfkp", accumulator: 128, activation: "crelu", hidden: "")
    }
    #expect(throws: NNUEError.self) {
      try NNUESpec.parse(layout: "chess768", accumulator: 100, activation: "crelu", hidden: "")
    }
    #expect(throws: NNUEError.self) {
      try NNUESpec.parse(layout: "chess768", accumulator: 64, activation: "tanh", hidden: "")
    }
    #expect(throws: NNUEError.self) {
      try NNUESpec.parse(layout: "chess768", accumulator: 64, activation: "crelu", hidden: "a")
    }
  }
}

@Suite struct QuantizedTests {
  /// The incrementally updated accumulators equal a full refresh after every move of long
  /// random games (captures, castling, en passant, promotions and king-bucket changes).
  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64], [0, 1, 2])
  func incrementalEqualsRefresh(seed: UInt64, spec: Int) {
    let net = QuantizedNNUE(NNUENetwork(spec: smallSpecs[spec], seed: 9))
    let game = randomGamePositions(plies: 300, seed: seed)
    var acc = net.refresh(game[0])
    var eval = NNUEEvaluation(net: net)
    eval.reset(to: game[0])
    for i in 1..<game.count {
      let m = move(from: game[i - 1], to: game[i])
      net.update(&acc, move: m, in: game[i - 1])
      let fresh = net.refresh(game[i])
      #expect(acc == fresh, "ply \(i): \(game[i].fen)")
      if eval.depth >= 250 { eval.reset(to: game[i - 1]) }
      eval.push(m, from: game[i - 1])
      #expect(eval.evaluate(game[i]) == Int(net.evaluate(fresh, sideToMove: game[i].sideToMove)))
    }
  }

  /// The quantised output stays close to the float network over 2,400 positions.
  ///
  /// Error budget for these random nets (N = 64, W_ft ~ N(0, 0.1²), W_out ~ N(0, 0.3²),
  /// scale 400): rounding W_ft to 1/255 moves an accumulator by about
  /// sqrt(32)·(0.5/255)/sqrt(3) ≈ 0.0065; through SCReLU (slope ≤ 2) and 128 output weights
  /// that is about 2·0.0065·0.3·sqrt(128)·400 ≈ 18 cp at worst alignment, a few cp on average;
  /// the integer division by QA adds under 1 cp. Bound: every position within 30 cp + 3 %,
  /// mean absolute error under 10 cp.
  ///
  /// The hidden-layer net (16 hidden units, weights of std 2/sqrt(fan-in)) adds the rounding
  /// of its first layer's weights to 1/64 and amplifies by its output weights (std 0.5 over 16
  /// units, ×2 at worst): about 2.5× the error above. Bound: 75 cp + 3 %, mean under 25 cp.
  @Test(arguments: [
    NNUESpec(accumulator: 64, activation: .screlu), NNUESpec(accumulator: 64, activation: .crelu),
    NNUESpec(layout: .kings4, accumulator: 64, activation: .screlu, hidden: [16]),
  ])
  func quantisedMatchesFloat(spec: NNUESpec) {
    let f = NNUENetwork(spec: spec, seed: 4)
    let q = QuantizedNNUE(f)
    let hidden = !spec.hidden.isEmpty
    var total: Float = 0
    var count = 0
    for seed in 1...20 as ClosedRange<UInt64> {
      for p in randomGamePositions(plies: 120, seed: seed) {
        let a = f.evaluate(p), b = Float(q.evaluate(p))
        #expect(abs(a - b) <= (hidden ? 75 : 30) + 0.03 * abs(a), "\(p.fen): float \(a) vs quantised \(b)")
        total += abs(a - b)
        count += 1
      }
    }
    #expect(count > 2000)
    #expect(total / Float(count) < (hidden ? 25 : 10), "mean absolute error \(total / Float(count)) cp")
  }

  @Test func stackMatchesRefreshThroughPushAndPopWithNullMoves() {
    let net = QuantizedNNUE(NNUENetwork(spec: smallSpecs[1], seed: 3))
    var eval = NNUEEvaluation(net: net)
    let game = randomGamePositions(plies: 200, seed: 8)
    eval.reset(to: game[0])
    var pushed = 0
    for i in 1..<game.count {
      eval.push(move(from: game[i - 1], to: game[i]), from: game[i - 1])
      pushed += 1
      let fresh = Int(net.evaluate(game[i]))
      #expect(eval.evaluate(game[i]) == fresh)
      // A null move keeps the pieces and hands the move over.
      var passed = game[i]
      if !passed.isInCheck {
        eval.push(.null, from: game[i])
        passed.play(.null)
        #expect(eval.evaluate(passed) == Int(net.evaluate(passed)))
        eval.pop()
      }
      #expect(eval.evaluate(game[i]) == fresh)
    }
    for _ in 0..<pushed { eval.pop() }
    #expect(eval.evaluate(game[0]) == Int(net.evaluate(game[0])))
  }

  /// The lazy stack: several moves pushed before an evaluation (as when the search skips
  /// nodes in check or cut off by the table), null moves on top, king-bucket changes inside
  /// a chain, and pops back into plies that were never computed: every evaluation equals a
  /// full refresh of its position. Covers the fused path (SCReLU without hidden layers: 128
  /// units, which take the AVX-512 kernel where the build has it, and 32 and 40, which take the
  /// plain loops; 40 is not a multiple of the vector width) and the two-step path (CReLU,
  /// hidden layers).
  @Test(
    arguments: [1, 2, 3] as [UInt64],
    [
      smallSpecs[0], smallSpecs[1], smallSpecs[2], NNUESpec(layout: .kings4, accumulator: 128, activation: .screlu),
      NNUESpec(layout: .chess768, accumulator: 40, activation: .screlu),
    ])
  func lazyChainsEqualRefresh(seed: UInt64, spec: NNUESpec) {
    let net = QuantizedNNUE(NNUENetwork(spec: spec, seed: 7))
    func fresh(_ p: ChessPosition) -> Int { min(max(Int(net.evaluate(p)), -9000), 9000) }
    let game = randomGamePositions(plies: 240, seed: seed)
    var rng = Xoshiro256(seed: seed &+ 100)
    var eval = NNUEEvaluation(net: net)
    eval.reset(to: game[0])
    var i = 0  // the stack's top is game[i]
    var checked = 0
    while i + 1 < game.count {
      let k = min(1 + rng.below(4), game.count - 1 - i)
      for _ in 0..<k {
        eval.push(move(from: game[i], to: game[i + 1]), from: game[i])
        i += 1
      }
      if rng.below(3) == 0 && !game[i].isInCheck {
        var passed = game[i]
        passed.play(.null)
        eval.push(.null, from: game[i])
        if rng.below(2) == 0 {
          #expect(eval.evaluate(passed) == fresh(passed), "null move after ply \(i)")
          checked += 1
        }
        eval.pop()
      }
      #expect(eval.evaluate(game[i]) == fresh(game[i]), "ply \(i): \(game[i].fen)")
      checked += 1
      // Back into the chain's uncomputed plies, evaluate there, and go on from there.
      let back = rng.below(k)
      for _ in 0..<back { eval.pop() }
      i -= back
      #expect(eval.evaluate(game[i]) == fresh(game[i]), "ply \(i) after popping \(back)")
      checked += 1
      #expect(eval.depth == i)  // `back < k`: every round moves on
    }
    #expect(checked > 150)
  }

  @Test func theSearchRunsOnTheNetwork() {
    let net = QuantizedNNUE(NNUENetwork(spec: smallSpecs[2], seed: 5))
    let searcher = ChessSearcher(evaluator: NNUEEvaluation(net: net), hashMegabytes: 4)
    for fen in [
      ChessPosition.startFEN, "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
    ] {
      let p = try! ChessPosition(fen: fen)
      let r = searcher.search(p, limits: SearchLimits(depth: 4))
      #expect(r.bestMove.map { p.isLegal($0) } == true)
    }
  }

  @Test func filesRoundTripAndBadFilesAreRefused() throws {
    let f = NNUENetwork(spec: smallSpecs[2], seed: 6)
    let floatPath = tempPath("net.safetensors"), qPath = tempPath("net.nnue")
    try f.save(to: floatPath)
    #expect(try NNUENetwork.load(floatPath) == f)
    let q = QuantizedNNUE(f)
    try q.save(to: qPath)
    let q2 = try QuantizedNNUE.load(qPath)
    let q3 = try QuantizedNNUE.load(floatPath)  // quantised on loading
    // The same net gives the same bytes (the spec's JSON keys are sorted).
    let again = tempPath("again.nnue")
    try q.save(to: again)
    #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: qPath))
    for p in randomGamePositions(plies: 60, seed: 3) {
      #expect(q2.evaluate(p) == q.evaluate(p))
      #expect(q3.evaluate(p) == q.evaluate(p))
    }
    // Truncated, corrupted and foreign files: one-line errors.
    let data = try Data(contentsOf: URL(fileURLWithPath: qPath))
    let bad = tempPath("bad.nnue")
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: bad))
    #expect(throws: NNUEError.self) { try QuantizedNNUE.load(bad) }
    var flipped = data
    flipped[flipped.count - 5] ^= 0xFF
    try flipped.write(to: URL(fileURLWithPath: bad))
    #expect(throws: NNUEError.self) { try QuantizedNNUE.load(bad) }
    try Data("hello".utf8).write(to: URL(fileURLWithPath: bad))
    do {
      _ = try QuantizedNNUE.load(bad)
      Issue.record("garbage loaded")
    } catch {
      #expect(!error.message.contains("\n"))
    }
    #expect(throws: NNUEError.self) { try QuantizedNNUE.load("/nonexistent/net.nnue") }
  }
}

/// Wraps the incremental evaluation and checks every score against a refresh of the position
/// the search passes: catches a search that pushes or pops out of step with its moves.
struct CheckingEvaluation: ChessEvaluator {
  var inner: NNUEEvaluation
  let mismatches = Counter()
  final class Counter: @unchecked Sendable {
    var count = 0, total = 0
  }
  mutating func reset(to position: ChessPosition) { inner.reset(to: position) }
  mutating func push(_ move: Move, from position: ChessPosition) { inner.push(move, from: position) }
  mutating func pop() { inner.pop() }
  mutating func evaluate(_ position: ChessPosition) -> Int {
    let v = inner.evaluate(position)
    mismatches.total += 1
    if v != min(max(Int(inner.net.evaluate(position)), -9000), 9000) { mismatches.count += 1 }
    return v
  }
}

@Suite struct SearchIntegrationTests {
  /// Every evaluation the search asks for, at every node of real searches, equals a fresh
  /// computation for the position it passes.
  @Test func searchKeepsTheStackInStep() {
    let net = QuantizedNNUE(NNUENetwork(spec: smallSpecs[1], seed: 11))
    let check = CheckingEvaluation(inner: NNUEEvaluation(net: net))
    let searcher = ChessSearcher(evaluator: check, hashMegabytes: 4)
    for fen in [
      ChessPosition.startFEN, "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
      "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", "4k3/8/8/8/8/8/4P3/4K3 w - - 0 1",
    ] {
      _ = searcher.search(try! ChessPosition(fen: fen), limits: SearchLimits(depth: 6))
    }
    #expect(check.mismatches.total > 1000)
    #expect(
      check.mismatches.count == 0, "\(check.mismatches.count) of \(check.mismatches.total) evaluations out of step")
  }
}
