#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard input for the terminal games. On a terminal, keys typed before a prompt appears
/// (while an engine was thinking, say) are discarded when the prompt is shown, so a stray
/// keystroke is never taken as the next move unseen; piped input (a script) is read line by line
/// untouched and echoed, so a transcript reads like a game at the terminal.
public enum TerminalInput {
  /// What the games' `help` says about it.
  public static let typeAheadNote =
    "On a terminal, keys typed before the prompt (while an engine thinks) are discarded."
  /// The line shown when whole lines typed ahead were discarded.
  public static let discardedNote = "(what was typed before this prompt was discarded)"

  /// Discards what was typed on `fd` and not yet read, if `fd` is a terminal, and returns how
  /// many bytes of whole lines that was (a partial line is discarded too, uncounted); `nil` for
  /// a pipe or a file, which is left alone.
  @discardableResult
  public static func discardTypeAhead(_ fd: Int32 = STDIN_FILENO) -> Int? {
    guard isatty(fd) == 1 else { return nil }
    var pending: Int32 = 0
    if ioctl(fd, UInt(FIONREAD), &pending) != 0 { pending = 0 }
    tcflush(fd, TCIFLUSH)
    return Int(pending)
  }

  /// Shows a prompt (no newline): type-ahead is discarded first, with a note if whole lines were.
  public static func prompt(_ text: String) {
    if let discarded = discardTypeAhead(), discarded > 0 { print(discardedNote) }
    print(text, terminator: "")
    fflush(nil)
  }

  /// The next line of standard input (`nil` at its end); a piped line is echoed.
  public static func nextLine() -> String? {
    let line = Swift.readLine(strippingNewline: true)
    if let line, isatty(STDIN_FILENO) != 1 { print(line) }
    return line
  }
}
