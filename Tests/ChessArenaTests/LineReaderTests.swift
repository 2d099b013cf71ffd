import ChessArena
import Foundation
import Testing

/// `LineReader`, the bounded queue between an engine's output and the arena.
@Suite struct LineReaderTests {
  /// Writes `text` into a pipe, closes it, and reads every line that waited.
  static func read(_ text: String, maxLines: Int) -> (lines: [String], dropped: Int, most: Int) {
    let pipe = Pipe()
    let reader = LineReader(handle: pipe.fileHandleForReading, maxLines: maxLines)
    // Nothing is taken until the reader has queued everything: the worst case for the queue.
    pipe.fileHandleForWriting.write(Data(text.utf8))
    try? pipe.fileHandleForWriting.close()
    let deadline = ContinuousClock.now + .seconds(20)
    while !reader.outputEnded && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    var lines: [String] = []
    while let line = reader.next(milliseconds: 5_000) { lines.append(line) }
    return (lines, reader.dropped, reader.most)
  }

  @Test func anAnswerFollowedByAFloodIsKept() {
    let flood = String(repeating: "info depth 1 score cp 0\n", count: 5_000)
    let r = LineReaderTests.read("info first\nbestmove e2e4\n" + flood + "readyok\n" + flood, maxLines: 100)
    #expect(r.lines.contains("bestmove e2e4"))
    #expect(r.lines.contains("readyok"))
    #expect(r.lines.firstIndex(of: "bestmove e2e4")! < r.lines.firstIndex(of: "readyok")!)
    // The queue filled with the first 100 lines; the floods were dropped as they came, and
    // `readyok` made room by dropping the oldest line, `info first`.
    #expect(r.lines.count == 100 && r.lines.count + r.dropped == 10_003)
    #expect(r.lines.first == "bestmove e2e4" && r.lines.last == "readyok")
    #expect(r.most == 100)
  }

  @Test func answersBeyondTheLimitDropTheOldest() {
    let text = (0..<50).map { "bestmove m\($0)" }.joined(separator: "\n") + "\n"
    let r = LineReaderTests.read(text, maxLines: 10)
    #expect(r.lines == (40..<50).map { "bestmove m\($0)" })
    #expect(r.dropped == 40)
  }
}
