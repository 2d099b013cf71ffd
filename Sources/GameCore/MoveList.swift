/// A fixed-capacity list of moves that lives on the stack: move generation writes into a
/// caller-provided `MoveList`, so generating moves never allocates.
///
/// Capacity is 256, enough for any chess position (the maximum is 218) and far more than
/// Hexapawn needs (at most 3 moves per pawn, 24 on 8x8).
@frozen public struct MoveList<Move: BitwiseCopyable>: Sendable, BitwiseCopyable, RandomAccessCollection
where Move: Sendable {
  /// Maximum number of moves.
  public static var capacity: Int { 256 }

  @usableFromInline var storage: InlineArray<256, Move>
  /// Number of moves held.
  public var count: Int { _count }
  @usableFromInline var _count: Int

  /// An empty list; `filler` is any move value (used only to initialise storage).
  @inlinable public init(filler: Move) {
    storage = InlineArray(repeating: filler)
    _count = 0
  }

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { count }

  @inlinable public subscript(i: Int) -> Move {
    get {
      precondition(i >= 0 && i < count, "MoveList index out of range")
      return storage[unchecked: i]
    }
    set {
      precondition(i >= 0 && i < count, "MoveList index out of range")
      storage[unchecked: i] = newValue
    }
  }

  /// The move at `i`, read in place. Through the subscript, a read at a computed index can
  /// make the compiler copy all of the inline storage (512 bytes) first; it did in the chess
  /// search's move loops, where this accessor removed a `memcpy` per move.
  @inlinable @inline(__always) public mutating func move(at i: Int) -> Move {
    precondition(i >= 0 && i < count, "MoveList index out of range")
    return withUnsafeMutablePointer(to: &storage) {
      UnsafeRawPointer($0).load(fromByteOffset: i &* MemoryLayout<Move>.stride, as: Move.self)
    }
  }

  /// Appends a move. Overflowing the capacity is a programming error.
  @inlinable public mutating func append(_ move: Move) {
    precondition(count < 256, "MoveList overflow")
    storage[unchecked: count] = move
    _count &+= 1
  }

  /// Removes every move (keeps the storage).
  @inlinable public mutating func removeAll() { _count = 0 }

  /// Swaps two entries (used by move ordering).
  @inlinable public mutating func swapAt(_ i: Int, _ j: Int) {
    let t = storage[unchecked: i]
    storage[unchecked: i] = storage[unchecked: j]
    storage[unchecked: j] = t
  }
}
