/// Damaged copies of a file's bytes, the inputs every reader of ZeroLab's files is checked
/// against: empty, cut short at several lengths, and one bit flipped at several offsets. The
/// lengths and offsets are the edges (the first bytes, the last) plus ones drawn from `seed`,
/// so a run is reproducible. Each copy names its damage (`truncated to 17 of 1024 bytes`).
public enum FileDamage {
  /// One damaged copy.
  public struct Variant: Sendable, CustomStringConvertible {
    /// What was done: `empty`, `truncated to N of M bytes`, `bit B of byte N flipped`.
    public var label: String
    public var bytes: [UInt8]
    /// `true` for a bit flip (the length is unchanged).
    public var isFlip: Bool
    public var description: String { label }
  }

  /// The file cut to `count` lengths in 1..<bytes.count: 1, 8, 9, half, all but one, and
  /// seeded ones (fewer when the file is short).
  public static func truncations(of bytes: [UInt8], count: Int = 8, seed: UInt64) -> [Variant] {
    let n = bytes.count
    guard n > 1 else { return [] }
    var rng = Xoshiro256(seed: seed)
    var lengths = [1, 8, 9, n / 2, n - 1].filter { $0 >= 1 && $0 < n }
    for _ in 0..<(2 * count) where lengths.count < count { lengths.append(1 + rng.below(n - 1)) }
    return Array(Set(lengths)).sorted().map {
      Variant(label: "truncated to \($0) of \(n) bytes", bytes: Array(bytes[0..<$0]), isFlip: false)
    }
  }

  /// The file with one bit flipped, at `count` offsets: the first byte, the last, and seeded
  /// ones (the bit seeded too).
  public static func bitFlips(of bytes: [UInt8], count: Int = 16, seed: UInt64) -> [Variant] {
    let n = bytes.count
    guard n > 0 else { return [] }
    var rng = Xoshiro256(seed: seed)
    var offsets = [0, n - 1]
    for _ in 0..<(4 * count) where Set(offsets).count < min(count, n) { offsets.append(rng.below(n)) }
    return Array(Set(offsets)).sorted().map { at in
      let bit = rng.below(8)
      var copy = bytes
      copy[at] ^= UInt8(1 << bit)
      return Variant(label: "bit \(bit) of byte \(at) of \(n) flipped", bytes: copy, isFlip: true)
    }
  }

  /// Empty, then the truncations, then the bit flips.
  public static func variants(
    of bytes: [UInt8], truncations t: Int = 8, flips f: Int = 16, seed: UInt64
  )
    -> [Variant]
  {
    [Variant(label: "empty", bytes: [], isFlip: false)] + truncations(of: bytes, count: t, seed: seed)
      + bitFlips(of: bytes, count: f, seed: seed &+ 1)
  }
}
