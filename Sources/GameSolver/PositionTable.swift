import GameCore

/// An open-addressing hash map from positions to small values, keyed by the position's
/// Zobrist hash and checked against the full position, so it is exact (no hash collisions
/// can merge two positions). Backs the solver and the counters: millions of entries with
/// no per-entry allocation, one slot (position, value, used flag) per probe.
public final class PositionTable<G: GameState, Value: BitwiseCopyable> {
  @usableFromInline struct Slot {
    @usableFromInline var key: G
    @usableFromInline var value: Value
    @usableFromInline var used: Bool
    @inlinable init(key: G, value: Value, used: Bool) {
      self.key = key
      self.value = value
      self.used = used
    }
  }

  @usableFromInline var slots: UnsafeMutablePointer<Slot>
  @usableFromInline var mask: Int
  @usableFromInline var _count = 0

  /// Number of entries.
  @inlinable public var count: Int { _count }

  /// An empty table sized for about `expected` entries (it grows as needed).
  public init(expected: Int = 1024) {
    var cap = 16
    while cap < expected * 2 { cap <<= 1 }
    mask = cap - 1
    slots = PositionTable.allocate(cap)
  }

  @usableFromInline static func allocate(_ cap: Int) -> UnsafeMutablePointer<Slot> {
    let p = UnsafeMutablePointer<Slot>.allocate(capacity: cap)
    // Only `used` is read before a slot is filled; zeroing the raw memory sets it to false.
    UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: cap * MemoryLayout<Slot>.stride)
    return p
  }

  deinit { slots.deallocate() }

  /// The slot holding `key`, or the empty slot where it would go.
  @inlinable func slot(for key: G) -> Int {
    var i = Int(truncatingIfNeeded: key.hash) & mask
    while slots[i].used {
      if slots[i].key == key { return i }
      i = (i &+ 1) & mask
    }
    return i
  }

  /// The value stored for `key`, if any.
  @inlinable public subscript(key: G) -> Value? {
    let i = slot(for: key)
    return slots[i].used ? slots[i].value : nil
  }

  /// Stores `value` for `key` (replacing any previous value).
  @inlinable public func set(_ key: G, _ value: Value) {
    if (_count &+ 1) &* 2 > mask { grow() }
    let i = slot(for: key)
    if !slots[i].used { _count &+= 1 }
    slots[i] = Slot(key: key, value: value, used: true)
  }

  @inlinable func grow() {
    let oldCap = mask + 1
    let old = slots
    mask = oldCap * 2 - 1
    slots = PositionTable.allocate(oldCap * 2)
    for j in 0..<oldCap where old[j].used {
      slots[slot(for: old[j].key)] = old[j]
    }
    old.deallocate()
  }

  /// Calls `body` for every entry (in table order).
  public func forEach(_ body: (G, Value) -> Void) {
    for i in 0...mask where slots[i].used { body(slots[i].key, slots[i].value) }
  }

  /// Bytes held by the table's storage.
  public var memoryBytes: Int { (mask + 1) * MemoryLayout<Slot>.stride }
}
