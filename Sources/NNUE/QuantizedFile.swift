import Foundation
import LabKit

// Quantised networks on disk: safetensors files with `kind: quantized` (the integers
// exactly); a float file is quantised on loading.

extension QuantizedNNUE {
  /// Saves the quantised network (the integers, exactly, in a safetensors file with
  /// `kind: quantized`), atomically. Loading it back gives identical evaluations.
  public func save(to path: String, metadata extra: [String: String] = [:]) throws(NNUEError) {
    var tensors: [(name: String, shape: [Int], values: [Float])] = [
      ("ft.weight", [featureCount, n], (0..<(featureCount * n)).map { Float(ftWeight[$0]) }),
      ("ft.bias", [n], (0..<n).map { Float(ftBias[$0]) }),
      ("l0.weight", [l1Outputs, 2 * n], (0..<(l1Outputs * 2 * n)).map { Float(l1Weight[$0]) }),
      ("l0.bias", [l1Outputs], l1Bias.map { Float($0) }),
    ]
    for (k, l) in rest.enumerated() {
      tensors.append(("l\(k + 1).weight", [l.inputs, l.outputs], l.weight))
      tensors.append(("l\(k + 1).bias", [l.outputs], l.bias))
    }
    try NNUEFile.write(tensors, kind: "quantized", spec: spec, metadata: extra, to: path)
  }

  /// Loads a network file for the search: a quantised file as is, a float one quantised on
  /// loading. One-line errors (missing, truncated, corrupted, wrong shapes).
  public static func load(_ path: String) throws(NNUEError) -> QuantizedNNUE {
    let file = try NNUEFile(path)
    let c = file.contents, spec = file.spec
    if file.kind == "float" { return QuantizedNNUE(try NNUENetwork(file)) }
    guard file.kind == "quantized", c.metadata["qa"] == "\(qa)", c.metadata["qb"] == "\(qb)" else {
      throw NNUEError("\(path): unknown NNUE kind or quantisation constants")
    }
    func t(_ name: String, _ count: Int) throws(NNUEError) -> [Float] {
      guard let v = c.tensors[name], v.values.count == count else {
        throw NNUEError("\(path): tensor \(name) is missing or does not match \(spec)")
      }
      return v.values
    }
    let n = spec.accumulator
    let sizes = [2 * n] + spec.hidden + [1]
    let ft = try t("ft.weight", spec.layout.featureCount * n)
    guard ft.allSatisfy({ abs($0) <= 32767 && $0 == $0.rounded() }) else {
      throw NNUEError("\(path): feature weights are not int16 values")
    }
    var rest: [DenseWeights] = []
    for k in 1..<(sizes.count - 1) {
      rest.append(
        DenseWeights(
          inputs: sizes[k], outputs: sizes[k + 1], weight: try t("l\(k).weight", sizes[k] * sizes[k + 1]),
          bias: try t("l\(k).bias", sizes[k + 1])))
    }
    return QuantizedNNUE(
      spec: spec, ft: ft, ftBias: try t("ft.bias", n), l1: try t("l0.weight", sizes[1] * 2 * n),
      l1Bias: try t("l0.bias", sizes[1]), rest: rest)
  }
}
