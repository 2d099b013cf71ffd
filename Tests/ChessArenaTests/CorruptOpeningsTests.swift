import Chess
import ChessArena
import Foundation
import GameCore
import Testing

/// Damaged openings files (empty, truncated, one bit flipped at seeded offsets): refused in
/// one line naming the file (and the line), or read as positions that are all playable; never
/// a crash.
@Suite struct CorruptOpeningsTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func openingsAreRefusedInOneLineOrPlayable(seed: UInt64) throws {
    let text = """
      # two openings
      rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1
      r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3 id "italian";

      """
    for v in FileDamage.variants(of: Array(text.utf8), truncations: 12, flips: 32, seed: seed) {
      do throws(NotationError) {
        let positions = try readOpenings(String(decoding: v.bytes, as: UTF8.self), source: "o.epd")
        #expect(positions.allSatisfy { $0.end() == nil && $0.legalMoveCount > 0 }, "\(v.label)")
      } catch {
        #expect(
          error.message.hasPrefix("o.epd") && !error.message.contains(where: \.isNewline),
          "\(v.label): \(error.message)")
      }
    }
  }
}
