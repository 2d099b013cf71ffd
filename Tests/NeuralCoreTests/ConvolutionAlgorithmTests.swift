import GameCore
import NeuralCore
import Testing

/// Winograd against im2col: the same layer, the same input and output gradient, both
/// algorithms; outputs and every gradient agree to a relative difference (largest absolute
/// difference over the largest magnitude) of at most 1e-4.
@Suite struct ConvolutionAlgorithmTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int, bias: Bool
    var testDescription: String { "\(batch)x\(height)x\(width)x\(inChannels)→\(outChannels) bias \(bias)" }
  }

  static let cases: [Case] = [
    Case(batch: 2, height: 8, width: 8, inChannels: 16, outChannels: 12, bias: false),
    Case(batch: 3, height: 5, width: 7, inChannels: 3, outChannels: 4, bias: true),
    Case(batch: 1, height: 3, width: 3, inChannels: 9, outChannels: 17, bias: true),
    Case(batch: 2, height: 6, width: 6, inChannels: 24, outChannels: 8, bias: false),
    Case(batch: 1, height: 1, width: 2, inChannels: 5, outChannels: 3, bias: true),
    Case(batch: 4, height: 8, width: 8, inChannels: 64, outChannels: 64, bias: false),
    // Enough work for the tile transforms to run on the worker threads.
    Case(batch: 17, height: 8, width: 8, inChannels: 64, outChannels: 32, bias: true),
  ]

  static func relativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
    #expect(a.shape == b.shape)
    var diff = 0.0, scale = 0.0
    for i in 0..<a.count {
      diff = max(diff, abs(Double(a.data[i]) - Double(b.data[i])))
      scale = max(scale, abs(Double(b.data[i])))
    }
    return diff / max(scale, 1e-30)
  }

  static func random(_ shape: [Int], _ rng: inout Xoshiro256) -> Tensor {
    var t = Tensor(shape: shape)
    for i in 0..<t.count { t.data[i] = Float(rng.normal()) }
    return t
  }

  @Test(arguments: cases)
  func winogradMatchesIm2col(_ c: Case) {
    var rng = Xoshiro256(seed: UInt64(c.inChannels * 31 + c.outChannels))
    var fast = randomized(Conv2D(c.inChannels, c.outChannels, kernel: 3, bias: c.bias), seed: 11)
    #expect(fast.algorithm == .winograd)
    var reference = fast
    reference.algorithm = .im2col
    let x = Self.random([c.batch, c.height, c.width, c.inChannels], &rng)
    let dy = Self.random([c.batch, c.height, c.width, c.outChannels], &rng)
    for training in [false, true] {
      let y1 = fast.forward(x, training: training), y2 = reference.forward(x, training: training)
      #expect(Self.relativeDifference(y1, y2) <= 1e-4, "forward, training \(training)")
    }
    fast.zeroGradients()
    reference.zeroGradients()
    let dx1 = fast.backward(dy), dx2 = reference.backward(dy)
    #expect(Self.relativeDifference(dx1, dx2) <= 1e-4, "input gradient")
    #expect(Self.relativeDifference(fast.weight.grad, reference.weight.grad) <= 1e-4, "weight gradient")
    if c.bias { #expect(Self.relativeDifference(fast.bias.grad, reference.bias.grad) <= 1e-4, "bias gradient") }
  }

  /// The kept Winograd transform of the kernel follows every change of the weight, in the layer
  /// and in copies of it.
  @Test func transformedKernelFollowsTheWeight() {
    var rng = Xoshiro256(seed: 5)
    var layer = randomized(Conv2D(6, 5, kernel: 3), seed: 3)
    let x = Self.random([2, 4, 4, 6], &rng)
    _ = layer.forward(x, training: false)
    var copy = layer
    layer.weight.value.data[7] += 1
    copy.weight.value = Self.random(copy.weight.value.shape, &rng)
    for var l in [layer, copy] {
      var reference = l
      reference.algorithm = .im2col
      let y = l.forward(x, training: false)
      #expect(Self.relativeDifference(y, reference.forward(x, training: false)) <= 1e-4)
    }
    // After an optimizer step too.
    var optimizer = Optimizer.sgd(0.1)
    _ = layer.forward(x, training: true)
    layer.zeroGradients()
    _ = layer.backward(Self.random([2, 4, 4, 5], &rng))
    optimizer.update(&layer)
    var reference = layer
    reference.algorithm = .im2col
    #expect(Self.relativeDifference(layer.forward(x, training: false), reference.forward(x, training: false)) <= 1e-4)
  }

  @Test func im2colGradients() {
    var c = GradientChecker()
    var layer = randomized(Conv2D(3, 4, kernel: 3))
    layer.algorithm = .im2col
    c.check(layer, input: c.randomTensor([2, 4, 5, 3]))
  }

  /// Inference folds each BatchNorm (and the ReLU after it, and the ReLU after a residual sum)
  /// into the pass before it; a copy whose convolutions use im2col runs every layer on its
  /// own. Both give the same policy and value.
  @Test(arguments: [nil, 4] as [Int?])
  func foldedInferenceMatchesLayerByLayer(squeezeExcitation: Int?) {
    var spec = NetworkSpec.policyValue(
      height: 8, width: 8, planes: 6, blocks: 2, channels: 16, policySize: 20, activation: Activation(.relu),
      valueHead: .wdl, valueHidden: 8)
    spec.squeezeExcitation = squeezeExcitation
    var folded = randomized(PolicyValueNetwork(spec), scale: 0.3)
    var rng = Xoshiro256(seed: 77)
    folded.visitBuffers { name, values in
      for i in values.indices {
        values[i] = name.hasSuffix("running_var") ? Float(0.5 + abs(rng.normal())) : Float(rng.normal() * 0.2)
      }
    }
    var layered = folded
    layered.visitLayers { layer in
      if var conv = layer as? Conv2D {
        conv.algorithm = .im2col
        layer = conv
      }
    }
    let x = Self.random([3, 8, 8, 6], &rng)
    let a = folded.evaluate(x, training: false), b = layered.evaluate(x, training: false)
    #expect(Self.relativeDifference(a.policy, b.policy) <= 1e-4)
    #expect(Self.relativeDifference(a.value, b.value) <= 1e-4)
  }
}
