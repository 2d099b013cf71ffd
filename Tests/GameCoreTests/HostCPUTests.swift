import GameCore
import Testing

@Suite struct HostCPUTests {
  /// A Haswell-class CPU (x86-64-v3, no AVX-512), as /proc/cpuinfo prints it.
  static let haswell = """
    processor\t: 0
    model name\t: Intel(R) Xeon(R) CPU E5-2680 v3
    flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse \
    sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq ssse3 fma \
    cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm bmi1 avx2 \
    smep bmi2 erms invpcid xsaveopt
    processor\t: 1
    flags\t\t: fpu
    """

  @Test func aV3CPURunsV2AndV3BuildsAndNamesWhatV4Needs() {
    #expect(HostCPU.problem(builtFor: "x86-64-v2", cpuinfo: Self.haswell) == nil)
    #expect(HostCPU.problem(builtFor: "x86-64-v3", cpuinfo: Self.haswell) == nil)
    let p = HostCPU.problem(builtFor: "x86-64-v4", cpuinfo: Self.haswell)
    #expect(
      p == "this zerolab was built for x86-64-v4, and this CPU lacks avx512f, avx512bw, avx512cd, avx512dq, "
        + "avx512vl: rebuild it here (make build) or for an older level (ZEROLAB_ARCH=portable make build)")
    #expect(p.map { !$0.contains("\n") } == true)
  }

  @Test func anOlderCPUIsToldWhichFeaturesItLacks() {
    let old = "flags\t\t: fpu sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt lahf_lm\n"
    #expect(HostCPU.problem(builtFor: "x86-64-v2", cpuinfo: old) == nil)
    #expect(
      HostCPU.missing(level: "x86-64-v3", flags: HostCPU.flags(cpuinfo: old)) == [
        "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
      ])
  }

  @Test func unreadableOrUnknownMeansNoRefusal() {
    #expect(HostCPU.problem(builtFor: "x86-64-v3", cpuinfo: "") == nil)
    #expect(HostCPU.problem(builtFor: "x86-64-v9", cpuinfo: Self.haswell) == nil)
  }
}
