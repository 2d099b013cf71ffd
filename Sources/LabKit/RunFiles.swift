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

  /// `value` as pretty-printed JSON, atomically.
  public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws(RunFileError) {
    let data: Data
    do { data = try encoder(pretty: true).encode(value) } catch {
      throw RunFileError("cannot encode \(path): \(error.localizedDescription)")
    }
    try write(data, to: path)
  }

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
  public static func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws(RunFileError) -> T? {
    guard let data = try contents(of: path) else { return nil }
    do { return try decoder().decode(type, from: data) } catch {
      throw RunFileError("\(path) is not a valid \(T.self) file")
    }
  }
}

/// A JSON Lines file: one `Record` a line, snake_case keys (`RunFiles.encoder`). Appending
/// flushes each line to disk; rewriting is atomic.
public struct JSONLines<Record: Codable>: Sendable {
  public let path: String
  public init(path: String) { self.path = path }

  /// Appends one record as a line and flushes it.
  public func append(_ record: Record) throws(RunFileError) {
    var line: Data
    do { line = try RunFiles.encoder().encode(record) } catch {
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

  /// Every record; an empty list when there is no file. A line that does not decode is an
  /// error naming the file and the line.
  public func read() throws(RunFileError) -> [Record] {
    guard let data = try RunFiles.contents(of: path) else { return [] }
    let decoder = RunFiles.decoder()
    var out: [Record] = []
    for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
      do { out.append(try decoder.decode(Record.self, from: Data(line.utf8))) } catch {
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
      do { data.append(try encoder.encode(r)) } catch {
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
