import Chess
import ChessArena
import ChessEngine
import Foundation
import GameCore
import LabKit
import NNUE
import NNUETraining
import NeuralCore
import Synchronization

/// Every fuzz target: a parser of outside input fed arbitrary bytes. A target returns
/// normally for any input; it traps (and libFuzzer keeps the input) when the code under test
/// crashes, or when a property that must hold fails: an error message of more than one line,
/// text that the lab writes and cannot read back, a UCI answer that breaks the protocol.
enum FuzzTargets {
  static let all: [String: @Sendable (Data) -> Void] = [
    "fen": fen, "move": move, "pgn": pgn, "epd": epd, "engine-json": engineJSON, "safetensors": safetensors,
    "zldata": zldata, "checkpoint": checkpoint, "uci": uci, "run-json": runJSON,
  ]

  /// Traps with `message` (printed in an optimised build too) unless `condition` holds.
  static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
  }

  /// Fails unless `message` is one line (no line break or other control character).
  static func requireOneLine(_ message: String, _ target: String) {
    require(!message.isEmpty, "\(target): empty error message")
    require(
      !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
      "\(target): error message not one line: \(message.debugDescription)")
  }

  static func legalMoves(_ p: ChessPosition) -> [Move] {
    var list = MoveList<Move>(filler: .none)
    p.generateMoves(into: &list)
    return Array(list)
  }

  /// A FEN: refused in one line, or read into a position whose written FEN reads back to
  /// the same position; its legal moves are then played.
  static func fen(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    do throws(NotationError) {
      let p = try ChessPosition(fen: text)
      let again: ChessPosition
      do throws(NotationError) {
        again = try ChessPosition(fen: p.fen)
      } catch {
        fatalError("fen: the written FEN \(p.fen) is refused: \(error.message)")
      }
      require(again.fen == p.fen && again.hash == p.hash, "fen: \(p.fen) reads back as \(again.fen)")
      for m in legalMoves(p) {
        let q = p.playing(m)
        require(ChessPosition.validFEN(q.fen), "fen: \(p.fen) then \(p.moveText(m)) writes \(q.fen)")
      }
    } catch {
      requireOneLine(error.message, "fen")
    }
  }

  /// Positions the move target reads moves in, when the input does not start with a FEN
  /// line of its own: the start, Kiwipete, promotions, en passant, Chess960 castling.
  static let movePositions: [ChessPosition] = [
    ChessPosition.startFEN,
    "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
    "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1",
    "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3",
    "1r2k1r1/8/8/8/8/8/8/1R2K1R1 w GBgb - 0 1",
  ].map { try! ChessPosition(fen: $0) }

  /// SAN and UCI move text: `FEN\nmove` or just the move (in a position picked by the first
  /// byte). Refused in one line, or a legal move whose SAN and UCI texts read back to it.
  static func move(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    var position = movePositions[Int(data.first ?? 0) % movePositions.count]
    var moveText = text
    if let nl = text.firstIndex(of: "\n"), let p = try? ChessPosition(fen: String(text[..<nl])) {
      position = p
      moveText = String(text[text.index(after: nl)...])
    }
    let legal = legalMoves(position)
    func check(_ m: Move, _ how: String) {
      require(legal.contains(m), "move: \(how) '\(moveText.debugDescription)' gave an illegal move")
      require((try? position.parseSAN(position.san(m))) == m, "move: SAN \(position.san(m)) does not read back")
      require((try? position.parseUCI(position.moveText(m))) == m, "move: UCI text does not read back")
    }
    do throws(NotationError) {
      check(try position.parseSAN(moveText), "SAN")
    } catch {
      requireOneLine(error.message, "move")
    }
    do throws(NotationError) {
      if let m = try position.parseUCI(moveText) { check(m, "UCI") }
    } catch {
      requireOneLine(error.message, "move")
    }
    do throws(NotationError) {
      check(try position.parseMove(moveText), "move")
    } catch {
      requireOneLine(error.message, "move")
    }
  }

  /// PGN: refused in one line, or games whose written PGN reads back to the same moves.
  static func pgn(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    do throws(NotationError) {
      let games = try PGN.parse(text)
      for g in games {
        let written = PGN.write(g)
        let again: [PGNGame]
        do throws(NotationError) {
          again = try PGN.parse(written)
        } catch {
          fatalError("pgn: written PGN is refused: \(error.message)\n\(written)")
        }
        require(again.count == 1, "pgn: written PGN reads as \(again.count) games\n\(written)")
        require(again[0].record.moves == g.record.moves, "pgn: written PGN reads back other moves\n\(written)")
        require(again[0].record.start.fen == g.record.start.fen, "pgn: written PGN starts elsewhere\n\(written)")
      }
    } catch {
      requireOneLine(error.message, "pgn")
    }
  }

  /// An EPD/FEN openings file: refused in one line, or positions that are not over.
  static func epd(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    do throws(NotationError) {
      for p in try readOpenings(text, source: "fuzz.epd") {
        require(p.end() == nil, "epd: a finished position was accepted: \(p.fen)")
        require(ChessPosition.validFEN(p.fen), "epd: \(p.fen) does not read back")
      }
    } catch {
      requireOneLine(error.message, "epd")
    }
    // The same text as a test suite (`zerolab epd`): every bm and am move legal in its position.
    do throws(NotationError) {
      for r in try EPDRecord.read(text, source: "fuzz.epd") {
        let legal = legalMoves(r.position)
        require(
          (r.bestMoves + r.avoidMoves).allSatisfy(legal.contains), "epd: an illegal bm or am in \(r.position.fen)")
        require(ChessPosition.validFEN(r.position.fen), "epd: \(r.position.fen) does not read back")
      }
    } catch {
      requireOneLine(error.message, "epd")
      require(error.message.hasPrefix("fuzz.epd"), "epd: error does not name the file: \(error.message)")
    }
  }

  /// An engine file: refused in one line naming it, or a spec that passes its own checks.
  static func engineJSON(_ data: Data) {
    do throws(EngineError) {
      let spec = try EngineSpec.parse(data, source: "fuzz.json")
      do throws(EngineError) {
        try spec.check(source: "fuzz.json")
      } catch {
        fatalError("engine-json: a parsed spec fails its check: \(error.message)")
      }
    } catch {
      requireOneLine(error.message, "engine-json")
      require(error.message.hasPrefix("fuzz.json"), "engine-json: error does not name the file: \(error.message)")
    }
  }

  /// A scratch file for the targets whose readers take a path (one per process).
  static let scratch: String = {
    let folder = FileManager.default.temporaryDirectory.path + "/zerolab-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder + "/input.safetensors"
  }()

  /// FNV-1a 64, continuing from `h` (the lab's file checksum).
  static func fnv1a(_ bytes: some Sequence<UInt8>, from start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = start
    for b in bytes {
      h ^= UInt64(b)
      h &*= 0x100_0000_01b3
    }
    return h
  }

  /// `data` with its safetensors checksum (`fnv1a64-all:` in the header) recomputed when it
  /// has one, so the fuzzer reaches the checks past it; unchanged otherwise.
  static func withSafetensorsChecksum(_ data: Data) -> Data {
    let bytes = [UInt8](data)
    guard bytes.count >= 8 else { return data }
    var n = 0
    for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
    guard n >= 0, n <= bytes.count - 8 else { return data }
    var header = Array(bytes[8..<(8 + n)])
    let key = Array("\"checksum\":\"fnv1a64-all:".utf8)
    guard let start = header.firstRange(of: key)?.upperBound, start + 17 <= header.count, header[start + 16] == 34
    else { return data }
    for i in start..<(start + 16) { header[i] = 48 }
    let sum = fnv1a(bytes[(8 + n)...], from: fnv1a(header))
    let hex = Array(String(sum, radix: 16).utf8)
    let digits = [UInt8](repeating: 48, count: 16 - hex.count) + hex
    header.replaceSubrange(start..<(start + 16), with: digits)
    return Data(bytes[0..<8] + header + bytes[(8 + n)...])
  }

  /// A safetensors file (half the inputs with their checksum made right): refused in one line
  /// naming the file, or tensors whose shapes match their values, which write and read back
  /// the same; then read as a float and a quantised NNUE net.
  static func safetensors(_ data: Data) {
    let input = data.first.map { $0 & 1 == 0 } ?? false ? withSafetensorsChecksum(data) : data
    guard FileManager.default.createFile(atPath: scratch, contents: input) else { return }
    do throws(RunFileError) {
      let file = try SafetensorsFile.read(scratch)
      for (name, t) in file.tensors {
        require(t.shape.reduce(1, *) == t.values.count, "safetensors: \(name) shape \(t.shape) mismatch")
      }
      let copy = scratch + ".copy"
      do throws(RunFileError) {
        var meta = file.metadata
        meta["checksum"] = nil
        try SafetensorsFile.write(
          file.order.map { ($0, file.tensors[$0]!.shape, file.tensors[$0]!.values) }, metadata: meta, to: copy)
        let again = try SafetensorsFile.read(copy)
        require(again.order == file.order, "safetensors: rewritten file has another order")
        require(
          again.tensors.keys.allSatisfy { again.tensors[$0]!.shape == file.tensors[$0]!.shape },
          "safetensors: rewritten file has other shapes")
      } catch {
        fatalError("safetensors: a file read cannot be rewritten: \(error.message)")
      }
    } catch {
      requireOneLine(error.message, "safetensors")
      require(error.message.contains(scratch), "safetensors: error does not name the file: \(error.message)")
    }
    do throws(NNUEError) {
      let net = try NNUENetwork.load(scratch)
      _ = net.evaluate(ChessPosition.start)
    } catch {
      requireOneLine(error.message, "safetensors (float NNUE)")
    }
    do throws(NNUEError) {
      _ = try QuantizedNNUE.load(scratch)
    } catch {
      requireOneLine(error.message, "safetensors (quantised NNUE)")
    }
  }

  /// `data` with its `.zldata` checksum (bytes 24..<32, FNV-1a over the records) made right.
  static func withDataChecksum(_ data: Data) -> Data {
    guard data.count >= 32 else { return data }
    var d = data
    let sum = fnv1a(d[(d.startIndex + 32)...])
    withUnsafeBytes(of: sum.littleEndian) { d.replaceSubrange((d.startIndex + 24)..<(d.startIndex + 32), with: $0) }
    return d
  }

  /// A `.zldata` shard (half the inputs with their checksum made right): refused in one line,
  /// or records that encode and decode to themselves, whose features and positions are read
  /// (a malformed record is skipped by `kingSquares`, never a crash).
  static func zldata(_ data: Data) {
    let input = data.last.map { $0 & 1 == 0 } ?? false ? withDataChecksum(data) : data
    do throws(NNUEError) {
      let records = try TrainingData.decode(input, source: "fuzz.zldata")
      let again: [TrainingRecord]
      do throws(NNUEError) {
        again = try TrainingData.decode(TrainingData.encode(records), source: "again")
      } catch {
        fatalError("zldata: encoded records are refused: \(error.message)")
      }
      require(again == records, "zldata: records do not encode and decode to themselves")
      var stm: [Int32] = [], nstm: [Int32] = []
      for r in records {
        for layout in InputLayout.allCases where r.features(layout, stm: &stm, nstm: &nstm) {
          let count = layout.featureCount
          require(stm.allSatisfy { $0 >= 0 && Int($0) < count }, "zldata: feature out of range")
          require(nstm.allSatisfy { $0 >= 0 && Int($0) < count }, "zldata: feature out of range")
        }
        if let p = r.position {
          require(ChessPosition.validFEN(p.fen), "zldata: record position \(p.fen) does not read back")
        }
      }
    } catch {
      requireOneLine(error.message, "zldata")
    }
  }

  /// The network a checkpoint is loaded into: the shipped 3x3 Hexapawn engine's shape.
  static let checkpointSpec = try! JSONDecoder().decode(
    NetworkSpec.self,
    from: Data(
      #"""
      {"width":0,"policySize":27,"batchNorm":false,"residual":"plain","kind":"policy_value","outputs":0,
       "activation":{"slope":0.01,"kind":"relu"},"valueHidden":32,"batchEntropy":false,"blocks":2,
       "initialization":"he_normal","depth":0,"valueHead":"tanh","inputShape":[3,3,3],"channels":32}
      """#.utf8))

  /// `data` with the checksum of its first object made right (`RunFiles.sealing`) when it
  /// starts with one, so the fuzzer reaches the decoder past it; unchanged otherwise.
  static func withJSONChecksum(_ data: Data) -> Data {
    let bytes = [UInt8](data)
    let key = Array(#"{"checksum":"fnv1a64:"#.utf8)
    guard bytes.count > key.count + 17, Array(bytes[0..<key.count]) == key, bytes[key.count + 17] == 44 else {
      return data
    }
    let end = bytes[(key.count + 18)...].firstIndex(of: 10) ?? bytes.count
    return RunFiles.sealing(Data([123] + bytes[(key.count + 18)..<end])) + Data(bytes[end...])
  }

  /// A run folder's JSON file and JSON Lines file (half the inputs with the first object's
  /// checksum made right): refused in one line naming the file (and the line), or records
  /// that the lab writes (sealed) and reads back the same; sealing any object and unsealing it
  /// gives it back.
  static func runJSON(_ data: Data) {
    let input = data.first.map { $0 & 1 == 0 } ?? false ? withJSONChecksum(data) : data
    let path = scratch + ".jsonl"
    guard FileManager.default.createFile(atPath: path, contents: input) else { return }
    let lines = JSONLines<TrainMetrics>(path: path)
    do throws(RunFileError) {
      let records = try lines.read()
      do throws(RunFileError) {
        try lines.rewrite(records)
        require(try lines.read() == records, "run-json: records written do not read back the same")
      } catch {
        fatalError("run-json: records read cannot be written and read back: \(error.message)")
      }
    } catch {
      requireOneLine(error.message, "run-json")
      require(error.message.hasPrefix(path + ":"), "run-json: error does not name the file: \(error.message)")
    }
    guard FileManager.default.createFile(atPath: scratch + ".json", contents: input) else { return }
    do throws(RunFileError) {
      _ = try RunFiles.readJSON(TrainMetrics.self, from: scratch + ".json")
    } catch {
      requireOneLine(error.message, "run-json")
      require(error.message.hasPrefix(scratch + ".json"), "run-json: error does not name the file: \(error.message)")
    }
    let sealed = RunFiles.sealing(input)
    if sealed != input {
      require(
        (try? RunFiles.unsealing(sealed).get()) == input, "run-json: an object sealed does not unseal to itself")
    }
  }

  /// A training checkpoint (half the inputs with their checksum made right): refused in one
  /// line with the network and optimizer unchanged, or loaded.
  static func checkpoint(_ data: Data) {
    let input = data.first.map { $0 & 1 == 0 } ?? false ? withSafetensorsChecksum(data) : data
    guard FileManager.default.createFile(atPath: scratch, contents: input) else { return }
    do throws(NeuralError) {
      let contents = try Checkpoint.read(scratch)
      _ = try? Checkpoint.spec(in: contents)
    } catch {
      requireOneLine(error.message, "checkpoint")
    }
    var model = PolicyValueNetwork(checkpointSpec)
    do throws(NeuralError) {
      try Checkpoint.load(into: &model, from: scratch)
    } catch {
      requireOneLine(error.message, "checkpoint")
    }
    var optimizer = Optimizer.adam(1e-3)
    do throws(NeuralError) {
      try Checkpoint.load(into: &model, optimizer: &optimizer, from: scratch)
    } catch {
      requireOneLine(error.message, "checkpoint")
    }
  }

  /// Lines of a UCI session, fed to the engine in process (`quit` ends the session; the
  /// harness sends one at the end). The engine must not crash or hang, and every line it
  /// prints must be a UCI line: one of its known kinds, no control characters, and a
  /// `bestmove` that is a well-formed move or `(none)`. A `Hash` above 64 MB is not sent (a
  /// 4 GB table is valid UCI but not a fuzzing input).
  static func uci(_ data: Data) {
    let printed = Mutex<[String]>([])
    let writer = LineWriter { line in printed.withLock { $0.append(line) } }
    guard let engine = try? UCIEngine(writer: writer, hashMegabytes: 1) else { fatalError("uci: no engine") }
    let text = String(decoding: data.prefix(4096), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64) {
      let words = line.lowercased().split(separator: " ")
      if words.first == "setoption" && words.contains("hash") && words.contains(where: { (Int($0) ?? 0) > 64 }) {
        continue
      }
      if !engine.handle(String(line)) { break }
    }
    engine.handle("quit")
    for line in printed.withLock({ $0 }) { checkUCILine(line) }
  }

  /// Whether `text` is a move in UCI notation (`e2e4`, `e7e8q`).
  static func isUCIMove(_ text: Substring) -> Bool {
    let b = Array(text.utf8)
    guard b.count == 4 || b.count == 5 else { return false }
    let file = UInt8(ascii: "a")...UInt8(ascii: "h"), rank = UInt8(ascii: "1")...UInt8(ascii: "8")
    return file.contains(b[0]) && rank.contains(b[1]) && file.contains(b[2]) && rank.contains(b[3])
      && (b.count == 4 || "nbrq".utf8.contains(b[4]))
  }

  static func checkUCILine(_ line: String) {
    require(
      !line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
      "uci: control character in \(line.debugDescription)")
    let kinds = ["id name ", "id author ", "option name ", "info ", "bestmove "]
    require(
      line == "uciok" || line == "readyok" || kinds.contains { line.hasPrefix($0) },
      "uci: not a UCI line: \(line.debugDescription)")
    if line.hasPrefix("bestmove ") {
      let w = line.split(separator: " ")
      let ok =
        (w.count == 2 && (w[1] == "(none)" || isUCIMove(w[1])))
        || (w.count == 4 && isUCIMove(w[1]) && w[2] == "ponder"
          && isUCIMove(w[3]))
      require(ok, "uci: malformed bestmove line: \(line.debugDescription)")
    }
  }
}

extension ChessPosition {
  /// Whether `fen` reads as a position.
  static func validFEN(_ fen: String) -> Bool { (try? ChessPosition(fen: fen)) != nil }
}
