import Chess
import Foundation
import GameCore
import LabKit

/// A dense layer's float weights in the neural core's layout: `y = x·W + b`, `W` is
/// `[inputs][outputs]` (row per input).
public struct DenseWeights: Sendable, Equatable {
  public var inputs: Int
  public var outputs: Int
  public var weight: [Float]
  public var bias: [Float]

  public init(inputs: Int, outputs: Int, weight: [Float], bias: [Float]) {
    self.inputs = inputs
    self.outputs = outputs
    self.weight = weight
    self.bias = bias
  }
}

/// The float NNUE: the reference the trainer produces and the quantised network is checked
/// against. For the side to move `us` and the other side `them`:
///
///     acc_p = b_ft + Σ_{f active for p} W_ft[f]                    (N units per perspective)
///     x     = [act(acc_us) | act(acc_them)]                        (2N)
///     h_k   = crelu(h_{k−1}·W_k + b_k)  for the hidden layers
///     out   = h_last·W_out + b_out,     centipawns = out · scale
///
/// with `act` = crelu `clamp(x, 0, 1)` or screlu `clamp(x, 0, 1)²`.
public struct NNUENetwork: Sendable, Equatable {
  public var spec: NNUESpec
  /// `[features][N]`, a row per feature.
  public var ftWeight: [Float]
  public var ftBias: [Float]
  /// Hidden layers then the output layer (the first has `2N` inputs, the last one output).
  public var layers: [DenseWeights]

  public init(spec: NNUESpec, ftWeight: [Float], ftBias: [Float], layers: [DenseWeights]) {
    self.spec = spec
    self.ftWeight = ftWeight
    self.ftBias = ftBias
    self.layers = layers
  }

  /// A random network (Gaussian weights; for tests and as a quantisation reference). The
  /// trainer initialises through the neural core's initialisers instead.
  public init(spec: NNUESpec, seed: UInt64, ftStd: Double = 0.1, ftBiasMean: Double = 0.2, outStd: Double = 0.3) {
    self.spec = spec
    var rng = Xoshiro256(seed: seed)
    let n = spec.accumulator
    ftWeight = (0..<(spec.layout.featureCount * n)).map { _ in Float(rng.normal() * ftStd) }
    ftBias = (0..<n).map { _ in Float(rng.normal() * ftStd + ftBiasMean) }
    var sizes = [2 * n] + spec.hidden + [1]
    layers = []
    for k in 0..<(sizes.count - 1) {
      let (i, o) = (sizes[k], sizes[k + 1])
      let std = k == sizes.count - 2 && spec.hidden.isEmpty ? outStd : (1 / Double(i)).squareRoot() * 2
      layers.append(
        DenseWeights(
          inputs: i, outputs: o, weight: (0..<(i * o)).map { _ in Float(rng.normal() * std) },
          bias: (0..<o).map { _ in Float(rng.normal() * 0.05) }))
    }
    sizes.removeAll()
  }

  /// The accumulator of one perspective, from scratch.
  public func accumulator(_ p: ChessPosition, perspective side: Side) -> [Float] {
    let n = spec.accumulator
    var a = ftBias
    for f in spec.layout.active(p, perspective: side) {
      for i in 0..<n { a[i] += ftWeight[f * n + i] }
    }
    return a
  }

  /// The evaluation in centipawns for the side to move (float, from scratch).
  public func evaluate(_ p: ChessPosition) -> Float {
    let us = accumulator(p, perspective: p.sideToMove), them = accumulator(p, perspective: p.sideToMove.opponent)
    var x = (us + them).map { v -> Float in
      let c = min(max(v, 0), 1)
      return spec.activation == .screlu ? c * c : c
    }
    for (k, layer) in layers.enumerated() {
      var y = layer.bias
      for i in 0..<layer.inputs where x[i] != 0 {
        for o in 0..<layer.outputs { y[o] += x[i] * layer.weight[i * layer.outputs + o] }
      }
      x = k == layers.count - 1 ? y : y.map { min(max($0, 0), 1) }
    }
    return x[0] * Float(spec.scale)
  }

  /// Checks that the arrays match the spec.
  public func validate() throws(NNUEError) {
    try spec.validate()
    let n = spec.accumulator
    guard ftWeight.count == spec.layout.featureCount * n, ftBias.count == n else {
      throw NNUEError("feature transformer does not match \(spec)")
    }
    let sizes = [2 * n] + spec.hidden + [1]
    guard layers.count == sizes.count - 1 else { throw NNUEError("layer count does not match \(spec)") }
    for (k, l) in layers.enumerated() {
      guard l.inputs == sizes[k], l.outputs == sizes[k + 1], l.weight.count == l.inputs * l.outputs,
        l.bias.count == l.outputs
      else { throw NNUEError("layer \(k) does not match \(spec)") }
    }
  }

  // MARK: Files

  /// Saves the float network as a safetensors file (metadata `format: zerolab-nnue`,
  /// `kind: float`, the spec as JSON), atomically.
  public func save(to path: String, metadata extra: [String: String] = [:]) throws(NNUEError) {
    var tensors: [(name: String, shape: [Int], values: [Float])] = [
      ("ft.weight", [spec.layout.featureCount, spec.accumulator], ftWeight), ("ft.bias", [spec.accumulator], ftBias),
    ]
    for (k, l) in layers.enumerated() {
      tensors.append(("l\(k).weight", [l.inputs, l.outputs], l.weight))
      tensors.append(("l\(k).bias", [l.outputs], l.bias))
    }
    try NNUEFile.write(tensors, kind: "float", spec: spec, metadata: extra, to: path)
  }

  /// Loads a float network saved by `save(to:)`; one-line errors.
  public static func load(_ path: String) throws(NNUEError) -> NNUENetwork {
    try NNUENetwork(try NNUEFile(path))
  }

  /// The float network in a file already read.
  init(_ file: NNUEFile) throws(NNUEError) {
    let path = file.path, spec = file.spec
    guard file.kind == "float" else { throw NNUEError("\(path): a quantised net, not a float one") }
    func t(_ name: String) throws(NNUEError) -> [Float] {
      guard let v = file.contents.tensors[name] else { throw NNUEError("\(path): missing tensor \(name)") }
      return v.values
    }
    var layers: [DenseWeights] = []
    let sizes = [2 * spec.accumulator] + spec.hidden + [1]
    for k in 0..<(sizes.count - 1) {
      layers.append(
        DenseWeights(
          inputs: sizes[k], outputs: sizes[k + 1], weight: try t("l\(k).weight"), bias: try t("l\(k).bias")))
    }
    self.init(spec: spec, ftWeight: try t("ft.weight"), ftBias: try t("ft.bias"), layers: layers)
    do {
      try validate()
    } catch {
      throw NNUEError("\(path): \(error.message)")
    }
  }
}

/// An NNUE file (float or quantised) read through LabKit's safetensors codec, with its
/// metadata checked and its spec parsed; the one reader of both kinds.
struct NNUEFile {
  let path: String
  let contents: SafetensorsFile
  let spec: NNUESpec
  /// `float` or `quantized`.
  var kind: String? { contents.metadata["kind"] }

  init(_ path: String) throws(NNUEError) {
    self.path = path
    do {
      contents = try SafetensorsFile.read(path)
    } catch {
      throw NNUEError(naming: path, error.message)
    }
    guard contents.metadata["format"] == "zerolab-nnue", let text = contents.metadata["spec"] else {
      throw NNUEError("\(path): not a ZeroLab NNUE file")
    }
    do {
      spec = try JSONDecoder().decode(NNUESpec.self, from: Data(text.utf8))
    } catch {
      throw NNUEError("\(path): unreadable NNUE spec")
    }
    try spec.validate()
  }

  /// Writes `tensors` with the metadata every NNUE file carries (`format`, `kind`, `spec`) and
  /// `extra`, atomically.
  static func write(
    _ tensors: [(name: String, shape: [Int], values: [Float])], kind: String, spec: NNUESpec,
    metadata extra: [String: String], to path: String
  ) throws(NNUEError) {
    var meta = extra
    meta["format"] = "zerolab-nnue"
    meta["kind"] = kind
    if kind == "quantized" {
      meta["qa"] = "\(QuantizedNNUE.qa)"
      meta["qb"] = "\(QuantizedNNUE.qb)"
    }
    do {
      meta["spec"] = try NNUESpec.json(spec)
      try SafetensorsFile.write(tensors, metadata: meta, to: path)
    } catch let e as RunFileError {
      throw NNUEError(e.message)
    } catch {
      throw NNUEError("\(path): cannot encode the NNUE spec")
    }
  }
}
