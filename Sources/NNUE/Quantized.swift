import Chess
import Foundation
import GameCore

/// The quantised network the search runs (the reference's bullet-style constants):
///
/// - feature transformer: `int16` weights and biases, `round(x·QA)`, `QA = 255`, clipped to
///   ±1.98 before rounding so 32 active features cannot overflow an `int16` accumulator;
/// - first layer after the transformer (the output layer when there are no hidden layers):
///   `int16` weights `round(w·QB)`, `QB = 64`, `int32` bias `round(b·QA·QB)`;
///   with `act_q(a) = clamp(a, 0, QA)` (crelu) or `clamp(a, 0, QA)²` (screlu)
///
///       z = Σ act_q(acc)·W_q  [÷ QA for screlu]  + b_q          (units of 1/(QA·QB))
///
/// - no hidden layers: centipawns = `z · scale / (QA·QB)` in integers (the reference's
///   `(sum/QA + b)·SCALE/(QA·QB)`);
/// - hidden layers: `z/(QA·QB)` goes through clipped ReLU and the remaining small layers in
///   float (they cost a few hundred multiply-adds; the transformer is the expensive part).
///
/// Inner loops are written as plain loops over raw pointers that the compiler vectorises
/// (SSE2 by default; AVX2 or AVX-512 when the package is built for the host CPU, see
/// `Package.swift`); on AVX-512 hosts the fused update-and-evaluate step is written in
/// intrinsics instead (`KernelsAVX512.swift`).
/// Immutable after `init`, so one instance is shared by every searcher.
///
/// This file holds the integers and the quantisation of a float network; the rest is split
/// by concern: `DirtyPieces.swift` (what a move changes), `QuantizedAccumulator.swift`
/// (refresh and update of the transformer's accumulators), `QuantizedOutput.swift` (the
/// output layer, the fused update-and-evaluate step, the hidden layers), `QuantizedFile.swift`
/// (save and load), `Kernels.swift` and `KernelsAVX512.swift` (the inner loops).
public final class QuantizedNNUE: @unchecked Sendable {
  public static let qa: Int32 = 255
  public static let qb: Int32 = 64
  /// The largest float weight magnitude that survives quantisation.
  public static let clip: Float = 1.98

  public let spec: NNUESpec
  /// Accumulator units per perspective.
  public let n: Int
  /// `[features][n]`.
  public let ftWeight: UnsafeMutablePointer<Int16>
  public let ftBias: UnsafeMutablePointer<Int16>
  /// Units of the first layer after the transformer.
  public let l1Outputs: Int
  /// `[l1Outputs][2n]`, a row per output unit (stm half first).
  public let l1Weight: UnsafeMutablePointer<Int16>
  public let l1Bias: [Int32]
  /// Float layers after the first (hidden nets only).
  public let rest: [DenseWeights]
  // Scalars the hot paths read (reading them from `spec` would copy its array).
  public let layout: InputLayout
  public let screlu: Bool
  public let hasHidden: Bool
  public let outputBias: Int64
  public let outputScale: Int64

  static func allocate(_ count: Int) -> UnsafeMutablePointer<Int16> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 2, alignment: 64)
    return raw.bindMemory(to: Int16.self, capacity: max(count, 1))
  }

  /// Quantises a float network.
  public init(_ f: NNUENetwork) {
    spec = f.spec
    n = f.spec.accumulator
    let qa = Float(QuantizedNNUE.qa), qb = Float(QuantizedNNUE.qb)
    func q(_ x: Float, _ s: Float) -> Int16 {
      Int16((min(max(x, -QuantizedNNUE.clip), QuantizedNNUE.clip) * s).rounded())
    }
    ftWeight = QuantizedNNUE.allocate(f.ftWeight.count)
    for i in 0..<f.ftWeight.count { ftWeight[i] = q(f.ftWeight[i], qa) }
    ftBias = QuantizedNNUE.allocate(n)
    for i in 0..<n { ftBias[i] = q(f.ftBias[i], qa) }
    let first = f.layers[0]
    l1Outputs = first.outputs
    l1Weight = QuantizedNNUE.allocate(first.outputs * first.inputs)
    for o in 0..<first.outputs {
      for i in 0..<first.inputs { l1Weight[o * first.inputs + i] = q(first.weight[i * first.outputs + o], qb) }
    }
    l1Bias = first.bias.map { Int32(($0 * qa * qb).rounded()) }
    rest = Array(f.layers.dropFirst())
    layout = spec.layout
    screlu = spec.activation == .screlu
    hasHidden = !rest.isEmpty
    outputBias = Int64(l1Bias[0])
    outputScale = Int64(spec.scale)
  }

  /// Rebuilds from stored integer arrays (a quantised file).
  init(spec: NNUESpec, ft: [Float], ftBias fb: [Float], l1: [Float], l1Bias b: [Float], rest: [DenseWeights]) {
    self.spec = spec
    n = spec.accumulator
    ftWeight = QuantizedNNUE.allocate(ft.count)
    for i in 0..<ft.count { ftWeight[i] = Int16(ft[i]) }
    ftBias = QuantizedNNUE.allocate(n)
    for i in 0..<n { ftBias[i] = Int16(fb[i]) }
    l1Outputs = b.count
    l1Weight = QuantizedNNUE.allocate(l1.count)
    for i in 0..<l1.count { l1Weight[i] = Int16(l1[i]) }
    l1Bias = b.map { Int32($0) }
    self.rest = rest
    layout = spec.layout
    screlu = spec.activation == .screlu
    hasHidden = !rest.isEmpty
    outputBias = Int64(l1Bias[0])
    outputScale = Int64(spec.scale)
  }

  deinit {
    ftWeight.deallocate()
    ftBias.deallocate()
    l1Weight.deallocate()
  }

  /// Features per perspective.
  public var featureCount: Int { spec.layout.featureCount }
}
