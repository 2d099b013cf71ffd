import Foundation
import LabKit

/// Checkpoints: a network's values in a safetensors file (LabKit's `SafetensorsFile`, which
/// reads, writes atomically and checksums the format), with the network spec in the metadata:
///
///     {"__metadata__": {"format": "zerolab", "spec": "<NetworkSpec JSON>", "checksum": "fnv1a64-all:…", …},
///      "block0.conv1.weight": {"dtype": "F32", "shape": [576, 64], "data_offsets": [0, 147456]}, …}
///
/// Every learnable parameter and every BatchNorm running statistic is stored under its
/// dotted name. A training checkpoint also holds an optimizer's state, in the one scheme of
/// `Optimizer.stateTensors`: tensors `optimizer.first.K` / `optimizer.second.K` and metadata
/// `optimizer.*`, next to the network's values or in a file of their own.
public enum Checkpoint {
  /// The contents of a checkpoint file.
  public struct Contents: Sendable {
    public var tensors: [String: Tensor]
    /// Names in file order.
    public var order: [String]
    public var metadata: [String: String]
  }

  /// Saves every parameter and buffer of `model`, with `spec` and `metadata`, and the state of
  /// `optimizer` when one is given (a training checkpoint in one file).
  public static func save<L: Layer>(
    _ model: inout L, spec: NetworkSpec?, optimizer: Optimizer? = nil, metadata: [String: String] = [:],
    to path: String
  ) throws {
    var named: [(String, [Int], [Float])] = []
    model.visitParameters { p in named.append((p.name, p.value.shape, p.value.data)) }
    model.visitBuffers { name, values in named.append((name, [values.count], values)) }
    var meta = metadata
    meta["format"] = "zerolab"
    if let spec {
      // Keys sorted: the same network always gives the same bytes.
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let data = try encoder.encode(spec)
      meta["spec"] = String(decoding: data, as: UTF8.self)
    }
    if let optimizer {
      named += optimizer.stateTensors
      meta.merge(optimizer.stateMetadata) { _, new in new }
    }
    try write(named, metadata: meta, to: path)
  }

  /// Saves the state of `optimizer` alone (for a checkpoint that keeps it next to the network).
  public static func save(_ optimizer: Optimizer, metadata: [String: String] = [:], to path: String) throws {
    var meta = metadata
    meta["format"] = "zerolab"
    meta.merge(optimizer.stateMetadata) { _, new in new }
    try write(optimizer.stateTensors, metadata: meta, to: path)
  }

  static func write(
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
  /// and buffer names and shapes (an optimizer's state in the file is not the network's); the
  /// first difference is reported and nothing is changed.
  @discardableResult
  public static func load<L: Layer>(into model: inout L, from path: String) throws(NeuralError) -> Contents {
    let contents = try read(path)
    try check(contents, against: &model, path: path)
    assign(contents, to: &model)
    return contents
  }

  /// Loads a training checkpoint saved with an optimizer: the network's values into `model`
  /// and the optimizer's state into `optimizer`; nothing is changed unless both fit.
  @discardableResult
  public static func load<L: Layer>(
    into model: inout L, optimizer: inout Optimizer, from path: String
  ) throws(NeuralError) -> Contents {
    let contents = try read(path)
    let state = try Optimizer.State(contents, for: &model, method: optimizer.method, path: path)
    try check(contents, against: &model, path: path)
    assign(contents, to: &model)
    optimizer.restore(state)
    return contents
  }

  /// Restores `optimizer` from a file saved by `save(_:metadata:to:)`, checked against the
  /// parameters of `model`; nothing is changed on an error.
  public static func load<L: Layer>(
    _ optimizer: inout Optimizer, for model: inout L, from path: String
  ) throws(NeuralError) {
    let contents = try read(path)
    optimizer.restore(try Optimizer.State(contents, for: &model, method: optimizer.method, path: path))
  }

  /// The first way `contents` does not fit `model`, as an error.
  static func check<L: Layer>(_ contents: Contents, against model: inout L, path: String) throws(NeuralError) {
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
      } else if let bound = p.lowerBound, let low = t.data.min(), low < bound {
        problem = "checkpoint \(path): \(p.name) has \(low), below its least value \(bound)"
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
    let stored = contents.tensors.keys.filter { !$0.hasPrefix(Optimizer.State.prefix) }.count
    guard wanted == stored else {
      throw NeuralError("checkpoint \(path) has \(stored) tensors, network expects \(wanted)")
    }
  }

  static func assign<L: Layer>(_ contents: Contents, to model: inout L) {
    model.visitParameters { p in p.value = contents.tensors[p.name]! }
    model.visitBuffers { name, values in values = contents.tensors[name]!.data }
  }
}
