import Foundation
import LabKit

/// Checkpoints: a network's values in a safetensors file (LabKit's `SafetensorsFile`, which
/// reads, writes atomically and checksums the format), with the network spec in the metadata:
///
///     {"__metadata__": {"format": "zerolab", "spec": "<NetworkSpec JSON>", "checksum": "fnv1a64:…", …},
///      "block0.conv1.weight": {"dtype": "F32", "shape": [576, 64], "data_offsets": [0, 147456]}, …}
///
/// Every learnable parameter and every BatchNorm running statistic is stored under its
/// dotted name.
public enum Checkpoint {
  /// The contents of a checkpoint file.
  public struct Contents: Sendable {
    public var tensors: [String: Tensor]
    /// Names in file order.
    public var order: [String]
    public var metadata: [String: String]
  }

  /// Saves every parameter and buffer of `model`, with `spec` and `metadata`.
  public static func save<L: Layer>(
    _ model: inout L, spec: NetworkSpec?, metadata: [String: String] = [:], to path: String
  ) throws {
    var named: [(String, [Int], [Float])] = []
    model.visitParameters { p in named.append((p.name, p.value.shape, p.value.data)) }
    model.visitBuffers { name, values in named.append((name, [values.count], values)) }
    var meta = metadata
    meta["format"] = "zerolab"
    if let spec {
      let data = try JSONEncoder().encode(spec)
      meta["spec"] = String(decoding: data, as: UTF8.self)
    }
    try write(named, metadata: meta, to: path)
  }

  /// Writes named tensors as safetensors (atomically).
  public static func write(
    _ tensors: [(String, [Int], [Float])], metadata: [String: String], to path: String
  ) throws(NeuralError) {
    do {
      try SafetensorsFile.write(tensors.map { ($0.0, $0.1, $0.2) }, metadata: metadata, to: path)
    } catch {
      throw NeuralError("checkpoint: \(error.message)")
    }
  }

  /// Reads and validates a checkpoint file. Every problem is one line naming it.
  public static func read(_ path: String) throws(NeuralError) -> Contents {
    let file: SafetensorsFile
    do {
      file = try SafetensorsFile.read(path)
    } catch {
      throw NeuralError(error.message)
    }
    var tensors: [String: Tensor] = [:]
    for (name, t) in file.tensors { tensors[name] = Tensor(shape: t.shape, data: t.values) }
    return Contents(tensors: tensors, order: file.order, metadata: file.metadata)
  }

  /// The network spec stored in a checkpoint.
  public static func spec(in contents: Contents) throws(NeuralError) -> NetworkSpec {
    guard let text = contents.metadata["spec"] else { throw NeuralError("checkpoint has no network spec") }
    guard let spec = try? JSONDecoder().decode(NetworkSpec.self, from: Data(text.utf8)) else {
      throw NeuralError("checkpoint has an unreadable network spec")
    }
    return spec
  }

  /// Loads a checkpoint's values into `model`, which must have exactly the same parameter
  /// and buffer names and shapes; the first difference is reported and nothing is changed.
  @discardableResult
  public static func load<L: Layer>(into model: inout L, from path: String) throws(NeuralError) -> Contents {
    let contents = try read(path)
    var problem: String?
    var wanted = 0
    model.visitParameters { p in
      wanted += 1
      guard problem == nil else { return }
      guard let t = contents.tensors[p.name] else {
        problem = "checkpoint \(path) has no \(p.name)"
        return
      }
      if t.shape != p.value.shape {
        problem = "checkpoint \(path): \(p.name) is \(t.shape), network expects \(p.value.shape)"
      }
    }
    model.visitBuffers { name, values in
      wanted += 1
      guard problem == nil else { return }
      guard let t = contents.tensors[name] else {
        problem = "checkpoint \(path) has no \(name)"
        return
      }
      if t.count != values.count {
        problem = "checkpoint \(path): \(name) has \(t.count) values, network expects \(values.count)"
      }
    }
    if let problem { throw NeuralError(problem) }
    guard wanted == contents.tensors.count else {
      throw NeuralError("checkpoint \(path) has \(contents.tensors.count) tensors, network expects \(wanted)")
    }
    model.visitParameters { p in p.value = contents.tensors[p.name]! }
    model.visitBuffers { name, values in values = contents.tensors[name]!.data }
    return contents
  }
}
