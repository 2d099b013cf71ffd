import GameCore

/// Precomputed attack tables: knight, king and pawn attacks per square, the squares between
/// and on the line through two squares, and slider attacks by "fancy" magic bitboards.
///
/// The magic multipliers are found once at start-up from a fixed seed (a few milliseconds),
/// so every run builds the same tables. All tables live in one flat allocation that is never
/// freed; `AttackTables.shared` is a small value of pointers that hot code copies into a
/// local once per call (one lazy-initialisation check per call, none per lookup).
@frozen public struct AttackTables: @unchecked Sendable, BitwiseCopyable {
  @usableFromInline let knightTable: UnsafeMutablePointer<UInt64>
  @usableFromInline let kingTable: UnsafeMutablePointer<UInt64>
  /// `[color * 64 + square]`: squares a pawn of `color` on `square` attacks.
  @usableFromInline let pawnTable: UnsafeMutablePointer<UInt64>
  /// `[a * 64 + b]`: squares strictly between `a` and `b` on a shared line, else empty.
  @usableFromInline let betweenTable: UnsafeMutablePointer<UInt64>
  /// `[a * 64 + b]`: the whole board line through `a` and `b` (both included), else empty.
  @usableFromInline let lineTable: UnsafeMutablePointer<UInt64>
  @usableFromInline let rookMagics: UnsafeMutablePointer<MagicEntry>
  @usableFromInline let bishopMagics: UnsafeMutablePointer<MagicEntry>
  @usableFromInline let sliderTable: UnsafeMutablePointer<UInt64>

  /// The tables, built on first use.
  public static let shared = AttackTables()

  @inlinable public func knight(_ s: Int) -> UInt64 { knightTable[s] }
  @inlinable public func king(_ s: Int) -> UInt64 { kingTable[s] }
  @inlinable public func pawn(_ color: Color, _ s: Int) -> UInt64 { pawnTable[Int(color.rawValue) &<< 6 | s] }
  @inlinable public func between(_ a: Int, _ b: Int) -> UInt64 { betweenTable[a &<< 6 | b] }
  @inlinable public func line(_ a: Int, _ b: Int) -> UInt64 { lineTable[a &<< 6 | b] }
  @inlinable public func rook(_ s: Int, _ occupied: UInt64) -> UInt64 {
    let m = rookMagics[s]
    return sliderTable[m.offset &+ Int(truncatingIfNeeded: ((occupied & m.mask) &* m.magic) &>> m.shift)]
  }
  @inlinable public func bishop(_ s: Int, _ occupied: UInt64) -> UInt64 {
    let m = bishopMagics[s]
    return sliderTable[m.offset &+ Int(truncatingIfNeeded: ((occupied & m.mask) &* m.magic) &>> m.shift)]
  }
  @inlinable public func queen(_ s: Int, _ occupied: UInt64) -> UInt64 { rook(s, occupied) | bishop(s, occupied) }

  init() {
    knightTable = .allocate(capacity: 64)
    kingTable = .allocate(capacity: 64)
    pawnTable = .allocate(capacity: 128)
    betweenTable = .allocate(capacity: 4096)
    lineTable = .allocate(capacity: 4096)
    rookMagics = .allocate(capacity: 64)
    bishopMagics = .allocate(capacity: 64)
    for s in 0..<64 {
      knightTable[s] = AttackTables.stepAttacks(
        s, [(1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2)])
      kingTable[s] = AttackTables.stepAttacks(
        s, [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)])
      pawnTable[s] = AttackTables.stepAttacks(s, [(-1, 1), (1, 1)])
      pawnTable[64 + s] = AttackTables.stepAttacks(s, [(-1, -1), (1, -1)])
    }
    for a in 0..<64 {
      for b in 0..<64 {
        betweenTable[a * 64 + b] = 0
        lineTable[a * 64 + b] = 0
        if a == b { continue }
        let bb = UInt64(1) << UInt64(b)
        for dirs in [AttackTables.rookDirections, AttackTables.bishopDirections] {
          if AttackTables.slide(a, 0, dirs) & bb != 0 {
            betweenTable[a * 64 + b] =
              AttackTables.slide(a, bb, dirs) & AttackTables.slide(b, UInt64(1) << UInt64(a), dirs)
            lineTable[a * 64 + b] =
              (AttackTables.slide(a, 0, dirs) & AttackTables.slide(b, 0, dirs)) | bb | (1 << UInt64(a))
          }
        }
      }
    }
    // Slider tables: rooks first, then bishops, one block per square of 2^bits entries.
    var total = 0
    var entries: [(mask: UInt64, bits: Int, offset: Int)] = []
    for isRook in [true, false] {
      for s in 0..<64 {
        let mask = AttackTables.relevantMask(s, rook: isRook)
        entries.append((mask, mask.nonzeroBitCount, total))
        total += 1 << mask.nonzeroBitCount
      }
    }
    sliderTable = .allocate(capacity: total)
    var rng = Xoshiro256(seed: 0x5EED_CAFE)
    var epoch = [Int](repeating: 0, count: 4096)
    var used = [UInt64](repeating: 0, count: 4096)
    var tries = 0
    for (i, e) in entries.enumerated() {
      let isRook = i < 64
      let s = i % 64
      let dirs = isRook ? AttackTables.rookDirections : AttackTables.bishopDirections
      // Every subset of the mask (carry-rippler) with its true attack set.
      var occupancies: [UInt64] = []
      var references: [UInt64] = []
      var sub: UInt64 = 0
      repeat {
        occupancies.append(sub)
        references.append(AttackTables.slide(s, sub, dirs))
        sub = (sub &- e.mask) & e.mask
      } while sub != 0
      let shift = UInt64(64 - e.bits)
      var magic: UInt64 = 0
      search: while true {
        magic = rng.next() & rng.next() & rng.next()
        if ((e.mask &* magic) >> 56).nonzeroBitCount < 6 { continue }
        tries += 1
        for k in occupancies.indices {
          let idx = Int((occupancies[k] &* magic) >> shift)
          if epoch[idx] != tries {
            epoch[idx] = tries
            used[idx] = references[k]
          } else if used[idx] != references[k] {
            continue search
          }
        }
        break
      }
      for k in occupancies.indices {
        sliderTable[e.offset + Int((occupancies[k] &* magic) >> shift)] = references[k]
      }
      let entry = MagicEntry(mask: e.mask, magic: magic, shift: shift, offset: e.offset)
      if isRook { rookMagics[s] = entry } else { bishopMagics[s] = entry }
    }
  }

  static let rookDirections = [(1, 0), (-1, 0), (0, 1), (0, -1)]
  static let bishopDirections = [(1, 1), (1, -1), (-1, 1), (-1, -1)]

  static func stepAttacks(_ s: Int, _ steps: [(Int, Int)]) -> UInt64 {
    var b: UInt64 = 0
    for (df, dr) in steps {
      let f = s % 8 + df, r = s / 8 + dr
      if (0..<8).contains(f) && (0..<8).contains(r) { b |= 1 << UInt64(r * 8 + f) }
    }
    return b
  }

  /// Slider attacks from `s` with blockers `occupied` (slow; used to build tables).
  static func slide(_ s: Int, _ occupied: UInt64, _ dirs: [(Int, Int)]) -> UInt64 {
    var b: UInt64 = 0
    for (df, dr) in dirs {
      var f = s % 8 + df, r = s / 8 + dr
      while (0..<8).contains(f) && (0..<8).contains(r) {
        let bit = UInt64(1) << UInt64(r * 8 + f)
        b |= bit
        if occupied & bit != 0 { break }
        f += df
        r += dr
      }
    }
    return b
  }

  /// The squares whose occupancy matters for a slider on `s` (board edges excluded).
  static func relevantMask(_ s: Int, rook: Bool) -> UInt64 {
    var b: UInt64 = 0
    for (df, dr) in rook ? rookDirections : bishopDirections {
      var f = s % 8 + df, r = s / 8 + dr
      while (0..<8).contains(f + df) && (0..<8).contains(r + dr) {
        b |= UInt64(1) << UInt64(r * 8 + f)
        f += df
        r += dr
      }
    }
    return b
  }
}

/// One square's magic: `index = ((occupied & mask) * magic) >> shift`, into the table at
/// `offset`.
@frozen public struct MagicEntry: Sendable, BitwiseCopyable {
  @usableFromInline let mask: UInt64
  @usableFromInline let magic: UInt64
  @usableFromInline let shift: UInt64
  @usableFromInline let offset: Int
  @inlinable init(mask: UInt64, magic: UInt64, shift: UInt64, offset: Int) {
    self.mask = mask
    self.magic = magic
    self.shift = shift
    self.offset = offset
  }
}
