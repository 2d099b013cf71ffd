import Chess
import Foundation
import GameCore
import NNUE

/// One training position: 32 bytes, little-endian.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | occupancy bitboard (bit = square a1 = 0 … h8 = 63) |
/// | 8 | 16 | a 4-bit piece per occupied square in ascending square order, low nibble first: `colour·8 + kind` (P0 N1 B2 R3 Q4 K5) |
/// | 24 | 2 | `score`: the search score in centipawns for the side to move (int16) |
/// | 26 | 1 | `result`: the game's result for the side to move: 0 loss, 1 draw, 2 win |
/// | 27 | 1 | flags: bit 0 = Black to move |
/// | 28 | 2 | `ply`: the game ply of the position |
/// | 30 | 2 | the best move found (ZeroLab's 16-bit move) |
///
/// Castling rights, the en-passant square and the move counters are not stored: the network
/// does not see them.
public struct TrainingRecord: Sendable, Equatable {
  public var occupancy: UInt64
  public var pieces: (UInt64, UInt64)
  public var score: Int16
  public var result: UInt8
  public var blackToMove: Bool
  public var ply: UInt16
  public var move: UInt16

  public static let size = 32

  public static func == (a: TrainingRecord, b: TrainingRecord) -> Bool {
    a.occupancy == b.occupancy && a.pieces == b.pieces && a.score == b.score && a.result == b.result
      && a.blackToMove == b.blackToMove && a.ply == b.ply && a.move == b.move
  }

  /// Packs `position` with its score and result (both for the side to move).
  public init(_ position: ChessPosition, score: Int, result: Outcome, ply: Int, move: Move) {
    occupancy = position.occupied.rawValue
    var nibbles: [UInt64] = [0, 0]
    var k = 0
    for sq in position.occupied {
      let piece = position[sq]
      let code = UInt64((piece.color == .white ? 0 : 8) + Int(piece.kind!.rawValue))
      nibbles[k / 16] |= code << UInt64(4 * (k % 16))
      k += 1
    }
    pieces = (nibbles[0], nibbles[1])
    self.score = Int16(clamping: score)
    let stm = position.sideToMove
    switch result {
    case .draw: self.result = 1
    case .win(let w): self.result = w == stm ? 2 : 0
    }
    blackToMove = stm == .black
    self.ply = UInt16(clamping: ply)
    self.move = move.raw
  }

  init(bytes p: UnsafeRawPointer) {
    occupancy = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    pieces = (
      UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
      UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    )
    score = Int16(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: Int16.self))
    result = p.load(fromByteOffset: 26, as: UInt8.self)
    blackToMove = p.load(fromByteOffset: 27, as: UInt8.self) & 1 != 0
    ply = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 28, as: UInt16.self))
    move = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 30, as: UInt16.self))
  }

  func write(to data: inout Data) {
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    put(occupancy)
    put(pieces.0)
    put(pieces.1)
    put(score)
    put(result)
    put(UInt8(blackToMove ? 1 : 0))
    put(ply)
    put(move)
  }

  /// The side to move.
  public var sideToMove: Side { blackToMove ? .black : .white }

  /// The game result for the side to move as 0, ½, 1.
  public var resultValue: Float { Float(result) / 2 }

  /// Calls `body(square, code)` for every occupied square, in square order (`code` is the
  /// stored 4-bit piece code, not yet checked).
  @inlinable func forEachCode(_ body: (Int, Int) -> Void) {
    var occ = occupancy
    var k = 0
    while occ != 0 {
      let sq = occ.trailingZeroBitCount
      occ &= occ &- 1
      let word = k < 16 ? pieces.0 : pieces.1
      body(sq, Int((word >> UInt64(4 * (k & 15))) & 0xF))
      k += 1
    }
  }

  /// The two kings' squares (white, black), or `nil` if the record is malformed: more than 32
  /// pieces, a piece code out of range, or not exactly one king a side.
  public var kingSquares: (white: Int, black: Int)? {
    guard occupancy.nonzeroBitCount <= 32 else { return nil }
    var kings = (-1, -1), ok = true
    forEachCode { sq, code in
      if code & 7 > 5 { ok = false }
      guard code & 7 == 5 else { return }
      if code & 8 == 0 {
        if kings.0 >= 0 { ok = false }
        kings.0 = sq
      } else {
        if kings.1 >= 0 { ok = false }
        kings.1 = sq
      }
    }
    return ok && kings.0 >= 0 && kings.1 >= 0 ? (kings.0, kings.1) : nil
  }

  /// Calls `body(square, colour, kind)` for every piece (codes out of range are skipped;
  /// `kingSquares` tells whether the record is well formed).
  @inlinable public func forEachPiece(_ body: (Int, Side, PieceKind) -> Void) {
    forEachCode { sq, code in
      guard let kind = PieceKind(rawValue: UInt8(code & 7)) else { return }
      body(sq, code & 8 == 0 ? .white : .black, kind)
    }
  }

  /// The active features of both perspectives (side to move first) under `layout`; `false`
  /// if the record is malformed (see `kingSquares`).
  public func features(_ layout: InputLayout, stm: inout [Int32], nstm: inout [Int32]) -> Bool {
    stm.removeAll(keepingCapacity: true)
    nstm.removeAll(keepingCapacity: true)
    guard let kings = kingSquares else { return false }
    let us = sideToMove, them = us.opponent
    func bucket(_ side: Side) -> Int {
      layout.bucket(orientedKingSquare: side == .white ? kings.white : kings.black ^ 56)
    }
    let bUs = bucket(us), bThem = bucket(them)
    forEachPiece { sq, color, kind in
      stm.append(Int32(InputLayout.feature(bucket: bUs, perspective: us, color: color, kind: kind, square: sq)))
      nstm.append(Int32(InputLayout.feature(bucket: bThem, perspective: them, color: color, kind: kind, square: sq)))
    }
    return true
  }

  /// The position (no castling rights or en passant; counters 0 and 1), e.g. for labelling
  /// by another engine. `nil` if the record does not describe a legal position.
  public var position: ChessPosition? { position(castling: "-", enPassant: "-") }

  /// The position with what the record does not keep inferred from the board and its move,
  /// so that the move is legal in it: a castling right for each king on its starting square
  /// (e1, e8) with a rook on a starting corner of its side (the rights a game that has moved
  /// neither still has), and the en-passant square when the move is an en-passant capture.
  /// Counters 0 and 1. `nil` if the record does not describe a legal position.
  public var inferredPosition: ChessPosition? {
    guard kingSquares != nil else { return nil }
    var rooks: [Int: (Side, PieceKind)] = [:]
    forEachPiece { sq, color, kind in
      if kind == .king || kind == .rook { rooks[sq] = (color, kind) }
    }
    func has(_ sq: Int, _ color: Side, _ kind: PieceKind) -> Bool { rooks[sq].map { $0 == (color, kind) } ?? false }
    var castling = ""
    if has(4, .white, .king) {
      if has(7, .white, .rook) { castling += "K" }
      if has(0, .white, .rook) { castling += "Q" }
    }
    if has(60, .black, .king) {
      if has(63, .black, .rook) { castling += "k" }
      if has(56, .black, .rook) { castling += "q" }
    }
    let m = Move(raw: move)
    let ep = m.isEnPassant ? Square(m.to).description : "-"
    return position(castling: castling.isEmpty ? "-" : castling, enPassant: ep)
  }

  func position(castling: String, enPassant: String) -> ChessPosition? {
    guard kingSquares != nil else { return nil }
    var board = [Character](repeating: " ", count: 64)
    forEachPiece { sq, color, kind in
      let l = kind.letter
      board[sq] = color == .white ? l : Character(l.lowercased())
    }
    var rows: [String] = []
    for r in stride(from: 7, through: 0, by: -1) {
      var row = "", empty = 0
      for f in 0..<8 {
        let c = board[r * 8 + f]
        if c == " " {
          empty += 1
        } else {
          if empty > 0 { row += "\(empty)" }
          empty = 0
          row.append(c)
        }
      }
      if empty > 0 { row += "\(empty)" }
      rows.append(row)
    }
    let fen = rows.joined(separator: "/") + (blackToMove ? " b " : " w ") + castling + " " + enPassant + " 0 1"
    return try? ChessPosition(fen: fen)
  }
}

/// A data file: a 32-byte header then the records.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `ZLNNDATA` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | record size (32) |
/// | 16 | 8 | record count |
/// | 24 | 8 | FNV-1a 64 checksum of the records |
///
/// Files are written whole (temporary file, then an exclusive link to the final name), so a
/// killed writer leaves no partial file under a data name.
public enum TrainingData {
  public static let magic = Array("ZLNNDATA".utf8)
  public static let version: UInt32 = 1
  public static let fileExtension = "zldata"

  static func fnv1a(_ data: Data, from start: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    data.withUnsafeBytes { raw in
      let p = raw.bindMemory(to: UInt8.self)
      for i in start..<p.count {
        h ^= UInt64(p[i])
        h &*= 0x100_0000_01b3
      }
    }
    return h
  }

  /// The bytes of a file holding `records`.
  public static func encode(_ records: [TrainingRecord]) -> Data {
    var body = Data()
    body.reserveCapacity(32 + records.count * TrainingRecord.size)
    body.append(contentsOf: magic)
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { body.append(contentsOf: $0) } }
    put(version)
    put(UInt32(TrainingRecord.size))
    put(UInt64(records.count))
    put(UInt64(0))
    for r in records { r.write(to: &body) }
    let sum = fnv1a(body, from: 32)
    withUnsafeBytes(of: sum.littleEndian) { body.replaceSubrange(24..<32, with: $0) }
    return body
  }

  /// Decodes a file's bytes; one-line errors for anything malformed.
  public static func decode(_ data: Data, source: String) throws(NNUEError) -> [TrainingRecord] {
    guard data.count >= 32, Array(data.prefix(8)) == magic else {
      throw NNUEError("\(source): not a ZeroLab NNUE data file")
    }
    let (ver, size, count, sum) = data.withUnsafeBytes { p in
      (
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self)),
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
      )
    }
    guard ver == version else { throw NNUEError("\(source): data format version \(ver), this build reads \(version)") }
    guard size == UInt32(TrainingRecord.size) else { throw NNUEError("\(source): record size \(size), expected 32") }
    guard count <= UInt64(Int.max / 64), data.count == 32 + Int(count) * TrainingRecord.size else {
      throw NNUEError(
        "\(source): truncated or padded (\(data.count) bytes for \(count) records of \(TrainingRecord.size))")
    }
    guard fnv1a(data, from: 32) == sum else { throw NNUEError("\(source): checksum mismatch (corrupted data)") }
    return data.withUnsafeBytes { raw in
      (0..<Int(count)).map { TrainingRecord(bytes: raw.baseAddress! + 32 + $0 * TrainingRecord.size) }
    }
  }

  /// Reads one file.
  public static func read(_ path: String) throws(NNUEError) -> [TrainingRecord] {
    guard let data = FileManager.default.contents(atPath: path) else { throw NNUEError("cannot read \(path)") }
    return try decode(data, source: path)
  }

  /// The data files named by `paths`: files as given, directories expanded to their
  /// `*.zldata` files (sorted, so the order is reproducible).
  public static func files(_ paths: [String]) throws(NNUEError) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for p in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw NNUEError("no such data file or folder: \(p)") }
      if isDir.boolValue {
        let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? []).filter { $0.hasSuffix("." + fileExtension) }
        out += names.sorted().map { p + "/" + $0 }
      } else {
        out.append(p)
      }
    }
    guard !out.isEmpty else { throw NNUEError("no .\(fileExtension) files in \(paths.joined(separator: " "))") }
    return out
  }

  /// Every record of every file named by `paths`.
  public static func load(_ paths: [String]) throws(NNUEError) -> [TrainingRecord] {
    var all: [TrainingRecord] = []
    for f in try files(paths) { all += try read(f) }
    return all
  }

  /// Writes `records` to `path` whole: a temporary file, then a hard link to `path` that fails
  /// if `path` exists (so two writers never overwrite each other), then the temporary is
  /// removed. Returns `false` if `path` already existed.
  @discardableResult
  public static func writeExclusive(_ records: [TrainingRecord], to path: String) throws -> Bool {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
    )
    guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
      throw NNUEError("cannot create a temporary file in \(dir.path)")
    }
    let handle = try FileHandle(forWritingTo: tmp)
    try handle.write(contentsOf: encode(records))
    try handle.synchronize()
    try handle.close()
    defer { try? FileManager.default.removeItem(at: tmp) }
    if link(tmp.path, path) == 0 { return true }
    if errno == EEXIST { return false }
    throw NNUEError("cannot create \(path) (errno \(errno))")
  }
}
