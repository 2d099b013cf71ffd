import Chess

/// One slot of the transposition table: 16 bytes. (Package access: the tests read entries.)
@usableFromInline package struct TTEntry: BitwiseCopyable {
  @usableFromInline package var key: UInt64
  @usableFromInline package var move: UInt16
  @usableFromInline package var score: Int16
  @usableFromInline package var depth: Int16
  /// Bits 0–1: the `Bound` (0 for an empty slot); bits 2–7: search generation.
  @usableFromInline package var flags: UInt8
  @usableFromInline package var pad: UInt8

  /// The stored score's bound (`.none` for an empty slot).
  @inline(__always) package var bound: Bound { Bound(rawValue: flags & 3)! }
}

/// What a search result is for the window it was searched with: an upper bound (it failed
/// low), a lower bound (it failed high) or exact; `none` for no result (an empty table slot).
/// The raw values are the table's two bound bits.
package enum Bound: UInt8 {
  case none = 0
  case upper = 1
  case lower = 2
  case exact = 3

  /// The bound of a search result `best` for the window (`alpha`, `beta`).
  @inline(__always) init(_ best: Int, alpha: Int, beta: Int) {
    self = best >= beta ? .lower : (best > alpha ? .exact : .upper)
  }

  /// Whether the true score is at least the stored one (a lower bound or exact).
  @inline(__always) var isLowerOrExact: Bool { self == .lower || self == .exact }

  /// Whether a stored `score` with this bound settles a node searched with the window
  /// (`alpha`, `beta`).
  @inline(__always) func settles(_ score: Int, alpha: Int, beta: Int) -> Bool {
    self == .exact || (self == .lower && score >= beta) || (self == .upper && score <= alpha)
  }
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
    return e.key == key && e.bound != .none ? e : nil
  }

  @inline(__always) package func store(_ key: UInt64, move: Move, score: Int, depth: Int, bound: Bound) {
    let slot = entries + (Int(truncatingIfNeeded: key) & mask)
    let old = slot.pointee
    let oldGen = old.flags >> 2
    if old.key == key || oldGen != generation || depth >= Int(old.depth) - 1 || bound == .exact {
      let keep = old.key == key && move == .none ? old.move : move.raw
      slot.pointee = TTEntry(
        key: key, move: keep, score: Int16(truncatingIfNeeded: score), depth: Int16(truncatingIfNeeded: depth),
        flags: bound.rawValue | generation << 2, pad: 0)
    }
  }

  /// Permill of the first thousand slots used by the current search.
  public var hashfull: Int {
    let n = min(1000, mask + 1)
    var used = 0
    for i in 0..<n where entries[i].bound != .none && entries[i].flags >> 2 == generation { used += 1 }
    return used * 1000 / n
  }
}
