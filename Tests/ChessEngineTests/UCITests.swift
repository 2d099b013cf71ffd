import Chess
import ChessEngine
import Foundation
import GameCore
import Testing

@Suite struct UCITests {
  final class Lines: @unchecked Sendable {
    var lines: [String] = []
    let lock = NSLock()
    func add(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
  }

  @Test func commandsAndGarbage() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    var input = [
      "uci", "isready", "garbage", "position fen bad", "position startpos moves e2e4 e7e5", "go depth 5", "",
    ].makeIterator()
    // End of input lets `go depth 5` finish (a stop inside an iteration would print that
    // depth's final line again, with its nodes so far, as a slow sanitized build does).
    engine.run(readLine: { input.next() })
    let lines = out.all
    #expect(lines.contains("uciok") && lines.contains("readyok"))
    #expect(lines.filter { $0.hasPrefix("info string") }.count == 2)
    let best = try #require(lines.last { $0.hasPrefix("bestmove") })
    var p = try ChessPosition().playing(ChessPosition().parseMove("e2e4"))
    p = try p.playing(p.parseMove("e7e5"))
    let move = String(best.split(separator: " ")[1])
    #expect(throws: Never.self) { try p.parseMove(move) }
    // Every depth is reported once: the last iteration's line is not printed again.
    let depths = lines.filter { $0.hasPrefix("info depth") }.map { $0.split(separator: " ")[2] }
    #expect(!depths.isEmpty && Set(depths).count == depths.count)
  }

  /// The engine names itself with ZeroLab's one version (`zerolab --version` prints the same
  /// constant; scripts/cli_check.sh compares the two programs' output).
  @Test func idNameCarriesTheVersion() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    engine.handle("uci")
    #expect(!ZeroLabVersion.string.isEmpty)
    #expect(out.all.first { $0.hasPrefix("id name ") } == "id name ZeroLab \(ZeroLabVersion.string)")
  }

  /// An illegal move in `position ... moves` keeps the position after the legal moves before
  /// it (as Stockfish does); control characters in an echoed line are escaped.
  @Test func badInputKeepsTheLegalPrefixAndEchoesSafely() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    engine.handle("position startpos moves e2e4 e7e5 e1e3 d2d4")
    engine.handle("d")
    var p = try ChessPosition().playing(ChessPosition().parseMove("e2e4"))
    p = try p.playing(p.parseMove("e7e5"))
    #expect(out.all.contains { $0.hasPrefix("info string bad position: illegal move e1e3") })
    #expect(out.all.contains("info string fen \(p.fen)"))
    engine.handle("\u{1B}[2Jwipe\u{7}")
    let echo = try #require(out.all.last)
    #expect(echo == "info string unknown command: \\u{1B}[2Jwipe\\u{7}")
    #expect(!echo.unicodeScalars.contains { $0.value < 0x20 })
  }

  /// The README's example: input that ends after `go depth 8` gets the depth-8 answer (a
  /// bounded search runs to its limit at end of input); `go infinite` is stopped there.
  @Test func endOfInputLetsABoundedSearchFinish() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    var input = ["position startpos moves e2e4", "go depth 8"][...]
    engine.run(readLine: { input.popFirst() })
    let lines = out.all
    let last = try #require(lines.last { $0.hasPrefix("info depth") })
    #expect(last.hasPrefix("info depth 8 "))
    #expect(lines.last?.hasPrefix("bestmove ") == true)
    let stopped = Lines()
    let other = try UCIEngine(writer: LineWriter(sink: { stopped.add($0) }), hashMegabytes: 4)
    var endless = ["go infinite"][...]
    other.run(readLine: { endless.popFirst() })
    #expect(stopped.all.filter { $0.hasPrefix("bestmove") }.count == 1)
  }

  /// `go infinite` searches until `stop`, which returns once the search has answered: one
  /// `bestmove`, none before. (The bound is generous for a loaded test machine; `make
  /// uci-test` checks the answer comes within 250 ms on the real binary.)
  @Test func stopEndsAnInfiniteSearch() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    engine.handle("go infinite")
    usleep(200_000)
    #expect(!out.all.contains { $0.hasPrefix("bestmove") })
    let t0 = ContinuousClock.now
    engine.handle("stop")
    #expect(ContinuousClock.now - t0 < .seconds(2))
    #expect(out.all.filter { $0.hasPrefix("bestmove") }.count == 1)
  }

  /// An option name or file with control characters (found by libFuzzer, `make fuzz`) was
  /// echoed as it is, so one answer could span lines or drive the terminal.
  @Test func echoedOptionNamesAndFilesStayOneUCILine() throws {
    let out = Lines()
    let engine = try UCIEngine(writer: LineWriter(sink: { out.add($0) }), hashMegabytes: 4)
    engine.handle("setoption name Move Overhead valu\u{1B}[2J value 5")
    engine.handle("setoption name EvalFile value net\u{7}.nnue")
    engine.handle("quit")
    #expect(
      out.all == [
        "info string unknown option: move overhead valu\\u{1B}[2j",
        "info string setoption EvalFile: EvalFile net\\u{7}.nnue: this engine has no NNUE support (keeping handcrafted)",
      ])
  }
}
