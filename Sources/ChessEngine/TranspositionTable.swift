import Chess

/// One slot of the transposition table: 16 bytes. (Package access: the tests read entries.)
@usableFromInline package struct TTEntry: BitwiseCopyable {
  @usableFromInline package var key: UInt64
  @usableFromInline package var move: UInt16
  @usableFromInline package var score: Int16
  @usableFromInline package var depth: Int16
  /// Bits 0–1: bound (1 upper, 2 lower, 3 exact); bits 2–7: search generation.
  @usableFromInline package var flags: UInt8
  @usableFromInline package var pad: UInt8
}

/// Bound kinds stored in the table.
enum Bound: UInt8 {
  case upper = 1
  case lower = 2
  case exact = 3
}

/// A transposition table of power-of-two size (one entry per slot, replaced when the new
/// result is deeper, exact, or the old one is from an earlier search). Not thread-safe: one
/// searcher owns it.
public final class TranspositionTable: @unchecked Sendable {
  @usableFromInline var entries: UnsafeMutablePointer<TTEntry>
  @usableFromInline var mask: Int
  @usableFromInline var generation: UInt8 = 0
  /// Size in mebibytes (the slot count is the largest power of two that fits).
  public private(set) var megabytes: Int

  public init(megabytes: Int) {
    self.megabytes = max(1, megabytes)
    let count = TranspositionTable.slotCount(megabytes: self.megabytes)
    entries = .allocate(capacity: count)
    mask = count - 1
    clear()
  }

  deinit { entries.deallocate() }

  static func slotCount(megabytes: Int) -> Int {
    let bytes = megabytes * 1024 * 1024
    var count = 1
    while count * 2 * MemoryLayout<TTEntry>.stride <= bytes { count *= 2 }
    return count
  }

  /// Reallocates (and clears) the table.
  public func resize(megabytes: Int) {
    let mb = max(1, megabytes)
    guard mb != self.megabytes else { return }
    entries.deallocate()
    self.megabytes = mb
    let count = TranspositionTable.slotCount(megabytes: mb)
    entries = .allocate(capacity: count)
    mask = count - 1
    clear()
  }

  /// Forgets everything.
  public func clear() {
    entries.initialize(repeating: TTEntry(key: 0, move: 0, score: 0, depth: 0, flags: 0, pad: 0), count: mask + 1)
    generation = 0
  }

  /// Starts a new search (older entries become preferred victims).
  public func newSearch() { generation = (generation &+ 1) & 63 }

  @inline(__always) package func probe(_ key: UInt64) -> TTEntry? {
    let e = entries[Int(truncatingIfNeeded: key) & mask]
    return e.key == key && e.flags & 3 != 0 ? e : nil
  }

  @inline(__always) package func store(_ key: UInt64, move: Move, score: Int, depth: Int, bound: UInt8) {
    let slot = entries + (Int(truncatingIfNeeded: key) & mask)
    let old = slot.pointee
    let oldGen = old.flags >> 2
    if old.key == key || oldGen != generation || depth >= Int(old.depth) - 1 || bound == 3 {
      let keep = old.key == key && move == .none ? old.move : move.raw
      slot.pointee = TTEntry(
        key: key, move: keep, score: Int16(truncatingIfNeeded: score), depth: Int16(truncatingIfNeeded: depth),
        flags: bound | generation << 2, pad: 0)
    }
  }

  /// Permill of the first thousand slots used by the current search.
  public var hashfull: Int {
    let n = min(1000, mask + 1)
    var used = 0
    for i in 0..<n where entries[i].flags & 3 != 0 && entries[i].flags >> 2 == generation { used += 1 }
    return used * 1000 / n
  }
}
