import Foundation

/// The safetensors format (Hugging Face), Float32 tensors only: an 8-byte little-endian header
/// length `N`, `N` bytes of JSON header, then the raw little-endian tensor data.
///
///     {"__metadata__": {"format": "zerolab", "checksum": "fnv1a64-all:…", …},
///      "block0.conv1.weight": {"dtype": "F32", "shape": [576, 64], "data_offsets": [0, 147456]}, …}
///
/// The metadata maps strings to strings. Writing adds a checksum, `fnv1a64-all:` and 16 hex
/// digits: FNV-1a 64 over the header (with those digits as zeros) and then the data, which
/// reading checks, so a damaged byte anywhere past the length is caught, in a metadata value
/// too. Files written before it have `fnv1a64:` over the data alone, still read; a file with
/// no checksum is refused (a damaged key, or not written by ZeroLab).
/// Files are written atomically through `RunFiles.write`, so a crash never leaves a
/// half-written file. The one reader and writer of ZeroLab's network, checkpoint and NNUE
/// files.
public struct SafetensorsFile: Sendable, Equatable {
  /// A tensor: its shape and its values in row-major order.
  public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]
    public init(shape: [Int], values: [Float]) {
      self.shape = shape
      self.values = values
    }
  }

  public var tensors: [String: Tensor]
  /// Names in file order.
  public var order: [String]
  public var metadata: [String: String]

  /// Writes named tensors and `metadata` (plus the checksum), atomically.
  public static func write(
    _ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String], to path: String
  ) throws(RunFileError) {
    var names = Set<String>()
    for t in tensors {
      guard names.insert(t.name).inserted else { throw RunFileError("duplicate tensor name \(t.name)") }
    }
    var body = Data()
    var header: [String: Any] = [:]
    var offset = 0
    for (name, shape, values) in tensors {
      let bytes = values.count * 4
      header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
      values.withUnsafeBytes { body.append(contentsOf: $0) }
      offset += bytes
    }
    precondition(1.littleEndian == 1, "safetensors files are little-endian, and so must this machine be")
    var meta = metadata
    meta["checksum"] = checksumScheme + String(repeating: "0", count: 16)
    header["__metadata__"] = meta
    var json: Data
    do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
      throw RunFileError("cannot encode the header of \(path): \(error.localizedDescription)")
    }
    while json.count % 8 != 0 { json.append(0x20) }
    guard let digits = checksumDigits(in: json, value: meta["checksum"]!) else {
      throw RunFileError("cannot encode the header of \(path): no checksum field")
    }
    let sum = fnv1a(body, from: fnv1a(json))
    json.replaceSubrange(digits, with: Data(hex16(sum).utf8))
    var file = Data()
    var n = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &n) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(body)
    try RunFiles.write(file, to: path)
  }

  /// Reads and validates a safetensors file. Every problem is one line naming it (tensor
  /// names and metadata it quotes shown with control characters as `?`).
  public static func read(_ path: String) throws(RunFileError) -> SafetensorsFile {
    do {
      return try readChecked(path)
    } catch {
      throw RunFileError(RunFileError.oneLine(error.message))
    }
  }

  static func readChecked(_ path: String) throws(RunFileError) -> SafetensorsFile {
    guard let file = try RunFiles.contents(of: path) else {
      throw RunFileError("\(path): cannot read the file")
    }
    let bytes = [UInt8](file)
    guard bytes.count >= 8 else {
      throw RunFileError("\(path): truncated (\(bytes.count) bytes, no header)")
    }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    // A safetensors header is a JSON object: anything else (a text file, say) is not a checkpoint.
    if bytes.count > 8 && bytes[8] != UInt8(ascii: "{") {
      throw RunFileError("\(path): not a ZeroLab network file (no safetensors header)")
    }
    guard n <= UInt64(bytes.count - 8) else {
      throw RunFileError(
        "\(path): truncated (header says \(n) bytes, file has \(bytes.count - 8) after the length)")
    }
    let headerData = Data(bytes[8..<(8 + Int(n))])
    guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
      throw RunFileError("\(path): corrupted header (not a JSON object)")
    }
    let dataStart = 8 + Int(n)
    let dataCount = bytes.count - dataStart
    var metadata: [String: String] = [:]
    if let meta = header["__metadata__"] {
      guard let m = meta as? [String: String] else {
        throw RunFileError("\(path): corrupted header (__metadata__ must map strings to strings)")
      }
      metadata = m
    }
    var entries: [(String, [Int], Int, Int)] = []
    for (name, value) in header where name != "__metadata__" {
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw RunFileError("\(path): corrupted entry for \(name)") }
      guard dtype == "F32" else { throw RunFileError("\(path): \(name) has dtype \(dtype), expected F32") }
      let (a, b) = (offsets[0], offsets[1])
      guard a >= 0, b >= a, b <= dataCount else {
        throw RunFileError("\(path): truncated (\(name) needs bytes \(a)..<\(b), data has \(dataCount))")
      }
      // The element count, `nil` for a negative size or one past Int (a damaged header).
      let elements = shape.reduce(1 as Int?) { n, d in
        guard let n, d >= 0 else { return nil }
        let (m, overflow) = n.multipliedReportingOverflow(by: d)
        return overflow ? nil : m
      }
      guard let count = elements, count <= (b - a) / 4, count * 4 == b - a else {
        throw RunFileError("\(path): \(name) has shape \(shape) but \(b - a) bytes")
      }
      entries.append((name, shape, a, b))
    }
    entries.sort { $0.2 < $1.2 }
    var expected = 0
    for (name, _, a, b) in entries {
      guard a == expected else {
        throw RunFileError("\(path): corrupted layout at \(name) (gap or overlap)")
      }
      expected = b
    }
    guard expected == dataCount else {
      throw RunFileError("\(path): \(dataCount - expected) stray bytes after the last tensor")
    }
    let body = Data(bytes[dataStart...])
    guard let sum = metadata["checksum"] else {
      throw RunFileError("\(path): no checksum (a damaged header, or not written by ZeroLab)")
    }
    if sum.hasPrefix(checksumScheme) {
      guard let digits = checksumDigits(in: headerData, value: sum) else {
        throw RunFileError("\(path): corrupted header (checksum field)")
      }
      var zeroed = headerData
      zeroed.replaceSubrange(digits, with: Data(repeating: UInt8(ascii: "0"), count: 16))
      guard sum == checksumScheme + hex16(fnv1a(body, from: fnv1a(zeroed))) else {
        throw RunFileError("\(path): corrupted (checksum mismatch)")
      }
    } else if sum.hasPrefix("fnv1a64:") {
      guard sum == "fnv1a64:" + String(fnv1a(body), radix: 16) else {
        throw RunFileError("\(path): corrupted data (checksum mismatch)")
      }
    } else {
      throw RunFileError("\(path): corrupted header (unknown checksum \(sum.prefix(24)))")
    }
    var tensors: [String: Tensor] = [:]
    for (name, shape, a, b) in entries {
      var values = [Float](repeating: 0, count: (b - a) / 4)
      values.withUnsafeMutableBytes { dst in
        bytes.withUnsafeBytes { src in
          dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(dataStart + a)..<(dataStart + b)]))
        }
      }
      tensors[name] = Tensor(shape: shape, values: values)
    }
    return SafetensorsFile(tensors: tensors, order: entries.map(\.0), metadata: metadata)
  }

  /// The checksum of header and data (the older `fnv1a64:` covers the data alone).
  static let checksumScheme = "fnv1a64-all:"

  /// The range of the 16 hex digits of the checksum `value` in the header's JSON bytes.
  static func checksumDigits(in json: Data, value: String) -> Range<Data.Index>? {
    guard value.hasPrefix(checksumScheme), value.utf8.count == checksumScheme.utf8.count + 16,
      let r = json.range(of: Data("\"checksum\":\"\(value)\"".utf8))
    else { return nil }
    return (r.upperBound - 17)..<(r.upperBound - 1)
  }

  /// `v` as 16 lowercase hex digits.
  static func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
  }

  /// FNV-1a, 64-bit, continuing from `h`.
  static func fnv1a(_ data: Data, from start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = start
    for b in data {
      h ^= UInt64(b)
      h &*= 0x100_0000_01b3
    }
    return h
  }
}
