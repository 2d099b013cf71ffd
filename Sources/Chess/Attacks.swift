import GameCore

/// Precomputed attack tables: knight, king and pawn attacks per square, the squares between
/// and on the line through two squares, and slider attacks by "fancy" magic bitboards.
///
/// The magic multipliers were found by a seeded search (kept below; it reruns for any square
/// whose precomputed multiplier fails its check), so start-up only fills the tables. All tables live in one flat allocation that is never
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
      // The precomputed multiplier is checked like any candidate; the search (same seed that
      // produced the table) runs only if it fails.
      var magic = AttackTables.precomputedMagics[i]
      var searching = false
      search: while true {
        if searching {
          magic = rng.next() & rng.next() & rng.next()
          if ((e.mask &* magic) >> 56).nonzeroBitCount < 6 { continue }
        }
        searching = true
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

  /// Magic multipliers found by the search below from seed `0x5EED_CAFE` (rooks a1…h8, then
  /// bishops a1…h8), so start-up only fills the tables (the search takes about 0.3 s).
  static let precomputedMagics: [UInt64] = [
    0x80001080284000, 0x440024020041008, 0x880200280089000, 0x700041001022008,
    0x600200200049008, 0x600020001100844, 0x400041801121090, 0x1001200204C8100,
    0x8000801080204000, 0x4400050002001, 0x8004801000200080, 0x90800800100480,
    0x2000A00042010, 0x4220800400800200, 0x8002000200018804, 0x203000201609500,
    0x500858002400028, 0x10044000A001C2, 0x110020004100, 0x808008001000,
    0x6025010010040800, 0xD800808004000200, 0x100040082010850, 0x72802002108804C,
    0x2000802080004002, 0x2C39008100400020, 0xC10040020002800, 0x100080800800,
    0x8004040080800800, 0x4040080800200, 0x210400480210, 0x4000802080004100,
    0x400080800021, 0xD0002001404000, 0xC10801000802000, 0x4810000800801080,
    0xC000800400800800, 0x100800200800400, 0x1051082224000130, 0x400004048A000055,
    0xA2008041020020, 0x8400820041020021, 0x21002000410010, 0xC00200842020010,
    0x1000080100050010, 0x4AA020004008080, 0xCF02105C0088, 0x104040090420001,
    0x211104022008200, 0x10004000200040, 0x800110820044100, 0x850000804004040,
    0x8208004200040040, 0x85840002008080, 0x3000200040100, 0x8180010040840200,
    0x2004421880210202, 0x3001208402082, 0x100200013000843, 0x1013220C0460016,
    0x1000800100443, 0x4402000481502802, 0x8020210090080204, 0xC08101040020884A,
    0x1070100100429202, 0x2002580604821404, 0x1210043D81242008, 0x108061240410020,
    0x8294052000000004, 0x8132110421004400, 0x100888820909050, 0x11018451084000,
    0x4902102008A00, 0x90080204040426, 0x420899010210, 0x4440844402809480,
    0x10040420000002, 0x2000033010100105, 0x1401844402984081, 0xB0820621010880,
    0x8100440109218C0, 0x2821030E2082302, 0x8404A240C042040, 0x2004000802424900,
    0x4001005820080000, 0x901000210008408, 0x9821008200A2200A, 0x80018040404C1010,
    0x10410002020C102, 0x4042090502280802, 0xA000500014440080, 0x2080004004009,
    0xC1001005004000, 0x44C0430202010100, 0x202004252011069, 0x8214310A1C10802,
    0x1108C000210400, 0x4010441200400, 0x2000462200100404, 0x42008040100,
    0x100404041A40100, 0x8004101080241040, 0x8084101408080, 0x21020620220500,
    0x4001100220021002, 0x404880110030900, 0x281084050004801, 0x1000020214008200,
    0x80A0020C008082, 0x1224101C082480, 0x902120C04000110, 0x401023A02000040,
    0x105104222004004C, 0x4000441228020041, 0x401021500880000, 0x150010020880080,
    0x9A02002048120, 0x40020041000949A, 0x24044A404005000, 0x112002C401082001,
    0x1406002918023000, 0x8008004444100907, 0x1000040100481200, 0x640020208840,
    0x8800010020224, 0xE20046061720080, 0x8000414234042492, 0x81004180C4014,
  ]

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

extension AttackTables {
  /// The magic multipliers (rooks, then bishops), for printing a precomputed table.
  public var magicNumbers: [UInt64] { (0..<64).map { rookMagics[$0].magic } + (0..<64).map { bishopMagics[$0].magic } }
}
