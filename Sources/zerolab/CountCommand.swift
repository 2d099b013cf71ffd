import ArgumentParser
import GMP
import GameCore
import GameCounting
import GameSearch
import Hexapawn

struct Count: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Count complete games and positions exactly, and White's winning chance under random play.",
    discussion: """
      Computed over the position graph (each position once), in GMP integers and rationals, \
      so no count can overflow and no probability is rounded:
        complete games  move sequences from the start to a finished game
        positions       distinct reachable positions (board and side to move)
        P(White wins)   when both sides play uniformly random legal moves, as p/q in lowest terms

      Examples:
        zerolab count hexapawn --size 3x3      # 134 games, P = 259/432
        zerolab count hexapawn --size 4x4 --digits 40
      """)

  @Argument(help: "The game.") var game: HexapawnGame
  @OptionGroup var board: BoardOptions
  @Option(help: "Decimal places of the probability.") var digits: Int = 30

  func validate() throws {
    try game.game.requireHexapawn("count")
    guard (0...10_000).contains(digits) else { throw ValidationError("--digits must be 0 to 10000") }
  }

  func run() throws {
    let start = try board.startPosition()
    let clock = ContinuousClock()
    let t0 = clock.now
    let counter = GameCounter<HexapawnPosition>(expectedPositions: 1 << 16)
    counter.progress = { n in
      Terminal.progress("counting: \(grouped(n)) positions, \(rate(n, clock.now - t0))")
    }
    let r = counter.count(from: start)
    let elapsed = clock.now - t0
    Terminal.endProgress()
    print("Hexapawn \(start.size), start \(start.fen)")
    print("Complete games:      \(r.games)")
    print(
      "Reachable positions: \(r.positions) (\(grouped(r.counts.whiteToMove)) White to move, \(grouped(r.counts.blackToMove)) Black to move; \(grouped(r.counts.terminal)) finished)"
    )
    let p = r.whiteWinProbability
    print("P(White wins | both sides random) = \(p)")
    print("                                  ≈ \(p.decimal(digits: digits))")
    print(
      "  (numerator \(p.numerator.decimalDigitCount) digits, denominator \(p.denominator.decimalDigitCount) digits / \(p.denominator.bitWidth) bits)"
    )
    print("Time: \(seconds(elapsed)) s (\(rate(r.counts.total, elapsed)) positions)")
  }
}
