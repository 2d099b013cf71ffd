import AlphaZero
import ArgumentParser
import ChessZero
import Engines
import Foundation
import GameCore
import Hexapawn
import NeuralCore

struct NNBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Training steps/s, memory and inference positions/s of a policy-value network.",
    discussion: """
      Two preset networks (`--net`), both AlphaGo Zero style (3x3 convs, BatchNorm, ReLU, \
      policy and value heads), trained with Adam on random data from a seed: `reference` has \
      6 residual blocks x 64 channels on 8x8 inputs with 20 planes, 4672 policy logits and a \
      tanh value; `chess` has 10 blocks x 128 channels with squeeze-excitation (ratio 4), 112 \
      input planes, 1858 policy logits and a win/draw/loss value head. The other options \
      override the preset. Reports the median training step after the warm-up steps, then \
      inference positions/s at each inference batch size from the median pass (one warm-up \
      pass, then the timed passes, each timed on its own). After training it prints the peak \
      resident memory of the process so far (getrusage), the training step's footprint.

      `make bench-nn` runs it several times for both presets at 2 threads and at 1 thread, in turn \
      with JAX, which is timed the same way; for memory its ratio is JAX's over ZeroLab's, so \
      a ratio above 1 means ZeroLab better for every figure.

      Examples:
        zerolab bench nn
        zerolab bench nn --net chess --only infer --inference-batch 1 --passes 50
        zerolab bench nn --blocks 2 --channels 32 --batch 64 --steps 5
        zerolab bench nn --only train --steps 3 --threads 1
      """)

  enum Part: String, ExpressibleByArgument, CaseIterable { case train, infer }
  enum Preset: String, ExpressibleByArgument, CaseIterable { case reference, chess }

  @Option(help: "Preset network: reference (6x64) or chess (10x128 with squeeze-excitation).")
  var net: Preset = .reference
  @Option(help: "Residual blocks (default: the preset's).") var blocks: Int?
  @Option(help: "Channels (default: the preset's).") var channels: Int?
  @Option(help: "Input planes (default: the preset's).") var planes: Int?
  @Option(help: "Policy logits (default: the preset's).") var policy: Int?
  @Option(help: "Squeeze-excitation ratio, 0 for none (default: the preset's).") var se: Int?
  @Option(name: .customLong("value-head"), help: "Value head: tanh or wdl (default: the preset's).")
  var valueHead: ValueHead?
  @Option(help: "Training batch.") var batch: Int = 256
  @Option(help: "Timed training steps (after the warm-up steps).") var steps: Int = 10
  @Option(name: .customLong("warm-up"), help: "Untimed training steps before the timed ones.")
  var warmUp: Int = 2
  @Option(name: .customLong("inference-batch"), help: "Inference batch sizes (repeatable).")
  var inferenceBatches: [Int] = [1, 16, 64, 256]
  @Option(help: "Timed inference passes at each batch size (default: --positions' worth, at least 3).")
  var passes: Int?
  @Option(help: "Timed inference positions at each batch size, when --passes is not given.")
  var positions: Int = 1280
  @Option(help: "Run only one part: train or infer.") var only: Part?
  @Option(help: "OpenBLAS threads.") var threads: Int = 2
  @Option(help: "Seed.") var seed: UInt64 = 1
  @Flag(
    help: """
      Also time the int8 inference path (calibrated on --calibration random positions) against the \
      float one at each inference batch (passes of the two alternating), and report how often \
      both pick the same top policy move.
      """)
  var int8 = false
  @Option(help: "Calibration positions for --int8.") var calibration: Int = 512
  @Flag(help: "Print the OpenBLAS kernel in use and exit.") var printCore = false

  /// The network the options describe: the preset with any option given on top.
  var spec: NetworkSpec {
    let chess = net == .chess
    let ratio = se ?? (chess ? 4 : 0)
    return NetworkSpec.policyValue(
      height: 8, width: 8, planes: planes ?? (chess ? 112 : 20), blocks: blocks ?? (chess ? 10 : 6),
      channels: channels ?? (chess ? 128 : 64), policySize: policy ?? (chess ? 1858 : 4672),
      activation: Activation(.relu), valueHead: valueHead ?? (chess ? .wdl : .tanh), valueHidden: 64,
      squeezeExcitation: ratio > 0 ? ratio : nil)
  }

  func validate() throws {
    let sizes = [blocks ?? 0, channels ?? 1, planes ?? 1, policy ?? 1]
    guard sizes[0] >= 0, sizes.dropFirst().allSatisfy({ $0 > 0 }), batch > 1 else {
      throw ValidationError("the network needs blocks >= 0, positive channels, planes and policy, and a batch above 1")
    }
    if let se, se < 0 { throw ValidationError("--se must be 0 (none) or a positive ratio, got \(se)") }
    guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    guard warmUp >= 0 else { throw ValidationError("--warm-up must not be negative, got \(warmUp)") }
    guard inferenceBatches.allSatisfy({ $0 > 0 }) else {
      throw ValidationError("inference batch sizes must be positive")
    }
    if let passes, passes < 1 { throw ValidationError("--passes must be positive, got \(passes)") }
    guard positions > 0 else { throw ValidationError("--positions must be positive, got \(positions)") }
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
  }

  func run() throws {
    if printCore {
      print(BLAS.coreName)
      return
    }
    BLAS.setThreads(threads)
    let spec = self.spec
    var net = PolicyValueNetwork(spec)
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(.heNormal), rng: &rng)
    let shape = "\(spec.blocks)x\(spec.channels)"
    let se = spec.squeezeExcitation.map { " with squeeze-excitation (ratio \($0))" } ?? ""
    print(
      "network: \(shape)\(se) on 8x8x\(spec.inputShape[2]), \(spec.policySize) policy logits, "
        + "\(spec.valueHead) value; \(threads) BLAS threads, OpenBLAS core \(BLAS.coreName)")
    var lines: [String] = []
    if only != .infer {
      let (t, loss) = NetworkBenchmark.trainingSteps(&net, batch: batch, steps: steps, warmUp: warmUp, rng: &rng)
      print(
        "train: \(shape), batch \(batch), \(threads) BLAS threads: median step \(format3(t.median * 1000)) ms"
          + " (fastest \(format3(t.fastest * 1000)), slowest \(format3(t.slowest * 1000))), loss \(loss)")
      lines.append("BENCH nn-train unit=steps/s zerolab=\(format3(1 / t.median))")
      let mb = Double(NetworkBenchmark.peakResidentBytes()) / 1_048_576
      print("peak resident memory of the process after training: \(format3(mb)) MB")
      lines.append("BENCH nn-train-peak-rss unit=MB zerolab=\(format3(mb))")
    }
    if only != .train {
      for b in inferenceBatches {
        let reps = passes ?? max(3, positions / b)
        let t = NetworkBenchmark.inferencePasses(&net, batch: b, passes: reps, rng: &rng)
        print(
          "inference batch \(b), \(reps) passes: median pass \(format3(t.median * 1000)) ms = \(Int(Double(b) / t.median))"
            + " positions/s (fastest \(format3(t.fastest * 1000)), slowest \(format3(t.slowest * 1000)) ms;"
            + " whole run \(Int(Double(reps * b) / t.total)) positions/s)")
        lines.append("BENCH nn-infer-b\(b) unit=positions/s zerolab=\(Int(Double(b) / t.median))")
      }
    }
    if int8 && only != .train {
      var quantized = net
      var calibrationRng = Xoshiro256(seed: seed &+ 1)
      quantized.quantize(
        calibratingOn: NetworkBenchmark.randomBoards(spec, batch: calibration, rng: &calibrationRng).tensor)
      let agreement = NetworkBenchmark.agreement(float: &net, int8: &quantized, positions: 1024, rng: &calibrationRng)
      print(
        "int8 against float on 1024 random positions: top-1 policy agreement \(format3(agreement.top1 * 100)) %,"
          + " mean |value difference| \(agreement.valueDifference)")
      for b in inferenceBatches {
        let reps = passes ?? max(3, positions / b)
        let (f, q) = NetworkBenchmark.alternatingPasses(&net, &quantized, batch: b, passes: reps, rng: &rng)
        let (floatRate, rate) = (Double(b) / f.median, Double(b) / q.median)
        print(
          "int8 against float, batch \(b), \(reps) passes each, alternating: median pass \(format3(q.median * 1000))"
            + " against \(format3(f.median * 1000)) ms = \(Int(rate)) against \(Int(floatRate)) positions/s")
        lines.append(
          "BENCH nn-int8-b\(b) unit=positions/s zerolab=\(Int(rate)) float=\(Int(floatRate)) "
            + "ratio=\(format3(rate / floatRate))")
      }
    }
    for line in lines { print(line) }
  }
}

struct LearnerBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learner",
    abstract: "Optimisation steps/s of the Hexapawn learner on its replay data.",
    discussion: """
      Plays self-play games with a fresh learner (the default `train hexapawn` settings for the \
      board), then times optimisation steps on minibatches drawn from those samples: the \
      learner's training step without self-play. With --chess-data, the chess learner (2 blocks \
      of 32 channels) instead, on the compact training set of those files (PGN or \
      'zerolab nnue gen' data), each drawn position encoded on the fly.

      Examples:
        zerolab bench learner
        zerolab bench learner --size 4x4 --steps 500 --games 4
        zerolab bench learner --chess-data data/gen0 --steps 50
      """)

  @Option(help: "Board size.") var size: String = "3x3"
  @Option(help: "Self-play games that make the replay data.") var games: Int = 2
  @Option(help: "Timed optimisation steps (after 2 warm-up steps).") var steps: Int = 200
  @Option(help: "OpenBLAS threads.") var threads: Int = 1
  @Option(help: "Seed.") var seed: UInt64 = 1
  @Option(help: "Chess: time the chess learner on these PGN or data files or folders instead.")
  var chessData: [String] = []

  func validate() throws {
    guard games > 0 else { throw ValidationError("--games must be positive, got \(games)") }
    guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
  }

  func run() throws {
    BLAS.setThreads(threads)
    var config = ZeroConfig()
    config.size = size
    config.seed = seed
    if !chessData.isEmpty { return try chess(config) }
    let learner: HexapawnLearner
    do { learner = try HexapawnLearner(config: config) } catch { throw ValidationError("\(error)") }
    print("learner \(size): \(games) self-play games for the replay data, then \(steps) timed steps")
    var samples: [Sample] = []
    for _ in 0..<games { samples.append(contentsOf: learner.selfPlayGame()) }
    learner.train(steps: 2, from: samples)
    let clock = ContinuousClock()
    let t0 = clock.now
    learner.train(steps: steps, from: samples)
    let seconds = toSeconds(clock.now - t0)
    print(
      "learner \(size): \(samples.count) samples, batch \(min(config.batchSize, samples.count)), "
        + "\(steps) steps in \(format3(seconds)) s, loss \(learner.lastLoss)")
    print("BENCH learner-step unit=steps/s zerolab=\(format3(Double(steps) / seconds))")
  }

  /// The chess learner's steps on the compact set of `chessData`.
  func chess(_ base: ZeroConfig) throws {
    var config = base
    config.size = "8x8"
    config.mirror = false
    let set: ChessTrainingSet
    let learner: Learner<ChessEncoding>
    do {
      set = ChessTrainingSet(try ChessSupervisedData.load(chessData).examples)
      learner = try Learner(config: config, encoding: ChessEncoding(), spec: try ChessRuns.spec(config))
    } catch let e as NeuralError { throw RuntimeError(e.message) }
    print(
      "chess learner: \(set.count) positions of \(MemoryLayout<ChessExample>.stride) bytes "
        + "(\(4 * 64 * ChessEncoding.planes) bytes of planes each when drawn), then \(steps) timed steps")
    learner.train(steps: 2, from: set)
    let clock = ContinuousClock()
    let t0 = clock.now
    learner.train(steps: steps, from: set)
    let seconds = toSeconds(clock.now - t0)
    print(
      "chess learner: batch \(min(config.batchSize, set.count)), \(steps) steps in \(format3(seconds)) s, "
        + "loss \(learner.lastLoss)")
    print("BENCH chess-learner-step unit=steps/s zerolab=\(format3(Double(steps) / seconds))")
  }
}

extension ValueHead: ExpressibleByArgument {}

struct Int8Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "int8",
    abstract: "The int8 inference path of a trained Hexapawn engine against its float network.",
    discussion: """
      Quantizes the engine's network (int8 products in its 3x3 convolutions, input ranges \
      calibrated on --calibration positions drawn with --seed) and compares it with the float \
      network on every reachable unfinished position of its board: how often both choose the \
      same move by policy, how far apart their values are, how often each move is optimal \
      (the exact solver's). Then times both at each inference batch on those positions, their \
      passes alternating, and prints one line per batch:
        BENCH int8-<engine>-b<n> unit=positions/s zerolab=<int8> float=<float> ratio=<int8/float>
      `zerolab bench nn --int8` does the same timing on the preset networks.

      Examples:
        zerolab bench int8 --engine hexapawn-4x4-zero
        zerolab bench int8 --engine hexapawn-3x3-zero --calibration 64
      """)

  @Option(help: "A Hexapawn engine: a name in engines/ or a path to its JSON file.") var engine: String
  @Option(help: "Calibration positions.") var calibration: Int = 512
  @Option(name: .customLong("inference-batch"), help: "Inference batch sizes (repeatable).")
  var inferenceBatches: [Int] = [1, 64]
  @Option(help: "Timed inference positions at each batch size.") var positions: Int = 4096
  @Option(help: "OpenBLAS threads.") var threads: Int = 1
  @Option(help: "Seed (the calibration sample).") var seed: UInt64 = 1

  func validate() throws {
    guard calibration > 0 else { throw ValidationError("--calibration must be positive, got \(calibration)") }
    guard inferenceBatches.allSatisfy({ $0 > 0 }) else {
      throw ValidationError("inference batch sizes must be positive")
    }
    guard positions > 0 else { throw ValidationError("--positions must be positive, got \(positions)") }
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
  }

  func run() throws {
    BLAS.setThreads(threads)
    guard let path = try HexapawnPlayers.engineFile(engine) else {
      throw ValidationError("--engine: '\(engine)' is a built-in player, not a trained engine")
    }
    let (spec, network) = try NetworkEngine.load(path)
    let size = try BoardSize(parsing: spec.size ?? "")
    let board = try SolvedBoard(size: size)
    let (agreement, quantized) = Int8Agreement.measure(network, board: board, calibration: calibration, seed: seed)
    let name = spec.name
    print(
      "\(name): int8 against float on all \(agreement.positions) positions of \(size) "
        + "(calibrated on \(agreement.calibration)): same policy move \(format3(agreement.top1 * 100)) %, "
        + "mean |value difference| \(format3(agreement.valueDifference)) (largest \(format3(agreement.largestValueDifference))), "
        + "optimal moves float \(format3(agreement.optimalMoveAccuracyFloat * 100)) % "
        + "int8 \(format3(agreement.optimalMoveAccuracyInt8 * 100)) %"
    )
    let encoding = HexapawnEncoding(size: size)
    var lines: [String] = []
    for b in inferenceBatches {
      let batch = TensorBuffer(encoding.batch((0..<b).map { board.positions[$0 % board.positions.count] }))
      var (float, int8) = (network, quantized)
      let (f, q) = NetworkBenchmark.alternatingPasses(&float, &int8, on: batch, passes: max(3, positions / b))
      let rates = [Double(b) / f.median, Double(b) / q.median]
      print("batch \(b): float \(Int(rates[0])) positions/s, int8 \(Int(rates[1])) positions/s")
      lines.append(
        "BENCH int8-\(name)-b\(b) unit=positions/s zerolab=\(Int(rates[1])) float=\(Int(rates[0])) "
          + "ratio=\(format3(rates[1] / rates[0]))")
    }
    for line in lines { print(line) }
  }
}
