import NeuralCore
import Testing

/// A value the optimizer cannot see through, so that the arithmetic happens at run time.
@inline(never) func opaque(_ x: Float) -> Float { x }

@Suite struct FloatEnvironmentTests {
  #if arch(x86_64) || arch(arm64)
    /// After the flush, a subnormal operand reads as zero and a product that would be
    /// subnormal comes out as zero (x86-64: DAZ and FTZ).
    @Test func subnormalsBecomeZero() {
      FloatEnvironment.flushSubnormals()
      #expect(FloatEnvironment.flushesSubnormals)
      let product = opaque(1e-20) * opaque(1e-20)
      #expect(product == 0)
      #if arch(x86_64)
        #expect(opaque(Float.leastNormalMagnitude / 4) * opaque(1) == 0)
      #endif
      #expect(opaque(Float.leastNormalMagnitude) * opaque(1) == Float.leastNormalMagnitude)
    }

    /// A network pass sets the mode on its thread, and the neural core's worker threads run
    /// with it too.
    @Test func networkPassesAndWorkersFlush() {
      var net = smallNetwork(seed: 3)
      _ = net.evaluate(Tensor(shape: [2, 3, 3, 2]), training: false)
      #expect(FloatEnvironment.flushesSubnormals)
      struct Flags { var flags: UnsafeMutablePointer<Bool> }
      let flags = UnsafeMutablePointer<Bool>.allocate(capacity: 3)
      defer { flags.deallocate() }
      flags.initialize(repeating: false, count: 3)
      var job = Flags(flags: flags)
      Parallel.run(parts: 3, context: &job) { raw, part, _ in
        raw.assumingMemoryBound(to: Flags.self).pointee.flags[part] = FloatEnvironment.flushesSubnormals
      }
      #expect((0..<3).allSatisfy { flags[$0] })
    }
  #endif
}
