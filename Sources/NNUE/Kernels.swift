/// The integer inner loops, written so the compiler vectorises them.
public enum NNUEKernels {
  /// `acc += w`.
  @inlinable public static func add(_ acc: UnsafeMutablePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) {
    for i in 0..<n { acc[i] = acc[i] &+ w[i] }
  }

  /// `dst = src + a − r` (a quiet move).
  @inlinable public static func addSub(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a[i] &- r[i] }
  }

  /// `dst = src + a − r1 − r2` (a capture, en passant included).
  @inlinable public static func addSub1Sub2(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a[i] &- r1[i] &- r2[i] }
  }

  /// `dst = src + a1 + a2 − r1 − r2` (castling).
  @inlinable public static func addSub2(
    _ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, _ a1: UnsafePointer<Int16>,
    _ a2: UnsafePointer<Int16>, _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ n: Int
  ) {
    for i in 0..<n { dst[i] = src[i] &+ a1[i] &+ a2[i] &- r1[i] &- r2[i] }
  }

  /// The fused quiet-move step of a lazy stack, for one perspective (SCReLU): `d = s + a − r`
  /// is stored and `screluDot(d, w)` returned, in one pass over the accumulator instead of a
  /// write pass and a read pass.
  @inlinable public static func fusedQuiet(
    _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int
  ) -> Int32 {
    var sum: Int32 = 0
    for i in 0..<n {
      let v = s[i] &+ a[i] &- r[i]
      d[i] = v
      let c = min(max(v, 0), 255)
      sum &+= Int32(c &* w[i]) &* Int32(c)
    }
    return sum
  }

  /// `fusedQuiet` for a capture (`d = s + a − r1 − r2`; en passant included).
  @inlinable public static func fusedCapture(
    _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ a: UnsafePointer<Int16>,
    _ r1: UnsafePointer<Int16>, _ r2: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int
  ) -> Int32 {
    var sum: Int32 = 0
    for i in 0..<n {
      let v = s[i] &+ a[i] &- r1[i] &- r2[i]
      d[i] = v
      let c = min(max(v, 0), 255)
      sum &+= Int32(c &* w[i]) &* Int32(c)
    }
    return sum
  }

  /// `Σ clamp(a, 0, QA)²·w` as `Σ (c·w)·c` with `c·w` in int16 (|w| ≤ 127, c ≤ 255, so the
  /// product fits), the rest in int32.
  @inlinable public static func screluDot(_ a: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<n {
      let c = min(max(a[i], 0), 255)
      s &+= Int32(c &* w[i]) &* Int32(c)
    }
    return s
  }

  /// `Σ clamp(a, 0, QA)·w`.
  @inlinable public static func creluDot(_ a: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>, _ n: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<n { s &+= Int32(min(max(a[i], 0), 255)) &* Int32(w[i]) }
    return s
  }
}
