#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard input for the terminal games. On a terminal, keys typed before a prompt appears
/// (while an engine was thinking, say) are discarded, so a stray keystroke is never taken as the
/// next move unseen; piped input (a script) is read line by line untouched and echoed, so a
/// transcript reads like a game at the terminal.
public enum TerminalInput {
  /// What the games' `help` says about it.
  public static let typeAheadNote =
    "On a terminal, keys typed before the prompt (while an engine thinks) are discarded."

  /// Discards what was typed on `fd` and not yet read, if `fd` is a terminal; returns whether it
  /// is one (a pipe or a file is left alone).
  @discardableResult
  public static func discardTypeAhead(_ fd: Int32 = STDIN_FILENO) -> Bool {
    guard isatty(fd) == 1 else { return false }
    tcflush(fd, TCIFLUSH)
    return true
  }

  /// The next line of standard input (`nil` at its end), read after the prompt is shown.
  public static func nextLine() -> String? {
    let terminal = discardTypeAhead()
    let line = Swift.readLine(strippingNewline: true)
    if let line, !terminal { print(line) }
    return line
  }
}
