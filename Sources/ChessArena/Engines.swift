import Chess
import ChessEngine
import Foundation
import GameCore
import Synchronization

extension EngineSpec {
  /// The built-in chess engines by name: `zerolab` (the default evaluation, the shipped NNUE)
  /// and `zerolab-hce` (the handcrafted evaluation).
  public static let builtinNames = ["zerolab", "zerolab-hce"]
}

/// A running engine that answers "your move" for a game.
public protocol ChessEngineHandle: AnyObject {
  var name: String { get }
  /// A new game starts.
  func newGame() throws(EngineError)
  /// The move for the current position of `game` within `limits`; `nil` if the engine failed
  /// (crashed, timed out, or answered an illegal move: `lastError` says which).
  func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move?
  /// The last search's summary (`depth 9 score cp 31 nodes 120000`).
  var lastInfo: String? { get }
  /// Why the last `bestMove` returned `nil`.
  var lastError: String? { get }
  func close()
}

/// The alpha-beta engine in process.
public final class BuiltinEngine: ChessEngineHandle {
  public let name: String
  let searcher: any ChessSearching
  let depthCap: Int?
  let nodeCap: Int?
  public private(set) var lastInfo: String?
  public var lastError: String? { nil }

  /// An engine named `name` searching with `searcher`, every move capped at `depth` plies
  /// and `nodes` nodes when given.
  /// Milliseconds past its clock after which a search is told to stop.
  static let overrun = 250

  public init(name: String, searcher: any ChessSearching, depth: Int? = nil, nodes: Int? = nil) {
    self.name = name
    self.searcher = searcher
    depthCap = depth
    nodeCap = nodes
  }

  public func newGame() { searcher.newGame() }

  public func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    var l = limits
    if let d = depthCap { l.depth = min(l.depth ?? d, d) }
    if let n = nodeCap { l.nodes = min(l.nodes ?? n, n) }
    searcher.stopSignal.reset()
    // A search that overruns its clock is stopped just after the point where it would lose on
    // time anyway, so that a game always ends.
    let side = game.position.sideToMove
    let clock = l.moveTime ?? (side == .white ? l.whiteTime : l.blackTime)
    let watchdog = clock.map { ms -> DispatchWorkItem in
      let signal = searcher.stopSignal
      let item = DispatchWorkItem { signal.stop() }
      DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms + Self.overrun), execute: item)
      return item
    }
    let r = searcher.search(game.position, history: game.keys, limits: l)
    watchdog?.cancel()
    let score = r.mateIn.map { "mate \($0)" } ?? "cp \(r.score)"
    lastInfo = "depth \(r.depth) score \(score) nodes \(r.nodes)"
    return r.bestMove
  }

  public func close() {}
}

/// Lines from a file descriptor, read on a background thread, handed out with a timeout.
/// What is kept is bounded whatever the program writes: at most `maxLines` lines wait, and a
/// line longer than `maxLineBytes` is cut there. When the queue is full, a new line that is not
/// an answer (`bestmove`, `readyok`, `uciok`) is dropped, so a flood of `info` lines cannot
/// outgrow memory nor push out an answer already waiting; an answer makes room by dropping the
/// oldest line.
package final class LineReader: @unchecked Sendable {
  /// The waiting lines and the index of the next one to hand out.
  struct Queue {
    var lines: [String] = []
    var head = 0
    var dropped = 0
    var most = 0
    var count: Int { lines.count - head }
  }
  let lock = Mutex<Queue>(Queue())
  let available = DispatchSemaphore(value: 0)
  let closed = Atomic<Bool>(false)
  let maxLines: Int
  let maxLineBytes: Int

  package init(handle: FileHandle, maxLines: Int = 10_000, maxLineBytes: Int = 65_536) {
    self.maxLines = max(1, maxLines)
    self.maxLineBytes = max(16, maxLineBytes)
    let thread = Thread { [self] in
      var buffer = Data()
      var skipping = false
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        var cursor = buffer.startIndex
        while let nl = buffer[cursor...].firstIndex(of: 10) {
          if skipping {
            skipping = false
          } else {
            push(buffer[cursor..<nl])
          }
          cursor = nl + 1
        }
        buffer.removeSubrange(buffer.startIndex..<cursor)
        if buffer.count > self.maxLineBytes {
          if !skipping { push(buffer.prefix(self.maxLineBytes)) }
          skipping = true
          buffer.removeAll(keepingCapacity: true)
        }
      }
      closed.store(true, ordering: .relaxed)
      available.signal()
    }
    thread.start()
  }

  /// The lines a caller waits for; the rest (`info`, `id`, `option`, noise) may be dropped.
  static func isAnswer(_ line: String) -> Bool {
    line.hasPrefix("bestmove") || line.hasPrefix("readyok") || line.hasPrefix("uciok")
  }

  /// Queues one line (its bytes, invalid UTF-8 replaced), keeping at most `maxLines` waiting.
  func push(_ bytes: Data) {
    let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let answer = LineReader.isAnswer(line)
    lock.withLock { q in
      if q.count >= maxLines {
        q.dropped += 1
        guard answer else { return }
        q.head += 1
      }
      q.lines.append(line)
      q.most = max(q.most, q.count)
      if q.head > 4096 && q.head * 2 > q.lines.count {
        q.lines.removeFirst(q.head)
        q.head = 0
      }
    }
    available.signal()
  }

  /// How many lines have been dropped because the queue was full.
  package var dropped: Int { lock.withLock { $0.dropped } }
  /// `true` once the program's output has ended (lines may still wait).
  package var outputEnded: Bool { closed.load(ordering: .relaxed) }
  /// The most lines that have waited at once.
  package var most: Int { lock.withLock { $0.most } }

  func pop() -> String? {
    lock.withLock { q in
      guard q.count > 0 else { return nil }
      let line = q.lines[q.head]
      q.head += 1
      if q.count == 0 {
        q.lines.removeAll(keepingCapacity: true)
        q.head = 0
      }
      return line
    }
  }

  /// The next line, or `nil` after `milliseconds` or at end of output.
  package func next(milliseconds: Int) -> String? {
    let deadline = DispatchTime.now() + .milliseconds(max(0, milliseconds))
    while true {
      if let line = pop() { return line }
      if closed.load(ordering: .relaxed) { return pop() }
      if available.wait(timeout: deadline) == .timedOut { return pop() }
    }
  }
}

/// An external UCI program in a subprocess. When a game goes wrong for it (it crashed, hung,
/// answered a malformed or illegal move, or missed a `readyok`) the program is ended at once
/// and the next `newGame` starts a fresh one, so one failure costs one game.
public final class UCIProcessEngine: ChessEngineHandle {
  public let name: String
  let spec: EngineSpec
  package private(set) var process = Process()
  /// The process group the program leads (`nil` when it does not lead one of its own).
  var processGroup: pid_t?
  private(set) var input: FileHandle
  package private(set) var reader: LineReader
  public private(set) var lastInfo: String?
  public private(set) var lastError: String?
  /// How long `uciok` and every `readyok` may take.
  public let handshakeMilliseconds: Int
  /// How long past its own clock (or `movetime`) a search may take before it is given up as
  /// unanswered (the arena's grace for process scheduling is separate).
  public var answerMarginMilliseconds = 5_000
  /// How long `close` waits for the program to exit after `quit` before terminating it.
  public var quitMilliseconds = 1_000
  /// Set by a failure: the next `newGame` replaces the program with a fresh one.
  public private(set) var needsRestart = false
  /// How many times the program has been started.
  public private(set) var starts = 0

  /// At most this many lines of the program's output wait to be read (older ones are dropped).
  public static let queuedLineLimit = 10_000
  /// The most lines of output that have waited at once since the program started.
  public var mostQueuedLines: Int { reader.most }

  /// The running program's process id.
  public var processIdentifier: Int32 { process.processIdentifier }

  /// Starts `spec.command` and waits for `uciok` and `readyok`, each within
  /// `handshakeMilliseconds` (the program is terminated if either does not come).
  public init(spec: EngineSpec, handshakeMilliseconds: Int = 10_000) throws(EngineError) {
    name = spec.name
    self.spec = spec
    self.handshakeMilliseconds = handshakeMilliseconds
    signal(SIGPIPE, SIG_IGN)
    (input, reader) = (FileHandle.nullDevice, LineReader(handle: FileHandle.nullDevice))
    try start()
  }

  /// Launches the program (a fresh `Process`) and runs the handshake.
  func start() throws(EngineError) {
    let command = spec.command ?? ""
    guard FileManager.default.isExecutableFile(atPath: command) else {
      throw EngineError("\(spec.name): cannot run \(command)")
    }
    process = Process()
    starts += 1
    needsRestart = false
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = spec.args ?? []
    let inPipe = Pipe(), outPipe = Pipe()
    process.standardInput = inPipe
    process.standardOutput = outPipe
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      needsRestart = true
      throw EngineError("\(spec.name): cannot start \(command)")
    }
    // Foundation starts the program as the leader of a process group of its own; whatever it
    // starts in turn (a wrapper script's engine, helper processes) stays in that group.
    let pid = process.processIdentifier
    processGroup = getpgid(pid) == pid && pid != getpgrp() ? pid : nil
    input = inPipe.fileHandleForWriting
    reader = LineReader(handle: outPipe.fileHandleForReading, maxLines: UCIProcessEngine.queuedLineLimit)
    send("uci")
    guard waitFor("uciok", milliseconds: handshakeMilliseconds) else {
      throw fail(EngineError("\(spec.name): no 'uciok' from \(command)\(exitNote)"))
    }
    for (k, v) in (spec.options ?? [:]).sorted(by: { $0.key < $1.key }) { send("setoption name \(k) value \(v)") }
    send("isready")
    guard waitFor("readyok", milliseconds: handshakeMilliseconds) else {
      throw fail(EngineError("\(spec.name): no 'readyok'\(exitNote)"))
    }
  }

  /// Ends the program after a failure and marks it for a restart; returns `error`.
  func fail(_ error: EngineError) -> EngineError {
    terminate()
    needsRestart = true
    return error
  }

  func send(_ line: String) {
    try? input.write(contentsOf: Data((line + "\n").utf8))
  }

  func waitFor(_ prefix: String, milliseconds: Int) -> Bool {
    let start = ContinuousClock.now
    while true {
      let left = milliseconds - elapsedMs(since: start)
      guard left > 0, let line = reader.next(milliseconds: left) else { return false }
      if line.hasPrefix(prefix) { return true }
    }
  }

  /// A new game: a fresh program first if the last one failed or has ended, then
  /// `ucinewgame` and `isready`.
  public func newGame() throws(EngineError) {
    if needsRestart || !process.isRunning {
      terminate()
      try start()
    }
    send("ucinewgame")
    send("isready")
    guard waitFor("readyok", milliseconds: handshakeMilliseconds) else {
      throw fail(EngineError("\(name): no 'readyok' after ucinewgame\(exitNote)"))
    }
  }

  public func bestMove(_ game: GameRecord<ChessPosition>, limits: SearchLimits) -> Move? {
    lastError = nil
    let start = game.start.fen == ChessPosition.startFEN ? "startpos" : "fen \(game.start.fen)"
    var p = game.start
    var texts: [String] = []
    for m in game.moves {
      texts.append(p.moveText(m))
      p.play(m)
    }
    send("position \(start)" + (texts.isEmpty ? "" : " moves " + texts.joined(separator: " ")))
    var go = "go"
    if let v = limits.whiteTime { go += " wtime \(v)" }
    if let v = limits.blackTime { go += " btime \(v)" }
    if let v = limits.whiteIncrement { go += " winc \(v)" }
    if let v = limits.blackIncrement { go += " binc \(v)" }
    if let v = limits.depth { go += " depth \(v)" }
    if let v = limits.nodes { go += " nodes \(v)" }
    if let v = limits.moveTime { go += " movetime \(v)" }
    send(go)
    let own = (game.position.sideToMove == .white ? limits.whiteTime : limits.blackTime) ?? limits.moveTime ?? 60_000
    let budget = own + answerMarginMilliseconds
    let clockStart = ContinuousClock.now
    while true {
      let left = budget - elapsedMs(since: clockStart)
      guard left > 0, let line = reader.next(milliseconds: left) else {
        if reader.closed.load(ordering: .relaxed) {
          lastError = "\(name) stopped answering\(exitNote.isEmpty ? " (its output closed)" : exitNote)"
        } else {
          lastError = "\(name) did not answer in time"
          send("stop")
        }
        return failed()
      }
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      if words.first == "info" && words.contains("score") {
        lastInfo = UCIProcessEngine.summary(line)
      } else if words.first == "bestmove" {
        guard words.count >= 2 else {
          lastError = "\(name): empty bestmove"
          return failed()
        }
        let text = String(words[1])
        do throws(NotationError) {
          if let m = try game.position.parseUCI(text) { return m }
          lastError = "\(name): malformed bestmove '\(UCIProcessEngine.printable(text))'"
        } catch {
          lastError = "\(name) played an illegal move: \(UCIProcessEngine.printable(text))"
        }
        return failed()
      }
    }
  }

  /// Ends the program after a failed search (it is restarted by the next `newGame`).
  func failed() -> Move? {
    terminate()
    needsRestart = true
    return nil
  }

  /// `text` fit for a one-line message and a PGN tag: at most 32 characters, anything but
  /// printable ASCII shown as `?`.
  static func printable(_ text: String) -> String {
    let shown = text.unicodeScalars.prefix(32).map {
      $0.isASCII && $0.value >= 32 && $0.value < 127 ? Character($0) : "?"
    }
    return String(shown) + (text.unicodeScalars.count > 32 ? "…" : "")
  }

  /// ` (exited with status N)` once the program has ended, else empty. When its output has
  /// closed it is about to end: up to 2 s are allowed for it to be reaped.
  var exitNote: String {
    let start = ContinuousClock.now
    let wait = reader.closed.load(ordering: .relaxed) ? 2000 : 0
    while process.isRunning && elapsedMs(since: start) < wait { usleep(2000) }
    guard !process.isRunning else { return "" }
    return process.terminationReason == .uncaughtSignal
      ? " (killed by signal \(process.terminationStatus))" : " (exited with status \(process.terminationStatus))"
  }

  static func summary(_ line: String) -> String {
    let t = line.split(separator: " ").map(String.init)
    var parts: [String] = []
    for key in ["depth", "score", "nodes"] {
      if let i = t.firstIndex(of: key), i + 1 < t.count {
        parts.append(key == "score" && i + 2 < t.count ? "score \(t[i + 1]) \(t[i + 2])" : "\(key) \(t[i + 1])")
      }
    }
    return parts.joined(separator: " ")
  }

  public func close() {
    send("quit")
    let start = ContinuousClock.now
    while process.isRunning && elapsedMs(since: start) < quitMilliseconds { usleep(5000) }
    terminate()
  }

  /// Ends the program: SIGTERM, then SIGKILL after 200 ms (a program started from a thread
  /// that blocks signals inherits the mask and never sees SIGTERM), then SIGKILL to every
  /// process left in its process group (what it started: the engine behind a wrapper script,
  /// processes it forked), then releases it.
  func terminate() {
    if process.isRunning {
      process.terminate()
      let start = ContinuousClock.now
      while process.isRunning && elapsedMs(since: start) < 200 { usleep(2000) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    if let group = processGroup {
      kill(-group, SIGKILL)
      processGroup = nil
    }
    release()
  }

  /// Frees the ended program's `Process`. Foundation's `Process` on Linux keeps itself alive
  /// through its run-loop source (which retains it) until `waitUntilExit` drops that source,
  /// so a process never waited for leaks with its pipes and file handles, one per program
  /// started. Called once the program has ended (or was never started), `waitUntilExit`
  /// returns at once; after a SIGKILL it returns as soon as the program is reaped.
  func release() {
    process.waitUntilExit()
  }

  deinit { terminate() }
}

func elapsedMs(since start: ContinuousClock.Instant) -> Int {
  let d = ContinuousClock.now - start
  return Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
}
