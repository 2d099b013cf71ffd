import CGMP

/// An arbitrary-precision integer backed by GMP's `mpz_t`.
///
/// Counts of games and positions grow without bound (3x3 Hexapawn has 134 complete games,
/// larger boards overflow 64 bits), so every exact count in ZeroLab is a `GMPInteger`.
/// The value is immutable through the public API except for the explicit in-place
/// accumulation methods (`add(_:)`, `multiply(by:)`), which exist so hot loops reuse limbs.
public final class GMPInteger: @unchecked Sendable, CustomStringConvertible, Comparable, Hashable {
  @usableFromInline let raw: UnsafeMutablePointer<__mpz_struct>

  /// Zero.
  public init() {
    raw = .allocate(capacity: 1)
    mpz_init(raw)
  }

  /// The value of a machine integer.
  public convenience init(_ value: UInt) {
    self.init()
    mpz_set_ui(raw, value)
  }

  /// Parses a base-10 integer (an optional leading `-`, then digits); `nil` if malformed.
  public convenience init?(_ text: String) {
    var body = Substring(text)
    if body.first == "-" { body = body.dropFirst() }
    guard !body.isEmpty, body.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
    self.init()
    guard mpz_set_str(raw, text, 10) == 0 else { return nil }
  }

  /// A copy of `other` with its own storage.
  public convenience init(copying other: GMPInteger) {
    self.init()
    mpz_set(raw, other.raw)
  }

  deinit {
    mpz_clear(raw)
    raw.deallocate()
  }

  /// Adds `other` in place.
  public func add(_ other: GMPInteger) { mpz_add(raw, raw, other.raw) }

  /// Multiplies by a machine integer in place.
  public func multiply(by factor: UInt) { mpz_mul_ui(raw, raw, factor) }

  /// Number of decimal digits (exact for positive values).
  public var decimalDigitCount: Int { description.filter(\.isNumber).count }

  /// Number of bits of the magnitude.
  public var bitWidth: Int { mpz_cmp_ui(raw, 0) == 0 ? 0 : Int(mpz_sizeinbase(raw, 2)) }

  /// The value if it fits in a `UInt`, else `nil`.
  public var uintValue: UInt? { mpz_fits_ulong_p(raw) != 0 ? mpz_get_ui(raw) : nil }

  /// The nearest `Double` (truncated toward zero by GMP).
  public var doubleValue: Double { mpz_get_d(raw) }

  /// Base-10 digits.
  public var description: String {
    guard let chars = mpz_get_str(nil, 10, raw) else { return "?" }
    defer { zerolab_gmp_free_str(chars) }
    return String(cString: chars)
  }

  public static func + (a: GMPInteger, b: GMPInteger) -> GMPInteger {
    let r = GMPInteger()
    mpz_add(r.raw, a.raw, b.raw)
    return r
  }

  public static func * (a: GMPInteger, b: GMPInteger) -> GMPInteger {
    let r = GMPInteger()
    mpz_mul(r.raw, a.raw, b.raw)
    return r
  }

  public static func == (a: GMPInteger, b: GMPInteger) -> Bool { mpz_cmp(a.raw, b.raw) == 0 }
  public static func < (a: GMPInteger, b: GMPInteger) -> Bool { mpz_cmp(a.raw, b.raw) < 0 }
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
