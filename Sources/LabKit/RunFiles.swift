import Foundation
import GameCore

/// A failure reading or writing a run folder's files: one line naming the file.
public struct RunFileError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}

/// The files of a run folder, written so that a kill at any moment leaves either the old file
/// or the new one, never a half-written one. JSON keys are snake_case everywhere
/// (`positions_seen`, `validation_loss`), and object keys are sorted, so files diff cleanly.
public enum RunFiles {
  /// Writes `data` to a temporary file next to `path` (folders are made), flushes it to disk
  /// and renames it over `path`.
  public static func write(_ data: Data, to path: String) throws(RunFileError) {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    // Unique per call, so two threads (or processes) writing the same file never share one.
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
        throw RunFileError("cannot create \(tmp.path)")
      }
      let handle = try FileHandle(forWritingTo: tmp)
      defer { try? handle.close() }
      try handle.write(contentsOf: data)
      try handle.synchronize()
    } catch let e as RunFileError {
      throw e
    } catch {
      try? FileManager.default.removeItem(at: tmp)
      throw RunFileError("cannot write \(path): \(error.localizedDescription)")
    }
    guard rename(tmp.path, path) == 0 else {
      try? FileManager.default.removeItem(at: tmp)
      throw RunFileError("cannot rename \(tmp.path) to \(path)")
    }
  }

  /// Writes `text` as UTF-8, atomically.
  public static func write(text: String, to path: String) throws(RunFileError) {
    try write(Data(text.utf8), to: path)
  }

  /// The JSON encoder of run folders: snake_case keys, sorted.
  public static func encoder(pretty: Bool = false) -> JSONEncoder {
    let e = JSONEncoder()
    e.keyEncodingStrategy = .convertToSnakeCase
    e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    return e
  }

  /// The JSON decoder of run folders (snake_case keys).
  public static func decoder() -> JSONDecoder {
    let d = JSONDecoder()
    d.keyDecodingStrategy = .convertFromSnakeCase
    return d
  }

  /// `value` as pretty-printed JSON with its checksum (`sealing`), atomically. The value must
  /// encode as an object with members: a list, a bare value or an empty object could carry no
  /// checksum, and is refused (nothing is written).
  public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws(RunFileError) {
    let data: Data
    do { data = try encoder(pretty: true).encode(value) } catch {
      throw RunFileError("cannot encode \(path): \(error.localizedDescription)")
    }
    let sealed = sealing(data)
    guard sealed != data else {
      throw RunFileError("cannot write \(path): a \(T.self) is not a JSON object with members, so it has no checksum")
    }
    try write(sealed, to: path)
  }

  // MARK: Checksummed JSON

  /// `json`, an encoded JSON object, with a checksum as its first member:
  /// `{"checksum":"fnv1a64:<16 hex digits>",…}` (pretty-printed: `"checksum" : …`). The
  /// checksum is `checksum(_:)` of the object without that member, that is, of the text with
  /// everything from after the opening `{` to the end of the member's comma taken out, so a
  /// reader can check it without decoding. Any JSON reader sees one more string member. An
  /// empty object, or text that is not an object, is returned as it is.
  public static func sealing(_ json: Data) -> Data {
    let b = [UInt8](json)
    guard b.first == UInt8(ascii: "{") else { return json }
    var i = 1
    while i < b.count, isJSONSpace(b[i]) { i += 1 }
    guard i < b.count, b[i] != UInt8(ascii: "}") else { return json }
    let space = b[1..<i]
    var out = [UInt8(ascii: "{")] + space
    out += Array("\"checksum\"\(space.isEmpty ? ":" : " : ")\"\(checksum(json))\",".utf8)
    out += space
    out += b[i...]
    return Data(out)
  }

  /// What `unsealing` found wrong in a file or line.
  public enum SealProblem: Error, Equatable {
    /// The checksum member is there but malformed, or the text of one is found elsewhere.
    case damagedChecksum
    /// The checksum does not match the rest.
    case mismatch
  }

  /// The JSON object of `data` without its checksum member, after checking it (`sealing`).
  /// Text without any checksum (written before checksums, or not an object) is returned as
  /// it is, for the decoder to judge; text holding a damaged checksum member is not.
  public static func unsealing(_ data: Data) -> Result<Data, SealProblem> {
    let b = [UInt8](data)
    let key = Array("\"checksum\"".utf8), scheme = Array("\"fnv1a64:".utf8)
    var i = 1
    while i < b.count, isJSONSpace(b[i]) { i += 1 }
    guard b.first == UInt8(ascii: "{"), b.count >= i + key.count, Array(b[i..<(i + key.count)]) == key else {
      // No checksum member first: an unsealed text, unless the member is there, damaged.
      if data.range(of: Data(key)) != nil || data.range(of: Data("fnv1a64:".utf8)) != nil {
        return .failure(.damagedChecksum)
      }
      return .success(data)
    }
    i += key.count
    while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
    guard i < b.count, b[i] == UInt8(ascii: ":") else { return .failure(.damagedChecksum) }
    i += 1
    while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
    let digits = i + scheme.count
    guard b.count > digits + 18, Array(b[i..<digits]) == scheme,
      b[digits..<(digits + 16)].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
      b[digits + 16] == UInt8(ascii: "\""), b[digits + 17] == UInt8(ascii: ",")
    else { return .failure(.damagedChecksum) }
    let payload = Data([UInt8(ascii: "{")] + b[(digits + 18)...])
    let stored = String(decoding: b[(i + 1)..<(digits + 16)], as: UTF8.self)
    return stored == checksum(payload) ? .success(payload) : .failure(.mismatch)
  }

  /// The JSON object of the file `path` (its bytes `data`), or of its line `line` (from 1),
  /// after checking its checksum; an error naming the file, and the line, when the checksum is
  /// damaged or does not match.
  public static func unsealed(_ data: Data, path: String, line: Int? = nil) throws(RunFileError) -> Data {
    let (location, what) = line.map { ("\(path):\($0)", "damaged line") } ?? (path, "damaged")
    switch unsealing(data) {
    case .success(let payload): return payload
    case .failure(.damagedChecksum): throw RunFileError("\(location): \(what) (its checksum member is corrupted)")
    case .failure(.mismatch): throw RunFileError("\(location): \(what) (checksum mismatch)")
    }
  }

  static func isJSONSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

  /// The bytes of the file at `path`, or `nil` when nothing is there; a folder in its place
  /// or a file that cannot be read is an error naming it (never taken for a missing file).
  public static func contents(of path: String) throws(RunFileError) -> Data? {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
    guard !isDir.boolValue else { throw RunFileError("\(path): a folder, not a file") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunFileError("\(path): cannot read the file")
    }
    return data
  }

  /// A checksum of `data` (`fnv1a64:` and 16 hex digits), for a file whose checksum another,
  /// checksummed file keeps (a checkpoint's JSON next to its safetensors).
  public static func checksum(_ data: Data) -> String {
    "fnv1a64:" + SafetensorsFile.hex16(SafetensorsFile.fnv1a(data))
  }

  /// The value in `path`, or `nil` when there is no such file; a file that does not decode is
  /// an error naming it.
  /// A file with a checksum (`writeJSON`) must match it; one without (written by an earlier
  /// version) is read as it is.
  public static func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws(RunFileError) -> T? {
    guard let data = try contents(of: path) else { return nil }
    let json = try unsealed(data, path: path)
    do { return try decoder().decode(type, from: json) } catch {
      throw RunFileError("\(path) is not a valid \(T.self) file")
    }
  }
}

/// A JSON Lines file: one `Record` a line, snake_case keys (`RunFiles.encoder`), each line
/// with its own checksum member (`RunFiles.sealing`). Appending flushes each line to disk;
/// rewriting is atomic.
public struct JSONLines<Record: Codable>: Sendable {
  public let path: String
  public init(path: String) { self.path = path }

  /// Appends one record as a line and flushes it.
  public func append(_ record: Record) throws(RunFileError) {
    var line: Data
    do { line = RunFiles.sealing(try RunFiles.encoder().encode(record)) } catch {
      throw RunFileError("cannot encode a line of \(path): \(error.localizedDescription)")
    }
    line.append(0x0A)
    let fm = FileManager.default
    do {
      if !fm.fileExists(atPath: path) {
        try fm.createDirectory(
          at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        guard fm.createFile(atPath: path, contents: nil) else { throw RunFileError("cannot create \(path)") }
      }
      let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      defer { try? h.close() }
      try h.seekToEnd()
      try h.write(contentsOf: line)
      try h.synchronize()
    } catch let e as RunFileError {
      throw e
    } catch {
      throw RunFileError("cannot append to \(path): \(error.localizedDescription)")
    }
  }

  /// Every record; an empty list when there is no file. A line that does not decode, or
  /// whose checksum is damaged or does not match, is an error naming the file and the line
  /// (a line without a checksum, written by an earlier version, is read as it is); so is a
  /// last line without its line break (cut short).
  public func read() throws(RunFileError) -> [Record] {
    guard let data = try RunFiles.contents(of: path) else { return [] }
    let decoder = RunFiles.decoder()
    var out: [Record] = []
    let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
    for (n, line) in lines.enumerated() where !line.isEmpty {
      guard n < lines.count - 1 else { throw RunFileError("\(path):\(n + 1): cut short (no line break)") }
      let json = try RunFiles.unsealed(Data(line), path: path, line: n + 1)
      do { out.append(try decoder.decode(Record.self, from: json)) } catch {
        throw RunFileError("\(path):\(n + 1): not a valid \(Record.self) line")
      }
    }
    return out
  }

  /// Replaces the file with `records`, atomically.
  public func rewrite(_ records: [Record]) throws(RunFileError) {
    let encoder = RunFiles.encoder()
    var data = Data()
    for r in records {
      do { data.append(RunFiles.sealing(try encoder.encode(r))) } catch {
        throw RunFileError("cannot encode a line of \(path): \(error.localizedDescription)")
      }
      data.append(0x0A)
    }
    try RunFiles.write(data, to: path)
  }

  /// Keeps the records `keep` accepts and appends `record`, atomically (a resumed run drops
  /// the lines past its checkpoint this way).
  public func append(_ record: Record, keeping keep: (Record) -> Bool) throws(RunFileError) {
    try rewrite(try read().filter(keep) + [record])
  }

  /// Removes the file (a fresh run).
  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
