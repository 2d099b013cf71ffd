import ArgumentParser
import Chess
import GameCore

struct Perft: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Count the leaf nodes of the chess move tree (perft), optionally per root move.",
    discussion: """
      Counts every legal move sequence of --depth plies from the start position or --fen, \
      with bulk counting at the last ply. Output is the common engine form, so perft tools \
      can compare it with other engines: with --divide one `move: count` line per root move \
      (UCI notation, sorted), then a blank line; always `Nodes searched: N`. Time and \
      nodes per second go to standard error.

      Examples:
        zerolab perft --depth 5
        zerolab perft --depth 4 --divide
        zerolab perft --depth 5 \\
          --fen "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1"
      """)

  @Option(help: "Plies to search (0 or more).") var depth: Int
  @Option(help: "Start position in FEN (default: the standard start).") var fen: String?
  @Flag(help: "Print the count of every root move.") var divide = false

  func validate() throws {
    guard depth >= 0 else { throw ValidationError("--depth must be 0 or more") }
    if let fen { do { _ = try ChessPosition(fen: fen) } catch { throw ValidationError(error.message) } }
  }

  func run() throws {
    var position = ChessPosition()
    if let fen {
      do { position = try ChessPosition(fen: fen) } catch { throw ValidationError(error.message) }
    }
    let clock = ContinuousClock()
    let t0 = clock.now
    var nodes: UInt64 = 0
    if divide {
      let rows = position.divide(depth).map { (position.moveText($0.move), $0.nodes) }.sorted { $0.0 < $1.0 }
      for (text, n) in rows { print("\(text): \(n)") }
      nodes = rows.reduce(0) { $0 + $1.1 }
      print("")
    } else {
      nodes = position.perft(depth)
    }
    let elapsed = clock.now - t0
    print("Nodes searched: \(nodes)")
    let perSecond = Int(Double(nodes) / max(toSeconds(elapsed), 1e-9))
    Terminal.writeError("Time: \(seconds(elapsed)) s, \(grouped(perSecond)) nodes/s\n")
  }
}
