import GameCore

/// Zobrist keys from a fixed seed: one per (piece, square), one per castling-rook square, one
/// per en-passant file and one for Black to move.
@frozen public struct ZobristKeys: @unchecked Sendable, BitwiseCopyable {
  /// `[piece.raw * 64 + square]` (15 × 64; rows 0, 7, 8 unused).
  @usableFromInline let piece: UnsafeMutablePointer<UInt64>
  /// `[square]` of a rook that still has castling rights.
  @usableFromInline let castling: UnsafeMutablePointer<UInt64>
  /// `[file]` of the en-passant square.
  @usableFromInline let enPassant: UnsafeMutablePointer<UInt64>
  @usableFromInline let blackToMove: UInt64

  public static let shared = ZobristKeys()

  init() {
    var rng = SplitMix64(seed: 0x00C4_E55C_0DE5_2026)
    piece = .allocate(capacity: 15 * 64)
    for i in 0..<(15 * 64) { piece[i] = rng.next() }
    castling = .allocate(capacity: 64)
    for i in 0..<64 { castling[i] = rng.next() }
    enPassant = .allocate(capacity: 8)
    for i in 0..<8 { enPassant[i] = rng.next() }
    blackToMove = rng.next()
  }
}

/// A chess position: piece placement (bitboards and a square-by-square board), side to move,
/// castling rights, en-passant square, the two clocks, and a Zobrist key kept incrementally.
/// Under 128 bytes, no references: `play(_:)` is copy-make, the old value is the undo.
///
/// - Castling rights are kept as the squares of the rooks that may still castle, so X-FEN and
///   Shredder-FEN (Chess960) start files work; castling moves are written king-takes-rook
///   inside (`Move.castling`), UCI text shows `e1g1` for standard castling.
/// - The en-passant square is kept only when an en-passant capture is legal (as python-chess
///   writes FEN and compares positions), so equal positions have equal keys.
/// - `outcome` reports checkmate and stalemate only: it is position-local and matches perft,
///   where only those end the tree. Draws by the fifty-move rule, repetition and insufficient
///   material are reported by `GameRecord.status` (which keeps the history) and by
///   `end(repetitions:)`.
/// - `==` compares what makes positions the same for repetition: placement, side to move,
///   castling rights and en-passant square (the clocks are not compared).
@frozen public struct ChessPosition: TextualPosition {
  public typealias Move = Chess.Move

  /// `[white, black, pawns, knights, bishops, rooks, queens, kings]`.
  @usableFromInline var bb: InlineArray<8, UInt64>
  /// `Piece.raw` per square, four bits each (16 squares per word), so the whole position
  /// stays under 128 bytes and copies without a `memcpy` call.
  @usableFromInline var board: InlineArray<4, UInt64>
  @usableFromInline var key: UInt64
  /// Squares of rooks that still have castling rights.
  @usableFromInline var castlingRooks: UInt64
  /// En-passant target square, or 0 for none (a1 is never one).
  @usableFromInline var ep: UInt8
  @usableFromInline var side: Side
  @usableFromInline var halfmoves: UInt16
  @usableFromInline var fullmoves: UInt16

  /// An empty board, White to move (callers fill it).
  @inlinable init(empty: ()) {
    bb = InlineArray(repeating: 0)
    board = InlineArray(repeating: 0)
    key = 0
    castlingRooks = 0
    ep = 0
    side = .white
    halfmoves = 0
    fullmoves = 1
  }

  /// The standard starting position.
  public static let start = try! ChessPosition(fen: ChessPosition.startFEN)
  /// `rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1`.
  public static let startFEN = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"

  /// The standard starting position.
  public init() { self = ChessPosition.start }

  // MARK: Queries

  @inlinable public var sideToMove: Side { side }
  @inlinable public var hash: UInt64 { key }
  /// Plies since the last capture or pawn move.
  @inlinable public var halfmoveClock: Int { Int(halfmoves) }
  /// Starts at 1, grows after each Black move.
  @inlinable public var fullmoveNumber: Int { Int(fullmoves) }
  /// The en-passant target square, if an en-passant capture is legal.
  @inlinable public var enPassantSquare: Square? { ep == 0 ? nil : Square(Int(ep)) }
  /// Every piece of `color`.
  @inlinable public func pieces(_ color: Color) -> Bitboard { Bitboard(bb[unchecked: Int(color.rawValue)]) }
  /// Every piece of `kind`, both colours.
  @inlinable public func pieces(_ kind: PieceKind) -> Bitboard { Bitboard(bb[unchecked: 2 &+ Int(kind.rawValue)]) }
  /// The pieces of `color` and `kind`.
  @inlinable public func pieces(_ color: Color, _ kind: PieceKind) -> Bitboard { pieces(color) & pieces(kind) }
  /// Every occupied square.
  @inlinable public var occupied: Bitboard { Bitboard(bb[unchecked: 0] | bb[unchecked: 1]) }
  /// The piece on `square` (`Piece.none` if empty).
  @inlinable @inline(__always) public subscript(square: Square) -> Piece { Piece(raw: pieceRaw(square.index)) }
  /// The square of `color`'s king.
  @inlinable public func kingSquare(_ color: Color) -> Square {
    Square((bb[unchecked: Int(color.rawValue)] & bb[unchecked: 7]).trailingZeroBitCount)
  }
  /// Squares of the rooks that may still castle.
  @inlinable public var castlingRookSquares: Bitboard { Bitboard(castlingRooks) }
  /// Castling rights as flags (kingside = rook on the king's h-side).
  public var castlingRights: CastlingRights {
    var r: CastlingRights = []
    for s in Bitboard(castlingRooks) {
      let white = s.rank.index == 0
      let k = kingSquare(white ? .white : .black)
      if s.index > k.index {
        r.insert(white ? .whiteKingside : .blackKingside)
      } else {
        r.insert(white ? .whiteQueenside : .blackQueenside)
      }
    }
    return r
  }

  /// Pieces of either colour attacking `s`, with blockers `occupied`.
  @inlinable func attackers(_ s: Int, _ occupied: UInt64, _ t: AttackTables) -> UInt64 {
    let pawns = bb[unchecked: 2]
    return (t.pawn(.white, s) & pawns & bb[unchecked: 1]) | (t.pawn(.black, s) & pawns & bb[unchecked: 0])
      | (t.knight(s) & bb[unchecked: 3]) | (t.king(s) & bb[unchecked: 7])
      | (t.rook(s, occupied) & (bb[unchecked: 5] | bb[unchecked: 6]))
      | (t.bishop(s, occupied) & (bb[unchecked: 4] | bb[unchecked: 6]))
  }

  /// Pieces of `color` attacking `square`.
  public func attackers(of color: Color, to square: Square) -> Bitboard {
    let occ = bb[unchecked: 0] | bb[unchecked: 1]
    return Bitboard(attackers(square.index, occ, AttackTables.shared) & bb[unchecked: Int(color.rawValue)])
  }

  /// The pieces giving check to the side to move.
  public var checkers: Bitboard {
    attackers(of: side.opponent, to: kingSquare(side))
  }

  /// `true` if the side to move is in check.
  @inlinable public var isInCheck: Bool {
    let t = AttackTables.shared
    let ksq = (bb[unchecked: Int(side.rawValue)] & bb[unchecked: 7]).trailingZeroBitCount
    let occ = bb[unchecked: 0] | bb[unchecked: 1]
    return attackers(ksq, occ, t) & bb[unchecked: Int(side.opponent.rawValue)] != 0
  }

  // MARK: Making moves

  /// `Piece.raw` on square `s`.
  @inlinable @inline(__always) func pieceRaw(_ s: Int) -> UInt8 {
    // Not `board[unchecked: s >> 4]`: with a computed index into the inline array the compiler
    // copied the whole board to the stack and read it back. Selecting between constant
    // indices by the index's two bits compiles to one load at the computed address.
    let i = s &>> 4
    let odd = i & 1 != 0
    let low = odd ? board[unchecked: 1] : board[unchecked: 0]
    let high = odd ? board[unchecked: 3] : board[unchecked: 2]
    let word = i & 2 != 0 ? high : low
    return UInt8(truncatingIfNeeded: (word &>> UInt64((s & 15) &<< 2)) & 15)
  }

  @inlinable mutating func setPieceRaw(_ p: UInt8, _ s: Int) {
    let shift = UInt64((s & 15) &<< 2)
    board[unchecked: s &>> 4] = (board[unchecked: s &>> 4] & ~(15 &<< shift)) | (UInt64(p) &<< shift)
  }

  @inlinable mutating func put(_ p: UInt8, _ s: Int, _ z: ZobristKeys) {
    let bit = UInt64(1) &<< UInt64(s)
    bb[unchecked: Int(p &>> 3)] |= bit
    bb[unchecked: Int(p & 7) &+ 1] |= bit
    setPieceRaw(p, s)
    key ^= z.piece[Int(p) &<< 6 | s]
  }

  @inlinable mutating func remove(_ p: UInt8, _ s: Int, _ z: ZobristKeys) {
    let bit = UInt64(1) &<< UInt64(s)
    bb[unchecked: Int(p &>> 3)] ^= bit
    bb[unchecked: Int(p & 7) &+ 1] ^= bit
    setPieceRaw(0, s)
    key ^= z.piece[Int(p) &<< 6 | s]
  }

  @inlinable mutating func move(_ p: UInt8, _ from: Int, _ to: Int, _ z: ZobristKeys) {
    let bits = (UInt64(1) &<< UInt64(from)) | (UInt64(1) &<< UInt64(to))
    bb[unchecked: Int(p &>> 3)] ^= bits
    bb[unchecked: Int(p & 7) &+ 1] ^= bits
    setPieceRaw(0, from)
    setPieceRaw(p, to)
    key ^= z.piece[Int(p) &<< 6 | from] ^ z.piece[Int(p) &<< 6 | to]
  }

  /// Plays a legal move (copy-make: keep the old value to undo). Playing an illegal move is a
  /// programming error; `Move.null` passes the turn (PGN null moves).
  @inlinable public mutating func play(_ m: Move) {
    let z = ZobristKeys.shared
    let from = m.from, to = m.to
    let us = side
    let p = pieceRaw(from)
    if ep != 0 {
      key ^= z.enPassant[Int(ep & 7)]
      ep = 0
    }
    halfmoves &+= 1
    var doublePush = false
    if m == .null {
      side = us.opponent
      key ^= z.blackToMove
      if us == .black { fullmoves &+= 1 }
      return
    }
    if m.isCastling {
      let base = us == .white ? 0 : 56
      let kingside = to > from
      let rook = pieceRaw(to)
      remove(p, from, z)
      remove(rook, to, z)
      put(p, base &+ (kingside ? 6 : 2), z)
      put(rook, base &+ (kingside ? 5 : 3), z)
    } else {
      let captured = pieceRaw(to)
      if captured != 0 {
        remove(captured, to, z)
        halfmoves = 0
      }
      if p & 7 == 1 {
        halfmoves = 0
        if m.isEnPassant {
          remove(p ^ 8, to ^ 8, z)
          move(p, from, to, z)
        } else if m.isPromotion {
          remove(p, from, z)
          put((p & 8) | (UInt8(truncatingIfNeeded: m.raw >> 14) &+ 2), to, z)
        } else {
          move(p, from, to, z)
          doublePush = (to ^ from) == 16
        }
      } else {
        move(p, from, to, z)
      }
    }
    if castlingRooks != 0 {
      var keep = castlingRooks & ~((UInt64(1) &<< UInt64(from)) | (UInt64(1) &<< UInt64(to)))
      if p & 7 == 6 { keep &= us == .white ? ~UInt64(0xFF) : ~(UInt64(0xFF) &<< 56) }
      var removed = castlingRooks ^ keep
      while removed != 0 {
        key ^= z.castling[removed.trailingZeroBitCount]
        removed &= removed &- 1
      }
      castlingRooks = keep
    }
    side = us.opponent
    key ^= z.blackToMove
    if us == .black { fullmoves &+= 1 }
    if doublePush {
      let target = (from &+ to) &>> 1
      let t = AttackTables.shared
      var candidates = t.pawn(us, target) & bb[unchecked: 2] & bb[unchecked: Int(side.rawValue)]
      while candidates != 0 {
        if enPassantIsLegal(from: candidates.trailingZeroBitCount, to: target, t) {
          ep = UInt8(target)
          key ^= z.enPassant[target & 7]
          break
        }
        candidates &= candidates &- 1
      }
    }
  }

  /// `true` if the side to move's pawn on `from` may capture en passant onto `to` without
  /// leaving its king in check (checks every attacker after the capture).
  @inlinable func enPassantIsLegal(from: Int, to: Int, _ t: AttackTables) -> Bool {
    let us = Int(side.rawValue), them = us ^ 1
    let ksq = (bb[unchecked: us] & bb[unchecked: 7]).trailingZeroBitCount
    let captured = UInt64(1) &<< UInt64(to ^ 8)
    let occ =
      ((bb[unchecked: 0] | bb[unchecked: 1]) ^ (UInt64(1) &<< UInt64(from)) ^ captured)
      | (UInt64(1) &<< UInt64(to))
    let theirs = bb[unchecked: them] & ~captured
    return attackers(ksq, occ, t) & theirs == 0
  }

  /// The key computed from scratch (tests check it equals `hash` after every move).
  public func computeHash() -> UInt64 {
    let z = ZobristKeys.shared
    var h: UInt64 = side == .black ? z.blackToMove : 0
    for s in 0..<64 where pieceRaw(s) != 0 { h ^= z.piece[Int(pieceRaw(s)) * 64 + s] }
    for s in Bitboard(castlingRooks) { h ^= z.castling[s.index] }
    if ep != 0 { h ^= z.enPassant[Int(ep & 7)] }
    return h
  }

  /// `true` if the board, bitboards and key agree (a consistency check for tests).
  public var isConsistent: Bool {
    var check = InlineArray<8, UInt64>(repeating: 0)
    for s in 0..<64 where pieceRaw(s) != 0 {
      let p = pieceRaw(s)
      check[Int(p >> 3)] |= 1 << UInt64(s)
      check[Int(p & 7) + 1] |= 1 << UInt64(s)
    }
    for i in 0..<8 where check[i] != bb[i] { return false }
    return key == computeHash()
  }

  // MARK: Equality

  public static func == (a: ChessPosition, b: ChessPosition) -> Bool {
    for i in 0..<8 where a.bb[i] != b.bb[i] { return false }
    return a.side == b.side && a.castlingRooks == b.castlingRooks && a.ep == b.ep
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(key) }

  public var description: String { fen }
}
