import AlphaZero
import ArgumentParser
import Foundation
import GameCore
import NeuralCore

struct NNBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Training steps/s and inference positions/s of a reference policy-value network.",
    discussion: """
      The reference network of `make bench-nn`: 6 residual blocks x 64 channels, 3x3 convs, \
      BatchNorm, ReLU, 8x8 inputs with 20 planes, AlphaGo Zero heads (policy 4672 logits, value \
      tanh), Adam, batch 256, random data from a seed. Reports the median training step after \
      two warm-up steps, then inference positions/s at each inference batch size from the \
      median pass (one warm-up pass, then the timed passes, each timed on its own). `make \
      bench-nn` runs it several times, in turn with JAX, which is timed the same way.

      Examples:
        zerolab bench nn
        zerolab bench nn --blocks 2 --channels 32 --batch 64 --steps 5
        zerolab bench nn --only infer --inference-batch 1 --passes 500
      """)

  enum Part: String, ExpressibleByArgument, CaseIterable { case train, infer }

  @Option(help: "Residual blocks.") var blocks: Int = 6
  @Option(help: "Channels.") var channels: Int = 64
  @Option(help: "Input planes.") var planes: Int = 20
  @Option(help: "Policy logits.") var policy: Int = 4672
  @Option(help: "Training batch.") var batch: Int = 256
  @Option(help: "Timed training steps (after 2 warm-up steps).") var steps: Int = 10
  @Option(name: .customLong("inference-batch"), help: "Inference batch sizes (repeatable).")
  var inferenceBatches: [Int] = [1, 64]
  @Option(help: "Timed inference passes at each batch size (default: 1280 positions' worth, at least 20).")
  var passes: Int?
  @Option(help: "Run only one part: train or infer.") var only: Part?
  @Option(help: "OpenBLAS threads.") var threads: Int = 2
  @Option(help: "Seed.") var seed: UInt64 = 1
  @Flag(help: "Print the OpenBLAS kernel in use and exit.") var printCore = false

  func validate() throws {
    guard blocks >= 0, channels > 0, planes > 0, policy > 0, batch > 1 else {
      throw ValidationError("the network needs blocks >= 0, positive channels, planes and policy, and a batch above 1")
    }
    guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    guard inferenceBatches.allSatisfy({ $0 > 0 }) else {
      throw ValidationError("inference batch sizes must be positive")
    }
    if let passes, passes < 1 { throw ValidationError("--passes must be positive, got \(passes)") }
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
  }

  func run() throws {
    if printCore {
      print(BLAS.coreName)
      return
    }
    BLAS.setThreads(threads)
    let spec = NetworkSpec.policyValue(
      height: 8, width: 8, planes: planes, blocks: blocks, channels: channels, policySize: policy,
      activation: Activation(.relu), valueHidden: 64)
    var net = PolicyValueNetwork(spec)
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(.heNormal), rng: &rng)
    print(
      "network: \(blocks) blocks x \(channels) channels on 8x8x\(planes), \(policy) policy logits;"
        + " \(threads) BLAS threads, OpenBLAS core \(BLAS.coreName)")
    var lines: [String] = []
    if only != .infer {
      let (t, loss) = NetworkBenchmark.trainingSteps(&net, batch: batch, steps: steps, rng: &rng)
      print(
        "train: \(blocks)x\(channels), batch \(batch), \(threads) BLAS threads: median step \(format3(t.median * 1000)) ms"
          + " (fastest \(format3(t.fastest * 1000)), slowest \(format3(t.slowest * 1000))), loss \(loss)")
      lines.append("BENCH nn-train unit=steps/s zerolab=\(format3(1 / t.median))")
    }
    if only != .train {
      for b in inferenceBatches {
        let reps = passes ?? max(20, 1280 / b)
        let t = NetworkBenchmark.inferencePasses(&net, batch: b, passes: reps, rng: &rng)
        print(
          "inference batch \(b), \(reps) passes: median pass \(format3(t.median * 1000)) ms = \(Int(Double(b) / t.median))"
            + " positions/s (fastest \(format3(t.fastest * 1000)), slowest \(format3(t.slowest * 1000)) ms;"
            + " whole run \(Int(Double(reps * b) / t.total)) positions/s)")
        lines.append("BENCH nn-infer-b\(b) unit=positions/s zerolab=\(Int(Double(b) / t.median))")
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
      learner's training step without self-play.

      Examples:
        zerolab bench learner
        zerolab bench learner --size 4x4 --steps 500 --games 4
      """)

  @Option(help: "Board size.") var size: String = "3x3"
  @Option(help: "Self-play games that make the replay data.") var games: Int = 2
  @Option(help: "Timed optimisation steps (after 2 warm-up steps).") var steps: Int = 200
  @Option(help: "OpenBLAS threads.") var threads: Int = 1
  @Option(help: "Seed.") var seed: UInt64 = 1

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
    let learner: Learner
    do { learner = try Learner(config: config) } catch { throw ValidationError("\(error)") }
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
}
