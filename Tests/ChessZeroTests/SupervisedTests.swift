import AlphaZero
import Chess
import ChessZero
import Foundation
import GameCore
import NNUETraining
import NeuralCore
import Testing

/// Supervised chess: the compact training set against the `Sample`s it stands for, the
/// targets of each source, castling and en-passant records, the held-out split, learning on a
/// tiny set, resume, and starting self-play from the result.
@Suite struct ChessSupervisedTests {
  /// Two decisive games and a drawn one that repeats the start (the repetition planes), and an
  /// unfinished one (no value target).
  static let pgn = """
    [Event "a"]
    [Result "1-0"]

    1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# 1-0

    [Event "b"]
    [Result "1/2-1/2"]

    1. Nf3 Nf6 2. Ng1 Ng8 3. e4 e5 1/2-1/2

    [Event "c"]
    [Result "0-1"]

    1. f3 e5 2. g4 Qh4# 0-1

    [Event "d"]
    [Result "*"]

    1. d4 d5 *
    """

  static func data() throws -> ChessSupervisedData {
    var data = ChessSupervisedData()
    data.add(pgn: try PGN.parse(pgn))
    return data
  }

  static func config(seed: UInt64 = 3) -> ZeroConfig {
    var c = ZeroConfig()
    c.size = "8x8"
    c.mirror = false
    c.blocks = 1
    c.channels = 8
    c.trainSteps = 5
    c.batchSize = 8
    c.seed = seed
    return c
  }

  static func learner(seed: UInt64 = 3) throws -> Learner<ChessEncoding> {
    try Learner(config: config(seed: seed), encoding: ChessEncoding(), spec: try ChessRuns.spec(config(seed: seed)))
  }

  static func folder(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "chess-supervised-\(name)-\(UInt32.random(in: 0...UInt32.max))"
    ).path
  }

  /// The compact set writes exactly the samples `ChessSupervision` makes from the same games
  /// (planes with the game's repetitions, legal-move indices, targets), and a learner trained
  /// on either from the same seed draws the same batches: the same losses and weights.
  @Test func compactSetGivesTheSameBatchesAsSamples() throws {
    let data = try Self.data()
    #expect(data.unfinishedGames == 1 && data.games == 3 && data.unmapped == 0)
    let samples = ChessSupervision.samples(pgn: try PGN.parse(Self.pgn))
    let set = ChessTrainingSet(data.examples)
    #expect(set.count == samples.count && set.count == 7 + 6 + 4)
    #expect(set.samples == samples)
    // The start again after 2. Ng1 Ng8: the first repetition plane.
    let twice = set.samples[7 + 4].planes
    #expect(twice[12] == 1 && twice[13] == 0 && set.samples[7].planes[12] == 0)
    let a = try Self.learner(), b = try Self.learner()
    for _ in 0..<3 {
      a.train(steps: 4, from: set)
      b.train(steps: 4, from: samples)
      #expect(a.lastLoss == b.lastLoss)
    }
    var wa: [Float] = [], wb: [Float] = []
    a.network.visitParameters { wa += $0.value.data }
    b.network.visitParameters { wb += $0.value.data }
    #expect(wa == wb && !wa.isEmpty)
  }

  /// Records keep no castling rights or en-passant square: they are inferred, so a castling
  /// move (either side, either wing) and an en-passant capture map to their policy indices;
  /// a move still illegal is counted, not dropped silently.
  @Test func castlingAndEnPassantRecordsMap() throws {
    let p1 = try ChessPosition(fen: "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K2R w KQkq - 0 1")
    let p2 = try ChessPosition(fen: "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K2R b KQkq - 0 1")
    let p3 = try ChessPosition(fen: "4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 1")
    let moves = [try p1.parseMove("e1g1"), try p2.parseMove("e8c8"), try p3.parseMove("e5d6")]
    #expect(moves[0].isCastling && moves[1].isCastling && moves[2].isEnPassant)
    var records = zip([p1, p2, p3], moves).enumerated().map { i, pm in
      TrainingRecord(pm.0, score: 100, result: .draw, ply: i, move: pm.1)
    }
    // A castling move with the rook gone from its corner cannot be legal.
    let moved = try ChessPosition(fen: "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K1R1 w Qkq - 0 1")
    records.append(TrainingRecord(moved, score: 0, result: .draw, ply: 3, move: moves[0]))
    var data = ChessSupervisedData()
    data.add(records: records, lambda: 0.5, k: 400)
    #expect(data.examples.count == 3 && data.unmapped == 1 && data.games == 1)
    let set = ChessTrainingSet(data.examples)
    for (i, s) in set.samples.enumerated() {
      let side: Side = i == 1 ? .black : .white
      let k = try #require(s.probabilities.firstIndex(of: 1))
      #expect(Int(s.indices[k]) == PolicyMap.index(of: moves[i], sideToMove: side))
    }
    // The policy map's castling entries: the king onto its rook, e1h1 and (for Black, mirrored) e1a1.
    let kingside = PolicyMap.entries[PolicyMap.index(of: moves[0], sideToMove: .white)]
    let queenside = PolicyMap.entries[PolicyMap.index(of: moves[1], sideToMove: .black)]
    #expect(kingside.from == 4 && kingside.to == 7 && queenside.from == 4 && queenside.to == 0)
    #expect(data.examples[2].position.enPassantSquare?.description == "d6")
    #expect(data.examples[0].position.castlingRights == p1.castlingRights)
  }

  /// Engine records: the record's move is the whole policy target, the value `2t − 1` with
  /// `t = λ·σ(score / K) + (1 − λ)·result`; PGN: the move played and the game's result.
  @Test func sourcesGiveTheirTargets() throws {
    let start = ChessPosition()
    let e4 = try start.parseMove("e2e4")
    var data = ChessSupervisedData()
    data.add(
      records: [
        TrainingRecord(start, score: 400, result: .win(.white), ply: 0, move: e4),
        TrainingRecord(start, score: 0, result: .draw, ply: 0, move: e4),
      ], lambda: 0.5, k: 400)
    #expect(data.games == 2, "the ply does not grow: a new game")
    #expect(abs(data.examples[0].value - 0.7310586) < 1e-5 && abs(data.examples[1].value) < 1e-6)
    var all = ChessSupervisedData()
    all.add(records: [TrainingRecord(start, score: 400, result: .win(.white), ply: 0, move: e4)], lambda: 0, k: 400)
    #expect(all.examples[0].value == 1, "λ 0: the result alone")
    let pgn = try Self.data()
    // Game c: White loses; Black mates with Qh4.
    let c = pgn.examples.filter { $0.game == 2 }
    #expect(c.map(\.value) == [-1, 1, -1, 1])
    #expect(c.last!.move == (try c.last!.position.parseMove("d8h4")))
  }

  /// The held-out split: disjoint, whole games, the same for the same seed, about the fraction.
  @Test func holdoutIsDisjointAndSeeded() throws {
    var data = ChessSupervisedData()
    var text = ""
    for i in 0..<20 {
      text += "[Event \"\(i)\"]\n[Result \"1-0\"]\n\n1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 1-0\n\n"
    }
    data.add(pgn: try PGN.parse(text))
    #expect(data.examples.count == 120)
    let a = data.split(holdout: 0.1, seed: 1), b = data.split(holdout: 0.1, seed: 1)
    #expect(a.holdout.examples == b.holdout.examples && a.training.examples == b.training.examples)
    #expect(a.holdout.count == 12 && a.training.count == 108)
    let held = Set(a.holdout.examples.map(\.game)), trained = Set(a.training.examples.map(\.game))
    #expect(held.isDisjoint(with: trained) && held.count == 2)
    let other = data.split(holdout: 0.1, seed: 2)
    #expect(Set(other.holdout.examples.map(\.game)) != held)
    #expect(data.split(holdout: 0, seed: 1).holdout.count == 0)
    // One game: single positions, never all of them.
    let one = try Self.data().examples.filter { $0.game == 0 }
    var single = ChessSupervisedData()
    single.examples = one
    let s = single.split(holdout: 0.5, seed: 1)
    #expect(s.holdout.count == 4 && s.training.count == 3)
  }

  /// A tiny set the network can memorise: the loss falls and the top-1 agreement rises to
  /// nearly every position (the start position of three games has three targets: at most
  /// 15 of the 17 agree).
  @Test func trainingMemorisesATinySet() throws {
    let set = ChessTrainingSet(try Self.data().examples)
    let learner = try Self.learner()
    let before = ChessValidation.measure(&learner.network, on: set)
    learner.train(steps: 1, from: set)
    let first = learner.lastLoss
    learner.train(steps: 300, from: set)
    let after = ChessValidation.measure(&learner.network, on: set)
    #expect(learner.lastLoss < 0.5 * first, "loss \(first) then \(learner.lastLoss)")
    #expect(after.top1 >= 0.8 && after.top1 > before.top1, "top-1 \(before.top1) then \(after.top1)")
    #expect(after.policyCrossEntropy < before.policyCrossEntropy && after.valueLoss < before.valueLoss)
  }

  /// A run stopped after two measurements and resumed ends as the uninterrupted one; a resume
  /// with other data is refused; the final network starts a self-play run (`--from`), and one
  /// of another shape is refused.
  @Test func runResumesAndStartsSelfPlay() throws {
    let data = try Self.data()
    let a = Self.folder("a"), b = Self.folder("b")
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    let config = Self.config()
    func run(
      _ dir: String, _ n: Int, resume: Bool, data: ChessSupervisedData
    ) throws -> (
      Learner<ChessEncoding>, [ChessSupervisedRecord]
    ) {
      let r = try ChessRuns.supervised(
        config: config, data: data, lambda: 0.5, holdout: 0.3, dir: dir, iterations: n, budget: nil, resume: resume)
      return (r.learner, r.measurements)
    }
    let (_, whole) = try run(a, 4, resume: false, data: data)
    #expect(whole.map(\.iteration) == [0, 1, 2, 3, 4] && whole[0].loss == nil && whole[4].loss != nil)
    #expect(whole.allSatisfy { $0.holdout > 0 && $0.holdout < data.examples.count })
    _ = try run(b, 2, resume: false, data: data)
    let (_, resumed) = try run(b, 4, resume: true, data: data)
    func strip(_ ms: [ChessSupervisedRecord]) -> [ChessSupervisedRecord] {
      ms.map {
        var m = $0
        m.wallSeconds = 0
        return m
      }
    }
    #expect(strip(resumed) == strip(whole))
    let na = FileManager.default.contents(atPath: a + "/network.safetensors")
    #expect(na != nil && na == FileManager.default.contents(atPath: b + "/network.safetensors"))
    var fewer = data
    fewer.examples.removeLast()
    #expect(throws: NeuralError.self) { try run(b, 5, resume: true, data: fewer) }
    // At most `validation` held-out positions are measured.
    let c = Self.folder("c")
    defer { try? FileManager.default.removeItem(atPath: c) }
    let capped = try ChessRuns.supervised(
      config: config, data: data, lambda: 0.5, holdout: 0.3, validation: 2, dir: c, iterations: 1, budget: nil,
      resume: false)
    #expect(capped.measurements.allSatisfy { $0.holdout == 2 } && capped.data.heldOut > 2)

    // --from: the self-play learner starts with the supervised weights.
    let fresh = try ChessLearnerTests.learner()
    let supervised = try Self.learner()
    try ChessRuns.startFrom(a + "/network.safetensors", supervised)
    let x = ChessEncoding.batch([ChessGameState(ChessPosition())])
    var s = supervised.network
    let want = s.evaluate(x, training: false).policy.data
    var plain = fresh.network
    #expect(plain.evaluate(x, training: false).policy.data != want)
    var selfPlayConfig = ChessLearnerTests.config()
    selfPlayConfig.seed = 3
    let sp = Self.folder("sp")
    defer { try? FileManager.default.removeItem(atPath: sp) }
    let r = try ChessRuns.selfPlay(
      config: selfPlayConfig, dir: sp, iterations: 0, budget: nil, resume: false, from: a + "/network.safetensors")
    var started = r.learner.network
    #expect(started.evaluate(x, training: false).policy.data == want)
    let wide = try Learner(
      config: config, encoding: ChessEncoding(), spec: ChessNetworkEvaluator.spec(blocks: 1, channels: 16))
    #expect(throws: NeuralError.self) { try ChessRuns.startFrom(a + "/network.safetensors", wide) }
    // With gating, the network started from is the best so far.
    selfPlayConfig.gateEvery = 1
    let gated = try Learner(
      config: selfPlayConfig, encoding: ChessEncoding(), spec: ChessNetworkEvaluator.spec(blocks: 1, channels: 8))
    try ChessRuns.startFrom(a + "/network.safetensors", gated)
    var best = try #require(gated.best)
    #expect(best.evaluate(x, training: false).policy.data == want)
    // A supervised run can start from a network too (to go on with other data).
    let d = Self.folder("d")
    defer { try? FileManager.default.removeItem(atPath: d) }
    let again = try ChessRuns.supervised(
      config: config, data: data, lambda: 0.5, holdout: 0.3, dir: d, iterations: 0, from: a + "/network.safetensors",
      budget: nil, resume: false)
    var continued = again.learner.network
    #expect(continued.evaluate(x, training: false).policy.data == want)
  }

  /// Bad input: a missing file, a corrupted data file, a file of something else, no usable
  /// positions: one-line errors naming the file.
  @Test func badDataIsRefused() throws {
    let dir = Self.folder("bad")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func message(_ paths: [String]) -> String? {
      do {
        _ = try ChessSupervisedData.load(paths)
        return nil
      } catch { return error.message }
    }
    #expect(message([dir + "/none.pgn"])?.contains("no such data file") == true)
    let start = ChessPosition()
    var bytes = TrainingData.encode([
      TrainingRecord(start, score: 0, result: .draw, ply: 0, move: try start.parseMove("e2e4"))
    ])
    bytes[40] ^= 0xFF
    try bytes.write(to: URL(fileURLWithPath: dir + "/bad.zldata"))
    #expect(message([dir + "/bad.zldata"])?.contains("checksum") == true)
    try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/x.pgn"))
    #expect(message([dir + "/x.pgn"])?.contains("x.pgn") == true)
    try Data("[Result \"*\"]\n\n1. e4 *\n".utf8).write(to: URL(fileURLWithPath: dir + "/y.pgn"))
    #expect(message([dir + "/y.pgn"])?.hasPrefix("no usable positions") == true)
    for m in [message([dir + "/bad.zldata"]), message([dir + "/x.pgn"])] { #expect(m?.contains("\n") == false) }
  }
}
