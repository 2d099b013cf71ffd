import Foundation
import LabKit

/// Checkpoints in the safetensors format (Hugging Face): an 8-byte little-endian header
/// length `N`, `N` bytes of JSON header, then the raw little-endian tensor data.
///
///     {"__metadata__": {"format": "zerolab", "spec": "<NetworkSpec JSON>", "checksum": "fnv1a64:…", …},
///      "block0.conv1.weight": {"dtype": "F32", "shape": [576, 64], "data_offsets": [0, 147456]}, …}
///
/// Every learnable parameter and every BatchNorm running statistic is stored under its
/// dotted name. The checksum (FNV-1a 64 over the data section) catches corruption that the
/// format itself cannot. Saving writes a temporary file in the same folder and renames it
/// over the target, so a crash never leaves a half-written checkpoint.
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
  public static func write(_ tensors: [(String, [Int], [Float])], metadata: [String: String], to path: String) throws {
    var names = Set<String>()
    for (n, _, _) in tensors {
      guard names.insert(n).inserted else { throw NeuralError("checkpoint: duplicate tensor name \(n)") }
    }
    var body = Data()
    var header: [String: Any] = [:]
    var offset = 0
    for (name, shape, values) in tensors {
      let bytes = values.count * 4
      header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
      values.withUnsafeBufferPointer { p in
        // Stored little-endian; this machine is little-endian (checked below).
        body.append(
          UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self), count: bytes)
        )
      }
      offset += bytes
    }
    precondition(1.littleEndian == 1, "ZeroLab checkpoints assume a little-endian machine")
    var meta = metadata
    meta["checksum"] = "fnv1a64:" + String(fnv1a(body), radix: 16)
    header["__metadata__"] = meta
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var file = Data()
    var n = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &n) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(body)
    do { try RunFiles.write(file, to: path) } catch { throw NeuralError("checkpoint: \(error.message)") }
  }

  /// Reads and validates a safetensors file. Every problem is one line naming it.
  public static func read(_ path: String) throws(NeuralError) -> Contents {
    guard let file = FileManager.default.contents(atPath: path) else {
      throw NeuralError("checkpoint \(path): cannot read the file")
    }
    let bytes = [UInt8](file)
    guard bytes.count >= 8 else { throw NeuralError("checkpoint \(path): truncated (\(bytes.count) bytes, no header)") }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    // A safetensors header is a JSON object: anything else (a text file, say) is not a checkpoint.
    if bytes.count > 8 && bytes[8] != UInt8(ascii: "{") {
      throw NeuralError("\(path): not a ZeroLab network file (no safetensors header)")
    }
    guard n <= UInt64(bytes.count - 8) else {
      throw NeuralError(
        "checkpoint \(path): truncated (header says \(n) bytes, file has \(bytes.count - 8) after the length)")
    }
    let headerData = Data(bytes[8..<(8 + Int(n))])
    guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
      throw NeuralError("checkpoint \(path): corrupted header (not a JSON object)")
    }
    let dataStart = 8 + Int(n)
    let dataCount = bytes.count - dataStart
    var metadata: [String: String] = [:]
    if let meta = header["__metadata__"] {
      guard let m = meta as? [String: String] else {
        throw NeuralError("checkpoint \(path): corrupted header (__metadata__ must map strings to strings)")
      }
      metadata = m
    }
    var entries: [(String, [Int], Int, Int)] = []
    for (name, value) in header where name != "__metadata__" {
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw NeuralError("checkpoint \(path): corrupted entry for \(name)") }
      guard dtype == "F32" else { throw NeuralError("checkpoint \(path): \(name) has dtype \(dtype), expected F32") }
      let (a, b) = (offsets[0], offsets[1])
      guard a >= 0, b >= a, b <= dataCount else {
        throw NeuralError("checkpoint \(path): truncated (\(name) needs bytes \(a)..<\(b), data has \(dataCount))")
      }
      guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) * 4 == b - a else {
        throw NeuralError("checkpoint \(path): \(name) has shape \(shape) but \(b - a) bytes")
      }
      entries.append((name, shape, a, b))
    }
    entries.sort { $0.2 < $1.2 }
    var expected = 0
    for (name, _, a, b) in entries {
      guard a == expected else { throw NeuralError("checkpoint \(path): corrupted layout at \(name) (gap or overlap)") }
      expected = b
    }
    guard expected == dataCount else {
      throw NeuralError("checkpoint \(path): \(dataCount - expected) stray bytes after the last tensor")
    }
    let body = Data(bytes[dataStart...])
    if let sum = metadata["checksum"], sum != "fnv1a64:" + String(fnv1a(body), radix: 16) {
      throw NeuralError("checkpoint \(path): corrupted data (checksum mismatch)")
    }
    var tensors: [String: Tensor] = [:]
    for (name, shape, a, b) in entries {
      var values = [Float](repeating: 0, count: (b - a) / 4)
      values.withUnsafeMutableBytes { dst in
        bytes.withUnsafeBytes { src in
          dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(dataStart + a)..<(dataStart + b)]))
        }
      }
      tensors[name] = Tensor(shape: shape, data: values)
    }
    return Contents(tensors: tensors, order: entries.map(\.0), metadata: metadata)
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

  /// FNV-1a, 64-bit.
  static func fnv1a(_ data: Data) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in data {
      h ^= UInt64(b)
      h &*= 0x100_0000_01b3
    }
    return h
  }
}
