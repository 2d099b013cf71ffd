import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import Testing

/// A result handed from one thread to another.
final class ResultBox<T: Sendable>: @unchecked Sendable {
  let lock = NSLock()
  var result: Result<T, any Error>?
}

/// External engines that misbehave, as small shell scripts: each must end in a one-line error
/// or a lost game within a bounded time, never a hang or a crash of the caller, and leave no
/// process behind.
@Suite struct UCIProcessEngineTests {
  /// A folder of fake engines; each script writes its process id to `NAME.pid` and appends it
  /// to `NAME.pids` (one line a start).
  final class Fakes {
    let folder: String

    init() throws {
      folder = NSTemporaryDirectory() + "zerolab-fake-engines-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// A UCI loop answering `uci` with `uci` and `isready` (its count in `$r`) with `isready`,
    /// `go` (its count in `$n`) handled by `onGo`; the last `position` line is in `$pos`.
    func engine(
      _ name: String, onGo: String, uci: String = "echo 'id name fake'; echo uciok", isready: String = "echo readyok"
    ) throws -> EngineSpec {
      let script = """
        #!/bin/sh
        echo $$ > "$0.pid"
        echo $$ >> "$0.pids"
        n=0
        r=0
        while read -r line; do
          case "$line" in
            uci) \(uci) ;;
            isready) r=$((r + 1)); \(isready) ;;
            position*) pos="$line" ;;
            go*) n=$((n + 1)); \(onGo) ;;
            quit) exit 0 ;;
          esac
        done
        """
      let path = folder + "/" + name
      try script.write(toFile: path, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
      return EngineSpec(name: name, type: "uci", command: path)
    }

    /// Every process id the script has had, in start order.
    func pids(_ name: String) -> [Int32] {
      ((try? String(contentsOfFile: folder + "/" + name + ".pids", encoding: .utf8)) ?? "")
        .split(separator: "\n").compactMap { Int32($0) }
    }

    /// The script's process id, once it has written it.
    func pid(_ name: String) -> Int32? {
      (try? String(contentsOfFile: folder + "/" + name + ".pid", encoding: .utf8))
        .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
  }

  /// `true` once process `pid` has ended (gone, or a zombie), waiting up to 3 s.
  static func ended(_ pid: Int32?) -> Bool {
    guard let pid else { return false }
    for _ in 0..<300 {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
      if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
      usleep(10_000)
    }
    return false
  }

  /// Runs `body` on its own thread and returns its result, or `nil` if it has not finished
  /// within `seconds` (a hang fails the test instead of blocking the run).
  static func bounded<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () throws -> T) -> Result<T, any Error>?
  {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let t = Thread {
      let r = Result(catching: body)
      box.lock.withLock { box.result = r }
      done.signal()
    }
    t.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return box.lock.withLock { box.result }
  }

  /// A short match of one game, the fake (A) with White against a scripted Black.
  struct Played: Sendable {
    var outcome: Outcome
    var termination: String
    var moves: Int
    var pgn: String
    var seconds: Double
  }

  static func playOneGame(
    _ spec: EngineSpec, blackMoves: [String] = ["e7e5", "d7d5"], baseMilliseconds: Int = 200
  ) throws -> Played {
    let result = bounded(seconds: 20) {
      let start = ContinuousClock.now
      let fake = try UCIProcessEngine(spec: spec, handshakeMilliseconds: 1000)
      fake.answerMarginMilliseconds = 300
      fake.quitMilliseconds = 200
      let arena = Arena(
        a: fake, b: ScriptedEngine("black", blackMoves),
        timeControl: TimeControl(baseMilliseconds: baseMilliseconds, incrementMilliseconds: 0), openings: [])
      _ = arena.run(games: 1)
      fake.close()
      let g = arena.games[0]
      let d = ContinuousClock.now - start
      return Played(
        outcome: g.outcome, termination: g.termination, moves: g.record.moves.count, pgn: arena.pgn(),
        seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return try #require(result, "the match did not end within 20 s").get()
  }

  @Test func anEngineThatPlaysLegallyFinishesTheGame() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "fine",
      onGo:
        #"if [ $n -eq 1 ]; then echo 'info depth 1 score cp 20 nodes 5 pv f2f3'; echo 'bestmove f2f3'; else echo 'bestmove g2g4'; fi"#
    )
    let played = try UCIProcessEngineTests.playOneGame(spec, blackMoves: ["e7e5", "d8h4"], baseMilliseconds: 5000)
    #expect(played.termination == "checkmate" && played.moves == 4 && played.outcome == .win(.black))
    #expect(UCIProcessEngineTests.ended(fakes.pid("fine")))
  }

  /// What an engine starts (here a background process of its script) ends with it: the
  /// program leads a process group of its own, and closing it kills the group.
  @Test func whatAnEngineStartsEndsWithIt() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "parent",
      onGo: #"if [ $n -eq 1 ]; then echo 'bestmove f2f3'; else echo 'bestmove g2g4'; fi"#,
      uci: #"sleep 600 & echo $! > "$0.child"; echo 'id name fake'; echo uciok"#)
    let played = try UCIProcessEngineTests.playOneGame(spec, blackMoves: ["e7e5", "d8h4"], baseMilliseconds: 5000)
    #expect(played.termination == "checkmate")
    #expect(UCIProcessEngineTests.ended(fakes.pid("parent")))
    let child = (try? String(contentsOfFile: fakes.folder + "/parent.child", encoding: .utf8))
      .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    #expect(child != nil)
    #expect(UCIProcessEngineTests.ended(child), "the engine's child \(child ?? 0) is still running")
  }

  /// An engine that exits in the middle of a game loses it at once, the termination naming
  /// its exit status.
  @Test func anEngineThatCrashesMidGameLoses() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine("crash", onGo: #"if [ $n -eq 1 ]; then echo 'bestmove e2e4'; else exit 3; fi"#)
    let played = try UCIProcessEngineTests.playOneGame(spec)
    #expect(played.outcome == .win(.black) && played.moves == 2)
    #expect(played.termination == "crash stopped answering (exited with status 3)", "\(played.termination)")
    #expect(played.pgn.contains("[Termination \"crash stopped answering (exited with status 3)\"]"))
    #expect(played.pgn.contains("[Result \"0-1\"]"))
    // It does not wait for the time limit: the end of the output is seen at once.
    #expect(played.seconds < 5)
    #expect(UCIProcessEngineTests.ended(fakes.pid("crash")))
  }

  /// An engine that never answers `go` (and no longer reads its input) loses once its clock
  /// and the answer margin are spent, and is terminated on `close`.
  @Test func anEngineThatHangsLoses() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine("hang", onGo: "exec sleep 600")
    let played = try UCIProcessEngineTests.playOneGame(spec)
    #expect(played.outcome == .win(.black) && played.moves == 0)
    #expect(played.termination == "hang did not answer in time")
    #expect(played.pgn.contains("[Termination \"hang did not answer in time\"]"))
    // 200 ms of clock and 300 ms of margin, then at most 200 ms waiting for `quit`.
    #expect(played.seconds >= 0.5 && played.seconds < 10)
    #expect(UCIProcessEngineTests.ended(fakes.pid("hang")))
  }

  @Test func anEngineThatPlaysAnIllegalMoveLoses() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "illegal", onGo: #"if [ $n -eq 1 ]; then echo 'bestmove d2d4'; else echo 'bestmove d4d6'; fi"#)
    let played = try UCIProcessEngineTests.playOneGame(spec)
    #expect(played.outcome == .win(.black) && played.moves == 2)
    #expect(played.termination == "illegal played an illegal move: d4d6")
    #expect(played.pgn.contains("[Termination \"illegal played an illegal move: d4d6\"]"))
    let empty = try fakes.engine("empty", onGo: "echo bestmove")
    #expect(try UCIProcessEngineTests.playOneGame(empty).termination == "empty: empty bestmove")
  }

  /// No `uciok`: the engine is not started (a one-line error within the handshake time) and
  /// its process is terminated; the same for one that exits at once.
  @Test func anEngineWithoutUciokIsRefused() throws {
    let fakes = try Fakes()
    let silent = try fakes.engine("silent", onGo: ":", uci: "echo 'id name silent'")
    let quits = try fakes.engine("quits", onGo: ":", uci: "exit 4")
    let errors = UCIProcessEngineTests.bounded(seconds: 20) {
      var messages: [String] = []
      for spec in [silent, quits] {
        let start = ContinuousClock.now
        do throws(EngineError) {
          _ = try UCIProcessEngine(spec: spec, handshakeMilliseconds: 300)
          messages.append("started")
        } catch {
          messages.append(error.message)
        }
        messages.append(ContinuousClock.now - start < .seconds(5) ? "quick" : "slow")
      }
      return messages
    }
    let messages = try #require(errors, "the handshake did not end within 20 s").get()
    let s = silent.command!, q = quits.command!
    #expect(
      messages == [
        "silent: no 'uciok' from \(s)", "quick", "quits: no 'uciok' from \(q) (exited with status 4)", "quick",
      ])
    #expect(UCIProcessEngineTests.ended(fakes.pid("silent")))
    #expect(UCIProcessEngineTests.ended(fakes.pid("quits")))
  }

  /// After a crash, `newGame` starts a fresh program (a new process id) that plays on, and the
  /// crashed one is gone.
  @Test func newGameAfterACrashStartsAFreshProgram() throws {
    let fakes = try Fakes()
    // The first program exits on its first `go`; every later one answers.
    let spec = try fakes.engine(
      "dies", onGo: #"if [ ! -f "$0.died" ]; then touch "$0.died"; exit 5; fi; echo 'bestmove e2e4'"#)
    let outcome = UCIProcessEngineTests.bounded(seconds: 20) { () throws -> [String] in
      let e = try UCIProcessEngine(spec: spec, handshakeMilliseconds: 5000)
      let move = e.bestMove(GameRecord<ChessPosition>(), limits: SearchLimits(moveTime: 100))
      var lines = [move == nil ? "no move" : "move", e.lastError ?? ""]
      do throws(EngineError) {
        try e.newGame()
        lines.append("new game")
      } catch {
        lines.append(error.message)
      }
      lines.append(
        e.bestMove(GameRecord<ChessPosition>(), limits: SearchLimits(moveTime: 100)) == nil ? "no move" : "move")
      lines.append("\(e.starts) starts")
      e.close()
      return lines
    }
    let lines = try #require(outcome, "did not end within 20 s").get()
    #expect(lines == ["no move", "dies stopped answering (exited with status 5)", "new game", "move", "2 starts"])
    let pids = fakes.pids("dies")
    #expect(pids.count == 2 && Set(pids).count == 2, "\(pids)")
    #expect(pids.allSatisfy { UCIProcessEngineTests.ended($0) })
  }

  /// Weak references to an engine, every `Process` it started and every output reader.
  final class Freed: @unchecked Sendable {
    weak var engine: UCIProcessEngine?
    var processes: [Weak<Process>] = []
    var readers: [Weak<LineReader>] = []

    func watch(_ e: UCIProcessEngine) {
      engine = e
      processes.append(Weak(e.process))
      readers.append(Weak(e.reader))
    }

    /// `true` once the engine, its processes and its readers are all freed, waiting up to 3 s
    /// (a reader's thread ends when the program's output closes).
    func allFreed() -> Bool {
      for _ in 0..<300 {
        if engine == nil && processes.allSatisfy({ $0.object == nil }) && readers.allSatisfy({ $0.object == nil }) {
          return true
        }
        usleep(10_000)
      }
      return false
    }
  }

  final class Weak<T: AnyObject> {
    weak var object: T?
    init(_ object: T) { self.object = object }
  }

  /// Nothing outlives the engine: after `close` (and after a crash and a restart, and when the
  /// engine is dropped without `close`) the engine object, every `Process` it started and its
  /// output readers are freed. Foundation's `Process` holds itself through its run-loop source
  /// until it is waited for, so an engine that only kills its program leaks one process object
  /// with its pipes per start.
  @Test func aClosedEngineFreesItsProcessesAndReaders() throws {
    let fakes = try Fakes()
    let spec = try fakes.engine(
      "freed", onGo: #"if [ ! -f "$0.died" ]; then touch "$0.died"; exit 5; fi; echo 'bestmove e2e4'"#)
    let closed = Freed(), dropped = Freed()
    let outcome = UCIProcessEngineTests.bounded(seconds: 20) { () throws -> Int in
      do {
        let e = try UCIProcessEngine(spec: spec, handshakeMilliseconds: 5000)
        closed.watch(e)
        _ = e.bestMove(GameRecord<ChessPosition>(), limits: SearchLimits(moveTime: 100))
        try e.newGame()
        closed.watch(e)
        _ = e.bestMove(GameRecord<ChessPosition>(), limits: SearchLimits(moveTime: 100))
        e.close()
      }
      do {
        let e = try UCIProcessEngine(spec: spec, handshakeMilliseconds: 5000)
        dropped.watch(e)
      }
      return 0
    }
    _ = try #require(outcome, "did not end within 20 s").get()
    #expect(closed.processes.count == 2)
    #expect(closed.allFreed(), "an engine, a Process or a LineReader outlived close")
    #expect(dropped.allFreed(), "an engine, a Process or a LineReader outlived the engine")
    #expect(fakes.pids("freed").allSatisfy { UCIProcessEngineTests.ended($0) })
  }
}
