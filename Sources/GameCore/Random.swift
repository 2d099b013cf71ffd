#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose whole state is one
/// `UInt64`. Used to seed other generators and to build Zobrist tables.
///
///     z = (state += 0x9E3779B97F4A7C15)
///     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
///     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
///     return z ^ (z >> 31)
@frozen public struct SplitMix64: RandomNumberGenerator, Sendable, BitwiseCopyable {
  public var state: UInt64

  @inlinable public init(seed: UInt64) { state = seed }

  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64 as its authors advise.
/// ZeroLab's default generator: every random choice (rollouts, random players, noise,
/// initialisers, shuffles) draws from one of these, created from a user-visible seed, so
/// the same seed gives the same result.
@frozen public struct Xoshiro256: RandomNumberGenerator, Sendable, BitwiseCopyable {
  public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  @inlinable public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  @inlinable public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection), independent
  /// of the standard library's algorithm so results stay fixed across toolchains.
  @inlinable public mutating func below(_ bound: Int) -> Int {
    precondition(bound > 0, "below(_:) needs a positive bound")
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let threshold = (0 &- b) % b
      while m.low < threshold { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }

  /// A uniform `Double` in `[0, 1)` from the top 53 bits.
  @inlinable public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }
}

extension Xoshiro256 {
  /// A standard normal draw (Box–Muller on two uniform draws).
  public mutating func normal() -> Double {
    var u = unit()
    while u <= 0 { u = unit() }
    let v = unit()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}
