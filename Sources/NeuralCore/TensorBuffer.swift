import Synchronization

/// The extents of a `TensorBuffer`: up to four axes held inline, batch first, so setting a
/// shape never allocates (`[Int]` would, at every layer of every step).
public struct Shape: Sendable, Equatable, CustomStringConvertible {
  /// Number of axes (0…4).
  public private(set) var rank: Int
  /// The extents; axes at or past `rank` are 0.
  @usableFromInline var extents: SIMD4<Int>

  public init(_ d0: Int) { self.init(rank: 1, SIMD4(d0, 0, 0, 0)) }
  public init(_ d0: Int, _ d1: Int) { self.init(rank: 2, SIMD4(d0, d1, 0, 0)) }
  public init(_ d0: Int, _ d1: Int, _ d2: Int) { self.init(rank: 3, SIMD4(d0, d1, d2, 0)) }
  public init(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int) { self.init(rank: 4, SIMD4(d0, d1, d2, d3)) }

  /// The shape of `dims` (at most four axes).
  public init(_ dims: [Int]) {
    if dims.count > 4 { shapeFailure("a buffer holds at most 4 axes, got \(dims)") }
    var e = SIMD4<Int>(repeating: 0)
    for (i, d) in dims.enumerated() { e[i] = d }
    self.init(rank: dims.count, e)
  }

  init(rank: Int, _ extents: SIMD4<Int>) {
    if extents.min() < 0 { shapeFailure("negative extent in shape \(extents)") }
    self.rank = rank
    self.extents = extents
  }

  /// The extent of axis `i`.
  @inlinable public subscript(i: Int) -> Int {
    precondition(i >= 0 && i < rank, "axis \(i) of a rank-\(rank) shape")
    return extents[i]
  }

  /// The number of elements.
  public var elementCount: Int {
    var n = 1
    for i in 0..<rank { n *= extents[i] }
    return n
  }

  /// The first axis (the batch), 1 for a scalar.
  public var batch: Int { rank > 0 ? extents[0] : 1 }
  /// The last axis (channels or features), 1 for a scalar.
  public var last: Int { rank > 0 ? extents[rank - 1] : 1 }
  /// Elements per batch item.
  public var itemCount: Int { rank > 1 ? elementCount / max(extents[0], 1) : 1 }

  /// The same shape with the last axis set to `n`.
  public func replacingLast(_ n: Int) -> Shape {
    var s = self
    s.extents[rank - 1] = n
    return s
  }

  /// The extents as an array (allocates: for messages and `Tensor`).
  public var array: [Int] { (0..<rank).map { extents[$0] } }

  public var description: String { "\(array)" }
}

/// A tensor with reference semantics for the activations and gradients that flow between
/// layers: a `Shape` and a buffer that only grows, written in place.
///
/// Each layer owns the buffers it writes (its output, its input gradient, its intermediates) and
/// hands them out by reference, so writing into one never copies and never allocates once the
/// first batch has sized it: nothing depends on copy-on-write or on how long the optimiser keeps
/// a reference alive. The price is the usual one of frameworks with preallocated activations:
/// what a layer returns is valid until that layer runs again (copy it out with `tensor` to keep
/// it). `Tensor` stays the value type for parameters, data sets and results.
///
/// A buffer can also be a view of another (`view(of:as:)`): the same elements under another
/// shape, as `Flatten` returns.
public final class TensorBuffer: @unchecked Sendable {
  /// The current shape.
  public private(set) var shape = Shape(0)
  /// The number of elements (`shape.elementCount`).
  public private(set) var count = 0
  /// The first element (of this buffer's own storage, or of the buffer it views).
  public private(set) var pointer: UnsafeMutablePointer<Float>
  private var storage: UnsafeMutablePointer<Float>
  private var capacity: Int
  /// The buffer this one views, kept alive while the view is.
  private var base: TensorBuffer?

  /// An empty buffer (shape `[0]`).
  public init() {
    storage = .allocate(capacity: 1)
    storage.initialize(to: 0)
    capacity = 1
    pointer = storage
  }

  /// A zero-filled buffer of `shape`.
  public convenience init(_ shape: Shape) {
    self.init()
    resize(shape)
    fill(0)
  }

  /// A buffer holding a copy of `t` (at most four axes).
  public convenience init(_ t: Tensor) {
    self.init()
    copy(from: t)
  }

  deinit { storage.deallocate() }

  /// Makes this buffer `shape`-shaped. The storage is reallocated only when it is too small
  /// (new storage is zero-filled); otherwise the contents are whatever was there. A view stops
  /// being one.
  public func resize(_ newShape: Shape) {
    let n = newShape.elementCount
    if n > capacity {
      storage.deallocate()
      storage = .allocate(capacity: n)
      storage.initialize(repeating: 0, count: n)
      capacity = n
    }
    base = nil
    pointer = storage
    shape = newShape
    count = n
  }

  /// Makes this buffer a view of `other`'s elements under `shape` (same element count) until
  /// the next `resize` or `view`.
  public func view(of other: TensorBuffer, as newShape: Shape) {
    if newShape.elementCount != other.count {
      shapeFailure("cannot view \(other.shape) (\(other.count) elements) as \(newShape)")
    }
    base = other
    pointer = other.pointer
    shape = newShape
    count = other.count
  }

  /// The elements, for writing.
  @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: pointer, count: count)
  }
  /// The elements, for reading.
  @inlinable public var elements: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

  /// Element `i` in row-major order.
  @inlinable public subscript(i: Int) -> Float {
    get {
      precondition(i >= 0 && i < count, "index \(i) out of a buffer of \(count)")
      return pointer[i]
    }
    set {
      precondition(i >= 0 && i < count, "index \(i) out of a buffer of \(count)")
      pointer[i] = newValue
    }
  }

  /// Number of axes.
  public var rank: Int { shape.rank }
  /// The first axis (the batch).
  public var batch: Int { shape.batch }
  /// The last axis (channels or features).
  public var channels: Int { shape.last }
  /// Elements per batch item.
  public var itemCount: Int { shape.itemCount }

  /// `shape == [d0, d1]`.
  public func hasShape(_ d0: Int, _ d1: Int) -> Bool { shape == Shape(d0, d1) }
  /// `shape == [d0, d1, d2, d3]`.
  public func hasShape(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int) -> Bool { shape == Shape(d0, d1, d2, d3) }

  /// Sets every element to `value`.
  public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }

  /// Takes `t`'s shape and elements.
  public func copy(from t: Tensor) {
    resize(Shape(t.shape))
    t.data.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
  }

  /// Takes `other`'s shape and elements.
  public func copy(from other: TensorBuffer) {
    if other === self { return }
    resize(other.shape)
    pointer.update(from: other.pointer, count: count)
  }

  /// A value copy of the shape and elements.
  public var tensor: Tensor { Tensor(shape: shape.array, data: Array(elements)) }

  /// Mean and (population) variance of all elements, in Double.
  public var moments: (mean: Double, variance: Double) { meanAndVariance(elements) }

  /// Stops with a message naming both shapes unless they are equal.
  public static func checkSameShape(_ a: TensorBuffer, _ b: TensorBuffer, _ what: @autoclosure () -> String) {
    if a.shape != b.shape { shapeFailure("shape mismatch in \(what()): \(a.shape) vs \(b.shape)") }
  }
}

/// The buffers one layer writes, held by reference so that writing them never copies.
///
/// A layer value holds one `LayerBuffers` and calls `claim(&buffers)` at the start of its
/// forward pass. The object is referenced by layer values only (the buffers inside are handed
/// out, the holder never is), so it has a second holder exactly when the layer value was
/// copied; the copy then takes fresh, empty buffers (sized by its own first batch) and the two
/// never write into each other's memory, on one thread or on two.
public final class LayerBuffers: @unchecked Sendable {
  @usableFromInline let slots: [TensorBuffer]
  /// What the layer last derived into these buffers from its parameters (e.g. the `version` of
  /// the weight a transformed copy was made from); 0 in fresh buffers.
  public var tag: UInt64 = 0
  private var doubles: UnsafeMutablePointer<Double>
  private var doubleCapacity = 1

  /// `count` empty buffers.
  public init(_ count: Int) {
    slots = (0..<count).map { _ in TensorBuffer() }
    doubles = .allocate(capacity: 1)
    doubles.initialize(to: 0)
  }

  deinit { doubles.deallocate() }

  /// Buffer `i`.
  @inlinable public subscript(i: Int) -> TensorBuffer { slots[i] }

  /// `n` Doubles of scratch (e.g. per-channel sums), grown when too small; contents unspecified.
  public func doubles(_ n: Int) -> UnsafeMutablePointer<Double> {
    if n > doubleCapacity {
      doubles.deallocate()
      doubles = .allocate(capacity: n)
      doubles.initialize(repeating: 0, count: n)
      doubleCapacity = n
    }
    return doubles
  }

  /// Keeps `buffers` when the calling layer value is its only holder; otherwise (the layer was
  /// copied) replaces it with fresh buffers of the same number.
  public static func claim(_ buffers: inout LayerBuffers) {
    if !isKnownUniquelyReferenced(&buffers) { buffers = LayerBuffers(buffers.slots.count) }
  }
}

extension Tensor {
  /// A value copy of `b`'s shape and elements.
  public init(_ b: TensorBuffer) { self = b.tensor }
}

/// Buffers that live for one call of a layer, shared by every layer of every network in the
/// process: Winograd's tile products `M` and their gradient, and the transformed input `V`
/// and im2col's patches outside training. A network then holds one such buffer at a time
/// instead of one per convolution (at batch 256 a 128-channel convolution's `M` is 19 MB).
///
/// `withBuffer` lends a buffer until its body returns. The pool keeps every buffer it has lent
/// and buffers only grow, so once each call site has run at its largest batch, borrowing
/// allocates nothing; nested and concurrent borrowers get different buffers.
public enum ScratchBuffers {
  private static let pool = Mutex<[TensorBuffer]>([])

  /// Calls `body` with a buffer no one else uses until it returns (its shape and contents are
  /// whatever they were: `resize` it).
  public static func withBuffer<R>(_ body: (TensorBuffer) throws -> R) rethrows -> R {
    let buffer = pool.withLock { $0.popLast() } ?? TensorBuffer()
    defer { pool.withLock { $0.append(buffer) } }
    return try body(buffer)
  }
}
