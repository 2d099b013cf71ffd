import Chess
import Foundation
import GameCore
import Testing

/// Damaged PGN files (empty, truncated at several lengths, one bit flipped at seeded offsets):
/// each is refused with a one-line error or parsed into games whose moves are all legal (a
/// PGN file has no checksum, so a cut after a move can still be a valid file); never a crash
/// or a hang.
@Suite struct CorruptPGNTests {
  @Test(arguments: ["kasparov-deep-blue-1997.pgn", "stockfish-learning.pgn", "uci-moves.pgn"])
  func pgnFilesAreRefusedInOneLineOrLegal(name: String) throws {
    let url = try #require(Bundle.module.url(forResource: "Resources/pgn/" + name, withExtension: nil))
    let bytes = [UInt8](try Data(contentsOf: url))
    for v in FileDamage.variants(of: bytes, truncations: 12, flips: 32, seed: 11) {
      do throws(NotationError) {
        for game in try PGN.parse(String(decoding: v.bytes, as: UTF8.self)) {
          var p = game.record.start
          for m in game.record.moves {
            #expect(p.isLegal(m), "\(name) \(v.label): an illegal move was read")
            p.play(m)
          }
        }
      } catch {
        #expect(
          !error.message.isEmpty && !error.message.contains(where: \.isNewline), "\(name) \(v.label): \(error.message)")
      }
    }
  }
}
