import Chess
import Foundation
import GameCore
import Synchronization

/// Writes whole lines to standard output under a lock, flushed at once (the search thread and
/// the command thread both write).
public final class LineWriter: Sendable {
  let lock = Mutex(())
  let sink: @Sendable (String) -> Void
  /// Lines go to `sink` (standard output by default).
  public init(sink: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })
  {
    self.sink = sink
  }
  public func write(_ line: String) { lock.withLock { _ in sink(line) } }
}

/// The UCI protocol over a chess searcher (the alpha-beta search, or a network engine's tree
/// search; the factory makes it): commands are read on the caller's thread,
/// searches run on a background thread, so `stop`, `isready` and `quit` are answered while
/// thinking. A garbage or illegal line is answered with `info string …` and ignored.
public final class UCIEngine: @unchecked Sendable {
  /// The name in `id name`: ZeroLab and its version (`ZeroLabVersion.string`).
  public static let name = "ZeroLab \(ZeroLabVersion.string)"
  let out: LineWriter
  var searcher: any ChessSearching
  /// Builds a searcher for an `EvalFile` value (`nil`: the default evaluation; `handcrafted`:
  /// the handcrafted one; else a file).
  public typealias SearcherFactory =
    @Sendable (_ evalFile: String?, _ hashMegabytes: Int) throws(EngineError) ->
    any ChessSearching
  let factory: SearcherFactory
  var hashMegabytes: Int
  /// The `EvalFile` value in use (empty: the default evaluation).
  public private(set) var evalFile = ""
  /// What the default evaluation is, in words (shown as the option's default).
  let defaultEval: String
  /// The name of the option that picks the evaluation: `EvalFile` (an NNUE file) for the
  /// alpha-beta search, `WeightsFile` (a network) for a network engine.
  let evalOption: String
  /// The `Hash` the engine started with (shown as the option's default).
  let defaultHash: Int
  let group = DispatchGroup()
  let searching = Atomic<Bool>(false)
  /// Whether the running search has a limit of its own (depth, nodes, movetime or a clock).
  let bounded = Atomic<Bool>(false)
  var position = ChessPosition()
  var keys: [UInt64] = [ChessPosition().hash]
  var moveOverhead = 30

  /// The handcrafted-only factory (an `EvalFile` other than `handcrafted` is refused).
  public static let handcraftedOnly: SearcherFactory = { file, hash throws(EngineError) in
    if let file, file.lowercased() != "handcrafted" {
      throw EngineError("EvalFile \(file): this engine has no NNUE support")
    }
    return ChessSearcher(evaluator: HandcraftedEvaluation(), hashMegabytes: hash)
  }

  /// `evalFile` (if given) is loaded through `factory` at start; `defaultEval` says what the
  /// factory gives for no `EvalFile`.
  public init(
    writer: LineWriter = LineWriter(), hashMegabytes: Int = 16, evalFile: String? = nil,
    factory: @escaping SearcherFactory = UCIEngine.handcraftedOnly, defaultEval: String = "handcrafted",
    evalOption: String = "EvalFile"
  ) throws(EngineError) {
    out = writer
    self.factory = factory
    self.defaultEval = defaultEval
    self.evalOption = evalOption
    self.hashMegabytes = hashMegabytes
    defaultHash = hashMegabytes
    searcher = try factory(evalFile, hashMegabytes)
    self.evalFile = evalFile ?? ""
  }

  /// Reads commands until `quit` or end of input. At end of input a search with a limit of its
  /// own (`go depth 8`, `nodes`, `movetime`, a clock) runs to that limit, so a script piping
  /// commands gets the answer it asked for; `go infinite` is stopped. `quit` stops at once.
  public func run(readLine: () -> String?) {
    while let line = readLine() {
      if !handle(line) { return }
    }
    if bounded.load(ordering: .relaxed) { group.wait() } else { stopAndWait() }
  }

  /// Writes one line from the command thread; control characters from the input it echoes
  /// (an option name, a file name) are written as `\u{1B}`, so the line stays one UCI line.
  func say(_ s: String) { out.write(printable(Substring(s))) }

  /// Waits for a running search to end after telling it to stop.
  public func stopAndWait() {
    searcher.stopSignal.stop()
    group.wait()
  }

  /// Handles one command line; returns `false` after `quit`.
  @discardableResult
  public func handle(_ line: String) -> Bool {
    let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
    guard let command = tokens.first else { return true }
    let args = Array(tokens.dropFirst())
    switch command {
    case "uci":
      say("id name \(UCIEngine.name)")
      say("id author the ZeroLab authors")
      say("option name Hash type spin default \(defaultHash) min 1 max 4096")
      say("option name Clear Hash type button")
      say("option name Move Overhead type spin default 30 min 0 max 5000")
      say("option name \(evalOption) type string default \(evalFile.isEmpty ? defaultEval : evalFile)")
      say("uciok")
    case "isready":
      say("readyok")
    case "ucinewgame":
      stopAndWait()
      searcher.newGame()
    case "setoption":
      stopAndWait()
      setOption(args)
    case "position":
      stopAndWait()
      setPosition(args)
    case "go":
      stopAndWait()
      go(args)
    case "stop":
      stopAndWait()
    case "ponderhit":
      break
    case "quit":
      stopAndWait()
      return false
    case "debug", "register":
      break
    case "d":
      say("info string fen \(position.fen)")
    default:
      say("info string unknown command: \(printable(line.prefix(80)))")
    }
    return true
  }

  func setOption(_ args: [String]) {
    // setoption name <id with spaces> [value <x>]
    guard args.first?.lowercased() == "name" else {
      say("info string setoption: expected 'name'")
      return
    }
    let rest = args.dropFirst()
    let valueIndex = rest.firstIndex { $0.lowercased() == "value" }
    let name = rest[rest.startIndex..<(valueIndex ?? rest.endIndex)].joined(separator: " ").lowercased()
    let value = valueIndex.map { rest[($0 + 1)...].joined(separator: " ") }
    switch name {
    case "hash":
      guard let v = value.flatMap({ Int($0) }), (1...4096).contains(v) else {
        say("info string setoption Hash: expected a value from 1 to 4096")
        return
      }
      searcher.resizeHash(megabytes: v)
      hashMegabytes = v
    case "clear hash":
      searcher.newGame()
    case "move overhead":
      guard let v = value.flatMap({ Int($0) }), (0...5000).contains(v) else {
        say("info string setoption Move Overhead: expected a value from 0 to 5000")
        return
      }
      moveOverhead = v
    case evalOption.lowercased():
      let v = (value ?? "").trimmingCharacters(in: .whitespaces)
      let file = ["", "<empty>", "default"].contains(v.lowercased()) ? nil : v
      do throws(EngineError) {
        searcher = try factory(file, hashMegabytes)
        evalFile = file ?? ""
        say("info string evaluation: \(file ?? defaultEval)")
      } catch {
        say(
          "info string setoption \(evalOption): \(error.message) (keeping \(evalFile.isEmpty ? defaultEval : evalFile))"
        )
      }
    default:
      say("info string unknown option: \(name)")
    }
  }

  func setPosition(_ args: [String]) {
    var p: ChessPosition
    var i: Int
    if args.first == "startpos" {
      p = ChessPosition()
      i = 1
    } else if args.first == "fen" {
      let end = args.firstIndex(of: "moves") ?? args.count
      do {
        p = try ChessPosition(fen: args[1..<end].joined(separator: " "))
      } catch {
        say("info string bad position: \(error.message)")
        return
      }
      i = end
    } else {
      say("info string position: expected 'startpos' or 'fen'")
      return
    }
    var k = [p.hash]
    if i < args.count {
      guard args[i] == "moves" else {
        say("info string position: expected 'moves', got '\(printable(args[i].prefix(20)))'")
        return
      }
      // An illegal move ends the list: the position after the legal moves before it is kept
      // (as Stockfish does), and the move is reported.
      moves: for text in args[(i + 1)...] {
        if text == "0000" {
          guard !p.isInCheck else {
            say("info string bad position: null move while in check (keeping the moves before it)")
            break moves
          }
          p.play(.null)
        } else {
          var move: Move?
          do throws(NotationError) {
            move = try p.parseUCI(text)
          } catch {
            move = nil
          }
          guard let m = move else {
            say("info string bad position: illegal move \(printable(text.prefix(12))) (keeping the moves before it)")
            break moves
          }
          p.play(m)
        }
        k.append(p.hash)
      }
    }
    position = p
    keys = k
  }

  func go(_ args: [String]) {
    var limits = SearchLimits()
    var i = 0
    while i < args.count {
      let t = args[i]
      let numeric = ["wtime", "btime", "winc", "binc", "movestogo", "depth", "nodes", "movetime", "mate"]
      if numeric.contains(t) {
        guard i + 1 < args.count, let v = Int(args[i + 1]) else {
          say("info string go ignored: '\(t)' needs a number")
          return
        }
        switch t {
        case "wtime": limits.whiteTime = max(1, v)
        case "btime": limits.blackTime = max(1, v)
        case "winc": limits.whiteIncrement = max(0, v)
        case "binc": limits.blackIncrement = max(0, v)
        case "movestogo": limits.movesToGo = v > 0 ? v : nil
        case "depth": limits.depth = max(1, v)
        case "nodes": limits.nodes = max(1, v)
        case "movetime": limits.moveTime = max(1, v)
        default: limits.depth = max(1, 2 * v + 2)  // mate in v moves: enough plies
        }
        i += 2
      } else if t == "infinite" {
        limits.infinite = true
        i += 1
      } else if t == "ponder" {
        i += 1
      } else if t == "searchmoves" {
        say("info string go: searchmoves is not supported (searching every move)")
        break
      } else {
        say("info string go ignored: unknown token '\(printable(t.prefix(20)))'")
        return
      }
    }
    // Keep the engine's own safety margin on the clock.
    if moveOverhead != 30 {
      if let w = limits.whiteTime { limits.whiteTime = max(1, w - (moveOverhead - 30)) }
      if let b = limits.blackTime { limits.blackTime = max(1, b - (moveOverhead - 30)) }
    }
    let root = position
    let history = keys
    let finalLimits = limits
    bounded.store(
      !limits.infinite
        && (limits.depth != nil || limits.nodes != nil || limits.moveTime != nil || limits.whiteTime != nil
          || limits.blackTime != nil),
      ordering: .relaxed)
    searcher.stopSignal.reset()
    searching.store(true, ordering: .relaxed)
    let searcher = self.searcher
    let out = self.out
    // The final info line only when it says more than the last iteration's: nodes searched
    // since (a search stopped inside an iteration), not just a later time; both run on the
    // search thread.
    let lastLine = LastLine()
    searcher.onIteration = { info in
      lastLine.nodes = info.nodes
      out.write(info.uciLine)
    }
    group.enter()
    let thread = Thread { [self] in
      let result = searcher.search(root, history: history, limits: finalLimits)
      if searcher.lastInfo.nodes != lastLine.nodes { out.write(searcher.lastInfo.uciLine) }
      if let m = result.bestMove {
        let after = root.playing(m)
        out.write("bestmove \(root.moveText(m))" + (result.ponderMove.map { " ponder \(after.moveText($0))" } ?? ""))
      } else {
        out.write("bestmove (none)")
      }
      searching.store(false, ordering: .relaxed)
      group.leave()
    }
    thread.stackSize = 64 << 20
    thread.start()
  }
}

/// The nodes of the last iteration a search printed, -1 before the first (written and read on
/// the search thread only).
final class LastLine: @unchecked Sendable {
  var nodes = -1
}

/// `text` with control characters written as `\u{1B}`, so an echo cannot drive the terminal or
/// break the line-based protocol.
func printable(_ text: Substring) -> String {
  var out = ""
  for u in text.unicodeScalars {
    if u.value < 0x20 || u.value == 0x7F {
      out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
    } else {
      out.unicodeScalars.append(u)
    }
  }
  return out
}
