import GameCore
import NeuralCore
import Testing

/// Gives every parameter of `layer` seeded random values (so biases, BN scales and
/// residual scales are not at their special initial values).
func randomized<L: Layer>(_ layer: L, seed: UInt64 = 7, scale: Double = 0.5) -> L {
  var l = layer
  var rng = Xoshiro256(seed: seed)
  l.visitParameters { p in
    for i in 0..<p.value.count {
      p.value.data[i] = Float(rng.normal() * scale) + (p.role == .normScale || p.role == .scalar ? 1 : 0)
    }
  }
  return l
}

@Suite struct LayerGradientTests {
  @Test func dense() {
    var c = GradientChecker()
    c.check(randomized(Dense(5, 4)), input: c.randomTensor([3, 5]))
    c.check(randomized(Dense(6, 3, bias: false)), input: c.randomTensor([2, 6]))
  }

  @Test(arguments: [1, 3, 5])
  func conv2D(kernel: Int) {
    var c = GradientChecker()
    c.check(randomized(Conv2D(3, 4, kernel: kernel)), input: c.randomTensor([2, 4, 5, 3]))
  }

  @Test func batchNormImagesAndFeatures() {
    var c = GradientChecker()
    c.check(randomized(BatchNorm(3)), input: c.randomTensor([2, 3, 3, 3]))
    c.check(randomized(BatchNorm(4)), input: c.randomTensor([6, 4]))
  }

  @Test(arguments: ActivationKind.allCases)
  func activation(kind: ActivationKind) {
    var c = GradientChecker()
    let layer = randomized(ActivationLayer(Activation(kind), channels: 6), scale: 0.3)
    var x = c.randomTensor([4, 6], scale: 1.5, awayFromKinks: true)
    if kind.arity == 2 {
      // Keep the pair operators away from their kinks x = ±y as well.
      for i in Swift.stride(from: 0, to: x.count, by: 2) where abs(abs(x.data[i]) - abs(x.data[i + 1])) < 0.1 {
        x.data[i + 1] += x.data[i + 1] > 0 ? 0.3 : -0.3
      }
    }
    c.check(layer, input: x)
  }

  @Test func leakySlope() throws {
    var c = GradientChecker()
    c.check(
      ActivationLayer(try Activation(parsing: "leaky_relu:0.2"), channels: 4),
      input: c.randomTensor([3, 4], awayFromKinks: true))
  }

  @Test func poolingAndFlatten() {
    var c = GradientChecker()
    c.check(GlobalAveragePool(), input: c.randomTensor([2, 3, 3, 4]))
    c.check(Sequential([Flatten(), randomized(Dense(18, 2))]), input: c.randomTensor([2, 3, 3, 2]))
  }

  @Test func squeezeExcitation() {
    var c = GradientChecker()
    c.check(randomized(SqueezeExcitation(channels: 4, ratio: 2)), input: c.randomTensor([2, 3, 3, 4]))
  }

  /// Every residual kind with and without BatchNorm (where it has a choice). RescaleNet's
  /// centring is fixed first by its warm-up passes, so the checker sees one function.
  @Test(arguments: ResidualKind.allCases, [true, false])
  func residualBlock(kind: ResidualKind, batchNorm: Bool) {
    guard !(batchNorm && kind.isNormalisationFree) else { return }
    var c = GradientChecker()
    var block = randomized(
      ResidualBlock(
        channels: 4, activation: Activation(.tanh), squeezeExcitation: 2, kind: kind, batchNorm: batchNorm, index: 1,
        count: 3))
    for _ in 0..<CenteringBias.warmup { _ = block.forward(c.randomTensor([2, 3, 3, 4]), training: true) }
    c.check(block, input: c.randomTensor([2, 3, 3, 4]), maxProbes: 12)
  }

  @Test func scalarAndCenteringBiases() {
    var c = GradientChecker()
    c.check(randomized(ScalarBias()), input: c.randomTensor([3, 4]))
    c.check(randomized(ScalarAffine()), input: c.randomTensor([3, 4]))
    var centre = randomized(CenteringBias(4))
    for _ in 0..<CenteringBias.warmup { _ = centre.forward(c.randomTensor([3, 2, 2, 4]), training: true) }
    c.check(centre, input: c.randomTensor([3, 2, 2, 4]))
  }

  /// Bias2D as the reference computes it: over the first 8 training batches the running mean
  /// of the per-channel batch means is subtracted and the bias enters at 1/100, then both are
  /// used as they are.
  @Test func centeringBiasFollowsTheReference() {
    var layer = CenteringBias(2)
    layer.bias.value = Tensor(shape: [2], data: [1, -2])
    var means: [[Float]] = []
    for k in 0..<10 {
      let x = Tensor(shape: [2, 2], data: [Float(k), 1, Float(3 * k), -1])
      let y = layer.forward(x, training: true)
      if k < CenteringBias.warmup { means.append([Float(2 * k), 0]) }
      let centre = means.reduce([0, 0]) { [$0[0] + $1[0], $0[1] + $1[1]] }.map { $0 / Float(means.count) }
      let f: Float = k < CenteringBias.warmup ? 0.01 : 1
      for r in 0..<2 {
        for j in 0..<2 {
          let expected = x.data[r * 2 + j] + f * layer.bias.value.data[j] - centre[j]
          #expect(abs(y.data[r * 2 + j] - expected) < 1e-5, "pass \(k) [\(r), \(j)]")
        }
      }
    }
  }

  @Test func residualBlockWithPairActivation() {
    var c = GradientChecker()
    let block = randomized(ResidualBlock(channels: 2, activation: Activation(.xnorIL)))
    c.check(block, input: c.randomTensor([2, 3, 3, 2]), maxProbes: 10)
  }

  @Test(arguments: [ValueHead.tanh, .wdl])
  func policyValueNetwork(head: ValueHead) {
    var c = GradientChecker()
    let spec = NetworkSpec.policyValue(
      height: 3, width: 3, planes: 2, blocks: 1, channels: 4, policySize: 5, activation: Activation(.silu),
      valueHead: head, valueHidden: 3)
    // Check through a combined scalar: the layer view covers the policy path; the value
    // path is checked via the two-head backward below.
    let net = randomized(PolicyValueNetwork(spec))
    c.check(net, input: c.randomTensor([2, 3, 3, 2]), maxProbes: 6)

    var model = net
    let x = c.randomTensor([2, 3, 3, 2])
    let out = model.evaluate(x, training: true)
    let rv = c.randomTensor(out.value.shape)
    let rp = c.randomTensor(out.policy.shape)
    model.zeroGradients()
    _ = model.evaluate(x, training: true)
    let dx = model.backward(policy: rp, value: rv)
    func total(_ m: inout PolicyValueNetwork, _ input: Tensor) -> Double {
      let o = m.evaluate(input, training: true)
      var s = 0.0
      for i in 0..<o.policy.count { s += Double(o.policy.data[i] * rp.data[i]) }
      for i in 0..<o.value.count { s += Double(o.value.data[i] * rv.data[i]) }
      return s
    }
    for i in Swift.stride(from: 0, to: x.count, by: 5) {
      var xp = x, xm = x
      xp.data[i] += 0.01
      xm.data[i] -= 0.01
      var a = model, b = model
      let num = (total(&a, xp) - total(&b, xm)) / Double(xp.data[i] - xm.data[i])
      #expect(GradientChecker.close(num, Double(dx.data[i])), "dx[\(i)] \(num) vs \(dx.data[i])")
    }
  }

  @Test func mlpWithBatchNorm() {
    var c = GradientChecker()
    let spec = NetworkSpec.mlp(
      inputs: 4, depth: 2, width: 6, outputs: 3, activation: Activation(.gelu), batchNorm: true)
    c.check(randomized(spec.buildMLP()), input: c.randomTensor([5, 4]), maxProbes: 10)
  }
}

@Suite struct LossGradientTests {
  func numericCheck(_ f: (Tensor) -> (loss: Float, grad: Tensor), at x: Tensor) {
    let g = f(x).grad
    for i in 0..<x.count {
      var xp = x, xm = x
      xp.data[i] += 0.01
      xm.data[i] -= 0.01
      let num = (Double(f(xp).loss) - Double(f(xm).loss)) / Double(xp.data[i] - xm.data[i])
      #expect(GradientChecker.close(num, Double(g.data[i])), "loss grad [\(i)]: \(num) vs \(g.data[i])")
    }
  }

  @Test func softmaxCrossEntropyWithMask() {
    var c = GradientChecker()
    let logits = c.randomTensor([3, 5])
    let mask = Tensor(shape: [3, 5], data: [1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1])
    let targets = Tensor(shape: [3, 5], data: [0.5, 0.25, 0, 0.25, 0, 0, 0, 1, 0, 0, 0, 0, 0.3, 0, 0.7])
    numericCheck({ Loss.softmaxCrossEntropy(logits: $0, targets: targets, mask: mask) }, at: logits)
    let r = Loss.softmaxCrossEntropy(logits: logits, targets: targets, mask: mask)
    for i in 0..<15 where mask.data[i] == 0 { #expect(r.grad.data[i] == 0) }
    // Uniform logits over 2 legal moves with a one-hot target: loss log 2.
    let u = Loss.softmaxCrossEntropy(
      logits: Tensor(shape: [1, 3]), targets: Tensor(shape: [1, 3], data: [1, 0, 0]),
      mask: Tensor(shape: [1, 3], data: [1, 1, 0]))
    #expect(abs(u.loss - 0.693_147_2) < 1e-6)
  }

  @Test func meanSquaredErrorAndWinDrawLoss() {
    var c = GradientChecker()
    let y = c.randomTensor([4, 1])
    let t = c.randomTensor([4, 1])
    numericCheck({ Loss.meanSquaredError($0, targets: t) }, at: y)
    let logits = c.randomTensor([2, 3])
    let wdl = Tensor(shape: [2, 3], data: [1, 0, 0, 0.2, 0.5, 0.3])
    numericCheck({ Loss.winDrawLoss(logits: $0, targets: wdl) }, at: logits)
    let bt = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
    numericCheck({ Loss.sigmoidCrossEntropy(logits: $0, targets: bt) }, at: y)
  }

  @Test func l2Penalty() {
    var model = Dense(3, 2)
    model.weight.value = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
    model.bias.value = Tensor(shape: [2], data: [7, 8])
    model.zeroGradients()
    let penalty = Loss.addL2(0.1, to: &model)
    #expect(abs(penalty - 0.05 * 91) < 1e-5)
    #expect(model.weight.grad.data == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map { Float($0) })
    #expect(model.bias.grad.data == [0, 0])
  }
}

/// A layer with a deliberately wrong backward pass: the checker must catch it.
struct BrokenDouble: Layer {
  var label: String { "broken" }
  let output = TensorBuffer(), inputGrad = TensorBuffer()
  func outputShape(for input: [Int]) -> [Int] { input }
  mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer {
    output.copy(from: x)
    for i in 0..<output.count { output[i] *= 2 }
    return output
  }
  mutating func backward(_ dy: TensorBuffer) -> TensorBuffer {
    inputGrad.copy(from: dy)
    for i in 0..<inputGrad.count { inputGrad[i] *= 2.1 }
    return inputGrad
  }
}

@Suite struct GradientCheckerSelfTest {
  @Test func catchesAWrongBackwardPass() {
    var c = GradientChecker()
    let x = c.randomTensor([2, 3])
    withKnownIssue("the broken layer's gradient is 5% off") {
      c.check(BrokenDouble(), input: x)
    }
  }
}
