import ArgumentParser
import Foundation
import GameCore
import NeuralCore

struct NNBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Training steps/s and inference positions/s of a reference policy-value network.",
    discussion: """
      The reference network of `make bench-nn`: 6 residual blocks x 64 channels, 3x3 convs,
      BatchNorm, ReLU, 8x8 inputs with 20 planes, AlphaGo Zero heads (policy 4672 logits, value
      tanh), Adam, batch 256, random data from a seed. Reports the median step time after warm-up.

      Examples:
        zerolab bench nn
        zerolab bench nn --blocks 2 --channels 32 --batch 64 --steps 5
      """)

  @Option(help: "Residual blocks.") var blocks: Int = 6
  @Option(help: "Channels.") var channels: Int = 64
  @Option(help: "Input planes.") var planes: Int = 20
  @Option(help: "Policy logits.") var policy: Int = 4672
  @Option(help: "Training batch.") var batch: Int = 256
  @Option(help: "Timed training steps (after 2 warm-up steps).") var steps: Int = 10
  @Option(help: "OpenBLAS threads.") var threads: Int = 2
  @Option(help: "Seed.") var seed: UInt64 = 1
  @Flag(help: "Print the OpenBLAS kernel in use and exit.") var printCore = false

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
    var x = Tensor(shape: [batch, 8, 8, planes])
    for i in 0..<x.count { x.data[i] = rng.unit() < 0.2 ? 1 : 0 }
    var targets = Tensor(shape: [batch, policy])
    for b in 0..<batch { targets.data[b * policy + rng.below(policy)] = 1 }
    var values = Tensor(shape: [batch, 1])
    for b in 0..<batch { values.data[b] = Float(rng.below(3) - 1) }
    var opt = Optimizer.adam(1e-3)
    let clock = ContinuousClock()
    var times: [Double] = []
    var loss: Float = 0
    var policyGrad = Tensor(shape: [0]), valueGrad = Tensor(shape: [0])
    for step in 0..<(steps + 2) {
      let t0 = clock.now
      net.zeroGradients()
      let out = net.evaluate(x, training: true)
      let pl = Loss.softmaxCrossEntropy(logits: out.policy, targets: targets, gradient: &policyGrad)
      let vl = Loss.meanSquaredError(out.value, targets: values, gradient: &valueGrad)
      net.backward(policy: policyGrad, value: valueGrad)
      opt.update(&net)
      loss = pl + vl
      if step >= 2 { times.append(toSeconds(clock.now - t0)) }
    }
    times.sort()
    let median = times[times.count / 2]
    print(
      "train: \(blocks)x\(channels), batch \(batch), \(threads) BLAS threads: median step \(format3(median * 1000)) ms, loss \(loss)"
    )
    var infer: [(Int, Double)] = []
    for b in [1, 64] {
      var xi = Tensor(shape: [b, 8, 8, planes])
      for i in 0..<xi.count { xi.data[i] = rng.unit() < 0.2 ? 1 : 0 }
      _ = net.evaluate(xi, training: false)
      let reps = b == 1 ? 200 : 20
      let t0 = clock.now
      for _ in 0..<reps { _ = net.evaluate(xi, training: false) }
      let per = toSeconds(clock.now - t0) / Double(reps * b)
      infer.append((b, 1 / per))
      print("inference batch \(b): \(Int(1 / per)) positions/s")
    }
    print("BENCH nn-train unit=steps/s zerolab=\(format3(1 / median))")
    for (b, r) in infer { print("BENCH nn-infer-b\(b) unit=positions/s zerolab=\(Int(r))") }
  }
}
