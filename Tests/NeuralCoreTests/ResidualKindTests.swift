import Foundation
import GameCore
import NeuralCore
import Testing

@Suite struct ResidualKindTests {
  func spec(_ kind: ResidualKind, _ norm: Normalization, blocks: Int = 3) -> NetworkSpec {
    var s = NetworkSpec.policyValue(
      height: 3, width: 3, planes: 2, blocks: blocks, channels: 4, policySize: 5, activation: Activation(.relu),
      valueHidden: 3, residual: kind.rawValue)
    s.normalization = norm
    return s
  }

  func parameters(_ net: inout PolicyValueNetwork) -> [String: Tensor] {
    var d: [String: Tensor] = [:]
    net.visitParameters { d[$0.name] = $0.value }
    return d
  }

  /// Every kind builds, runs and validates without normalisation; the normalisation-free kinds
  /// are refused with BatchNorm in one line that says why.
  @Test(arguments: ResidualKind.allCases)
  func everyKindBuildsAndRuns(kind: ResidualKind) throws {
    try spec(kind, .none).validate()
    var net = PolicyValueNetwork(spec(kind, .none))
    var rng = Xoshiro256(seed: 1)
    net.initialize(InitOptions(.heNormal), inputShape: [3, 3, 2], rng: &rng)
    var bn = 0
    net.visitLayers { if $0 is BatchNorm { bn += 1 } }
    #expect(bn == 0)
    let out = net.evaluate(Tensor(shape: [2, 3, 3, 2], repeating: 0.5), training: true)
    #expect(out.policy.data.allSatisfy(\.isFinite) && out.value.data.allSatisfy(\.isFinite))
    if kind.isNormalisationFree {
      #expect(throws: NeuralError.self) { try spec(kind, .batch).validate() }
    } else {
      try spec(kind, .batch).validate()
    }
  }

  /// Fixup: the first convolution of every branch is He scaled by L^(−1/2), the second is
  /// zero, and so are the heads' last dense layers, so the network starts with a uniform
  /// policy and a zero value.
  @Test func fixupInitialisation() {
    var he = PolicyValueNetwork(spec(.plain, .none, blocks: 4))
    var fixup = PolicyValueNetwork(spec(.fixup, .none, blocks: 4))
    var r1 = Xoshiro256(seed: 3), r2 = Xoshiro256(seed: 3)
    he.initialize(InitOptions(.heNormal), rng: &r1)
    fixup.initialize(InitOptions(.heNormal), rng: &r2)
    let p = parameters(&fixup), q = parameters(&he)
    let ratio = (p["block2.conv1.weight"]!.squaredNorm / q["block2.conv1.weight"]!.squaredNorm).squareRoot()
    #expect(abs(ratio - 0.5) < 0.1, "conv1 scaled by \(ratio), expected 1/sqrt(4)")
    #expect(p["block2.conv2.weight"]!.squaredNorm == 0)
    #expect(p["policy.dense.weight"]!.squaredNorm == 0 && p["value.dense2.weight"]!.squaredNorm == 0)
    let out = fixup.evaluate(Tensor(shape: [1, 3, 3, 2], repeating: 1), training: false)
    #expect(out.policy.data.allSatisfy { $0 == 0 } && out.value.data == [0])
  }

  /// RescaleNet: block k = L + i keeps the variance: sqrt((k−1)/k) on the skip, s·L^(−1/2)
  /// on the branch, and the branch's convolutions scaled by (L/k)^(1/4) each.
  @Test(arguments: [0, 3])
  func rescaleCoefficientsAndScaling(index: Int) {
    let l = 4, k = Double(l + index)
    var block = ResidualBlock(
      channels: 2, activation: Activation(.relu), kind: .rescale, batchNorm: false, index: index, count: l)
    block.visitParameters { p in if p.role == .weight { p.value.fill(1) } }
    block.applyKindScaling()
    let m = Float(pow(Double(l) / k, 0.25))
    block.visitParameters { p in
      if p.role == .weight { #expect(p.value.data.allSatisfy { abs($0 - m) < 1e-6 }, "\(p.name)") }
    }
    #expect(block.alpha.value.data == [1])
    // With the second convolution at zero the branch adds nothing: y = relu(sqrt((k−1)/k)·x).
    block.visitParameters { p in if p.name.hasSuffix("conv2.weight") { p.value.fill(0) } }
    let x = Tensor(shape: [1, 1, 1, 2], data: [2, -1])
    let y = block.forward(x, training: false)
    let c = Float(((k - 1) / k).squareRoot())
    #expect(abs(y.data[0] - 2 * c) < 1e-6 && y.data[1] == 0)
    // And the branch enters at s·L^(−1/2): with 3x3 kernels that pass the centre through,
    // F(x) = x and y = (sqrt((k−1)/k) + s/sqrt(L))·x.
    var probe = ResidualBlock(
      channels: 1, activation: Activation(.identity), kind: .rescale, batchNorm: false, index: index, count: l)
    probe.alpha.value = Tensor(shape: [1], data: [3])
    probe.visitParameters { p in
      if p.role == .weight {
        p.value.fill(0)
        p.value.data[4] = 1
      }
    }
    let z = Tensor(shape: [1, 3, 3, 1], data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let out = probe.forward(z, training: false)
    let factor = Float(((k - 1) / k).squareRoot() + 3 / Double(l).squareRoot())
    for i in 0..<9 { #expect(abs(out.data[i] - factor * z.data[i]) < 1e-5, "[\(i)] \(out.data[i])") }
  }

  /// Revisited BatchNorm init with AutoInit: AutoInit sizes the weights as if γ were 1, so
  /// they are those of AutoInit alone and γ = 0.1 is not cancelled; the input BatchNorm starts
  /// at 0.058 with its β frozen.
  @Test func revisitedBatchNormWithAutoInit() {
    var s = spec(.plain, .batch)
    s.inputBatchNorm = true
    var a = PolicyValueNetwork(s), b = PolicyValueNetwork(s)
    var r1 = Xoshiro256(seed: 9), r2 = Xoshiro256(seed: 9)
    a.initialize(InitOptions(.autoinit), inputShape: [3, 3, 2], rng: &r1)
    b.initialize(InitOptions(.autoinit, revisitedBatchNorm: 0.1), inputShape: [3, 3, 2], rng: &r2)
    var pa: [String: Tensor] = [:]
    a.visitParameters { pa[$0.name] = $0.value }
    b.visitParameters { p in
      switch p.role {
      case .weight: #expect(p.value.data == pa[p.name]!.data, "\(p.name)")
      case .normScale:
        let want: Float = p.name == "input.bn.scale" ? 0.058 : 0.1
        #expect(p.value.data.allSatisfy { abs($0 - want) < 1e-7 }, "\(p.name)")
        #expect(p.learningRateScale == 0.01)
      case .normShift: #expect(p.learningRateScale == (p.name == "input.bn.shift" ? 0 : 1), "\(p.name)")
      default: break
      }
    }
  }

  /// Policy-value networks get a batch-entropy tap after every block.
  @Test func batchEntropyTapsInTheTower() {
    var s = spec(.plain, .batch)
    s.batchEntropy = true
    var net = PolicyValueNetwork(s)
    var taps = 0
    net.visitLayers { if $0 is BatchEntropyTap { taps += 1 } }
    #expect(taps == 3)
    _ = net.evaluate(Tensor(shape: [4, 3, 3, 2], repeating: 0.3), training: true)
  }

  /// A spec saved before the normalisation, input BatchNorm and tap fields decodes with what
  /// those networks were.
  @Test func olderSpecsDecode() throws {
    let json = #"""
      {"activation":{"kind":"relu","slope":0.01},"blocks":6,"channels":64,"depth":0,
      "initialization":"he_normal","inputShape":[8,8,19],"kind":"policy_value","outputs":0,
      "policySize":1858,"residual":"plain","valueHead":"wdl","valueHidden":64,"width":0,"batchNorm":false}
      """#
    let s = try JSONDecoder().decode(NetworkSpec.self, from: Data(json.utf8))
    #expect(s.normalization == .batch && !s.inputBatchNorm && !s.batchEntropy && s.blocks == 6)
    let back = try JSONDecoder().decode(NetworkSpec.self, from: JSONEncoder().encode(s))
    #expect(back == s)
  }

  /// A trunk in stages: each block takes its own activation, the stem and heads the spec's;
  /// the policy head's channels change the parameter count by exactly their convolution,
  /// BatchNorm and dense weights; a wrong count of block activations is refused.
  @Test func stagesAndHeadSizes() throws {
    var s = spec(.plain, .batch, blocks: 2)
    s.blockActivations = [Activation(.tanh), Activation(.mish)]
    try s.validate()
    var net = PolicyValueNetwork(s)
    var kinds: [String: ActivationKind] = [:]
    net.visitLayers { if let a = $0 as? ActivationLayer { kinds[String(a.pfA.name.dropLast(9))] = a.activation.kind } }
    #expect(kinds["stem.act"] == .relu && kinds["block0.act1"] == .tanh && kinds["block1.act1"] == .mish)
    #expect(kinds["policy.act"] == .relu && kinds["value.act"] == .relu)
    let out = net.evaluate(Tensor(shape: [2, 3, 3, 2], repeating: 0.5), training: true)
    #expect(out.policy.shape == [2, 5] && out.policy.data.allSatisfy(\.isFinite))
    var wide = s
    wide.policyChannels = 4
    var net4 = PolicyValueNetwork(wide)
    // 1x1 convolution 4 -> 2 more outputs, their BatchNorm's γ and β, the dense layer's
    // 2 * 3 * 3 more inputs to each of 5 outputs.
    #expect(net4.parameterCount() - net.parameterCount() == 4 * 2 + 2 * 2 + 2 * 9 * 5)
    var bad = s
    bad.blockActivations = [Activation(.tanh)]
    #expect(throws: NeuralError.self) { try bad.validate() }
    let back = try JSONDecoder().decode(NetworkSpec.self, from: JSONEncoder().encode(wide))
    #expect(back == wide)
  }
}
