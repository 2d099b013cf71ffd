import CFloatControl

/// The floating-point mode of the threads that run networks: subnormal numbers flushed to zero.
///
/// Weight decay leaves a trained network with many weights below 2⁻¹²⁶ (a channel whose
/// gradient is zero shrinks geometrically), and arithmetic on subnormals costs a microcode assist
/// on many x86 cores. On the shipped 6x64 chess network, 38 % of whose weights are subnormal,
/// batch-8 inference ran about 25 times slower without the flush on an Intel Xeon. Every network
/// pass, optimizer update and neural-core worker thread sets it; numbers that small change no
/// result that matters.
public enum FloatEnvironment {
  /// Sets the calling thread to flush subnormal results and operands to zero (a few cycles when
  /// already set).
  @inline(__always) public static func flushSubnormals() { zl_flush_subnormals() }

  /// Whether the calling thread flushes subnormals.
  public static var flushesSubnormals: Bool { zl_flushes_subnormals() != 0 }
}
