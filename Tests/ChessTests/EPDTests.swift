import Chess
import Foundation
import GameCore
import Testing

/// EPD test-suite lines: positions, operations, `bm`/`am` moves, and one-line errors.
@Suite struct EPDTests {
  @Test func readsOperations() throws {
    let r = try EPDRecord(
      line: #"2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - bm Qg6; id "WAC.001; one";  c0 "a b";"#)
    #expect(r.position.fen == "2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - 0 1")
    #expect(r.id == "WAC.001; one")
    #expect(r.operands("c0") == ["a b"])
    #expect(r.bestMoves.map { r.position.san($0) } == ["Qg6"])
    #expect(r.avoidMoves.isEmpty)
    // Several moves, SAN and UCI, and an avoid move.
    let s = try EPDRecord(line: "4k3/8/8/8/8/8/8/R3K3 w Q - bm Ra8+ a1a7; am Kd1;")
    #expect(s.bestMoves.count == 2 && s.avoidMoves.count == 1)
    #expect(s.operations.map(\.opcode) == ["bm", "am"])
  }

  /// Every line of the shipped Win at Chess suite reads, with a legal best move.
  @Test func winAtChessReads() throws {
    var dir = #filePath
    for _ in 0..<3 { dir = (dir as NSString).deletingLastPathComponent }
    let text = try String(contentsOfFile: dir + "/bench/wac.epd", encoding: .utf8)
    let records = try EPDRecord.read(text, source: "wac.epd")
    #expect(records.count == 300)
    #expect(records.allSatisfy { !$0.bestMoves.isEmpty || !$0.avoidMoves.isEmpty })
    #expect(records[0].id == "WAC.001")
  }

  @Test(arguments: [
    ("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - bm Qh7;", "t.epd:2: bm Qh7: "),
    ("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w -", "t.epd:2: an EPD line needs four FEN fields, got 3"),
    (#"2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - id "open"#, "t.epd:2: an EPD operand's quote"),
    ("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - 9x y;", "t.epd:2: bad EPD opcode '9x'"),
    ("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - bm;", "t.epd:2: bm without a move"),
    ("8/8/8/8/8/8/8/8 w - - bm e4;", "t.epd:2: "),
  ])
  func refusesInOneLine(_ line: String, _ prefix: String) {
    do {
      _ = try EPDRecord.read("# a comment\n" + line + "\n", source: "t.epd")
      Issue.record("accepted: \(line)")
    } catch {
      #expect(error.message.hasPrefix(prefix), "\(error.message)")
      #expect(!error.message.contains("\n"))
    }
    #expect(throws: NotationError("t.epd: no positions")) {
      try EPDRecord.read("\n# only a comment\n", source: "t.epd")
    }
  }
}
