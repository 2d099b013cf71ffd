import GameCore
import NeuralCore
import Testing

@Suite struct TensorBufferTests {
  @Test func resizeReusesStorageThatFits() {
    let b = TensorBuffer(Shape(4, 8))
    let start = b.pointer
    b.resize(Shape(2, 8))
    #expect(b.pointer == start && b.count == 16 && b.shape == Shape(2, 8))
    b.resize(Shape(4, 2, 2, 2))
    #expect(b.pointer == start && b.count == 32 && b.shape.rank == 4)
    b.resize(Shape(5, 8))
    #expect(b.count == 40)
    #expect(b.elements.allSatisfy { $0 == 0 })
  }

  @Test func viewSharesElementsUnderAnotherShape() {
    let a = TensorBuffer(Tensor(shape: [2, 2, 3, 1], data: (0..<12).map(Float.init)))
    let v = TensorBuffer()
    v.view(of: a, as: Shape(2, 6))
    #expect(v.shape == Shape(2, 6) && v.pointer == a.pointer)
    a[7] = 70
    #expect(v[7] == 70)
    v.resize(Shape(3))
    #expect(v.pointer != a.pointer)
  }

  @Test func shapeHoldsUpToFourAxes() {
    #expect(Shape([3, 4, 5]).array == [3, 4, 5])
    #expect(Shape(3, 4, 5).elementCount == 60)
    #expect(Shape(3, 4, 5).itemCount == 20)
    #expect(Shape(2, 7).replacingLast(3) == Shape(2, 3))
    #expect(Shape(2, 7) != Shape(2, 7, 1))
  }

  static func smallNetwork(seed: UInt64) -> PolicyValueNetwork {
    var net = PolicyValueNetwork(
      .policyValue(
        height: 4, width: 4, planes: 3, blocks: 2, channels: 8, policySize: 20, activation: Activation(.relu),
        valueHidden: 8, squeezeExcitation: 2))
    var rng = Xoshiro256(seed: seed)
    net.initialize(InitOptions(.heNormal), rng: &rng)
    return net
  }

  static func input(batch: Int, seed: UInt64) -> TensorBuffer {
    var rng = Xoshiro256(seed: seed)
    let x = TensorBuffer(Shape(batch, 4, 4, 3))
    for i in 0..<x.count { x[i] = Float(rng.normal()) }
    return x
  }

  /// After the first step, every buffer a training step writes is the one it wrote before:
  /// the same objects at the same addresses (nothing is reallocated or copied).
  @Test func trainingStepsReuseTheirBuffers() {
    var net = Self.smallNetwork(seed: 3)
    let x = Self.input(batch: 6, seed: 4)
    let targets = TensorBuffer(Shape(6, 20)), values = TensorBuffer(Shape(6, 1))
    for b in 0..<6 { targets[b * 20 + b] = 1 }
    let dp = TensorBuffer(), dv = TensorBuffer()
    var opt = Optimizer.adam(1e-2)
    var seen: [(UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)] = []
    var losses: [Float] = []
    for _ in 0..<3 {
      net.zeroGradients()
      let out = net.evaluate(x, training: true)
      let loss =
        Loss.softmaxCrossEntropy(logits: out.policy, targets: targets, gradient: dp)
        + Loss.meanSquaredError(out.value, targets: values, gradient: dv)
      let dx = net.backward(policy: dp, value: dv)
      opt.update(&net)
      seen.append((out.policy.pointer, out.value.pointer, dx.pointer))
      losses.append(loss)
    }
    #expect(seen[1] == seen[0] && seen[2] == seen[0])
    #expect(losses[2] < losses[0])
  }

  /// A copy of a network gets buffers of its own: running it leaves the original's outputs
  /// alone, and both compute the same function.
  @Test func copiesOfANetworkNeverShareBuffers() {
    var a = Self.smallNetwork(seed: 5)
    let x1 = Self.input(batch: 3, seed: 6), x2 = Self.input(batch: 3, seed: 7)
    let outA = a.evaluate(x1, training: false)
    let kept = outA.policy.tensor
    var b = a
    let outB = b.evaluate(x2, training: false)
    #expect(outA.policy.tensor == kept)
    #expect(outB.policy !== outA.policy)
    let again = a.evaluate(x2, training: false)
    #expect(again.policy.tensor == outB.policy.tensor)
    #expect(again.value.tensor == outB.value.tensor)
  }

  /// The value-semantics overloads give the same numbers as the buffer path.
  @Test func tensorOverloadsMatchTheBufferPath() {
    var net = Self.smallNetwork(seed: 8)
    let x = Self.input(batch: 2, seed: 9)
    let byValue = net.evaluate(x.tensor, training: false)
    let byBuffer = net.evaluate(x, training: false)
    #expect(byValue.policy == byBuffer.policy.tensor)
    #expect(byValue.value == byBuffer.value.tensor)
  }
}

@Suite struct BLASTests {
  /// GEMMs on both sides of `BLAS.parallelWork` (one thread below it, the set count above)
  /// against a plain triple loop in Double.
  @Test(arguments: [(8, 16, 4), (64, 576, 64), (512, 96, 96)])
  func gemmMatchesALoopOnEitherSideOfTheThreadThreshold(m: Int, k: Int, n: Int) {
    var rng = Xoshiro256(seed: UInt64(m * 7 + k))
    let a = (0..<(m * k)).map { _ in Float(rng.normal()) }, b = (0..<(k * n)).map { _ in Float(rng.normal()) }
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          BLAS.gemm(
            ap.baseAddress!, transposeA: false, bp.baseAddress!, transposeB: false, cp.baseAddress!, m: m, n: n, k: k)
        }
      }
    }
    var worst = 0.0
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for l in 0..<k { s += Double(a[i * k + l]) * Double(b[l * n + j]) }
        worst = max(worst, abs(s - Double(c[i * n + j])) / max(1, abs(s)))
      }
    }
    #expect(worst < 1e-4)
    #expect(BLAS.threads >= 1)
  }

  /// Every transpose combination, one row (the matrix-vector path) and several, row strides
  /// wider than the matrices, `alpha` and `beta`, against a loop in Double.
  @Test(arguments: [1, 3], [false, true])
  func gemmOptions(m: Int, transposeA: Bool) {
    var rng = Xoshiro256(seed: UInt64(m * 13 + (transposeA ? 1 : 0)))
    let (k, n) = (7, 5)
    for transposeB in [false, true] {
      let (ra, ca) = transposeA ? (k, m) : (m, k), (rb, cb) = transposeB ? (n, k) : (k, n)
      let (lda, ldb, ldc) = (ca + 2, cb + 3, n + 1)
      let a = (0..<(ra * lda)).map { _ in Float(rng.normal()) }, b = (0..<(rb * ldb)).map { _ in Float(rng.normal()) }
      let c0 = (0..<(m * ldc)).map { _ in Float(rng.normal()) }
      var c = c0
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            BLAS.gemm(
              ap.baseAddress!, transposeA: transposeA, bp.baseAddress!, transposeB: transposeB, cp.baseAddress!,
              m: m, n: n, k: k, alpha: 0.5, beta: 1, lda: lda, ldb: ldb, ldc: ldc)
          }
        }
      }
      var worst = 0.0
      for i in 0..<m {
        for j in 0..<n {
          var s = 0.0
          for l in 0..<k {
            let x = transposeA ? a[l * lda + i] : a[i * lda + l]
            let y = transposeB ? b[j * ldb + l] : b[l * ldb + j]
            s += Double(x) * Double(y)
          }
          let want = 0.5 * s + Double(c0[i * ldc + j])
          worst = max(worst, abs(want - Double(c[i * ldc + j])) / max(1, abs(want)))
        }
        // The padding past each row of C is left alone.
        #expect(c[i * ldc + n] == c0[i * ldc + n])
      }
      #expect(worst < 1e-5, "transposeA \(transposeA), transposeB \(transposeB)")
    }
  }
}
