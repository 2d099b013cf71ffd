import Chess
import Foundation
import GameCore
import Testing

/// One perft case: a position and its expected leaf counts by depth.
struct PerftCase: Sendable, CustomTestStringConvertible {
  let name: String
  let fen: String
  let counts: [(depth: Int, nodes: UInt64)]
  var testDescription: String { name }
}

enum PerftData {
  static func resource(_ name: String) -> String {
    let url = Bundle.module.url(forResource: "Resources/" + name, withExtension: nil)!
    return try! String(contentsOf: url, encoding: .utf8)
  }

  /// `perftsuite.epd`: `FEN ;D1 n ;D2 n …`.
  static let suite: [PerftCase] = resource("perftsuite.epd").split(separator: "\n").enumerated().compactMap {
    i, line in
    let parts = line.split(separator: ";")
    guard parts.count > 1 else { return nil }
    let counts = parts.dropFirst().map { p in
      let f = p.split(separator: " ")
      return (Int(f[0].dropFirst())!, UInt64(f[1])!)
    }
    return PerftCase(name: "perftsuite #\(i + 1)", fen: parts[0].trimmingCharacters(in: .whitespaces), counts: counts)
  }

  /// `tricky.perft`: `id`, `epd`, `perft d n` blocks.
  static let tricky: [PerftCase] = {
    var cases: [PerftCase] = []
    var name = "", fen = ""
    var counts: [(Int, UInt64)] = []
    func flush() {
      if !fen.isEmpty { cases.append(PerftCase(name: name, fen: fen, counts: counts)) }
      fen = ""
      counts = []
    }
    for line in resource("tricky.perft").split(separator: "\n") {
      if line.hasPrefix("id ") {
        flush()
        name = String(line.dropFirst(3))
      } else if line.hasPrefix("epd ") {
        fen = String(line.dropFirst(4))
      } else if line.hasPrefix("perft ") {
        let f = line.split(separator: " ")
        counts.append((Int(f[1])!, UInt64(f[2])!))
      }
    }
    flush()
    return cases
  }()

  static let all = suite + tricky
}

/// Node budget per case for the quick tests (all depths run with `make perft-full`).
let quickNodeBudget: UInt64 = 3_000_000

@Suite struct PerftTests {
  @Test func filesHaveTheExpectedPositions() {
    #expect(PerftData.suite.count == 127)
    #expect(PerftData.tricky.count >= 19)
  }

  @Test(arguments: PerftData.all)
  func quickDepthsMatch(c: PerftCase) throws {
    let p = try ChessPosition(fen: c.fen)
    for (depth, nodes) in c.counts where nodes <= quickNodeBudget {
      #expect(p.perft(depth) == nodes, "\(c.name) depth \(depth)")
    }
  }

  /// Incremental Zobrist key == key from scratch (and bitboards == board) at every node.
  @Test(arguments: PerftData.all)
  func keysStayConsistent(c: PerftCase) throws {
    let p = try ChessPosition(fen: c.fen)
    for (depth, nodes) in c.counts where nodes <= 20_000 {
      #expect(p.checkedPerft(depth) == nodes, "\(c.name) depth \(depth)")
    }
  }

  @Test func divideSumsToPerft() {
    let p = ChessPosition()
    let rows = p.divide(3)
    #expect(rows.count == 20)
    #expect(rows.reduce(0) { $0 + $1.nodes } == 8902)
    #expect(rows.first { p.moveText($0.move) == "e2e4" }?.nodes == 600)
  }

  @Test(
    arguments: [
      ("3k4/3p4/8/K1P4r/8/8/8/8 b - - 0 1", 6, 1_134_888 as UInt64),
      ("8/8/4k3/8/2p5/8/B2P2K1/8 w - - 0 1", 6, 1_015_133),
      ("8/8/1k6/2b5/2pP4/8/5K2/8 b - d3 0 1", 6, 1_440_467),
      ("5k2/8/8/8/8/8/8/4K2R w K - 0 1", 6, 661_072),
      ("3k4/8/8/8/8/8/8/R3K3 w Q - 0 1", 6, 803_711),
    ])
  func knownSpecialPositions(fen: String, depth: Int, nodes: UInt64) throws {
    let p = try ChessPosition(fen: fen)
    #expect(p.perft(depth) == nodes)
  }
}

/// Every depth of both suites: `make perft-full` (sets CHESS_PERFT_FULL=1).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CHESS_PERFT_FULL"] != nil))
struct PerftFullTests {
  @Test(arguments: PerftData.all)
  func everyDepthMatches(c: PerftCase) throws {
    let p = try ChessPosition(fen: c.fen)
    for (depth, nodes) in c.counts {
      #expect(p.perft(depth) == nodes, "\(c.name) depth \(depth)")
    }
  }

  @Test func stockfishCIPositions() throws {
    #expect(try ChessPosition(fen: "r7/4p3/5p1q/3P4/4pQ2/4pP2/6pp/R3K1kr w Q - 1 3").perft(5) == 11_609_488)
    #expect(ChessPosition().perft(7) == 3_195_901_860)
  }
}
