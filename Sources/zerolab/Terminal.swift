import ArgumentParser
import GameCore
import Hexapawn
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Terminal facts and helpers shared by the commands.
enum Terminal {
  /// `true` when standard output is a terminal and `NO_COLOR` is unset.
  static var colorOutput: Bool {
    guard isatty(STDOUT_FILENO) == 1, getenv("NO_COLOR") == nil else { return false }
    guard let term = getenv("TERM") else { return false }
    return String(cString: term) != "dumb"
  }
  /// `true` when standard input is a terminal (a person typing, not a pipe).
  static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
  /// `true` when standard error is a terminal (progress lines go there).
  static var progressOutput: Bool { isatty(STDERR_FILENO) == 1 }

  /// Seconds between plain progress lines when standard error is not a terminal.
  static let plainProgressInterval = 10.0
  /// When the last plain progress line was written (`nil`: none yet in this piece of work).
  static let lastPlainProgress = Mutex<ContinuousClock.Instant?>(nil)

  /// A progress line on standard error: rewritten in place on a terminal; elsewhere (a log, a
  /// pipe, CI) a plain line at once and then at most every `plainProgressInterval` seconds.
  static func progress(_ s: String) {
    if progressOutput {
      writeError("\r\u{1B}[K" + s)
      return
    }
    let now = ContinuousClock.now
    let due = lastPlainProgress.withLock { last in
      if let l = last, (now - l).inSeconds < plainProgressInterval { return false }
      last = now
      return true
    }
    if due { writeError(s + "\n") }
  }

  /// Writes straight to standard error (unbuffered).
  static func writeError(_ s: String) {
    var bytes = Array(s.utf8)
    _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
  }

  /// Ends a piece of work's progress: clears the line on a terminal; elsewhere the next piece
  /// of work's first line is written at once.
  static func endProgress() {
    guard progressOutput else {
      lastPlainProgress.withLock { $0 = nil }
      return
    }
    writeError("\r\u{1B}[K")
  }
}

/// Seconds as text with three decimals.
func seconds(_ d: Duration) -> String {
  String(format3(d.inSeconds))
}

func toSeconds(_ d: Duration) -> Double { d.inSeconds }

/// `x` with three decimals, without Foundation.
func format3(_ x: Double) -> String {
  let scaled = Int((x * 1000).rounded())
  let whole = scaled / 1000, frac = abs(scaled % 1000)
  let f = String(frac)
  return "\(whole).\(String(repeating: "0", count: 3 - f.count))\(f)"
}

/// 1234567 -> "1,234,567".
func grouped(_ n: Int) -> String {
  let s = String(abs(n))
  var out = ""
  for (i, c) in s.enumerated() {
    if i > 0 && (s.count - i) % 3 == 0 { out += "," }
    out.append(c)
  }
  return n < 0 ? "-" + out : out
}

/// A rate in human units: 1.23 M/s.
func rate(_ count: Int, _ d: Duration) -> String {
  let s = max(toSeconds(d), 1e-9)
  let r = Double(count) / s
  if r >= 1e6 { return format3(r / 1e6) + " M/s" }
  if r >= 1e3 { return format3(r / 1e3) + " k/s" }
  return format3(r) + " /s"
}

/// Options naming a Hexapawn board and optionally a start position.
struct BoardOptions: ParsableArguments {
  @Option(name: .long, help: "Board size FILESxRANKS, each 3 to 8 (e.g. 3x3, 5x4; default 3x3).")
  var size: String?

  @Option(
    name: .long,
    help:
      "Start from this position instead (Hexapawn: FEN-like, e.g. 'ppp/3/PPP w', its size wins over --size; chess: FEN)."
  )
  var fen: String?

  func boardSize() throws -> BoardSize {
    do { return try BoardSize(parsing: size ?? "3x3") } catch { throw ValidationError(error.message) }
  }

  func startPosition() throws -> HexapawnPosition {
    if let fen {
      do { return try HexapawnPosition(fen: fen) } catch { throw ValidationError(error.message) }
    }
    return HexapawnPosition(size: try boardSize())
  }
}

/// A failure at run time (a bad checkpoint, an unreadable file): ArgumentParser prints
/// `Error: <message>` without the usage text, which is for mistakes on the command line.
struct RuntimeError: ZeroLabError {
  let message: String
  init(_ message: String) { self.message = message }
}
