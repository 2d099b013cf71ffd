import GameCore

/// An open-addressing hash map from positions to small values, keyed by the position's
/// Zobrist hash and checked against the full position, so it is exact (no hash collisions
/// can merge two positions). Backs the solver and the counters: millions of entries with
/// no per-entry allocation.
public final class PositionTable<G: GameState, Value: BitwiseCopyable> {
  @usableFromInline var keys: UnsafeMutablePointer<G>
  @usableFromInline var values: UnsafeMutablePointer<Value>
  @usableFromInline var used: UnsafeMutablePointer<Bool>
  @usableFromInline var mask: Int
  /// Number of entries.
  public var count: Int { _count }
  @usableFromInline var _count = 0

  /// An empty table sized for about `expected` entries (it grows as needed).
  public init(expected: Int = 1024) {
    var cap = 16
    while cap < expected * 2 { cap <<= 1 }
    mask = cap - 1
    keys = .allocate(capacity: cap)
    values = .allocate(capacity: cap)
    used = .allocate(capacity: cap)
    used.initialize(repeating: false, count: cap)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
    used.deallocate()
  }

  /// The slot holding `key`, or the empty slot where it would go.
  @inlinable func slot(for key: G) -> Int {
    var i = Int(truncatingIfNeeded: key.hash) & mask
    while used[i] {
      if keys[i] == key { return i }
      i = (i &+ 1) & mask
    }
    return i
  }

  /// The value stored for `key`, if any.
  @inlinable public subscript(key: G) -> Value? {
    let i = slot(for: key)
    return used[i] ? values[i] : nil
  }

  /// Stores `value` for `key` (replacing any previous value).
  @inlinable public func set(_ key: G, _ value: Value) {
    if (_count &+ 1) &* 2 > mask { grow() }
    let i = slot(for: key)
    if !used[i] {
      used[i] = true
      keys.advanced(by: i).initialize(to: key)
      _count &+= 1
    }
    values.advanced(by: i).initialize(to: value)
  }

  @usableFromInline func grow() {
    let oldCap = mask + 1
    let (oldKeys, oldValues, oldUsed) = (keys, values, used)
    let cap = oldCap * 2
    mask = cap - 1
    keys = .allocate(capacity: cap)
    values = .allocate(capacity: cap)
    used = .allocate(capacity: cap)
    used.initialize(repeating: false, count: cap)
    for j in 0..<oldCap where oldUsed[j] {
      let i = slot(for: oldKeys[j])
      used[i] = true
      keys.advanced(by: i).initialize(to: oldKeys[j])
      values.advanced(by: i).initialize(to: oldValues[j])
    }
    oldKeys.deallocate()
    oldValues.deallocate()
    oldUsed.deallocate()
  }

  /// Calls `body` for every entry (in table order).
  public func forEach(_ body: (G, Value) -> Void) {
    for i in 0...mask where used[i] { body(keys[i], values[i]) }
  }

  /// Bytes held by the table's storage.
  public var memoryBytes: Int {
    (mask + 1) * (MemoryLayout<G>.stride + MemoryLayout<Value>.stride + 1)
  }
}
