import GameCore

/// The small value types of chess. Read this file first.
///
/// Squares are numbered `rank * 8 + file` (a1 = 0, b1 = 1, h1 = 7, a2 = 8, h8 = 63), and bit
/// `n` of a bitboard is square `n`, as in most engines (Stockfish's `types.h`).

/// A player: `GameCore.Side` (`.white`, `.black`; `opponent`).
public typealias Color = Side

/// A file (column), 0 = a … 7 = h.
@frozen public struct File: Hashable, Sendable, BitwiseCopyable, Comparable, CustomStringConvertible {
  public let index: Int
  @inlinable public init(_ index: Int) { self.index = index }
  /// `a`…`h`, or `nil` for any other character.
  public init?(letter: Character) {
    guard let a = letter.asciiValue, a >= 97, a <= 104 else { return nil }
    index = Int(a) - 97
  }
  public static func < (a: File, b: File) -> Bool { a.index < b.index }
  /// `a`…`h`.
  public var description: String { String(UnicodeScalar(UInt8(97 + index))) }
}

/// A rank (row), 0 = rank 1 … 7 = rank 8.
@frozen public struct Rank: Hashable, Sendable, BitwiseCopyable, Comparable, CustomStringConvertible {
  public let index: Int
  @inlinable public init(_ index: Int) { self.index = index }
  /// `1`…`8`, or `nil` for any other character.
  public init?(digit: Character) {
    guard let a = digit.asciiValue, a >= 49, a <= 56 else { return nil }
    index = Int(a) - 49
  }
  public static func < (a: Rank, b: Rank) -> Bool { a.index < b.index }
  /// `1`…`8`.
  public var description: String { String(index + 1) }
}

/// A square, 0…63: `rank * 8 + file` (a1 = 0, h8 = 63).
@frozen public struct Square: Hashable, Sendable, BitwiseCopyable, Comparable, CustomStringConvertible {
  /// 0…63.
  public let index: Int
  @inlinable public init(_ index: Int) { self.index = index }
  @inlinable public init(file: File, rank: Rank) { index = rank.index &* 8 &+ file.index }
  /// Reads `e4`; `nil` for anything else.
  public init?(_ name: some StringProtocol) {
    guard name.count == 2, let f = File(letter: name.first!), let r = Rank(digit: name.last!) else { return nil }
    self.init(file: f, rank: r)
  }
  @inlinable public var file: File { File(index & 7) }
  @inlinable public var rank: Rank { Rank(index >> 3) }
  /// The one-square bitboard.
  @inlinable public var bitboard: Bitboard { Bitboard(1 &<< UInt64(index)) }
  public static func < (a: Square, b: Square) -> Bool { a.index < b.index }
  /// `e4`.
  public var description: String { file.description + rank.description }
}

/// A set of squares in one `UInt64` (bit `n` = square `n`). Iterating yields the squares from
/// a1 upward by popping the lowest set bit.
@frozen public struct Bitboard: RawRepresentable, Hashable, Sendable, BitwiseCopyable, Sequence {
  public var rawValue: UInt64
  @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
  @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }

  public static let empty = Bitboard(0)
  @inlinable public var isEmpty: Bool { rawValue == 0 }
  @inlinable public var count: Int { rawValue.nonzeroBitCount }
  @inlinable public func contains(_ s: Square) -> Bool { rawValue & (1 &<< UInt64(s.index)) != 0 }
  @inlinable public func inserting(_ s: Square) -> Bitboard { Bitboard(rawValue | (1 &<< UInt64(s.index))) }
  @inlinable public func union(_ o: Bitboard) -> Bitboard { Bitboard(rawValue | o.rawValue) }
  @inlinable public static func & (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(a.rawValue & b.rawValue) }
  @inlinable public static func | (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(a.rawValue | b.rawValue) }
  @inlinable public static func ^ (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(a.rawValue ^ b.rawValue) }
  @inlinable public static prefix func ~ (a: Bitboard) -> Bitboard { Bitboard(~a.rawValue) }
  @inlinable public static func << (a: Bitboard, n: Int) -> Bitboard { Bitboard(a.rawValue &<< UInt64(n)) }
  @inlinable public static func >> (a: Bitboard, n: Int) -> Bitboard { Bitboard(a.rawValue &>> UInt64(n)) }

  /// Pops squares from the lowest bit up.
  @frozen public struct Iterator: IteratorProtocol {
    @usableFromInline var bits: UInt64
    @inlinable init(bits: UInt64) { self.bits = bits }
    @inlinable public mutating func next() -> Square? {
      if bits == 0 { return nil }
      let s = bits.trailingZeroBitCount
      bits &= bits &- 1
      return Square(s)
    }
  }
  @inlinable public func makeIterator() -> Iterator { Iterator(bits: rawValue) }
}

/// The six kinds of chess piece. The raw value indexes per-kind bitboards.
@frozen public enum PieceKind: UInt8, Sendable, Hashable, CaseIterable, BitwiseCopyable, CustomStringConvertible {
  case pawn = 0
  case knight, bishop, rook, queen, king

  /// Upper-case SAN/FEN letter: `P N B R Q K`.
  public var letter: Character { Array("PNBRQK")[Int(rawValue)] }
  /// The kind for an upper- or lower-case letter.
  public init?(letter: Character) {
    switch letter {
    case "P", "p": self = .pawn
    case "N", "n": self = .knight
    case "B", "b": self = .bishop
    case "R", "r": self = .rook
    case "Q", "q": self = .queen
    case "K", "k": self = .king
    default: return nil
    }
  }
  public var description: String { String(letter) }
}

/// A coloured piece, or `none` for an empty square. Raw value: `color << 3 | (kind + 1)`, so
/// 0 is empty, 1…6 White pawn…king, 9…14 Black pawn…king.
@frozen public struct Piece: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
  public let raw: UInt8
  @inlinable public init(raw: UInt8) { self.raw = raw }
  @inlinable public init(_ color: Color, _ kind: PieceKind) { raw = color.rawValue << 3 | (kind.rawValue + 1) }
  /// An empty square.
  public static let none = Piece(raw: 0)
  @inlinable public var isNone: Bool { raw == 0 }
  /// The piece's colour (meaningless for `none`).
  @inlinable public var color: Color { raw & 8 == 0 ? .white : .black }
  /// The piece's kind (`nil` for `none`).
  @inlinable public var kind: PieceKind? { raw == 0 ? nil : PieceKind(rawValue: (raw & 7) &- 1) }
  /// FEN letter: upper case for White (`K`), lower case for Black (`k`); `.` for `none`.
  public var description: String {
    guard let k = kind else { return "." }
    return color == .white ? String(k.letter) : k.letter.lowercased()
  }
  /// The piece for a FEN letter.
  public init?(fenLetter c: Character) {
    guard let k = PieceKind(letter: c) else { return nil }
    self.init(c.isUppercase ? .white : .black, k)
  }
}

/// A move in 16 bits:
///
///     bits 0–5    from-square
///     bits 6–11   to-square (for castling: the square of the castling rook, "king takes rook",
///                 so Chess960 castling needs no special case)
///     bits 12–13  kind: 0 normal, 1 promotion, 2 en passant, 3 castling
///     bits 14–15  promotion piece: 0 knight, 1 bishop, 2 rook, 3 queen
///
/// `none` (raw 0, a1a1) is never legal; `null` (raw 65, b1b1) is the "pass" of PGN null moves.
@frozen public struct Move: GameMove {
  public let raw: UInt16
  @inlinable public init(raw: UInt16) { self.raw = raw }
  /// A normal move (also pawn double steps and captures).
  @inlinable public init(from: Int, to: Int) { raw = UInt16(truncatingIfNeeded: from | to &<< 6) }
  @inlinable init(from: Int, to: Int, flag: UInt16) { raw = UInt16(truncatingIfNeeded: from | to &<< 6) | flag }
  /// A promotion to `kind` (knight, bishop, rook or queen).
  @inlinable public static func promotion(from: Int, to: Int, to kind: PieceKind) -> Move {
    Move(from: from, to: to, flag: Move.promotionFlag | UInt16(kind.rawValue &- 1) << 14)
  }
  /// An en-passant capture (`to` is the square the capturing pawn lands on).
  @inlinable public static func enPassant(from: Int, to: Int) -> Move { Move(from: from, to: to, flag: enPassantFlag) }
  /// Castling, written king-square to rook-square.
  @inlinable public static func castling(king: Int, rook: Int) -> Move {
    Move(from: king, to: rook, flag: castlingFlag)
  }

  @usableFromInline static let promotionFlag: UInt16 = 1 << 12
  @usableFromInline static let enPassantFlag: UInt16 = 2 << 12
  @usableFromInline static let castlingFlag: UInt16 = 3 << 12

  /// The never-legal placeholder.
  public static var none: Move { Move(raw: 0) }
  /// The null move ("pass"), used by PGN only.
  public static var null: Move { Move(raw: 65) }

  @inlinable public var from: Int { Int(raw & 63) }
  @inlinable public var to: Int { Int((raw >> 6) & 63) }
  @inlinable public var flag: UInt16 { raw & 0x3000 }
  @inlinable public var isPromotion: Bool { flag == Move.promotionFlag }
  @inlinable public var isEnPassant: Bool { flag == Move.enPassantFlag }
  @inlinable public var isCastling: Bool { flag == Move.castlingFlag }
  /// The piece a pawn promotes to, or `nil`.
  @inlinable public var promotion: PieceKind? {
    isPromotion ? PieceKind(rawValue: UInt8(raw >> 14) &+ 1) : nil
  }
  /// `from | to << 6`, in `0..<4096`.
  @inlinable public var historyIndex: Int { Int(raw & 0xFFF) }

  /// Squares and flags, for debugging (`e2e4`, `e7e8q`, `e1h1 castling`). For text that a
  /// user reads, use `ChessPosition.moveText(_:)` (UCI) or `san(_:)`.
  public var description: String {
    if self == .none { return "none" }
    if self == .null { return "0000" }
    var s = Square(from).description + Square(to).description
    if let p = promotion { s += p.letter.lowercased() }
    if isEnPassant { s += " e.p." }
    if isCastling { s += " castling" }
    return s
  }
}

/// Castling rights as four flags. (`ChessPosition` keeps the squares of the castling rooks, so
/// Chess960 starting files work; these flags say which rights remain.)
@frozen public struct CastlingRights: OptionSet, Hashable, Sendable, BitwiseCopyable {
  public let rawValue: UInt8
  @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
  public static let whiteKingside = CastlingRights(rawValue: 1)
  public static let whiteQueenside = CastlingRights(rawValue: 2)
  public static let blackKingside = CastlingRights(rawValue: 4)
  public static let blackQueenside = CastlingRights(rawValue: 8)
  public static let all: CastlingRights = [.whiteKingside, .whiteQueenside, .blackKingside, .blackQueenside]
}
