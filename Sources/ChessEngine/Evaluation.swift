import Chess
import GameCore

/// A static chess evaluation for the search: centipawns for the side to move, inside ±10 000.
///
/// The search calls `reset(to:)` at the root, then `push(_:from:)` before searching a child and
/// `pop()` after it, and `evaluate(_:)` at any node. A handcrafted evaluation ignores the
/// hooks (it scores each position from scratch); an NNUE keeps its accumulators on a stack in
/// `push`/`pop`, so it plugs in without touching the search.
public protocol ChessEvaluator: Sendable {
  /// Called once before a search, with the root position.
  mutating func reset(to position: ChessPosition)
  /// `move` is about to be played from `position` (also `Move.null` for null-move pruning).
  mutating func push(_ move: Move, from position: ChessPosition)
  /// The last pushed move is taken back.
  mutating func pop()
  /// The score of `position` (the position after every pushed move) for its side to move.
  mutating func evaluate(_ position: ChessPosition) -> Int
}

extension ChessEvaluator {
  @inlinable public mutating func reset(to position: ChessPosition) {}
  @inlinable public mutating func push(_ move: Move, from position: ChessPosition) {}
  @inlinable public mutating func pop() {}
}

/// The handcrafted baseline: a tapered (midgame/endgame by remaining material) sum of material
/// and piece-square tables (the public-domain PeSTO values by Ronald Friederich), mobility,
/// pawn structure (doubled, isolated, passed pawns), king safety (pawn shield and attacks on
/// the king zone), the bishop pair and a small tempo bonus.
public struct HandcraftedEvaluation: ChessEvaluator {
  /// Pawn-structure results by pawn placement (a cache; the score does not depend on it).
  let pawnCache = PawnCache()

  public init() {}

  public mutating func evaluate(_ position: ChessPosition) -> Int {
    HandcraftedEvaluation.score(position, cache: pawnCache)
  }

  /// The score for the side to move (a pure function of the position).
  public static func score(_ p: ChessPosition, cache: PawnCache? = nil) -> Int {
    let t = AttackTables.shared
    let tables = EvalTables.shared
    let occ = p.occupied.rawValue
    var mg = 0, eg = 0, phase = 0
    let pawnsW = p.pieces(.white, .pawn).rawValue, pawnsB = p.pieces(.black, .pawn).rawValue
    let allW = p.pieces(.white).rawValue, allB = p.pieces(.black).rawValue
    // Squares attacked by pawns (mobility excludes them).
    let pawnAttW = ((pawnsW & ~fileA) &<< 7) | ((pawnsW & ~fileH) &<< 9)
    let pawnAttB = ((pawnsB & ~fileA) &>> 9) | ((pawnsB & ~fileH) &>> 7)
    let kingW = p.kingSquare(.white).index, kingB = p.kingSquare(.black).index
    let zoneW = t.king(kingW) | (UInt64(1) &<< UInt64(kingW))
    let zoneB = t.king(kingB) | (UInt64(1) &<< UInt64(kingB))
    var attackUnits = (0, 0)  // units against White's king, against Black's king
    var attackers = (0, 0)

    for colorIndex in 0..<2 {
      let white = colorIndex == 0
      let sign = white ? 1 : -1
      let color: Color = white ? .white : .black
      let own = white ? allW : allB
      let enemyPawnAtt = white ? pawnAttB : pawnAttW
      let enemyZone = white ? zoneB : zoneW
      var cmg = 0, ceg = 0, units = 0, count = 0
      for kind in 0..<6 {
        var bits = p.pieces(color, PieceKind(rawValue: UInt8(kind))!).rawValue
        while bits != 0 {
          let s = bits.trailingZeroBitCount
          bits &= bits &- 1
          let idx = kind &* 64 &+ (white ? s ^ 56 : s)
          cmg &+= tables.mg[idx]
          ceg &+= tables.eg[idx]
          phase &+= phaseWeight[kind]
          var att: UInt64 = 0
          switch kind {
          case 1: att = t.knight(s)
          case 2: att = t.bishop(s, occ)
          case 3: att = t.rook(s, occ)
          case 4: att = t.queen(s, occ)
          default: continue
          }
          let mob = (att & ~own & ~enemyPawnAtt).nonzeroBitCount
          cmg &+= mobilityMG[kind] &* (mob &- mobilityCenter[kind])
          ceg &+= mobilityEG[kind] &* (mob &- mobilityCenter[kind])
          let hits = att & enemyZone
          if hits != 0 {
            count &+= 1
            units &+= attackWeight[kind] &* hits.nonzeroBitCount
          }
        }
      }
      if p.pieces(color, .bishop).count >= 2 {
        cmg &+= 30
        ceg &+= 50
      }
      if white {
        attackUnits.1 = units
        attackers.1 = count
      } else {
        attackUnits.0 = units
        attackers.0 = count
      }
      mg &+= sign &* cmg
      eg &+= sign &* ceg
    }

    // Pawn structure (cached by pawn placement), then passed pawns (blocked ones earn less).
    let ps: PawnEntry
    if let cache {
      let slot = PawnCache.slot(pawnsW, pawnsB)
      if cache.entries[slot].white == pawnsW && cache.entries[slot].black == pawnsB && cache.entries[slot].valid {
        ps = cache.entries[slot]
      } else {
        ps = pawnStructure(pawnsW, pawnsB)
        cache.entries[slot] = ps
      }
    } else {
      ps = pawnStructure(pawnsW, pawnsB)
    }
    mg &+= Int(ps.mg)
    eg &+= Int(ps.eg)
    var passers = ps.passed & pawnsW
    while passers != 0 {
      let s = passers.trailingZeroBitCount
      passers &= passers &- 1
      let r = s >> 3
      let blocked = r < 7 && occ & (UInt64(1) &<< UInt64(s + 8)) != 0
      mg &+= blocked ? passedMG[r] * 2 / 3 : passedMG[r]
      eg &+= blocked ? passedEG[r] * 2 / 3 : passedEG[r]
      if r >= 3 && r < 7 {
        // Endgame: kings near the square in front of the passer.
        eg &+= (5 &* distance(kingB, s &+ 8) &- 2 &* distance(kingW, s &+ 8)) &* (r &- 2)
      }
    }
    passers = ps.passed & pawnsB
    while passers != 0 {
      let s = passers.trailingZeroBitCount
      passers &= passers &- 1
      let r = 7 - (s >> 3)
      let blocked = s >= 8 && occ & (UInt64(1) &<< UInt64(s - 8)) != 0
      mg &-= blocked ? passedMG[r] * 2 / 3 : passedMG[r]
      eg &-= blocked ? passedEG[r] * 2 / 3 : passedEG[r]
      if r >= 3 && r < 7 {
        eg &-= (5 &* distance(kingW, s &- 8) &- 2 &* distance(kingB, s &- 8)) &* (r &- 2)
      }
    }

    // Rooks on open (no pawns) and half-open (no own pawns) files.
    for white in [true, false] {
      var rooks = p.pieces(white ? .white : .black, .rook).rawValue
      let own = white ? pawnsW : pawnsB
      let sign = white ? 1 : -1
      while rooks != 0 {
        let f = rooks.trailingZeroBitCount & 7
        rooks &= rooks &- 1
        let file = fileA &<< UInt64(f)
        if (pawnsW | pawnsB) & file == 0 {
          mg &+= sign &* 25
          eg &+= sign &* 10
        } else if own & file == 0 {
          mg &+= sign &* 12
          eg &+= sign &* 6
        }
      }
    }

    // King safety (midgame only): pawn shield and attacks on the king zone.
    mg &+= kingShield(kingW, pawnsW, white: true) &- kingShield(kingB, pawnsB, white: false)
    if attackers.0 >= 2 { mg &-= min(500, attackUnits.0 &* attackUnits.0 / 3) }
    if attackers.1 >= 2 { mg &+= min(500, attackUnits.1 &* attackUnits.1 / 3) }

    let ph = min(phase, 24)
    var score = (mg &* ph &+ eg &* (24 &- ph)) / 24
    if p.sideToMove == .black { score = -score }
    return score &+ 10
  }

  /// King distance (Chebyshev) between two squares.
  @inline(__always) static func distance(_ a: Int, _ b: Int) -> Int {
    max(abs((a & 7) &- (b & 7)), abs((a >> 3) &- (b >> 3)))
  }

  static let fileA: UInt64 = 0x0101_0101_0101_0101
  static let fileH: UInt64 = 0x8080_8080_8080_8080
  static let phaseWeight = [0, 1, 1, 2, 4, 0]
  static let mobilityCenter = [0, 4, 7, 7, 14, 0]
  static let mobilityMG = [0, 4, 5, 2, 1, 0]
  static let mobilityEG = [0, 4, 5, 4, 2, 0]
  static let attackWeight = [0, 2, 2, 3, 5, 0]
  static let passedMG = [0, 5, 10, 15, 30, 50, 80, 0]
  static let passedEG = [0, 10, 20, 35, 60, 100, 150, 0]

  /// Doubled and isolated pawns (White minus Black) and the passed pawns of both sides.
  static func pawnStructure(_ w: UInt64, _ b: UInt64) -> PawnEntry {
    var mg = 0, eg = 0
    for f in 0..<8 {
      let file = fileA &<< UInt64(f)
      let adjacent = (f > 0 ? file &>> 1 : 0) | (f < 7 ? file &<< 1 : 0)
      let nw = (w & file).nonzeroBitCount, nb = (b & file).nonzeroBitCount
      if nw > 1 {
        mg &-= 10 &* (nw &- 1)
        eg &-= 20 &* (nw &- 1)
      }
      if nb > 1 {
        mg &+= 10 &* (nb &- 1)
        eg &+= 20 &* (nb &- 1)
      }
      if nw > 0 && w & adjacent == 0 {
        mg &-= 10 &* nw
        eg &-= 15 &* nw
      }
      if nb > 0 && b & adjacent == 0 {
        mg &+= 10 &* nb
        eg &+= 15 &* nb
      }
    }
    var passed: UInt64 = 0
    var bits = w
    while bits != 0 {
      let s = bits.trailingZeroBitCount
      bits &= bits &- 1
      let f = s & 7, r = s >> 3
      let span = (fileA &<< UInt64(f)) | (f > 0 ? fileA &<< UInt64(f - 1) : 0) | (f < 7 ? fileA &<< UInt64(f + 1) : 0)
      let ahead = r >= 7 ? 0 : span & (~UInt64(0) &<< UInt64((r + 1) * 8))
      if ahead & b == 0 { passed |= UInt64(1) &<< UInt64(s) }
    }
    bits = b
    while bits != 0 {
      let s = bits.trailingZeroBitCount
      bits &= bits &- 1
      let f = s & 7, r = s >> 3
      let span = (fileA &<< UInt64(f)) | (f > 0 ? fileA &<< UInt64(f - 1) : 0) | (f < 7 ? fileA &<< UInt64(f + 1) : 0)
      let ahead = r <= 0 ? 0 : span & ((UInt64(1) &<< UInt64(r * 8)) &- 1)
      if ahead & w == 0 { passed |= UInt64(1) &<< UInt64(s) }
    }
    return PawnEntry(white: w, black: b, passed: passed, mg: Int32(mg), eg: Int32(eg), valid: true)
  }

  /// Own pawns on the three files around the king, one or two ranks in front.
  static func kingShield(_ k: Int, _ pawns: UInt64, white: Bool) -> Int {
    let f = k & 7, r = k >> 3
    if white ? r > 1 : r < 6 { return -20 }
    let files = (fileA &<< UInt64(f)) | (f > 0 ? fileA &<< UInt64(f - 1) : 0) | (f < 7 ? fileA &<< UInt64(f + 1) : 0)
    let near: UInt64, far: UInt64
    if white {
      near = r < 7 ? files & (UInt64(0xFF) &<< UInt64((r + 1) * 8)) : 0
      far = r < 6 ? files & (UInt64(0xFF) &<< UInt64((r + 2) * 8)) : 0
    } else {
      near = r > 0 ? files & (UInt64(0xFF) &<< UInt64((r - 1) * 8)) : 0
      far = r > 1 ? files & (UInt64(0xFF) &<< UInt64((r - 2) * 8)) : 0
    }
    return 12 &* (pawns & near).nonzeroBitCount &+ 6 &* (pawns & far).nonzeroBitCount &- 20
  }
}

/// One pawn-structure result. (Package access: the tests read entries.)
public struct PawnEntry: Sendable, BitwiseCopyable {
  package var white: UInt64
  package var black: UInt64
  package var passed: UInt64
  package var mg: Int32
  package var eg: Int32
  package var valid: Bool
}

/// A direct-mapped cache of pawn-structure results (16 384 slots, one entry each: a new
/// placement replaces whatever its slot held). One per evaluator value; a searcher owns its
/// evaluator, so it is never shared between threads.
public final class PawnCache: @unchecked Sendable {
  package static let slotCount = 1 << 14
  package let entries: UnsafeMutablePointer<PawnEntry>
  public init() {
    entries = .allocate(capacity: PawnCache.slotCount)
    entries.initialize(
      repeating: PawnEntry(white: 0, black: 0, passed: 0, mg: 0, eg: 0, valid: false), count: PawnCache.slotCount)
  }
  deinit { entries.deallocate() }

  /// The slot of a pawn placement (white pawns, black pawns): the top 14 bits of a
  /// multiplicative hash.
  @inline(__always) package static func slot(_ white: UInt64, _ black: UInt64) -> Int {
    Int(truncatingIfNeeded: (white &* 0x9E37_79B9_7F4A_7C15 ^ black &* 0xC2B2_AE3D_27D4_EB4F) >> 50)
  }
}
