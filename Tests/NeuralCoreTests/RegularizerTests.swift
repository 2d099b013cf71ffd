import Foundation
import GameCore
import NeuralCore
import Testing

/// A small classification task: points in the plane, label = inside the unit circle.
func circleData(_ n: Int, seed: UInt64) -> (Tensor, Tensor) {
  var rng = Xoshiro256(seed: seed)
  var x = Tensor(shape: [n, 2]), t = Tensor(shape: [n, 1])
  for i in 0..<n {
    let (a, b) = (rng.normal(), rng.normal())
    x.data[2 * i] = Float(a)
    x.data[2 * i + 1] = Float(b)
    t.data[i] = a * a + b * b < 1.4 ? 1 : 0
  }
  return (x, t)
}

@Suite struct BatchEntropyTests {
  @Test func entropyMatchesTheFormulaAndItsGradient() {
    var c = GradientChecker()
    let x = c.randomTensor([5, 3])
    let (h, _, vars) = BatchEntropyTap.entropy(x)
    let pe: Double = Double.pi * Foundation.exp(1.0)
    var expected = 0.0
    for v in vars { expected += 0.5 * Foundation.log(pe * v + 1) }
    expected /= 3
    #expect(abs(h - expected) < 1e-12)
    var tap = BatchEntropyTap()
    _ = tap.forward(x, training: true)
    tap.coefficient = 1
    let g = tap.backward(Tensor(shape: x.shape))
    for i in 0..<x.count {
      var xp = x, xm = x
      xp.data[i] += 0.01
      xm.data[i] -= 0.01
      let num = (BatchEntropyTap.entropy(xp).h - BatchEntropyTap.entropy(xm).h) / Double(xp.data[i] - xm.data[i])
      #expect(GradientChecker.close(num, Double(g.data[i])), "dH/da[\(i)]: \(num) vs \(g.data[i])")
    }
  }

  @Test func regulariserPullsEntropyTowardItsTargets() {
    let (x, t) = circleData(128, seed: 1)
    var spec = NetworkSpec.mlp(inputs: 2, depth: 6, width: 16, outputs: 1, activation: Activation(.relu))
    spec.batchEntropy = true
    var model = spec.buildMLP()
    var rng = Xoshiro256(seed: 2)
    model.initialize(InitOptions(.heNormal), rng: &rng)
    // Targets well above the initial entropies.
    model.visitParameters { p in if p.name.hasSuffix(".alpha") { p.value.fill(2) } }
    let lbe = LayerwiseBatchEntropy(beta: 0.5, alphaMin: 0.2)
    var opt = Optimizer.adam(1e-2)
    _ = model.forward(x, training: true)
    let before = lbe.gap(&model)
    for _ in 0..<150 {
      model.zeroGradients()
      let y = model.forward(x, training: true)
      var (ce, g) = Loss.sigmoidCrossEntropy(logits: y, targets: t)
      let (_, scale) = lbe.prepareBackward(&model, taskLoss: ce)
      g.scale(by: scale)
      _ = model.backward(g)
      opt.update(&model)
      ce = 0
    }
    _ = model.forward(x, training: true)
    let after = lbe.gap(&model)
    #expect(after < before * 0.5, "entropy gap \(before) → \(after)")
  }
}

@Suite struct GradInitTests {
  /// GradInit changes the scales and lowers the loss reached by one step of the optimizer it
  /// was run for, on a fixed batch.
  @Test(arguments: [GradInit.Variant.sgd, .adam])
  func lowersTheLossAfterOneStep(variant: GradInit.Variant) {
    let (x, t) = circleData(64, seed: 3)
    let spec = NetworkSpec.mlp(inputs: 2, depth: 4, width: 16, outputs: 1, activation: Activation(.tanh))
    var model = spec.buildMLP()
    var rng = Xoshiro256(seed: 4)
    model.initialize(InitOptions(.heNormal), rng: &rng)
    let eta: Float = variant == .sgd ? 0.5 : 0.05
    func lossAfterOneStep(_ m: Sequential) -> Float {
      var m = m
      m.zeroGradients()
      let (_, g) = Loss.sigmoidCrossEntropy(logits: m.forward(x, training: true), targets: t)
      _ = m.backward(g)
      m.visitParameters { p in
        for i in 0..<p.value.count {
          let d = variant == .sgd ? p.grad.data[i] : (p.grad.data[i] > 0 ? 1 : p.grad.data[i] < 0 ? -1 : 0)
          p.value.data[i] -= eta * d
        }
      }
      return Loss.sigmoidCrossEntropy(logits: m.forward(x, training: false), targets: t).loss
    }
    let before = lossAfterOneStep(model)
    let config = GradInit.Config(variant: variant, eta: eta, gamma: 100, learningRate: 0.05, iterations: 60)
    let report = GradInit.run(&model, config: config) { m, _, _ in
      let (l, g) = Loss.sigmoidCrossEntropy(logits: m.forward(x, training: true), targets: t)
      _ = m.backward(g)
      return l
    }
    let after = lossAfterOneStep(model)
    #expect(report.objectiveSteps == 60)
    #expect(report.scales.contains { abs($0 - 1) > 0.05 })
    #expect(after < before, "\(variant): loss after one step \(before) → \(after)")
  }

  /// The reference's RescaleAdam (`zhuchen03/gradinit`, `gradinit_optimizers.py`) run in
  /// Python on the same gradients: constraint and objective steps keep first moments of their
  /// own, share the second moment, clip at ±1 and stop at the lower bound.
  @Test func rescaleAdamMatchesTheReference() {
    let steps: [([Float], Bool)] = [
      ([0.3, -0.2, 2], false), ([-0.8, 0.5, 2], true), ([0.1, 3.0, 2], false), ([0.4, 0.9, 2], false),
      ([-2.0, 0.7, 2], true), ([0.2, -0.05, 2], false), ([0.25, 1.0, 2], false),
    ]
    let reference: [[Float]] = [
      [0.8000000, 1.2000000, 0.8000000], [1.0647840, 0.9374347, 0.6000000], [0.9863605, 0.8058533, 0.4000000],
      [0.8723029, 0.6390761, 0.2000000], [1.1659054, 0.4709299, 0.0100000], [1.0779901, 0.3449298, 0.0100000],
      [0.9845043, 0.1894133, 0.0100000],
    ]
    var adam = GradInit.RescaleAdam(
      lowerBounds: [0.01, 0, 0.01], active: [true, true, true], learningRate: 0.2, gradClip: 1)
    for (k, (g, constraint)) in steps.enumerated() {
      adam.step(g, constraint: constraint)
      for i in 0..<3 {
        #expect(abs(adam.alpha[i] - reference[k][i]) < 2e-5, "step \(k) scale \(i): \(adam.alpha[i])")
      }
    }
    #expect(adam.constraintSteps == 2 && adam.objectiveSteps == 5)
  }

  /// An inactive (zero-norm) tensor keeps its scale and its state.
  @Test func rescaleAdamSkipsInactiveScales() {
    var adam = GradInit.RescaleAdam(lowerBounds: [0, 0], active: [true, false], learningRate: 0.1, gradClip: 0)
    adam.step([1, 1], constraint: false)
    #expect(adam.alpha[0] < 1 && adam.alpha[1] == 1)
  }

  /// The constraint's norm counts every gradient, zero-norm tensors' included.
  @Test func gradientNormCountsEveryTensor() {
    let weight = Tensor(shape: [2], data: [3, 0]), bias = Tensor(shape: [1], data: [-4])
    #expect(GradInit.gradientNorm([weight, bias], variant: .sgd) == 5)
    #expect(GradInit.gradientNorm([weight, bias], variant: .adam) == 7)
  }

  @Test func constraintStepsShrinkTheGradientNorm() {
    let (x, t) = circleData(64, seed: 5)
    var model = NetworkSpec.mlp(inputs: 2, depth: 3, width: 16, outputs: 1, activation: Activation(.relu)).buildMLP()
    var rng = Xoshiro256(seed: 6)
    model.initialize(InitOptions(.constant(0.6)), rng: &rng)
    func gradNorm(_ m: inout Sequential) -> Float {
      m.zeroGradients()
      let (_, g) = Loss.sigmoidCrossEntropy(logits: m.forward(x, training: true), targets: t)
      _ = m.backward(g)
      var s: Float = 0
      m.visitParameters { s += $0.grad.squaredNorm }
      return s.squareRoot()
    }
    let before = gradNorm(&model)
    let report = GradInit.run(&model, config: GradInit.Config(gamma: before / 4, learningRate: 0.05, iterations: 40)) {
      m, _, _ in
      let (l, g) = Loss.sigmoidCrossEntropy(logits: m.forward(x, training: true), targets: t)
      _ = m.backward(g)
      return l
    }
    #expect(report.constraintSteps > 0)
    #expect(gradNorm(&model) < before, "gradient norm \(before) → \(gradNorm(&model))")
  }
}
