import CGMP

/// An exact rational number backed by GMP's `mpq_t`, always kept in lowest terms
/// (GMP's arithmetic functions return canonical results).
///
/// The probability that White wins a game of uniformly random moves is a sum of products
/// of `1/branching` factors; its denominator outgrows 64 bits on 4x4 Hexapawn already.
public final class GMPRational: @unchecked Sendable, CustomStringConvertible, Comparable, Hashable {
  @usableFromInline let raw: UnsafeMutablePointer<__mpq_struct>

  /// Zero.
  public init() {
    raw = .allocate(capacity: 1)
    mpq_init(raw)
  }

  /// `numerator / denominator`, reduced. The denominator must be positive.
  public convenience init(_ numerator: UInt, _ denominator: UInt) {
    precondition(denominator > 0, "GMPRational: zero denominator")
    self.init()
    mpq_set_ui(raw, numerator, denominator)
    mpq_canonicalize(raw)
  }

  /// A copy of `other` with its own storage.
  public convenience init(copying other: GMPRational) {
    self.init()
    mpq_set(raw, other.raw)
  }

  /// Parses `p/q` or `p` (base 10, non-negative); `nil` if malformed or `q == 0`.
  public convenience init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2,
      let p = GMPInteger(String(parts[0])),
      let q = parts.count == 2 ? GMPInteger(String(parts[1])) : GMPInteger(1)
    else { return nil }
    guard mpz_cmp_ui(q.raw, 0) != 0 else { return nil }
    self.init()
    let one = GMPRational(), two = GMPRational()
    mpq_set_z(one.raw, p.raw)
    mpq_set_z(two.raw, q.raw)
    mpq_div(raw, one.raw, two.raw)
  }

  deinit {
    mpq_clear(raw)
    raw.deallocate()
  }

  /// Adds `other` in place.
  public func add(_ other: GMPRational) { mpq_add(raw, raw, other.raw) }

  /// Divides in place by a positive machine integer.
  public func divide(by divisor: UInt) {
    precondition(divisor > 0, "GMPRational: division by zero")
    let d = GMPRational(divisor, 1)
    mpq_div(raw, raw, d.raw)
  }

  /// The reduced numerator.
  public var numerator: GMPInteger {
    let r = GMPInteger()
    mpq_get_num(r.raw, raw)
    return r
  }

  /// The reduced (positive) denominator.
  public var denominator: GMPInteger {
    let r = GMPInteger()
    mpq_get_den(r.raw, raw)
    return r
  }

  /// The nearest `Double`.
  public var doubleValue: Double { mpq_get_d(raw) }

  /// `p/q` in lowest terms (just `p` when `q == 1`).
  public var description: String {
    guard let chars = mpq_get_str(nil, 10, raw) else { return "?" }
    defer { zerolab_gmp_free_str(chars) }
    return String(cString: chars)
  }

  /// The value as a decimal string truncated (not rounded) to `digits` places,
  /// computed exactly: `floor(p * 10^digits / q)` with the point inserted.
  /// For non-negative values only.
  public func decimal(digits: Int) -> String {
    precondition(digits >= 0)
    let num = numerator, den = denominator
    precondition(mpz_cmp_ui(num.raw, 0) >= 0, "decimal(digits:) needs a non-negative value")
    let scale = GMPInteger()
    mpz_ui_pow_ui(scale.raw, 10, UInt(digits))
    let scaled = num * scale
    let q = GMPInteger()
    mpz_tdiv_q(q.raw, scaled.raw, den.raw)
    var s = q.description
    if digits == 0 { return s }
    if s.count <= digits { s = String(repeating: "0", count: digits - s.count + 1) + s }
    s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
    return s
  }

  public static func + (a: GMPRational, b: GMPRational) -> GMPRational {
    let r = GMPRational()
    mpq_add(r.raw, a.raw, b.raw)
    return r
  }

  public static func * (a: GMPRational, b: GMPRational) -> GMPRational {
    let r = GMPRational()
    mpq_mul(r.raw, a.raw, b.raw)
    return r
  }

  public static func == (a: GMPRational, b: GMPRational) -> Bool { mpq_equal(a.raw, b.raw) != 0 }
  public static func < (a: GMPRational, b: GMPRational) -> Bool { mpq_cmp(a.raw, b.raw) < 0 }
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
