import GameCore

/// The board of a Hexapawn game: `files` columns (a, b, …) by `ranks` rows (1, 2, …), each
/// from 3 to 8. Written `FxR`: `5x4` is 5 files and 4 ranks.
@frozen public struct BoardSize: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
  /// Number of files (columns), 3...8.
  public let files: Int
  /// Number of ranks (rows), 3...8.
  public let ranks: Int

  /// Allowed range for both dimensions.
  public static let range = 3...8

  /// A board of `files` x `ranks`; throws if either is outside 3...8.
  public init(files: Int, ranks: Int) throws(NotationError) {
    guard BoardSize.range.contains(files) else {
      throw NotationError("bad board size: \(files) files (must be 3 to 8)")
    }
    guard BoardSize.range.contains(ranks) else {
      throw NotationError("bad board size: \(ranks) ranks (must be 3 to 8)")
    }
    self.files = files
    self.ranks = ranks
  }

  /// Parses `FxR` (e.g. `3x3`, `5x4`).
  public init(parsing text: String) throws(NotationError) {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let f = Int(parts[0]), let r = Int(parts[1]) else {
      throw NotationError("bad board size '\(text)': expected FILESxRANKS such as 3x3 or 5x4")
    }
    try self.init(files: f, ranks: r)
  }

  /// The classic 3x3 board.
  public static let classic = try! BoardSize(files: 3, ranks: 3)

  /// `FxR`.
  public var description: String { "\(files)x\(ranks)" }

  /// Number of squares on the board.
  public var squareCount: Int { files * ranks }
}

/// A square index in a fixed 8-wide layout: `square = rank * 8 + file` (a1 = 0, b1 = 1, a2 = 8),
/// whatever the board size, so pawn moves are the same shifts on every board (+8 forward for
/// White, ±1 file for captures).
public typealias Square = Int

/// Square helpers.
public enum Squares {
  /// The square on `file` (0-based, a = 0) and `rank` (0-based, rank 1 = 0).
  @inlinable public static func make(file: Int, rank: Int) -> Square { rank &* 8 &+ file }
  @inlinable public static func file(_ s: Square) -> Int { s & 7 }
  @inlinable public static func rank(_ s: Square) -> Int { s >> 3 }
  /// `a1`, `c3`, …
  public static func name(_ s: Square) -> String {
    let f = Character(UnicodeScalar(UInt8(97 + file(s))))
    return "\(f)\(rank(s) + 1)"
  }
}

/// A Hexapawn move in 16 bits: bits 0–5 the from-square, bits 6–11 the to-square
/// (squares in the 8-wide layout above). A capture is a move that changes file.
/// Written like chess long algebraic: `b1b2` (push), `a2b3` (capture).
@frozen public struct HexapawnMove: GameMove {
  public let raw: UInt16

  @inlinable public init(raw: UInt16) { self.raw = raw }
  @inlinable public init(from: Square, to: Square) { raw = UInt16(from | (to << 6)) }

  /// The never-legal placeholder.
  public static var none: HexapawnMove { HexapawnMove(raw: 0xFFFF) }

  @inlinable public var from: Square { Int(raw & 63) }
  @inlinable public var to: Square { Int((raw >> 6) & 63) }
  /// `from | to << 6`, in `0..<4096`.
  @inlinable public var historyIndex: Int { Int(raw & 0xFFF) }
  /// `true` if the move captures (changes file).
  @inlinable public var isCapture: Bool { (from & 7) != (to & 7) }

  /// `b1b2`.
  public var description: String {
    self == .none ? "none" : Squares.name(from) + Squares.name(to)
  }
}
