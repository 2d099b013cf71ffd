import GameCore

/// Zobrist keys: one random 64-bit key per (side, square) and one for "Black to move",
/// drawn once from SplitMix64 with a fixed seed so hashes are the same on every run.
@usableFromInline enum Zobrist {
  /// `pawn[side * 64 + square]`.
  @usableFromInline static let pawn: InlineArray<128, UInt64> = {
    var rng = SplitMix64(seed: 0x5EED_4E8A_0A1B_2C3D)
    return InlineArray { _ in rng.next() }
  }()
  @usableFromInline static let blackToMove: UInt64 = {
    var rng = SplitMix64(seed: 0xB1AC_C0DE_0000_0001)
    return rng.next()
  }()
}
