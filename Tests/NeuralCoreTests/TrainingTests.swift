import Foundation
import GameCore
import NeuralCore
import Testing

/// One learnable vector, for optimizer arithmetic.
struct Vector: Layer {
  var p = Parameter(name: "w", shape: [3], role: .weight)
  var label: String { "vector" }
  func outputShape(for input: [Int]) -> [Int] { input }
  mutating func forward(_ x: TensorBuffer, training: Bool) -> TensorBuffer { x }
  mutating func backward(_ dy: TensorBuffer) -> TensorBuffer { dy }
  mutating func visitParameters(_ body: (inout Parameter) -> Void) { body(&p) }
}

@Suite struct OptimizerTests {
  /// Five steps on the quadratic `Σ ½aᵢwᵢ² + bᵢwᵢ` from w = (0.5, −1, 2); golden values from
  /// optax 0.2 (JAX, float32): `optax.sgd`, `optax.adam`, `optax.adamw`, and
  /// `optax.add_decayed_weights` chained before them for coupled L2 decay.
  @Test(arguments: [
    ("sgd", [0.172_391_995_787_620_54, -0.260_447_978_973_388_67, 1.502_318_143_844_604_5]),
    ("momentum", [-0.323_328_018_188_476_56, 0.738_461_971_282_959, 0.717_743_039_131_164_6]),
    ("nesterov", [-0.383_665_353_059_768_7, 0.557_289_302_349_090_6, 0.495_073_109_865_188_6]),
    ("sgd_wd", [-0.338_326_841_592_788_7, 0.753_629_088_401_794_4, 0.618_203_639_984_130_9]),
    ("adam", [0.011_507_958_173_751_831, -0.506_867_468_357_086_2, 1.502_617_597_579_956]),
    ("adam_l2", [0.011_870_376_765_727_997, -0.506_890_833_377_838_1, 1.502_645_611_763_000_5]),
    ("adamw", [0.004_455_521_702_766_418_5, -0.487_542_033_195_495_6, 1.458_400_487_899_780_3]),
  ])
  func goldenValues(name: String, expected: [Double]) {
    var opt: Optimizer
    switch name {
    case "sgd": opt = .sgd(0.1)
    case "momentum": opt = .sgd(0.1, momentum: 0.9)
    case "nesterov": opt = .sgd(0.1, momentum: 0.9, nesterov: true)
    case "sgd_wd": opt = .sgd(0.1, momentum: 0.9, weightDecay: 0.05)
    case "adam": opt = .adam(0.1)
    case "adam_l2": opt = .adam(0.1, weightDecay: 0.05)
    default: opt = .adamW(0.1, weightDecay: 0.05)
    }
    var v = Vector()
    v.p.value = Tensor(shape: [3], data: [0.5, -1, 2])
    let a: [Float] = [1, 2, 0.5], b: [Float] = [0.3, -0.2, 0.1]
    for _ in 0..<5 {
      for i in 0..<3 { v.p.grad.data[i] = a[i] * v.p.value.data[i] + b[i] }
      opt.update(&v)
    }
    for i in 0..<3 { #expect(abs(Double(v.p.value.data[i]) - expected[i]) < 1e-5, "\(name)[\(i)]") }
  }

  @Test func schedules() {
    #expect(Schedule.constant.factor(at: 100) == 1)
    #expect(Schedule.step(every: 10, factor: 0.5).factor(at: 25) == 0.25)
    #expect(abs(Schedule.cosine(steps: 100, floor: 0).factor(at: 50) - 0.5) < 1e-6)
    #expect(Schedule.cosine(steps: 100, floor: 0.1).factor(at: 100) == 0.1)
    let w = Schedule.warmup(steps: 4, then: .constant)
    #expect((0..<6).map { w.factor(at: $0) } == [0.25, 0.5, 0.75, 1, 1, 1])
  }

  /// PFPLUS's `a` and `b` stay at least 1e-3 however hard the gradient pushes them down,
  /// with every optimizer; a checkpoint that holds a smaller one is refused.
  @Test(arguments: ["sgd", "adam"])
  func pfplusParametersStayPositive(name: String) throws {
    var layer = ActivationLayer(Activation(.pfplus), channels: 2)
    var opt: Optimizer = name == "sgd" ? .sgd(10) : .adam(5)
    for _ in 0..<3 {
      layer.pfA.grad = Tensor(shape: [2], data: [100, -1])
      layer.pfB.grad = Tensor(shape: [2], data: [50, 50])
      opt.update(&layer)
    }
    #expect(layer.pfA.value.data[0] == ActivationLayer.pfplusFloor)
    #expect(layer.pfA.value.data[1] > 1)
    #expect(layer.pfB.value.data == [ActivationLayer.pfplusFloor, ActivationLayer.pfplusFloor])

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pfplus-\(name)-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("net.safetensors").path
    layer.pfB.value = Tensor(shape: [2], data: [0.5, -0.2])
    try Checkpoint.save(&layer, spec: nil, to: path)
    var fresh = ActivationLayer(Activation(.pfplus), channels: 2)
    #expect(throws: NeuralError.self) { try Checkpoint.load(into: &fresh, from: path) }
  }

  @Test func learningRateScaleAndNoDecayOnNormParameters() {
    var bn = BatchNorm(2)
    var rng = Xoshiro256(seed: 1)
    bn.initialize(InitOptions(.heNormal, revisitedBatchNorm: 0.1), rng: &rng)
    #expect(bn.scale.value.data == [0.1, 0.1])
    #expect(bn.scale.learningRateScale == 0.01)
    bn.scale.grad.fill(1)
    var opt = Optimizer.sgd(1, weightDecay: 0.5)
    opt.update(&bn)
    // γ moves by lr/100 · grad, with no weight decay.
    #expect(abs(bn.scale.value.data[0] - 0.09) < 1e-7)
  }
}

/// Trains `model` on (x, t) with a sigmoid cross-entropy until every prediction is right.
func trainClassifier(
  _ model: inout Sequential, x: Tensor, t: Tensor, optimizer: Optimizer, maxSteps: Int
) -> (steps: Int, accuracy: Double) {
  var opt = optimizer
  var accuracy = 0.0
  for step in 1...maxSteps {
    model.zeroGradients()
    let y = model.forward(x, training: true)
    let (_, g) = Loss.sigmoidCrossEntropy(logits: y, targets: t)
    _ = model.backward(g)
    opt.update(&model)
    if step % 25 == 0 {
      let p = model.forward(x, training: false)
      var right = 0
      for i in 0..<p.count where (p.data[i] > 0) == (t.data[i] > 0.5) { right += 1 }
      accuracy = Double(right) / Double(p.count)
      if right == p.count { return (step, 1) }
    }
  }
  return (maxSteps, accuracy)
}

@Suite struct LearningTests {
  @Test(arguments: ["tanh", "relu", "mish", "xnor_ail", "and_il", "fplus"])
  func xor(activation: String) throws {
    let spec = NetworkSpec.mlp(
      inputs: 2, depth: 1, width: 8, outputs: 1, activation: try Activation(parsing: activation))
    var model = spec.buildMLP()
    var rng = Xoshiro256(seed: 3)
    model.initialize(InitOptions(.glorotUniform), rng: &rng)
    let x = Tensor(shape: [4, 2], data: [0, 0, 0, 1, 1, 0, 1, 1])
    let t = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
    let r = trainClassifier(&model, x: x, t: t, optimizer: .adam(0.05), maxSteps: 3000)
    #expect(r.accuracy == 1, "XOR with \(activation): \(r.accuracy) after \(r.steps) steps")
  }

  @Test func twoSpirals() {
    // Two interleaved spirals, 97 points each (Lang & Witbrock 1988 style).
    var xs: [Float] = [], ts: [Float] = []
    for i in 0..<97 {
      let angle = Double(i) * .pi / 16
      let radius = 6.5 * Double(104 - i) / 104
      let (px, py) = (radius * sin(angle) / 6.5, radius * cos(angle) / 6.5)
      xs += [Float(px), Float(py), Float(-px), Float(-py)]
      ts += [1, 0]
    }
    let x = Tensor(shape: [194, 2], data: xs)
    let t = Tensor(shape: [194, 1], data: ts)
    let spec = NetworkSpec.mlp(inputs: 2, depth: 3, width: 48, outputs: 1, activation: Activation(.tanh))
    var model = spec.buildMLP()
    var rng = Xoshiro256(seed: 5)
    model.initialize(InitOptions(.glorotUniform), rng: &rng)
    let r = trainClassifier(&model, x: x, t: t, optimizer: .adam(0.01), maxSteps: 6000)
    #expect(r.accuracy == 1, "two spirals: \(r.accuracy) after \(r.steps) steps")
  }
}

@Suite struct DeterminismTests {
  func trainedWeights(seed: UInt64) -> [Float] {
    let spec = NetworkSpec.policyValue(
      height: 4, width: 4, planes: 3, blocks: 2, channels: 8, policySize: 10, activation: Activation(.mish),
      squeezeExcitation: 2)
    var net = PolicyValueNetwork(spec)
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(.heNormal), rng: &rng)
    var opt = Optimizer.adamW(1e-2)
    var data = Tensor(shape: [6, 4, 4, 3])
    for i in 0..<data.count { data.data[i] = Float(rng.normal()) }
    let targets = Tensor(shape: [6, 10], repeating: 0.1)
    let values = Tensor(shape: [6, 1], repeating: 0.5)
    for _ in 0..<5 {
      net.zeroGradients()
      let out = net.evaluate(data, training: true)
      let p = Loss.softmaxCrossEntropy(logits: out.policy, targets: targets)
      let v = Loss.meanSquaredError(out.value, targets: values)
      net.backward(policy: p.grad, value: v.grad)
      opt.update(&net)
    }
    var all: [Float] = []
    net.visitParameters { all += $0.value.data }
    return all
  }

  @Test func sameSeedSameBits() {
    BLAS.setThreads(1)
    let a = trainedWeights(seed: 42), b = trainedWeights(seed: 42), c = trainedWeights(seed: 43)
    #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    #expect(a != c)
  }
}

@Suite struct SIMDKernelTests {
  @Test(arguments: [1, 15, 16, 17, 37, 64, 100])
  func kernelsMatchScalarLoops(n: Int) {
    var c = GradientChecker()
    let x = c.randomTensor([n]), y0 = c.randomTensor([n])
    var y = y0
    y.add(x, scale: 0.75)
    for i in 0..<n { #expect(y.data[i] == y0.data[i] + 0.75 * x.data[i]) }
    var s = x
    s.scale(by: -1.5)
    for i in 0..<n { #expect(s.data[i] == x.data[i] * -1.5) }
    var r = Tensor(shape: [n]), d = Tensor(shape: [n])
    x.data.withUnsafeBufferPointer { xp in
      r.data.withUnsafeMutableBufferPointer { SIMDKernels.relu(xp, $0) }
      y0.data.withUnsafeBufferPointer { gp in
        d.data.withUnsafeMutableBufferPointer { SIMDKernels.reluBackward(xp, gp, $0) }
      }
    }
    for i in 0..<n {
      #expect(r.data[i] == max(x.data[i], 0))
      #expect(d.data[i] == (x.data[i] > 0 ? y0.data[i] : 0))
    }
  }

  @Test func shapeMismatchStopsWithBothShapes() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var a = Tensor(shape: [2, 3])
      a.add(Tensor(shape: [3, 2]))
    }
    let text = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(text.contains("shape mismatch in add: [2, 3] vs [3, 2]"))
  }
}
