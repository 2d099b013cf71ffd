import Foundation
import GameCore

/// A one-line error of a study (bad grid, other settings in the folder, failed runs).
public struct StudyError: ZeroLabError {
  public let message: String
  public init(_ message: String) { self.message = message }
}

/// What each run of a study trains, and the figure it is judged by.
public enum StudyTask: String, Codable, Sendable, CaseIterable {
  /// `zerolab supervise hexapawn`: optimal-move accuracy against the exact solver.
  case hexapawnSupervised = "hexapawn-supervised"
  /// `zerolab train hexapawn` (self-play): optimal-move accuracy against the exact solver.
  case hexapawnSelfPlay = "hexapawn-selfplay"
  /// `zerolab nnue train` on a fixed data set: validation loss.
  case nnue

  /// The options a cell may set: the network options every training command shares, and the
  /// task's own size and learning options.
  public var keys: [String] {
    let shared = [
      "init", "activation", "gradinit-steps", "gradinit-lr", "bn-init", "residual", "norm", "pa-rewire",
      "lbe-weight", "lbe-alpha", "lr", "batch",
    ]
    switch self {
    case .hexapawnSupervised: return shared + ["blocks", "channels", "steps"]
    case .hexapawnSelfPlay: return shared + ["blocks", "channels", "steps", "games", "sims", "search", "window"]
    case .nnue: return shared + ["accumulator", "hidden", "layout", "lambda"]
    }
  }

  /// Whether the target is a figure to rise to (accuracy) or to fall to (loss).
  public var targetRises: Bool { self != .nnue }
}

/// One option of a cell and its value (`pa-rewire` takes on/off).
public struct StudySetting: Codable, Sendable, Equatable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// One cell of a study's grid: the settings its runs share.
public struct StudyCell: Codable, Sendable, Equatable {
  public var settings: [StudySetting]

  /// `init autoinit, residual fixup` (`defaults` with no settings).
  public var label: String {
    settings.isEmpty ? "defaults" : settings.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  }

  /// A file-safe name unique in the grid: `init-autoinit_residual-fixup`.
  public var id: String {
    guard !settings.isEmpty else { return "defaults" }
    let raw = settings.map { "\($0.key)-\($0.value)" }.joined(separator: "_")
    return String(raw.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "~" })
  }

  /// The options of the settings (`pa-rewire` on: the bare option; off: none).
  public var arguments: [StudyArgument] {
    settings.compactMap { s in
      if s.key == "pa-rewire" { return s.value == "on" ? .option(s.key, nil) : nil }
      return .option(s.key, s.value)
    }
  }
}

/// A piece of a run's command line: a word as it is (the subcommand, the common options a
/// user gave), or an option by name with its value (none: a bare switch).
public enum StudyArgument: Sendable, Equatable {
  case word(String)
  case option(String, String?)
}

/// A study: a grid of cells, each trained from several seeds by the same command.
public struct StudyPlan: Codable, Sendable, Equatable {
  public var task: StudyTask
  /// Hexapawn's board.
  public var size: String
  /// The NNUE task's data files or folders.
  public var data: [String]
  public var cells: [StudyCell]
  public var seeds: [UInt64]
  /// Measurements per run (Hexapawn: --iterations; NNUE: --epochs), or a budget in seconds
  /// per run (Hexapawn only).
  public var iterations: Int?
  public var budget: Double?
  /// Optimal-move accuracy to reach (Hexapawn) or validation loss to fall to (NNUE).
  public var target: Double
  /// Options every run gets before its cell's.
  public var extra: [String]

  /// A plan from `--vary KEY=V1,V2` axes (their product) and `--cell KEY=V KEY=V` cells (each
  /// crossed with the product): with neither, one cell of defaults.
  public static func make(
    task: StudyTask, size: String, data: [String], vary: [String], cells: [String], seeds: Int, firstSeed: UInt64,
    iterations: Int?, budget: Double?, target: Double, extra: [String]
  ) throws(StudyError) -> StudyPlan {
    guard seeds >= 1, seeds <= 1000 else { throw StudyError("seeds: 1...1000, got \(seeds)") }
    if task == .nnue {
      guard budget == nil else { throw StudyError("an NNUE study runs by epochs: give iterations, not a budget") }
      guard !data.isEmpty else { throw StudyError("an NNUE study needs data files or folders") }
    }
    guard (iterations == nil) != (budget == nil) else { throw StudyError("give iterations or a budget, one of them") }
    if let iterations, iterations < 1 { throw StudyError("iterations must be at least 1") }
    if let budget, !(budget > 0) { throw StudyError("the budget must be positive") }
    guard target.isFinite else { throw StudyError("the target must be a number") }
    func setting(_ text: Substring) throws(StudyError) -> (String, [String]) {
      let parts = text.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, !parts[1].isEmpty else { throw StudyError("'\(text)': expected KEY=VALUE") }
      let key = String(parts[0]),
        values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard task.keys.contains(key) else {
        throw StudyError("'\(key)' is not an option of a \(task.rawValue) study (\(task.keys.joined(separator: ", ")))")
      }
      guard !values.isEmpty, !values.contains(where: { $0.isEmpty || $0.hasPrefix("-") }) else {
        throw StudyError("'\(text)': empty or dashed value")
      }
      if key == "pa-rewire", let v = values.first(where: { $0 != "on" && $0 != "off" }) {
        throw StudyError("pa-rewire takes on or off, got '\(v)'")
      }
      return (key, values)
    }
    var product: [[StudySetting]] = [[]]
    var keys = Set<String>()
    for axis in vary {
      let (key, values) = try setting(axis[...])
      guard keys.insert(key).inserted else { throw StudyError("'\(key)' varies twice") }
      product = product.flatMap { base in values.map { base + [StudySetting(key, $0)] } }
    }
    var bundles: [[StudySetting]] = []
    for cell in cells {
      var b: [StudySetting] = []
      for part in cell.split(separator: " ") {
        let (key, values) = try setting(part)
        guard values.count == 1 else { throw StudyError("'\(part)': a cell takes one value per option") }
        guard !keys.contains(key), !b.contains(where: { $0.key == key }) else {
          throw StudyError("'\(key)' is set twice in cell '\(cell)'")
        }
        b.append(StudySetting(key, values[0]))
      }
      bundles.append(b)
    }
    let all = bundles.isEmpty ? product : product.flatMap { p in bundles.map { p + $0 } }
    let grid = all.map { StudyCell(settings: $0) }
    guard Set(grid.map(\.id)).count == grid.count else { throw StudyError("two cells of the grid are the same") }
    guard grid.count * seeds <= 10_000 else { throw StudyError("\(grid.count * seeds) runs: at most 10000") }
    return StudyPlan(
      task: task, size: size, data: data, cells: grid, seeds: (0..<UInt64(seeds)).map { firstSeed &+ $0 },
      iterations: iterations, budget: budget, target: target, extra: extra)
  }

  /// A run: cell `cell`, seed `seed`, in the folder `id` of the study's `runs/`.
  public struct Run: Sendable, Equatable {
    public var cell: Int
    public var seed: UInt64
    public var id: String
  }

  /// Every run, cell by cell.
  public var runs: [Run] {
    cells.indices.flatMap { c in seeds.map { Run(cell: c, seed: $0, id: "\(cells[c].id)_s\($0)") } }
  }

  /// The `zerolab` command line of `run` writing into `out`, resuming what is there.
  public func command(_ run: Run, out: String) -> [StudyArgument] {
    var a: [StudyArgument]
    switch task {
    case .hexapawnSupervised: a = [.word("supervise"), .word("hexapawn"), .option("size", size)]
    case .hexapawnSelfPlay: a = [.word("train"), .word("hexapawn"), .option("size", size)]
    case .nnue:
      a = [.word("nnue"), .word("train"), .option("data", nil)] + data.map { .word($0) } + [.option("threads", "1")]
    }
    a += [.option("out", out), .option("seed", "\(run.seed)"), .option("resume", nil)]
    if let iterations { a.append(.option(task == .nnue ? "epochs" : "iterations", "\(iterations)")) }
    if let budget { a.append(.option("budget", "\(budget)")) }
    return a + extra.map { .word($0) } + cells[run.cell].arguments
  }
}
