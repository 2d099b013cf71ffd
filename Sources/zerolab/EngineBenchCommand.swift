import ArgumentParser
import Chess
import ChessEngine
import Foundation
import GameCore

struct EngineBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "engine", abstract: "Alpha-beta search speed: nodes per second over a fixed set of positions.",
    discussion: """
      Searches each position to a fixed depth with a fresh 16 MiB table and reports the total \
      nodes over the total time. `make bench-engine` runs this next to `stockfish bench`.

      Example:
        zerolab bench engine --depth 11
      """)

  @Option(help: "Search depth for every position.") var depth: Int = 11

  static let positions = ChessSearcher<HandcraftedEvaluation>.benchPositions

  func validate() throws {
    guard (1...30).contains(depth) else { throw ValidationError("--depth must be 1...30") }
  }

  func run() throws {
    var nodes = 0
    var ms = 0
    for fen in EngineBench.positions {
      let p = try ChessPosition(fen: fen)
      let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: 16)
      let r = s.search(p, limits: SearchLimits(depth: depth))
      nodes += r.nodes
      ms += s.lastInfo.milliseconds
      print("\(fen): \(s.lastInfo.uciLine)")
    }
    let nps = ms > 0 ? nodes * 1000 / ms : nodes
    print("Total: \(nodes) nodes in \(ms) ms")
    print("BENCH engine unit=nodes/s zerolab=\(nps)")
  }
}

struct EPDCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "epd", abstract: "Solve a test suite of EPD positions with best-move (bm) or avoid-move (am) ops.",
    discussion: """
      Searches every position for --move-time seconds and counts it solved when the move is one of \
      the bm moves (and none of the am moves).

      Example:
        zerolab epd bench/wac.epd --move-time 1
      """)

  @Argument(help: "The EPD file.") var file: String
  @Option(help: "Seconds of search per position. (default: 1)") var moveTime: Double?
  @Option(name: .customLong("time"), help: .hidden) var timeAlias: Double?
  var time: Double { moveTime ?? timeAlias ?? 1 }
  @Option(help: "Only the first N positions.") var limit: Int?
  @Option(help: "Transposition table size in MiB.") var hash: Int = 64

  func run() throws {
    guard time > 0 else { throw ValidationError("--move-time must be positive") }
    guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
    let records: [EPDRecord]
    do throws(NotationError) {
      records = try EPDRecord.read(String(decoding: data, as: UTF8.self), source: file)
    } catch {
      throw ValidationError(error.message)
    }
    let s = ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: hash)
    var solved = 0, total = 0, skipped = 0
    for (n, record) in records.prefix(limit ?? records.count).enumerated() {
      let (p, bm, am) = (record.position, record.bestMoves, record.avoidMoves)
      let id = record.id ?? ""
      guard !bm.isEmpty || !am.isEmpty else {
        skipped += 1
        continue
      }
      s.newGame()
      let r = s.search(p, limits: SearchLimits(moveTime: Int(time * 1000)))
      total += 1
      let ok = r.bestMove.map { (bm.isEmpty || bm.contains($0)) && !am.contains($0) } ?? false
      if ok { solved += 1 }
      let played = r.bestMove.map { p.san($0) } ?? "none"
      print("\(id.isEmpty ? "#\(n + 1)" : id): \(ok ? "solved" : "missed") \(played) (depth \(r.depth))")
    }
    let share = total > 0 ? Double(solved) / Double(total) * 100 : 0
    print(String(format: "EPD %@: solved %d/%d (%.1f%%) at %g s per position", file, solved, total, share, time))
    if skipped > 0 { print("\(skipped) positions without bm or am were skipped") }
  }
}
