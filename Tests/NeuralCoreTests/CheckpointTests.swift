import Foundation
import GameCore
import NeuralCore
import Testing

func temporaryPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "zerolab-tests-\(ProcessInfo.processInfo.processIdentifier)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

func smallNetwork(seed: UInt64) -> PolicyValueNetwork {
  let spec = NetworkSpec.policyValue(
    height: 3, width: 3, planes: 2, blocks: 1, channels: 4, policySize: 7, activation: Activation(.relu))
  var net = PolicyValueNetwork(spec)
  var rng = Xoshiro256(seed: seed)
  net.initialize(InitOptions(.heNormal), rng: &rng)
  // Non-trivial running statistics.
  var x = Tensor(shape: [4, 3, 3, 2])
  for i in 0..<x.count { x.data[i] = Float(rng.normal()) }
  _ = net.evaluate(x, training: true)
  return net
}

@Suite struct CheckpointTests {
  @Test func roundTripKeepsEveryValueAndTheSpec() throws {
    var net = smallNetwork(seed: 1)
    let path = temporaryPath("roundtrip.safetensors")
    try Checkpoint.save(&net, spec: net.spec, metadata: ["note": "test"], to: path)
    var other = smallNetwork(seed: 2)
    let contents = try Checkpoint.load(into: &other, from: path)
    #expect(contents.metadata["note"] == "test")
    #expect(try Checkpoint.spec(in: contents) == net.spec)
    var a: [Float] = [], b: [Float] = []
    net.visitParameters { a += $0.value.data }
    other.visitParameters { b += $0.value.data }
    net.visitBuffers { _, v in a += v }
    other.visitBuffers { _, v in b += v }
    #expect(a == b)
    // Inference agrees exactly.
    var x = Tensor(shape: [1, 3, 3, 2])
    for i in 0..<x.count { x.data[i] = Float(i) / 10 }
    #expect(net.evaluate(x, training: false).policy == other.evaluate(x, training: false).policy)
  }

  func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }

  func expectRefusal(_ data: [UInt8], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let path = temporaryPath("bad-\(UInt64.random(in: 0...UInt64.max)).safetensors")
    FileManager.default.createFile(atPath: path, contents: Data(data))
    var net = smallNetwork(seed: 1)
    #expect(sourceLocation: sourceLocation) {
      try Checkpoint.load(into: &net, from: path)
    } throws: { error in
      guard let e = error as? NeuralError else { return false }
      return e.message.contains(message) && !e.message.contains("\n")
    }
  }

  @Test func refusesTruncatedCorruptedAndMismatchedFiles() throws {
    var net = smallNetwork(seed: 1)
    let path = temporaryPath("good.safetensors")
    try Checkpoint.save(&net, spec: net.spec, to: path)
    let good = bytes(path)
    expectRefusal(Array(good.prefix(5)), "truncated")
    expectRefusal(Array(good.prefix(good.count - 10)), "truncated")
    expectRefusal(Array(good.prefix(100)), "truncated")
    expectRefusal(Array("root:x:0:0:root:/root:/bin/bash\n".utf8), "not a ZeroLab network file")
    var header = good
    header[9] = UInt8(ascii: "#")
    expectRefusal(header, "corrupted header")
    var body = good
    body[good.count - 3] ^= 0x40
    expectRefusal(body, "checksum")
    expectRefusal(good + [1, 2, 3, 4], "stray bytes")
    // A network of another shape.
    let spec = NetworkSpec.policyValue(
      height: 3, width: 3, planes: 2, blocks: 1, channels: 8, policySize: 7, activation: Activation(.relu))
    var wide = PolicyValueNetwork(spec)
    #expect {
      try Checkpoint.load(into: &wide, from: path)
    } throws: { error in
      (error as? NeuralError)?.message.contains("network expects [18, 8]") == true
    }
    // Nothing was changed by a refused load.
    var fresh = smallNetwork(seed: 3)
    var before: [Float] = []
    fresh.visitParameters { before += $0.value.data }
    expectRefusal(body, "checksum")
    var after: [Float] = []
    fresh.visitParameters { after += $0.value.data }
    #expect(before == after)
  }

  @Test func savingIsAtomicAndLeavesNoTemporaryFiles() throws {
    var net = smallNetwork(seed: 1)
    let path = temporaryPath("atomic/net.safetensors")
    try Checkpoint.save(&net, spec: net.spec, to: path)
    try Checkpoint.save(&net, spec: net.spec, to: path)
    let dir = (path as NSString).deletingLastPathComponent
    let files = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(files == ["net.safetensors"])
  }

  /// The optimizer's state, saved with the network or in a file of its own, comes back
  /// exactly; a file without it, or with another method's, is refused in one line.
  @Test func optimizerStateRoundTripsInOneScheme() throws {
    var net = smallNetwork(seed: 5)
    var adam = Optimizer.adam(0.01)
    for step in 0..<2 {
      net.visitParameters { p in
        for i in 0..<p.grad.count { p.grad.data[i] = Float((i + step) % 7) / 100 - 0.03 }
      }
      adam.update(&net)
    }
    func state(_ o: Optimizer) -> [String: [Float]] {
      Dictionary(uniqueKeysWithValues: o.stateTensors.map { ($0.0, $0.2) })
    }
    #expect(state(adam).keys.contains("optimizer.first.0") && state(adam).keys.contains("optimizer.second.0"))
    let both = temporaryPath("training.safetensors"), alone = temporaryPath("optimizer.safetensors")
    try Checkpoint.save(&net, spec: net.spec, optimizer: adam, to: both)
    try Checkpoint.save(adam, to: alone)
    var other = smallNetwork(seed: 6)
    var restored = Optimizer.adam(0.01)
    try Checkpoint.load(into: &other, optimizer: &restored, from: both)
    #expect(restored.step == 2 && state(restored) == state(adam))
    var fromAlone = Optimizer.adam(0.01)
    try Checkpoint.load(&fromAlone, for: &net, from: alone)
    #expect(fromAlone.step == 2 && state(fromAlone) == state(adam))
    // The training checkpoint is also a network file.
    var third = smallNetwork(seed: 7)
    try Checkpoint.load(into: &third, from: both)
    var a: [Float] = [], b: [Float] = []
    net.visitParameters { a += $0.value.data }
    third.visitParameters { b += $0.value.data }
    #expect(a == b)
    func refusal(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "accepted"
      } catch {
        return (error as? NeuralError)?.message ?? "\(error)"
      }
    }
    let plain = temporaryPath("plain.safetensors")
    try Checkpoint.save(&net, spec: net.spec, to: plain)
    var fresh = Optimizer.adam(0.01)
    let missing = refusal { _ = try Checkpoint.load(into: &other, optimizer: &fresh, from: plain) }
    #expect(missing.contains("has no optimizer state") && !missing.contains("\n"))
    #expect(fresh.step == 0)
    var sgd = Optimizer.sgd(0.1, momentum: 0.9)
    #expect(refusal { try Checkpoint.load(&sgd, for: &net, from: alone) }.contains("state of adam, the run uses sgd"))
    var wide = PolicyValueNetwork(
      NetworkSpec.policyValue(
        height: 3, width: 3, planes: 2, blocks: 1, channels: 8, policySize: 7, activation: Activation(.relu)))
    var again = Optimizer.adam(0.01)
    #expect(refusal { try Checkpoint.load(&again, for: &wide, from: alone) }.contains("does not match"))
  }

  /// Python reads the file with nothing but the standard library (struct + json), checks
  /// the safetensors layout and prints a few values, which must match ours.
  @Test func pythonReadsIt() throws {
    var net = smallNetwork(seed: 4)
    let path = temporaryPath("py.safetensors")
    try Checkpoint.save(&net, spec: net.spec, to: path)
    let script = """
      import json, struct, sys
      raw = open(sys.argv[1], 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      meta = header.pop('__metadata__')
      assert meta['format'] == 'zerolab'
      spec = json.loads(meta['spec'])
      data = raw[8 + n:]
      end = 0
      for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0]):
          a, b = info['data_offsets']
          assert info['dtype'] == 'F32' and a == end
          count = 1
          for d in info['shape']: count *= d
          assert b - a == 4 * count
          end = b
      assert end == len(data)
      a, b = header['policy.dense.weight']['data_offsets']
      w = struct.unpack('<%df' % ((b - a) // 4), data[a:b])
      print(spec['kind'], spec['channels'], len(header), '%.6f %.6f' % (w[0], w[-1]))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0)
    var w: [Float] = []
    var count = 0
    net.visitParameters { p in
      count += 1
      if p.name == "policy.dense.weight" { w = p.value.data }
    }
    net.visitBuffers { _, _ in count += 1 }
    let expected = "policy_value 4 \(count) " + String(format: "%.6f %.6f", Double(w.first!), Double(w.last!))
    #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
  }
}

@Suite struct InitializerTests {
  func weightStats(_ initializer: Initializer, fanIn: Int = 256, fanOut: Int = 128) -> (mean: Double, variance: Double)
  {
    var p = Parameter(name: "w", shape: [fanIn, fanOut], role: .weight, fanIn: fanIn, fanOut: fanOut)
    var rng = Xoshiro256(seed: 9)
    initializer.fill(&p, rng: &rng)
    return p.value.moments
  }

  static let expectedVariances: [(Initializer, Double)] = [
    (.heNormal, 2.0 / 256), (.heUniform, 2.0 / 256), (.lecunNormal, 1.0 / 256), (.lecunUniform, 1.0 / 256),
    (.glorotNormal, 2.0 / 384), (.glorotUniform, 2.0 / 384),
  ]

  @Test(arguments: expectedVariances)
  func varianceFollowsTheFormula(initializer: Initializer, variance: Double) {
    let s = weightStats(initializer)
    #expect(abs(s.mean) < 0.01 * variance.squareRoot() * 10)
    #expect(abs(s.variance / variance - 1) < 0.03, "\(initializer): \(s.variance) vs \(variance)")
  }

  @Test func orthogonalColumnsAreOrthonormal() {
    var p = Parameter(name: "w", shape: [32, 16], role: .weight, fanIn: 32, fanOut: 16)
    var rng = Xoshiro256(seed: 2)
    Initializer.orthogonal.fill(&p, rng: &rng)
    for i in 0..<16 {
      for j in 0..<16 {
        var d = 0.0
        for r in 0..<32 { d += Double(p.value.data[r * 16 + i]) * Double(p.value.data[r * 16 + j]) }
        #expect(abs(d - (i == j ? 1 : 0)) < 1e-5)
      }
    }
  }

  @Test(arguments: ["he", "glorot_uniform", "orthogonal", "constant:0.5", "autoinit", "zeros"])
  func parsesNames(name: String) throws {
    _ = try Initializer(parsing: name)
  }

  @Test func rejectsUnknownNames() {
    #expect(throws: NeuralError.self) { try Initializer(parsing: "fancy") }
    #expect(throws: NeuralError.self) { try Activation(parsing: "nish") }
    #expect(throws: NeuralError.self) { try Activation(parsing: "relu:0.3") }
  }

  /// What the rewiring guarantees for a `[64, 48]` weight: it is exactly two passes (pass 1
  /// permutes within every column of W, pass 2 within every row of the result, row 0 of each
  /// pass untouched), so the whole multiset is kept, each column of the intermediate matrix is
  /// a permutation of the original column and each final row one of the intermediate row; in
  /// each pass a unit with a higher running strength receives lower weights (preferential
  /// attachment), and the variances of both strengths at least halve.
  @Test func paRewiringIsTwoPermutingPassesThatBalanceStrengths() {
    let rows = 64, cols = 48
    var p = Parameter(name: "w", shape: [rows, cols], role: .weight, fanIn: rows, fanOut: cols)
    var rng = Xoshiro256(seed: 11)
    Initializer.heNormal.fill(&p, rng: &rng)
    let before = p.value
    var replay = rng
    let (outBefore, inBefore) = PARewiring.strengthVariances(before)
    PARewiring.rewire(&p.value, rng: &rng)
    let after = p.value.data
    #expect(after.sorted() == before.data.sorted())
    #expect(after != before.data)

    // Pass 1 on Wᵀ: every column of W keeps its multiset; column sums (output strengths) hold.
    let original = (0..<cols).map { c in (0..<rows).map { before.data[$0 * cols + c] } }
    var m = original
    PARewiring.rewireRows(&m, rng: &replay)
    #expect(m[0] == original[0])
    for c in 0..<cols { #expect(m[c].sorted() == original[c].sorted(), "column \(c)") }
    #expect(m != original)
    #expect(InitializerTests.attachment(m) < -0.1, "pass 1: \(InitializerTests.attachment(m))")
    #expect(abs(InitializerTests.attachment(original)) < 0.05, "before: \(InitializerTests.attachment(original))")
    // Pass 2 on W: every row keeps the multiset it had after pass 1.
    let middle = (0..<rows).map { r in (0..<cols).map { m[$0][r] } }
    var t = middle
    PARewiring.rewireRows(&t, rng: &replay)
    #expect(t.flatMap { $0 } == after, "rewire is the two passes, nothing else")
    #expect(t[0] == middle[0])
    for r in 0..<rows { #expect(t[r].sorted() == middle[r].sorted(), "row \(r)") }
    #expect(InitializerTests.attachment(t) < -0.1, "pass 2: \(InitializerTests.attachment(t))")

    let (outAfter, inAfter) = PARewiring.strengthVariances(p.value)
    #expect(outAfter < outBefore * 0.5, "output strengths \(outBefore) → \(outAfter)")
    #expect(inAfter < inBefore * 0.5, "input strengths \(inBefore) → \(inAfter)")
  }

  /// `strengthChanges` reports, per weight of a network, the strength variances of the
  /// tensor before and after rewiring a copy, and leaves the network as it was.
  @Test func strengthChangesOfANetwork() {
    var model = NetworkSpec.mlp(inputs: 64, depth: 2, width: 48, outputs: 10, activation: Activation(.relu))
      .buildMLP()
    var rng = Xoshiro256(seed: 2)
    model.initialize(InitOptions(.heNormal), inputShape: [64], rng: &rng)
    var before: [Tensor] = []
    model.visitParameters { before.append($0.value) }
    let changes = PARewiring.strengthChanges(&model, seed: 5)
    var after: [Tensor] = []
    model.visitParameters { after.append($0.value) }
    #expect(before == after)
    #expect(changes.map(\.name) == ["dense0.weight", "dense1.weight", "out.weight"])
    var first = before[0]
    #expect(PARewiring.strengthVariances(first).outputs == changes[0].outputsBefore)
    var r = Xoshiro256(seed: 5)
    PARewiring.rewire(&first, rng: &r)
    #expect(PARewiring.strengthVariances(first).outputs == changes[0].outputsAfter)
    for c in changes { #expect(c.outputsAfter < c.outputsBefore && c.inputsAfter < c.inputsBefore, "\(c.name)") }
  }

  /// The mean over rows 1... of the correlation between each column's running sum of the rows
  /// above and the row's weight in that column: negative when high-strength columns get the
  /// lowest weights, about 0 for independent draws.
  static func attachment(_ a: [[Float]]) -> Double {
    var st = [Double](repeating: 0, count: a[0].count)
    var total = 0.0
    for r in 1..<a.count {
      for c in st.indices { st[c] += Double(a[r - 1][c]) }
      let x = a[r].map(Double.init)
      let mx = x.reduce(0, +) / Double(x.count), ms = st.reduce(0, +) / Double(st.count)
      var sxy = 0.0, sxx = 0.0, syy = 0.0
      for c in st.indices {
        sxy += (x[c] - mx) * (st[c] - ms)
        sxx += (x[c] - mx) * (x[c] - mx)
        syy += (st[c] - ms) * (st[c] - ms)
      }
      total += sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
    return total / Double(a.count - 1)
  }

  @Test func zeroResidualBranchesMakeBlocksStartAsIdentity() {
    let spec = NetworkSpec.policyValue(
      height: 3, width: 3, planes: 2, blocks: 2, channels: 4, policySize: 5, activation: Activation(.identity))
    var net = PolicyValueNetwork(spec)
    var rng = Xoshiro256(seed: 1)
    net.initialize(InitOptions(.heNormal, zeroResidualBranches: true), rng: &rng)
    var zeros = 0
    net.visitParameters { p in if p.name.hasSuffix("bn2.scale") && p.value.data.allSatisfy({ $0 == 0 }) { zeros += 1 } }
    #expect(zeros == 2)
  }
}
