import CInt8Kernels
import Foundation
import GameCore
import NeuralCore
import Testing

/// The int8 inference path (`Int8Winograd`): its kernels against each other, a quantized
/// convolution against the float one, and quantized networks against their float originals.
@Suite struct QuantizedTests {
  static func random(_ shape: [Int], _ rng: inout Xoshiro256) -> Tensor {
    var t = Tensor(shape: shape)
    for i in 0..<t.count { t.data[i] = Float(rng.normal()) }
    return t
  }

  /// The AVX2 kernel and the portable loop give the same floats on every shape of tiles,
  /// channels (even) and output columns (whole and partial panels), up to the largest inputs
  /// and channel count the kernel takes.
  @Test func kernelsAgree() throws {
    try #require(zl_int8_has_avx2() == 1, "this CPU has no AVX2")
    var rng = Xoshiro256(seed: 3)
    for (tiles, cin2, cout) in [(1, 2, 1), (4, 8, 16), (5, 14, 17), (9, 64, 40), (3, 130, 8), (16, 512, 128)] {
      let panels = (cout + 15) / 16
      let ldv = cin2 + 4, ldm = cout + 3
      // The extremes the kernel is documented for, often enough to add up.
      let v = (0..<(tiles * ldv)).map { _ in rng.below(4) == 0 ? Int16(32767) : Int16(rng.below(65535) - 32767) }
      let w = (0..<(panels * cin2 * 16)).map { _ in rng.below(4) == 0 ? Int8(127) : Int8(rng.below(255) - 127) }
      let scale = (0..<cout).map { _ in Float(rng.unit()) }
      var a = [Float](repeating: .nan, count: tiles * ldm), b = a
      zl_int8_product_portable(v, ldv, w, scale, &a, ldm, Int32(tiles), Int32(cin2), Int32(cout))
      zl_int8_product_avx2(v, ldv, w, scale, &b, ldm, Int32(tiles), Int32(cin2), Int32(cout))
      for t in 0..<tiles {
        for j in 0..<cout { #expect(a[t * ldm + j] == b[t * ldm + j], "\(tiles)x\(cin2)→\(cout) at \(t), \(j)") }
      }
    }
  }

  /// A quantized convolution follows the float one on inputs like its calibration inputs, with
  /// and without bias: the root-mean-square difference at most 2 % of the output's (0.4 to 1.1 %
  /// on these shapes; int8 inputs instead of int16 give about 4 %, F(4x4, 3x3) with int8 inputs
  /// about 75 %).
  @Test(arguments: [(8, 16, 1), (20, 32, 2), (64, 64, 4), (3, 5, 3)])
  func convolutionFollowsFloat(_ shape: (Int, Int, Int)) {
    let (cin, cout, batch) = shape
    var rng = Xoshiro256(seed: UInt64(cin * 7 + cout))
    var conv = Conv2D(cin, cout, kernel: 3, bias: cin % 2 == 1)
    conv.weight.value = Self.random(conv.weight.value.shape, &rng)
    conv.bias.value = Self.random(conv.bias.value.shape, &rng)
    let calibration = Self.random([32, 8, 8, cin], &rng)
    let x = Self.random([batch, 8, 8, cin], &rng)
    let expected = conv.forward(x, training: false)
    var quantized = conv
    quantized.quantize(calibratingOn: calibration)
    #expect(quantized.isQuantized)
    let y = quantized.forward(x, training: false)
    let relative = Self.rmsDifference(y, expected)
    #expect(relative < 0.02, "relative RMS difference \(relative)")
    #expect(relative > 0, "the int8 path ran")
    // Training passes stay in float.
    #expect(quantized.forward(x, training: true).data == conv.forward(x, training: true).data)
  }

  static func rmsDifference(_ a: Tensor, _ b: Tensor) -> Double {
    var diff = 0.0, norm = 0.0
    for i in 0..<a.count {
      diff += pow(Double(a.data[i]) - Double(b.data[i]), 2)
      norm += pow(Double(b.data[i]), 2)
    }
    return (diff / max(norm, 1e-30)).squareRoot()
  }
}
