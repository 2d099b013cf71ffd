import TerminalPlay
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Keys typed while an engine thinks are discarded on a terminal; a script's lines are not.
@Suite struct TerminalInputTests {
  func send(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
  }

  func receive(_ fd: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
  }

  @Test func typeAheadOnATerminalIsDiscarded() throws {
    var master: Int32 = -1
    var terminal: Int32 = -1
    try #require(openpty(&master, &terminal, nil, nil, nil) == 0)
    defer {
      close(master)
      close(terminal)
    }
    #expect(isatty(terminal) == 1)
    // A move typed while the engine thinks…
    send(master, "e4\n")
    usleep(100_000)
    #expect(TerminalInput.discardTypeAhead(terminal) == 3)
    // …is gone; what is typed at the prompt is read.
    send(master, "d4\n")
    usleep(100_000)
    #expect(receive(terminal) == "d4\n")
  }

  @Test func pipedInputIsKept() throws {
    var fds: [Int32] = [0, 0]
    try #require(pipe(&fds) == 0)
    defer {
      close(fds[0])
      close(fds[1])
    }
    send(fds[1], "e4\nd4\n")
    #expect(TerminalInput.discardTypeAhead(fds[0]) == nil)
    #expect(receive(fds[0]) == "e4\nd4\n")
  }
}
