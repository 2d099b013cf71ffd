import Foundation

/// The x86-64 level a binary was built for, against the CPU it runs on: a build for a level
/// uses that level's instructions, and a CPU without them would stop on an illegal
/// instruction. `problem(builtFor:)` says so in one line instead, before any such code runs.
public enum HostCPU {
  /// The CPU features (as `/proc/cpuinfo` names them) each level requires: the x86-64
  /// psABI micro-architecture levels.
  public static let levels: [String: [String]] = {
    let v2 = ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"]
    let v3 = v2 + ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
    let v4 = v3 + ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
    return ["x86-64-v2": v2, "x86-64-v3": v3, "x86-64-v4": v4]
  }()

  /// The features of `cpuinfo` (the text of `/proc/cpuinfo`): its first `flags` line.
  public static func flags(cpuinfo: String) -> Set<String> {
    guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
      let colon = line.firstIndex(of: ":")
    else { return [] }
    return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
  }

  /// The features `level` needs that `flags` lacks, in the level's order.
  public static func missing(level: String, flags: Set<String>) -> [String] {
    (levels[level] ?? []).filter { !flags.contains($0) }
  }

  /// `nil` when this CPU runs code built for `level` (or when the CPU cannot be read, as off
  /// Linux); otherwise the one-line reason, with what to do.
  public static func problem(builtFor level: String, cpuinfo: String? = nil) -> String? {
    guard let text = cpuinfo ?? (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) else { return nil }
    let have = flags(cpuinfo: text)
    guard !have.isEmpty else { return nil }
    let lacking = missing(level: level, flags: have)
    guard !lacking.isEmpty else { return nil }
    return "this zerolab was built for \(level), and this CPU lacks \(lacking.joined(separator: ", ")): "
      + "rebuild it here (make build) or for an older level (ZEROLAB_ARCH=portable make build)"
  }
}
