import GameCore

/// A Hexapawn position on any board from 3x3 to 8x8: two bitboards, the side to move and
/// an incrementally kept Zobrist hash. 32 bytes, no references: copying it is the undo.
///
/// Rules (Gardner 1962, generalised to F files x R ranks):
/// - White's pawns start on rank 1, Black's on rank R; White moves first.
/// - A pawn moves one square straight ahead to an empty square, or one square diagonally
///   ahead onto an enemy pawn, capturing it. No double step, no en passant, no promotion.
/// - A side wins by getting a pawn to the far rank, or when the side to move has no legal
///   move (which includes having no pawns). There are no draws.
///
/// Bit `rank * 8 + file` of a bitboard is that square (see `Square`).
@frozen public struct HexapawnPosition: TextualPosition {
  public typealias Move = HexapawnMove

  /// White's pawns.
  @inlinable public var white: UInt64 { _white }
  /// Black's pawns.
  @inlinable public var black: UInt64 { _black }
  /// Zobrist hash of pawns and side to move.
  @inlinable public var hash: UInt64 { _hash }
  /// The side whose turn it is.
  @inlinable public var sideToMove: Side { _side }

  @usableFromInline var _white: UInt64
  @usableFromInline var _black: UInt64
  @usableFromInline var _hash: UInt64
  @usableFromInline var fileCount: UInt8
  @usableFromInline var rankCount: UInt8
  @usableFromInline var _side: Side

  /// The starting position on `size`: White on rank 1, Black on the last rank, White to move.
  public init(size: BoardSize = .classic) {
    fileCount = UInt8(size.files)
    rankCount = UInt8(size.ranks)
    let row = (UInt64(1) << UInt64(size.files)) &- 1
    _white = row
    _black = row << UInt64(8 * (size.ranks - 1))
    _side = .white
    _hash = 0
    _hash = computeHash()
  }

  /// A position from raw bitboards (validated like a parsed FEN).
  public init(size: BoardSize, white: UInt64, black: UInt64, sideToMove: Side) throws(NotationError) {
    fileCount = UInt8(size.files)
    rankCount = UInt8(size.ranks)
    _white = white
    _black = black
    _side = sideToMove
    _hash = 0
    try validate()
    _hash = computeHash()
  }

  /// The board size.
  public var size: BoardSize { try! BoardSize(files: Int(fileCount), ranks: Int(rankCount)) }
  /// Number of files.
  @inlinable public var files: Int { Int(fileCount) }
  /// Number of ranks.
  @inlinable public var ranks: Int { Int(rankCount) }

  // MARK: Geometry masks

  /// Every square of the board.
  @inlinable public var boardMask: UInt64 {
    let row = (UInt64(1) << UInt64(fileCount)) &- 1
    let all = row &* 0x0101_0101_0101_0101
    return rankCount == 8 ? all : all & ((UInt64(1) << UInt64(8 &* rankCount)) &- 1)
  }
  @inlinable var fileAMask: UInt64 { 0x0101_0101_0101_0101 }
  @inlinable var lastFileMask: UInt64 { 0x0101_0101_0101_0101 << UInt64(fileCount &- 1) }
  /// The rank White must reach (rank R).
  @inlinable public var whiteGoal: UInt64 { UInt64(0xFF) << UInt64(8 &* (rankCount &- 1)) }
  /// The rank Black must reach (rank 1).
  @inlinable public var blackGoal: UInt64 { 0xFF }

  /// The pawns of `side`.
  @inlinable public func pawns(of side: Side) -> UInt64 { side == .white ? white : black }

  /// The side with a pawn on `square`, or `nil` if it is empty.
  @inlinable public func occupant(of square: Square) -> Side? {
    let bit = UInt64(1) << UInt64(square)
    if white & bit != 0 { return .white }
    if black & bit != 0 { return .black }
    return nil
  }

  // MARK: Move generation

  /// Target bitboards of the side to move: straight pushes, captures toward higher files,
  /// captures toward lower files.
  @inlinable func targets() -> (push: UInt64, up: UInt64, down: UInt64) {
    let empty = ~(white | black) & boardMask
    if sideToMove == .white {
      return (
        (white << 8) & empty,
        ((white & ~lastFileMask) << 9) & black,
        ((white & ~fileAMask) << 7) & black
      )
    } else {
      return (
        (black >> 8) & empty,
        ((black & ~lastFileMask) >> 7) & white,
        ((black & ~fileAMask) >> 9) & white
      )
    }
  }

  /// `true` once a pawn has reached its far rank.
  @inlinable public var goalReached: Bool { white & whiteGoal != 0 || black & blackGoal != 0 }

  @inlinable public func generateMoves(into moves: inout MoveList<HexapawnMove>) {
    if goalReached { return }
    let t = targets()
    // Offsets from target back to origin: White moved +8/+9/+7, Black -8/-7/-9.
    let (dp, du, dd) = sideToMove == .white ? (-8, -9, -7) : (8, 7, 9)
    // Captures first: search tries them first for free.
    var bb = t.up
    while bb != 0 {
      let to = bb.trailingZeroBitCount
      moves.append(HexapawnMove(from: to &+ du, to: to))
      bb &= bb &- 1
    }
    bb = t.down
    while bb != 0 {
      let to = bb.trailingZeroBitCount
      moves.append(HexapawnMove(from: to &+ dd, to: to))
      bb &= bb &- 1
    }
    bb = t.push
    while bb != 0 {
      let to = bb.trailingZeroBitCount
      moves.append(HexapawnMove(from: to &+ dp, to: to))
      bb &= bb &- 1
    }
  }

  /// Number of legal moves, without building a list.
  @inlinable public var moveCount: Int {
    if goalReached { return 0 }
    let t = targets()
    return t.push.nonzeroBitCount &+ t.up.nonzeroBitCount &+ t.down.nonzeroBitCount
  }

  @inlinable public mutating func play(_ move: HexapawnMove) {
    let from = UInt64(1) << UInt64(move.from)
    let to = UInt64(1) << UInt64(move.to)
    if sideToMove == .white {
      if black & to != 0 {
        _black &= ~to
        _hash ^= Zobrist.pawn[64 &+ move.to]
      }
      _white = (white & ~from) | to
      _hash ^= Zobrist.pawn[move.from] ^ Zobrist.pawn[move.to]
    } else {
      if white & to != 0 {
        _white &= ~to
        _hash ^= Zobrist.pawn[move.to]
      }
      _black = (black & ~from) | to
      _hash ^= Zobrist.pawn[64 &+ move.from] ^ Zobrist.pawn[64 &+ move.to]
    }
    _side = _side.opponent
    _hash ^= Zobrist.blackToMove
  }

  /// The winner if the game is over: the side that reached its far rank, or else the
  /// opponent of a side to move that has no legal move.
  @inlinable public var outcome: Outcome? {
    if white & whiteGoal != 0 { return .win(.white) }
    if black & blackGoal != 0 { return .win(.black) }
    let t = targets()
    if t.push | t.up | t.down == 0 { return .win(_side.opponent) }
    return nil
  }

  /// The hash computed from scratch (equals `hash` at all times; tests check it).
  public func computeHash() -> UInt64 {
    var h: UInt64 = sideToMove == .black ? Zobrist.blackToMove : 0
    var bb = white
    while bb != 0 {
      h ^= Zobrist.pawn[bb.trailingZeroBitCount]
      bb &= bb &- 1
    }
    bb = black
    while bb != 0 {
      h ^= Zobrist.pawn[64 + bb.trailingZeroBitCount]
      bb &= bb &- 1
    }
    return h
  }

  // MARK: Symmetry

  /// Reverses the file order of every rank of a bitboard on this board.
  @inlinable func mirrorBits(_ b: UInt64) -> UInt64 {
    var x = b
    x = ((x >> 1) & 0x5555_5555_5555_5555) | ((x & 0x5555_5555_5555_5555) << 1)
    x = ((x >> 2) & 0x3333_3333_3333_3333) | ((x & 0x3333_3333_3333_3333) << 2)
    x = ((x >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((x & 0x0F0F_0F0F_0F0F_0F0F) << 4)
    return x >> UInt64(8 &- fileCount)
  }

  /// The left-right mirror image (file a <-> the last file). Game value is unchanged.
  public var mirrored: HexapawnPosition {
    var m = self
    m._white = mirrorBits(white)
    m._black = mirrorBits(black)
    m._hash = m.computeHash()
    return m
  }

  /// The mirror image of a move on this board.
  public func mirror(_ move: HexapawnMove) -> HexapawnMove {
    let f = files - 1
    let from = Squares.make(file: f - Squares.file(move.from), rank: Squares.rank(move.from))
    let to = Squares.make(file: f - Squares.file(move.to), rank: Squares.rank(move.to))
    return HexapawnMove(from: from, to: to)
  }

  /// The lesser of the position and its mirror image (a canonical representative).
  public var canonical: HexapawnPosition {
    let m = mirrored
    return (m.white, m.black) < (white, black) ? m : self
  }

  // MARK: Notation

  public func moveText(_ move: HexapawnMove) -> String { move.description }

  /// Reads `b1b2`-style text and checks that the move is legal here.
  public func parseMove(_ text: String) throws(NotationError) -> HexapawnMove {
    let t = text.trimmingCharacters()
    let chars = Array(t.utf8)
    guard chars.count == 4 else {
      throw NotationError("not a move: '\(t)' (write from-square and to-square, e.g. b1b2)")
    }
    func square(_ fc: UInt8, _ rc: UInt8) throws(NotationError) -> Square {
      let f = Int(fc) - 97, r = Int(rc) - 49
      guard (0..<8).contains(f), (0..<9).contains(r) else {
        throw NotationError("not a move: '\(t)' (write from-square and to-square, e.g. b1b2)")
      }
      guard f < files, r < ranks else {
        let name = String(decoding: [fc, rc], as: UTF8.self)
        throw NotationError("no square \(name) on a \(size) board")
      }
      return Squares.make(file: f, rank: r)
    }
    let move = HexapawnMove(from: try square(chars[0], chars[1]), to: try square(chars[2], chars[3]))
    if let o = outcome { throw NotationError("illegal move: \(t) (the game is over: \(o))") }
    guard isLegal(move) else { throw NotationError("illegal move: \(t)") }
    return move
  }

  /// FEN-like text: ranks from the last down to rank 1 separated by `/`, `P` a White pawn,
  /// `p` a Black pawn, a digit a run of empty squares; a space; `w` or `b` for the side to
  /// move. The 3x3 start is `ppp/3/PPP w`; the size is read off the text.
  public var fen: String {
    var out = ""
    for r in stride(from: ranks - 1, through: 0, by: -1) {
      var run = 0
      for f in 0..<files {
        switch occupant(of: Squares.make(file: f, rank: r)) {
        case .none: run += 1
        case .some(let s):
          if run > 0 { out += String(run) }
          run = 0
          out += s == .white ? "P" : "p"
        }
      }
      if run > 0 { out += String(run) }
      if r > 0 { out += "/" }
    }
    return out + (sideToMove == .white ? " w" : " b")
  }

  /// Parses FEN-like text (see `fen`); every malformed input gets a one-line error naming
  /// the problem.
  public init(fen text: String) throws(NotationError) {
    let fields = text.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.count == 2 else {
      throw NotationError(
        "bad position '\(text)': expected 2 fields (board and side to move), found \(fields.count)")
    }
    let rows = fields[0].split(separator: "/", omittingEmptySubsequences: false)
    guard BoardSize.range.contains(rows.count) else {
      throw NotationError("bad position: \(rows.count) ranks (a board has 3 to 8)")
    }
    var w: UInt64 = 0, b: UInt64 = 0
    var width: Int? = nil
    for (i, row) in rows.enumerated() {
      let rank = rows.count - 1 - i
      var file = 0
      for ch in row {
        switch ch {
        case "P", "p":
          guard file < 8 else { throw NotationError("bad position: rank \(rank + 1) is longer than 8 squares") }
          let bit = UInt64(1) << UInt64(Squares.make(file: file, rank: rank))
          if ch == "P" { w |= bit } else { b |= bit }
          file += 1
        case "1"..."8":
          file += Int(String(ch))!
        default:
          throw NotationError("bad position: unknown piece '\(ch)' in rank \(rank + 1) (use P, p or a digit)")
        }
      }
      guard BoardSize.range.contains(file) else {
        throw NotationError("bad position: rank \(rank + 1) has \(file) squares (a board has 3 to 8 files)")
      }
      if let width, width != file {
        throw NotationError("bad position: rank \(rank + 1) has \(file) squares, rank \(rows.count) has \(width)")
      }
      width = file
    }
    let side: Side
    switch fields[1] {
    case "w": side = .white
    case "b": side = .black
    default: throw NotationError("bad position: side to move is '\(fields[1])' (use w or b)")
    }
    let size = try BoardSize(files: width!, ranks: rows.count)
    try self.init(size: size, white: w, black: b, sideToMove: side)
  }

  /// Checks what a position must satisfy to arise in a game.
  func validate() throws(NotationError) {
    let nw = _white.nonzeroBitCount, nb = _black.nonzeroBitCount
    guard white & black == 0, (white | black) & ~boardMask == 0 else {
      throw NotationError("bad position: pawns off the board or on one square")
    }
    if nw > files { throw NotationError("bad position: \(nw) White pawns on \(files) files") }
    if nb > files { throw NotationError("bad position: \(nb) Black pawns on \(files) files") }
    let wDone = white & whiteGoal != 0, bDone = black & blackGoal != 0
    if wDone && bDone { throw NotationError("bad position: both sides have reached the far rank") }
    if (white & whiteGoal).nonzeroBitCount > 1 || (black & blackGoal).nonzeroBitCount > 1 {
      throw NotationError("bad position: more than one pawn on the far rank")
    }
    if wDone && sideToMove == .white {
      throw NotationError("bad position: White has reached rank \(ranks), so Black must be the side to move")
    }
    if bDone && sideToMove == .black {
      throw NotationError("bad position: Black has reached rank 1, so White must be the side to move")
    }
  }

  public var description: String { fen }
}

extension String {
  /// The string without leading and trailing whitespace (Foundation-free).
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s = s.dropFirst() }
    while let c = s.last, c.isWhitespace { s = s.dropLast() }
    return String(s)
  }
}
