/// A dense Float32 tensor: a shape and a contiguous row-major buffer.
///
/// Image-like tensors are NHWC (batch, height, width, channels), so a convolution is one
/// GEMM over an im2col matrix and the channel axis is always the last. Storage is a
/// copy-on-write `[Float]`: the value type for parameters, data and results. Activations and
/// gradients flow between layers in `TensorBuffer`s, which the layers own and write in place.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
  /// The extent of each axis.
  public private(set) var shape: [Int]
  /// The elements, row-major.
  public var data: [Float]

  /// A tensor of `shape` filled with `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    if !(shape.allSatisfy { $0 >= 0 }) { shapeFailure("negative extent in shape \(shape)") }
    self.shape = shape
    data = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// A tensor of `shape` holding `data` (whose count must match).
  public init(shape: [Int], data: [Float]) {
    precondition(
      shape.reduce(1, *) == data.count,
      "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(data.count)")
    self.shape = shape
    self.data = data
  }

  /// Number of elements.
  @inlinable public var count: Int { data.count }
  /// Number of axes.
  public var rank: Int { shape.count }
  /// The first axis (the batch, by convention).
  public var batch: Int { shape.first ?? 1 }
  /// Elements per batch item.
  public var itemCount: Int { shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1 }
  /// The last axis (channels or features).
  public var channels: Int { shape.last ?? 1 }

  /// The same elements viewed with another shape of equal element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    if !(newShape.reduce(1, *) == count) { shapeFailure("cannot reshape \(shape) (\(count) elements) to \(newShape)") }
    var t = self
    t.shape = newShape
    return t
  }

  /// Changes the shape in place (same element count).
  public mutating func reshape(_ newShape: [Int]) {
    if !(newShape.reduce(1, *) == count) { shapeFailure("cannot reshape \(shape) (\(count) elements) to \(newShape)") }
    shape = newShape
  }

  /// Makes this tensor `shape`-shaped, reusing the buffer when the size already fits
  /// (contents are then unspecified).
  public mutating func resize(to newShape: [Int]) {
    let n = newShape.reduce(1, *)
    if n != data.count { data = [Float](repeating: 0, count: n) }
    shape = newShape
  }

  /// Sets every element to `value`.
  public mutating func fill(_ value: Float) {
    data.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] = value }
    }
  }

  /// Stops with a message naming both shapes unless they are equal.
  public static func checkSameShape(_ a: Tensor, _ b: Tensor, _ what: @autoclosure () -> String = "tensors") {
    if a.shape != b.shape { shapeFailure("shape mismatch in \(what()): \(a.shape) vs \(b.shape)") }
  }

  public var description: String {
    let head = data.prefix(8).map { String($0) }.joined(separator: ", ")
    return "Tensor\(shape)[\(head)\(count > 8 ? ", …" : "")]"
  }

  // MARK: Elementwise helpers (tests and readability; layers use in-place loops)

  public static func + (a: Tensor, b: Tensor) -> Tensor {
    checkSameShape(a, b, "+")
    var r = a
    r.add(b)
    return r
  }

  public static func - (a: Tensor, b: Tensor) -> Tensor {
    checkSameShape(a, b, "-")
    var r = a
    r.add(b, scale: -1)
    return r
  }

  /// `self += scale * other` (SAXPY), 16 lanes at a time.
  public mutating func add(_ other: Tensor, scale: Float = 1) {
    Tensor.checkSameShape(self, other, "add")
    data.withUnsafeMutableBufferPointer { y in
      other.data.withUnsafeBufferPointer { x in SIMDKernels.axpy(scale, x, y) }
    }
  }

  /// `self *= scale`, 16 lanes at a time.
  public mutating func scale(by s: Float) {
    data.withUnsafeMutableBufferPointer { y in SIMDKernels.scale(y, by: s) }
  }

  /// Sum of squares of the elements.
  public var squaredNorm: Float {
    data.withUnsafeBufferPointer { p in
      var s: Float = 0
      for v in p { s += v * v }
      return s
    }
  }

  /// Mean and (population) variance of all elements, in Double.
  public var moments: (mean: Double, variance: Double) { data.withUnsafeBufferPointer(meanAndVariance) }
}

/// Elementwise kernels on `SIMD16<Float>` chunks with a scalar tail.
public enum SIMDKernels {
  /// `y += a·x`.
  @inlinable public static func axpy(
    _ a: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(x.count == y.count)
    let n = y.count, chunks = n / 16
    let xr = UnsafeRawPointer(x.baseAddress!), yr = UnsafeMutableRawPointer(y.baseAddress!)
    let va = SIMD16<Float>(repeating: a)
    for c in 0..<chunks {
      let xv = xr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      let yv = yr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      yr.storeBytes(of: yv + va * xv, toByteOffset: c * 64, as: SIMD16<Float>.self)
    }
    for i in (chunks * 16)..<n { y[i] += a * x[i] }
  }

  /// `y *= s`.
  @inlinable public static func scale(_ y: UnsafeMutableBufferPointer<Float>, by s: Float) {
    let n = y.count, chunks = n / 16
    let yr = UnsafeMutableRawPointer(y.baseAddress!)
    let vs = SIMD16<Float>(repeating: s)
    for c in 0..<chunks {
      let v = yr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      yr.storeBytes(of: v * vs, toByteOffset: c * 64, as: SIMD16<Float>.self)
    }
    for i in (chunks * 16)..<n { y[i] *= s }
  }

  /// `y = max(x, 0)`.
  @inlinable public static func relu(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
    let n = x.count, chunks = n / 16
    let xr = UnsafeRawPointer(x.baseAddress!), yr = UnsafeMutableRawPointer(y.baseAddress!)
    let zero = SIMD16<Float>(repeating: 0)
    for c in 0..<chunks {
      let v = xr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      yr.storeBytes(of: v.replacing(with: zero, where: v .< zero), toByteOffset: c * 64, as: SIMD16<Float>.self)
    }
    for i in (chunks * 16)..<n { y[i] = max(x[i], 0) }
  }

  /// `dx = x > 0 ? dy : 0`.
  @inlinable public static func reluBackward(
    _ x: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>
  ) {
    let n = x.count, chunks = n / 16
    let xr = UnsafeRawPointer(x.baseAddress!), gr = UnsafeRawPointer(dy.baseAddress!)
    let dr = UnsafeMutableRawPointer(dx.baseAddress!)
    let zero = SIMD16<Float>(repeating: 0)
    for c in 0..<chunks {
      let v = xr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      let g = gr.loadUnaligned(fromByteOffset: c * 64, as: SIMD16<Float>.self)
      dr.storeBytes(of: zero.replacing(with: g, where: v .> zero), toByteOffset: c * 64, as: SIMD16<Float>.self)
    }
    for i in (chunks * 16)..<n { dx[i] = x[i] > 0 ? dy[i] : 0 }
  }
}

/// Mean and (population) variance of `p`, in Double.
func meanAndVariance(_ p: UnsafeBufferPointer<Float>) -> (mean: Double, variance: Double) {
  guard p.count > 0 else { return (0, 0) }
  var s = 0.0, s2 = 0.0
  for v in p {
    s += Double(v)
    s2 += Double(v) * Double(v)
  }
  let m = s / Double(p.count)
  return (m, max(0, s2 / Double(p.count) - m * m))
}

/// Stops the program with `message` — also in optimised builds, where `precondition` drops its
/// message. Shape errors are programming errors, and the message must name both shapes.
@inline(never)
public func shapeFailure(_ message: String) -> Never { fatalError(message) }
