import GameCore

/// Where the generator puts moves: a `MoveList` (append each) or a counter (add popcounts,
/// for bulk counting at the last ply of perft). The generator is generic over the sink and
/// specialised, so neither pays for the other.
@usableFromInline protocol MoveSink {
  /// Moves from `from` to every square of `targets` (never promotions).
  mutating func add(from: Int, targets: UInt64)
  /// Pawn moves to every square of `targets` from `target - offset` (no promotion).
  mutating func addPawnMoves(targets: UInt64, offset: Int)
  /// Four promotions for every square of `targets`, from `target - offset`.
  mutating func addPromotions(targets: UInt64, offset: Int)
  /// One move.
  mutating func add(_ move: Move)
}

extension MoveList: MoveSink where Move == Chess.Move {
  @inlinable mutating func add(from: Int, targets: UInt64) {
    var t = targets
    while t != 0 {
      append(Chess.Move(from: from, to: t.trailingZeroBitCount))
      t &= t &- 1
    }
  }
  @inlinable mutating func addPawnMoves(targets: UInt64, offset: Int) {
    var t = targets
    while t != 0 {
      let to = t.trailingZeroBitCount
      append(Chess.Move(from: to &- offset, to: to))
      t &= t &- 1
    }
  }
  @inlinable mutating func addPromotions(targets: UInt64, offset: Int) {
    var t = targets
    while t != 0 {
      let to = t.trailingZeroBitCount
      // Queen first: search tries the likely best promotion first.
      append(.promotion(from: to &- offset, to: to, to: .queen))
      append(.promotion(from: to &- offset, to: to, to: .rook))
      append(.promotion(from: to &- offset, to: to, to: .bishop))
      append(.promotion(from: to &- offset, to: to, to: .knight))
      t &= t &- 1
    }
  }
  @inlinable mutating func add(_ move: Chess.Move) { append(move) }
}

/// Counts moves without listing them.
@usableFromInline struct MoveCounter: MoveSink {
  @usableFromInline var count = 0
  @inlinable init() {}
  @inlinable mutating func add(from: Int, targets: UInt64) { count &+= targets.nonzeroBitCount }
  @inlinable mutating func addPawnMoves(targets: UInt64, offset: Int) { count &+= targets.nonzeroBitCount }
  @inlinable mutating func addPromotions(targets: UInt64, offset: Int) { count &+= 4 &* targets.nonzeroBitCount }
  @inlinable mutating func add(_ move: Move) { count &+= 1 }
}

extension ChessPosition {
  /// Appends every legal move (the caller empties `moves` first). Never allocates.
  @inlinable public func generateMoves(into moves: inout MoveList<Move>) {
    generate(into: &moves)
  }

  /// The number of legal moves, counted without listing them (popcounts of target sets).
  @inlinable public var legalMoveCount: Int {
    var c = MoveCounter()
    generate(into: &c)
    return c.count
  }

  /// The legal move generator: checkers and pins first (from the king outward), then king
  /// moves to unattacked squares, and, unless in double check, every other piece's moves
  /// restricted to the check mask (the checker and the squares between it and the king) and,
  /// for pinned pieces, to the pin line. En passant is checked by playing it out on the
  /// occupancy; castling by the path rules (python-chess's, so Chess960 rights work).
  @inlinable @inline(__always) func generate<S: MoveSink>(into sink: inout S) {
    let t = AttackTables.shared
    let us = side
    let usIndex = Int(us.rawValue)
    let ours = bb[unchecked: usIndex], theirs = bb[unchecked: usIndex ^ 1]
    let occ = ours | theirs
    let pawns = bb[unchecked: 2], knights = bb[unchecked: 3], bishops = bb[unchecked: 4]
    let rooks = bb[unchecked: 5], queens = bb[unchecked: 6], kings = bb[unchecked: 7]
    let kingBB = kings & ours
    let ksq = kingBB.trailingZeroBitCount
    let theirRQ = (rooks | queens) & theirs
    let theirBQ = (bishops | queens) & theirs
    let theirKnights = knights & theirs, theirPawns = pawns & theirs, theirKing = kings & theirs

    // Checkers and pinned pieces.
    var checkers = (t.knight(ksq) & theirKnights) | (t.pawn(us, ksq) & theirPawns)
    var pinned: UInt64 = 0
    var snipers = (t.rook(ksq, theirs) & theirRQ) | (t.bishop(ksq, theirs) & theirBQ)
    while snipers != 0 {
      let s = snipers.trailingZeroBitCount
      snipers &= snipers &- 1
      let b = t.between(ksq, s) & occ
      if b == 0 {
        checkers |= UInt64(1) &<< UInt64(s)
      } else if b & (b &- 1) == 0 && b & ours != 0 {
        pinned |= b
      }
    }

    @inline(__always) func attacked(_ s: Int, _ o: UInt64) -> Bool {
      (t.knight(s) & theirKnights) != 0 || (t.pawn(us, s) & theirPawns) != 0 || (t.king(s) & theirKing) != 0
        || (t.bishop(s, o) & theirBQ) != 0 || (t.rook(s, o) & theirRQ) != 0
    }

    // King moves.
    let occNoKing = occ ^ kingBB
    var kingTargets = t.king(ksq) & ~ours
    var safe: UInt64 = 0
    while kingTargets != 0 {
      let to = kingTargets.trailingZeroBitCount
      kingTargets &= kingTargets &- 1
      if !attacked(to, occNoKing) { safe |= UInt64(1) &<< UInt64(to) }
    }
    sink.add(from: ksq, targets: safe)
    if checkers & (checkers &- 1) != 0 { return }  // double check: only the king moves

    let checkMask = checkers == 0 ? ~UInt64(0) : t.between(ksq, checkers.trailingZeroBitCount) | checkers
    let target = ~ours & checkMask

    // Knights (a pinned knight never moves).
    var b = knights & ours & ~pinned
    while b != 0 {
      let from = b.trailingZeroBitCount
      b &= b &- 1
      sink.add(from: from, targets: t.knight(from) & target)
    }
    // Diagonal sliders.
    b = (bishops | queens) & ours
    while b != 0 {
      let from = b.trailingZeroBitCount
      b &= b &- 1
      var a = t.bishop(from, occ) & target
      if pinned & (UInt64(1) &<< UInt64(from)) != 0 { a &= t.line(ksq, from) }
      sink.add(from: from, targets: a)
    }
    // Orthogonal sliders.
    b = (rooks | queens) & ours
    while b != 0 {
      let from = b.trailingZeroBitCount
      b &= b &- 1
      var a = t.rook(from, occ) & target
      if pinned & (UInt64(1) &<< UInt64(from)) != 0 { a &= t.line(ksq, from) }
      sink.add(from: from, targets: a)
    }

    // Pawns: unpinned ones set-wise, pinned ones one by one.
    let ourPawns = pawns & ours
    let empty = ~occ
    let free = ourPawns & ~pinned
    let fileA: UInt64 = 0x0101_0101_0101_0101, fileH: UInt64 = 0x8080_8080_8080_8080
    let lastRank: UInt64 = us == .white ? 0xFF00_0000_0000_0000 : 0xFF
    let single: UInt64, double: UInt64, capWest: UInt64, capEast: UInt64
    let up: Int, west: Int, east: Int
    if us == .white {
      single = (free &<< 8) & empty
      double = ((single & 0xFF_0000) &<< 8) & empty & checkMask
      capWest = ((free & ~fileA) &<< 7) & theirs & checkMask
      capEast = ((free & ~fileH) &<< 9) & theirs & checkMask
      up = 8
      west = 7
      east = 9
    } else {
      single = (free &>> 8) & empty
      double = ((single & 0xFF00_0000_0000) &>> 8) & empty & checkMask
      capWest = ((free & ~fileA) &>> 9) & theirs & checkMask
      capEast = ((free & ~fileH) &>> 7) & theirs & checkMask
      up = -8
      west = -9
      east = -7
    }
    let push = single & checkMask
    sink.addPawnMoves(targets: push & ~lastRank, offset: up)
    sink.addPawnMoves(targets: double, offset: up &* 2)
    sink.addPawnMoves(targets: capWest & ~lastRank, offset: west)
    sink.addPawnMoves(targets: capEast & ~lastRank, offset: east)
    if (push | capWest | capEast) & lastRank != 0 {
      sink.addPromotions(targets: push & lastRank, offset: up)
      sink.addPromotions(targets: capWest & lastRank, offset: west)
      sink.addPromotions(targets: capEast & lastRank, offset: east)
    }
    if checkers == 0 {
      // A pinned piece can never answer a check, so pinned pawns matter only out of check.
      var pp = ourPawns & pinned
      while pp != 0 {
        let from = pp.trailingZeroBitCount
        pp &= pp &- 1
        let line = t.line(ksq, from)
        let one = from &+ up
        var moves = (UInt64(1) &<< UInt64(one)) & empty & line
        if moves != 0 {
          let startRank: UInt64 = us == .white ? 0xFF00 : 0xFF_0000_0000_0000
          if (UInt64(1) &<< UInt64(from)) & startRank != 0 {
            moves |= (UInt64(1) &<< UInt64(one &+ up)) & empty & line
          }
        }
        moves |= t.pawn(us, from) & theirs & line
        sink.add(from: from, targets: moves & ~lastRank)
        var promos = moves & lastRank
        while promos != 0 {
          let to = promos.trailingZeroBitCount
          promos &= promos &- 1
          sink.addPromotions(targets: UInt64(1) &<< UInt64(to), offset: to &- from)
        }
      }
    }
    // En passant.
    if ep != 0 {
      let to = Int(ep)
      var candidates = t.pawn(us.opponent, to) & ourPawns
      while candidates != 0 {
        let from = candidates.trailingZeroBitCount
        candidates &= candidates &- 1
        if enPassantIsLegal(from: from, to: to, t) { sink.add(.enPassant(from: from, to: to)) }
      }
    }
    // Castling.
    if checkers == 0 && castlingRooks & ours != 0 {
      var rookSquares = castlingRooks & ours
      let base = us == .white ? 0 : 56
      castling: while rookSquares != 0 {
        let r = rookSquares.trailingZeroBitCount
        rookSquares &= rookSquares &- 1
        let kingside = r > ksq
        let kingTo = base &+ (kingside ? 6 : 2), rookTo = base &+ (kingside ? 5 : 3)
        let rookBB = UInt64(1) &<< UInt64(r)
        let kingToBB = UInt64(1) &<< UInt64(kingTo), rookToBB = UInt64(1) &<< UInt64(rookTo)
        let kingPath = t.between(ksq, kingTo)
        let rookPath = t.between(r, rookTo)
        if (occ ^ kingBB ^ rookBB) & (kingPath | rookPath | kingToBB | rookToBB) != 0 { continue }
        var path = kingPath | kingBB
        while path != 0 {
          if attacked(path.trailingZeroBitCount, occNoKing) { continue castling }
          path &= path &- 1
        }
        if attacked(kingTo, occ ^ kingBB ^ rookBB ^ rookToBB) { continue }
        sink.add(.castling(king: ksq, rook: r))
      }
    }
  }
}
