import Chess
import ChessEngine
import Foundation
import GameCore
import NNUE
import NNUETraining
import NeuralCore
import Testing

@Suite struct DataFormatTests {
  @Test func recordsRoundTripThroughBytesAndPositions() throws {
    var records: [TrainingRecord] = []
    for (i, p) in randomGamePositions(plies: 150, seed: 4).enumerated() {
      let r = TrainingRecord(p, score: i * 7 - 300, result: i % 3 == 0 ? .draw : .win(.white), ply: i, move: .none)
      records.append(r)
      // The position comes back (without castling rights and en passant).
      let back = try #require(r.position)
      #expect(back.occupied == p.occupied && back.sideToMove == p.sideToMove)
      for sq in p.occupied { #expect(back[sq] == p[sq]) }
      // Features from the record equal features from the position.
      for layout in InputLayout.allCases {
        var s: [Int32] = [], t: [Int32] = []
        #expect(r.features(layout, stm: &s, nstm: &t))
        #expect(Set(s.map(Int.init)) == Set(layout.active(p, perspective: p.sideToMove)))
        #expect(Set(t.map(Int.init)) == Set(layout.active(p, perspective: p.sideToMove.opponent)))
      }
      #expect(r.result == (i % 3 == 0 ? 1 : p.sideToMove == .white ? 2 : 0))
    }
    let data = TrainingData.encode(records)
    #expect(data.count == 32 + 32 * records.count)
    #expect(try TrainingData.decode(data, source: "mem") == records)
  }

  @Test func badDataFilesAreRefusedWithOneLine() throws {
    let records = randomGamePositions(plies: 20, seed: 5).map {
      TrainingRecord($0, score: 1, result: .draw, ply: 0, move: .none)
    }
    let data = TrainingData.encode(records)
    var corrupted = data
    corrupted[40] ^= 1
    var badVersion = data
    badVersion[8] = 9
    for (bytes, expected) in [
      (data.prefix(data.count - 3), "truncated"), (corrupted, "checksum"), (Data("not data".utf8), "not a ZeroLab"),
      (badVersion, "version"), (data + Data([0]), "truncated or padded"),
    ] {
      do {
        _ = try TrainingData.decode(Data(bytes), source: "x.zldata")
        Issue.record("accepted bad data (\(expected))")
      } catch {
        #expect(error.message.contains(expected) && !error.message.contains("\n"), "\(error.message)")
      }
    }
    // Records that decode but describe no position (a piece code out of range, two white
    // kings) give no features and no position instead of crashing.
    var badCode = records[0]
    badCode.pieces.0 = (badCode.pieces.0 & ~0xF) | 0x7
    var twoKings = records[0]
    twoKings.pieces.0 = (twoKings.pieces.0 & ~0xF) | 0x5
    for r in [badCode, twoKings] {
      let back = try TrainingData.decode(TrainingData.encode([r]), source: "x")[0]
      var s: [Int32] = [], t: [Int32] = []
      #expect(!back.features(.chess768, stm: &s, nstm: &t))
      #expect(back.position == nil && back.kingSquares == nil)
    }
    // Exclusive writes never overwrite.
    let path = tempPath("a.zldata")
    #expect(try TrainingData.writeExclusive(records, to: path))
    #expect(try TrainingData.writeExclusive([], to: path) == false)
    #expect(try TrainingData.read(path) == records)
  }
}

@Suite struct DataGenTests {
  /// Tiny self-play: the filters hold, results are consistent, the same seed gives the same
  /// bytes, and a rerun skips finished shards.
  @Test func selfPlayDataIsFilteredAndReproducible() throws {
    var s = GenSettings(games: 3, nodes: 300, seed: 7)
    s.gamesPerShard = 2
    s.maxPlies = 80
    let dir = tempPath("gen"), dir2 = tempPath("gen2")
    let paths = try DataGenerator.run(settings: s, into: dir, threads: 2, progress: .init()) { HandcraftedEvaluation() }
    #expect(paths.count == 2)
    let again = try DataGenerator.run(settings: s, into: dir2, threads: 1, progress: .init()) {
      HandcraftedEvaluation()
    }
    for (a, b) in zip(paths, again) {
      #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    }
    let records = try TrainingData.load([dir])
    #expect(records.count > 20)
    for r in records {
      let p = try #require(r.position)
      #expect(!p.isInCheck)
      let m = Move(raw: r.move)
      #expect(m.isCastling || (p[Square(m.to)].isNone && !m.isEnPassant && !m.isPromotion), "\(p.fen) \(m)")
      #expect(abs(Int(r.score)) <= s.maxScore)
      #expect(r.result <= 2)
    }
    // A rerun finds every shard and writes nothing.
    let progress = DataGenerator.Progress()
    _ = try DataGenerator.run(settings: s, into: dir, threads: 1, progress: progress) { HandcraftedEvaluation() }
    #expect(progress.snapshot.skipped == 2 && progress.snapshot.games == 0)
  }

  /// Shards made one range at a time, in separate folders, are the bytes of the whole run (shard
  /// `k` depends on the settings and `k` alone); a range past the last shard is refused.
  @Test func shardRangesMakeTheWholeRunsBytes() throws {
    var s = GenSettings(games: 5, nodes: 300, seed: 11)
    s.gamesPerShard = 2
    s.maxPlies = 60
    let whole = tempPath("gen-whole"), first = tempPath("gen-first"), rest = tempPath("gen-rest")
    let all = try DataGenerator.run(settings: s, into: whole, threads: 1, progress: .init()) { HandcraftedEvaluation() }
    let progress = DataGenerator.Progress()
    let a = try DataGenerator.run(settings: s, into: first, threads: 2, progress: progress, only: 0...0) {
      HandcraftedEvaluation()
    }
    #expect(progress.snapshot.games == 2 && progress.snapshot.shards == 1)
    let b = try DataGenerator.run(settings: s, into: rest, threads: 1, progress: .init(), only: 1...2) {
      HandcraftedEvaluation()
    }
    #expect(a.count == 1 && b.count == 2 && all.count == 3)
    #expect(!FileManager.default.fileExists(atPath: s.shardPath(first, 1)))
    for (x, y) in zip(all, a + b) {
      #expect(FileManager.default.contents(atPath: x) == FileManager.default.contents(atPath: y))
    }
    #expect(
      FileManager.default.contents(atPath: DataGenerator.manifestPath(whole, seed: 11))
        == FileManager.default.contents(atPath: DataGenerator.manifestPath(rest, seed: 11)))
    #expect(throws: NNUEError.self) {
      try DataGenerator.run(settings: s, into: rest, threads: 1, progress: .init(), only: 2...3) {
        HandcraftedEvaluation()
      }
    }
  }

  /// With `everyPosition` every ply after the opening is a record, checks, captures and
  /// clamped mates included, and each record's move is the one played from its position.
  @Test func everyPositionKeepsEveryPly() throws {
    var s = GenSettings(games: 1, nodes: 300, seed: 7)
    s.maxPlies = 60
    s.everyPosition = true
    let game = DataGenerator.playGame(
      ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 1), settings: s,
      seed: DataGenerator.gameSeed(7, 0))
    // Every ply played after the opening, and the last position searched when the game was
    // adjudicated there.
    let n = game.records.count
    #expect(n == game.plies - s.randomPlies || n == game.plies - s.randomPlies + 1)
    #expect(game.records.map { Int($0.ply) } == Array(s.randomPlies..<(s.randomPlies + n)))
    var captures = 0
    for r in game.records {
      let p = try #require(r.position)
      let m = Move(raw: r.move)
      #expect(abs(Int(r.score)) <= s.maxScore)
      if !p[Square(m.to)].isNone { captures += 1 }
    }
    #expect(captures > 0, "captures are recorded")
  }

  /// A rerun with more games tops the folder up to exactly that many, the partly filled last
  /// shard played again whole: the bytes equal one run of the larger count. Other settings for
  /// the same seed, or fewer games than the folder holds, are refused with the reason.
  @Test func rerunsTopUpExactlyAndRefuseOtherSettings() throws {
    var s = GenSettings(games: 3, nodes: 200, seed: 11)
    s.gamesPerShard = 2
    s.maxPlies = 40
    let dir = tempPath("topup"), whole = tempPath("whole")
    _ = try DataGenerator.run(settings: s, into: dir, threads: 1, progress: .init()) { HandcraftedEvaluation() }
    var more = s
    more.games = 5
    let progress = DataGenerator.Progress()
    let topped = try DataGenerator.run(settings: more, into: dir, threads: 2, progress: progress) {
      HandcraftedEvaluation()
    }
    #expect(progress.snapshot.games == 3)  // game 2 again (its shard was partial), then 3 and 4
    let fresh = try DataGenerator.run(settings: more, into: whole, threads: 1, progress: .init()) {
      HandcraftedEvaluation()
    }
    #expect(topped.count == 3)
    for (a, b) in zip(topped, fresh) {
      #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    }
    var other = more
    other.nodes = 100
    #expect {
      try DataGenerator.run(settings: other, into: dir, threads: 1, progress: .init()) { HandcraftedEvaluation() }
    } throws: { error in
      "\(error)".contains("nodes 200 there, 100 asked")
    }
    #expect {
      try DataGenerator.run(settings: s, into: dir, threads: 1, progress: .init()) { HandcraftedEvaluation() }
    } throws: { error in
      "\(error)".contains("already holds 5 games, more than the 3 asked")
    }
    var otherSeed = more
    otherSeed.seed = 12
    otherSeed.nodes = 100
    _ = try DataGenerator.run(settings: otherSeed, into: dir, threads: 1, progress: .init()) { HandcraftedEvaluation() }
  }
}

@Suite struct TrainingTests {
  /// A dataset whose score is the material balance (P 100, N/B 300, R 500, Q 900).
  func materialData(count: Int, seed: UInt64) -> [TrainingRecord] {
    var out: [TrainingRecord] = []
    var k: UInt64 = 0
    while out.count < count {
      k += 1
      for p in randomGamePositions(plies: 50, seed: seed &* 1000 &+ k).dropFirst(10) where !p.isInCheck {
        let values: [PieceKind: Int] = [.pawn: 100, .knight: 300, .bishop: 300, .rook: 500, .queen: 900]
        var m = 0
        for (kind, v) in values {
          m += v * (p.pieces(p.sideToMove, kind).count - p.pieces(p.sideToMove.opponent, kind).count)
        }
        out.append(TrainingRecord(p, score: m, result: m > 0 ? .win(p.sideToMove) : .draw, ply: 0, move: .none))
      }
    }
    return Array(out.prefix(count))
  }

  /// Every gradient of the model (sparse transformer, head) matches a central finite difference.
  @Test(arguments: [0, 2])
  func gradientsMatchFiniteDifferences(specIndex: Int) {
    let spec = NNUESpec(
      layout: smallSpecs[specIndex].layout, accumulator: 16, activation: smallSpecs[specIndex].activation,
      hidden: smallSpecs[specIndex].hidden)
    var model = NNUETrainingModel(NNUENetwork(spec: spec, seed: 2, ftStd: 0.05, ftBiasMean: 0.4, outStd: 0.5))
    let records = materialData(count: 6, seed: 3)
    var fb = NNUETrainingModel.FeatureBatch()
    var targets: [Float] = []
    for r in records {
      var s: [Int32] = [], t: [Int32] = []
      _ = r.features(spec.layout, stm: &s, nstm: &t)
      fb.append(stm: s, nstm: t)
      targets.append(NNUELoss.target(score: Float(r.score), result: r.resultValue, lambda: 0.6, k: 400))
    }
    func loss(_ m: inout NNUETrainingModel) -> Float {
      return NNUELoss.evaluate(
        m.outputs(fb, training: false), targets: targets, scale: 400, k: 400, gradient: TensorBuffer())
    }
    model.zeroGradients()
    let g = TensorBuffer()
    let y = model.outputs(fb, training: true, threads: 2)
    _ = NNUELoss.evaluate(y, targets: targets, scale: 400, k: 400, gradient: g)
    model.transformBackward(model.backward(g), threads: 2)
    var grads: [String: [Float]] = [:]
    model.visitParameters { grads[$0.name] = $0.grad.data }
    // Probe the active rows of the transformer and every head parameter.
    var probes: [(String, Int)] = []
    for f in fb.stm.prefix(4) { probes.append(("ft.weight", Int(f) * 16 + 3)) }
    probes.append(("ft.bias", 5))
    model.visitParameters { p in
      if p.name != "ft.weight" && p.name != "ft.bias" { probes.append((p.name, p.value.count / 2)) }
    }
    for (name, index) in probes {
      let eps: Float = 1e-3
      var plus = model, minus = model
      plus.visitParameters { if $0.name == name { $0.value.data[index] += eps } }
      minus.visitParameters { if $0.name == name { $0.value.data[index] -= eps } }
      let numeric = (loss(&plus) - loss(&minus)) / (2 * eps)
      let analytic = grads[name]![index]
      #expect(
        abs(numeric - analytic) <= 2e-3 * max(1, abs(numeric)) + 1e-5, "\(name)[\(index)]: \(numeric) vs \(analytic)")
    }
  }

  @Test func lambdaWeighsScoreAgainstResult() {
    #expect(NNUELoss.target(score: 400, result: 0, lambda: 1, k: 400) == NNUELoss.sigmoid(1))
    #expect(NNUELoss.target(score: 400, result: 0.5, lambda: 0, k: 400) == 0.5)
    #expect(abs(NNUELoss.target(score: 0, result: 1, lambda: 0.25, k: 400) - 0.875) < 1e-6)
  }

  /// A small net learns material from a few thousand positions: the validation loss falls
  /// well below the start, and the quantised net ranks a queen-up position above a queen-down one.
  /// (AutoInit converges more slowly here than He init: it gives the transformer outputs unit
  /// variance, so at the start many clipped units sit at 0 or 1 and the output layer's unit
  /// variance means ±400 cp of initial noise; the thresholds hold for both.)
  @Test(arguments: ["autoinit", "he_normal"])
  func learnsMaterial(initializer: String) throws {
    var settings = TrainSettings(spec: NNUESpec(accumulator: 32), epochs: 20, seed: 3)
    settings.batchSize = 128
    settings.learningRate = 3e-3
    settings.lambda = 1
    settings.initializer = initializer
    settings.threads = 2
    let records = materialData(count: 4000, seed: 1)
    let out = tempPath("run")
    let trainer = try NNUETrainer(settings: settings, records: records, out: out, resume: false)
    let before = trainer.evaluate(records.suffix(500))
    let metrics = try trainer.run()
    #expect(metrics.count == 20)
    let last = metrics.last!
    #expect(last.validationLoss < 0.5 * before.loss, "validation loss \(last.validationLoss) vs start \(before.loss)")
    #expect(last.validationCpError < 150, "cp error \(last.validationCpError)")
    let q = try QuantizedNNUE.load(trainer.quantizedPath)
    let up = try ChessPosition(fen: "rnb1kbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1")
    let down = try ChessPosition(fen: "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNB1KBNR w KQkq - 0 1")
    #expect(q.evaluate(up) > q.evaluate(down) + 200)
    // The metrics file has one line per epoch; a second run in the same folder is refused.
    let lines = try String(contentsOfFile: trainer.metricsPath, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 20)
    #expect(throws: NNUEError.self) { try NNUETrainer(settings: settings, records: records, out: out, resume: false) }
  }

  /// 2 epochs, then a resumed run to 4, equals 4 epochs straight, bit for bit.
  @Test func resumeEqualsStraightRun() throws {
    var settings = TrainSettings(spec: NNUESpec(accumulator: 16), epochs: 4, seed: 5)
    settings.batchSize = 128
    settings.threads = 1
    let records = materialData(count: 1200, seed: 2)
    let straight = tempPath("straight"), split = tempPath("split")
    let a = try NNUETrainer(settings: settings, records: records, out: straight, resume: false)
    try a.run()
    // The first run stops after two epochs (as a kill after the second checkpoint would).
    let b1 = try NNUETrainer(settings: settings, records: records, out: split, resume: false)
    b1.stopAfterEpoch = 2
    try b1.run()
    let b2 = try NNUETrainer(settings: settings, records: records, out: split, resume: true)
    #expect(b2.epoch == 2)
    try b2.run()
    #expect(a.model.network == b2.model.network)
    let ma = try String(contentsOfFile: straight + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
    let mb = try String(contentsOfFile: split + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(ma.count == 4 && mb.count == 4)
    // A resume on other data is refused: its validation split would differ.
    #expect {
      try NNUETrainer(settings: settings, records: Array(records.dropLast()), out: split, resume: true)
    } throws: { error in
      "\(error)".contains("the training data changed since the run started (1200 records")
    }
  }

  /// Clipping for quantisation bounds the transformer and the first head layer to ±clip and
  /// leaves the later layers alone.
  @Test func clipBoundsTheQuantisedLayersOnly() {
    var model = NNUETrainingModel(spec: NNUESpec(accumulator: 8, hidden: [4]))
    model.visitParameters { p in
      for i in 0..<p.value.count { p.value.data[i] = i % 2 == 0 ? 5 : -5 }
    }
    model.clipForQuantization()
    var seen: [String: (Float, Float)] = [:]
    model.visitParameters { p in seen[p.name] = (p.value.data.min()!, p.value.data.max()!) }
    let c = QuantizedNNUE.clip
    #expect(seen["ft.weight"]! == (-c, c))
    #expect(seen["l0.weight"]! == (-c, c))
    #expect(seen["l1.weight"]! == (-5, 5))
    #expect(seen["ft.bias"]! == (-5, 5))
  }
}
