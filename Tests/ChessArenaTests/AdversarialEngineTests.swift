import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import Testing

/// An opponent for either colour that shuffles a knight: b1c3 and back with White, b8c6 and
/// back with Black (never in the way of the fakes' king-side knights).
final class ShuffleEngine: ChessEngineHandle {
  let name = "shuffle"
  var lastInfo: String? { nil }
  var lastError: String? { nil }
  func newGame() {}
  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    let white = game.position.sideToMove == .white
    let own = game.moves.count / 2
    let text = white ? (own % 2 == 0 ? "b1c3" : "c3b1") : (own % 2 == 0 ? "b8c6" : "c6b8")
    return try? game.position.parseUCI(text)
  }
  func close() {}
}

/// Matches against external engines that misbehave in every way the arena has met or can
/// imagine: each game is adjudicated with the reason in the PGN's `Termination`, no match
/// hangs past its timeouts, every program started is ended, and after a failure the next game
/// starts a fresh program.
@Suite struct AdversarialEngineTests {
  typealias Fakes = UCIProcessEngineTests.Fakes

  /// A fake's moves by colour and `go` count: the king-side knight out and back.
  static let knightMoves = #"""
    case "$side$n" in
      w1) echo 'bestmove g1f3' ;; w2) echo 'bestmove f3g1' ;;
      b1) echo 'bestmove g8f6' ;; b2) echo 'bestmove f6g8' ;;
    esac
    """#

  struct Match: Sendable {
    var games: [ArenaGame]
    var pgn: [PGNGame]
    var starts: Int
    var mostQueuedLines: Int
    var seconds: Double
  }

  /// `count` games of the fake (A) against `opponent`, within 60 s. The clock and timeouts
  /// are generous by default, so a loaded machine cannot turn the failure a test expects into
  /// a loss on time; the tests of timeouts pass small ones.
  static func match(
    _ spec: EngineSpec, games count: Int,
    opponent: @escaping @Sendable () -> any ChessEngineHandle = { ShuffleEngine() },
    baseMilliseconds: Int = 10_000, handshakeMilliseconds: Int = 10_000, answerMarginMilliseconds: Int = 5_000
  ) throws -> Match {
    let result = UCIProcessEngineTests.bounded(seconds: 60) { () throws -> Match in
      let start = ContinuousClock.now
      let fake = try UCIProcessEngine(spec: spec, handshakeMilliseconds: handshakeMilliseconds)
      fake.answerMarginMilliseconds = answerMarginMilliseconds
      fake.quitMilliseconds = 200
      let arena = Arena(
        a: fake, b: opponent(),
        timeControl: TimeControl(baseMilliseconds: baseMilliseconds, incrementMilliseconds: 0), openings: [])
      _ = arena.run(games: count)
      let most = fake.mostQueuedLines
      fake.close()
      let d = ContinuousClock.now - start
      return Match(
        games: arena.games, pgn: try PGN.parse(arena.pgn()), starts: fake.starts, mostQueuedLines: most,
        seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return try #require(result, "the match did not end within 60 s").get()
  }

  /// Every game lost by the fake with `termination`, recorded in the PGN; every program the
  /// match started has ended.
  static func expectEveryGameLost(_ m: Match, _ termination: String, fakes: Fakes, name: String) {
    for (g, pgn) in zip(m.games, m.pgn) {
      #expect(g.termination == termination)
      #expect(g.outcome == .win(g.whiteIsA ? .black : .white), "\(g.termination)")
      #expect(pgn[tag: "Termination"] == termination)
      #expect(pgn[tag: "Result"] == (g.whiteIsA ? "0-1" : "1-0"))
    }
    let pids = fakes.pids(name)
    #expect(pids.count == m.starts && Set(pids).count == pids.count, "\(pids)")
    #expect(pids.allSatisfy { UCIProcessEngineTests.ended($0) }, "a fake engine is still running: \(pids)")
  }

  /// A `bestmove` that is garbage, empty, in another notation (SAN), not UTF-8, or 100 KB
  /// long loses the game with the text shown (cut, non-ASCII as `?`); the next game is played
  /// by a fresh program.
  @Test(arguments: [
    ("echo 'bestmove xyzzy!'", "m: malformed bestmove 'xyzzy!'"),
    ("echo 'bestmove'", "m: empty bestmove"),
    ("echo 'bestmove Nf3'", "m: malformed bestmove 'Nf3'"),
    ("echo 'bestmove e4'", "m: malformed bestmove 'e4'"),
    (#"printf 'bestmove \377\376\n'"#, "m: malformed bestmove '??'"),
    ("echo 'bestmove e2e5'", "m played an illegal move: e2e5"),
    (
      "printf 'bestmove '; head -c 100000 /dev/zero | tr '\\0' x; echo",
      "m: malformed bestmove '" + String(repeating: "x", count: 32) + "…'"
    ),
  ])
  func aMalformedBestmoveLosesTheGame(onGo: String, termination: String) throws {
    let fakes = try Fakes()
    let m = try AdversarialEngineTests.match(try fakes.engine("m", onGo: onGo), games: 2)
    #expect(m.games.count == 2 && m.starts == 2)
    AdversarialEngineTests.expectEveryGameLost(m, termination, fakes: fakes, name: "m")
  }

  /// Megabytes of `info` lines before every `bestmove`, and 200,000 more written while the
  /// arena is not reading: the game is played to its end, and at most
  /// `UCIProcessEngine.queuedLineLimit` lines ever wait in memory.
  @Test func floodingBeforeTheAnswerIsReadAndCapped() throws {
    let fakes = try Fakes()
    let flood = "yes 'info depth 1 score cp 0 nodes 1 string flood flood flood' | head -n"
    let spec = try fakes.engine(
      "flood",
      onGo: """
        \(flood) 100000
        if [ $n -eq 1 ]; then echo 'bestmove f2f3'; \(flood) 200000; else echo 'bestmove g2g4'; fi
        """)
    // Black thinks for 2 s on its first move, while the fake's 200,000 lines arrive unread.
    let m = try AdversarialEngineTests.match(
      spec, games: 1, opponent: { ScriptedEngine("black", ["e7e5", "d8h4"], sleepMilliseconds: [0: 2000]) },
      baseMilliseconds: 30_000)
    #expect(m.games.first?.termination == "checkmate", "\(m.games.first?.termination ?? "no game")")
    #expect(m.games.first?.record.moves.count == 4)
    #expect(m.mostQueuedLines <= UCIProcessEngine.queuedLineLimit, "\(m.mostQueuedLines) lines waited")
    #expect(m.mostQueuedLines >= UCIProcessEngine.queuedLineLimit / 2, "the flood did not wait unread")
    #expect(UCIProcessEngineTests.ended(fakes.pid("flood")))
  }

  /// An engine that floods `info` lines forever and never answers loses each game once its
  /// clock and margin are spent, is killed, and its memory stays capped.
  @Test func floodingWithoutAnAnswerLosesOnTime() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine("torrent", onGo: "exec yes 'info depth 1 score cp 0 nodes 1 pv e2e4'")
    let m = try AdversarialEngineTests.match(spec, games: 2, baseMilliseconds: 300, answerMarginMilliseconds: 300)
    #expect(m.games.count == 2 && m.starts == 2)
    AdversarialEngineTests.expectEveryGameLost(m, "torrent did not answer in time", fakes: fakes, name: "torrent")
    #expect(m.mostQueuedLines <= UCIProcessEngine.queuedLineLimit)
    #expect(m.seconds < 30)
  }

  /// An engine that exits when asked `isready` before a game loses that game (its exit
  /// status named) and the next game starts it afresh; one that exits at the first `isready`
  /// is refused at start.
  @Test func anEngineThatExitsOnIsreadyLosesEachGame() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine("quitter", onGo: ":", isready: "if [ $r -ge 2 ]; then exit 7; fi; echo readyok")
    let m = try AdversarialEngineTests.match(spec, games: 3)
    #expect(m.games.count == 3 && m.starts == 3)
    #expect(m.games.allSatisfy { $0.record.moves.isEmpty })
    AdversarialEngineTests.expectEveryGameLost(
      m, "quitter: no 'readyok' after ucinewgame (exited with status 7)", fakes: fakes, name: "quitter")
    let atOnce = try fakes.engine("gone", onGo: ":", isready: "exit 7")
    let refused = UCIProcessEngineTests.bounded(seconds: 20) { () -> String in
      do throws(EngineError) {
        _ = try UCIProcessEngine(spec: atOnce, handshakeMilliseconds: 10_000)
        return "started"
      } catch {
        return error.message
      }
    }
    #expect(try #require(refused).get() == "gone: no 'readyok' (exited with status 7)")
    #expect(UCIProcessEngineTests.ended(fakes.pid("gone")))
  }

  /// `uciok` but never `readyok`: refused at start within the handshake time; answering the
  /// first and no later one loses every game after the handshake time, never hangs.
  @Test func anEngineThatNeverAnswersReadyokIsBounded() throws {
    let fakes = try Fakes()
    let mute = try fakes.engine("mute", onGo: ":", isready: ":")
    let refused = UCIProcessEngineTests.bounded(seconds: 20) { () -> String in
      do throws(EngineError) {
        _ = try UCIProcessEngine(spec: mute, handshakeMilliseconds: 2000)
        return "started"
      } catch {
        return error.message
      }
    }
    #expect(try #require(refused).get() == "mute: no 'readyok'")
    #expect(UCIProcessEngineTests.ended(fakes.pid("mute")))
    let once = try fakes.engine("once", onGo: ":", isready: "if [ $r -lt 2 ]; then echo readyok; fi")
    let m = try AdversarialEngineTests.match(once, games: 2, handshakeMilliseconds: 3000)
    #expect(m.games.count == 2 && m.starts == 2)
    AdversarialEngineTests.expectEveryGameLost(m, "once: no 'readyok' after ucinewgame", fakes: fakes, name: "once")
  }

  /// An engine killed by a signal after two moves of every game loses each game at that
  /// point with the signal named, and each next game is played by a fresh program (a new
  /// process id); none is left running.
  @Test func anEngineThatCrashesMidGameIsRestartedForTheNextGame() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "crasher",
      onGo: #"""
        side=b; case "$pos" in "position startpos") side=w ;; *) [ $(( $(echo "$pos" | wc -w) % 2 )) -eq 1 ] && side=w ;; esac
        if [ $n -ge 3 ]; then kill -KILL $$; fi
        """# + "\n" + AdversarialEngineTests.knightMoves)
    let m = try AdversarialEngineTests.match(spec, games: 3)
    #expect(m.games.count == 3 && m.starts == 3)
    #expect(m.games.map { $0.record.moves.count } == [4, 5, 4])
    AdversarialEngineTests.expectEveryGameLost(
      m, "crasher stopped answering (killed by signal 9)", fakes: fakes, name: "crasher")
  }

  /// Lines that are not UTF-8 before a legal `bestmove` are read past: the move is played.
  @Test func bytesThatAreNotUTF8AreReadPast() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "bytes",
      onGo: #"""
        printf 'info string \377\376\375 score cp 1\n\200\201\n'
        if [ $n -eq 1 ]; then echo 'bestmove f2f3'; else echo 'bestmove g2g4'; fi
        """#)
    let m = try AdversarialEngineTests.match(
      spec, games: 1, opponent: { ScriptedEngine("black", ["e7e5", "d8h4"]) })
    #expect(m.games.first?.termination == "checkmate" && m.games.first?.record.moves.count == 4)
  }
}
