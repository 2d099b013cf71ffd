import AlphaZero
import Chess
import Foundation
import GameCore
import NNUETraining
import NeuralCore

/// One supervised chess example, kept small (about 130 bytes instead of the 4.8 KB of its
/// planes): the position, how many times it had occurred (the repetition planes), the target
/// move, the value target in [−1, 1] for the side to move, and the game it comes from (the
/// held-out split keeps a game's positions together).
public struct ChessExample: Sendable, Equatable {
  public var position: ChessPosition
  public var repetitions: UInt8
  public var move: Move
  public var value: Float
  public var game: Int32

  public init(position: ChessPosition, repetitions: Int, move: Move, value: Float, game: Int) {
    self.position = position
    self.repetitions = UInt8(clamping: repetitions)
    self.move = move
    self.value = value
    self.game = Int32(clamping: game)
  }

  public static func == (a: ChessExample, b: ChessExample) -> Bool {
    a.position == b.position && a.position.halfmoveClock == b.position.halfmoveClock
      && a.position.castlingRookSquares == b.position.castlingRookSquares
      && a.position.enPassantSquare == b.position.enPassantSquare && a.repetitions == b.repetitions
      && a.move == b.move && a.value == b.value && a.game == b.game
  }
}

/// Supervised chess examples as the learner's `TrainingSet`: each drawn example is encoded on
/// the fly (`ChessEncoding`), its legal moves generated into a list on the stack, the target
/// move's probability 1 and the other legal moves' 0. Nothing is allocated per draw.
public struct ChessTrainingSet: TrainingSet, Sendable {
  public var examples: [ChessExample]
  public init(_ examples: [ChessExample]) { self.examples = examples }

  public var count: Int { examples.count }

  public func example(_ i: Int, planes: UnsafeMutablePointer<Float>, policy: (Int, Float) -> Void) -> Float {
    let e = examples[i]
    ChessEncoding.encode(e.position, repetitions: Int(e.repetitions), into: planes)
    let side = e.position.sideToMove
    for m in e.position.legalMoves {
      policy(PolicyMap.index(of: m, sideToMove: side), m == e.move ? 1 : 0)
    }
    return e.value
  }

  /// The same examples as `Sample`s (planes and all), e.g. to compare with the compact set.
  public var samples: [Sample] {
    examples.map { e in
      var planes = [Float](repeating: 0, count: 64 * ChessEncoding.planes)
      planes.withUnsafeMutableBufferPointer {
        ChessEncoding.encode(e.position, repetitions: Int(e.repetitions), into: $0.baseAddress!)
      }
      let legal = Array(e.position.legalMoves)
      return Sample(
        planes: planes, indices: legal.map { Int32(PolicyMap.index(of: $0, sideToMove: e.position.sideToMove)) },
        probabilities: legal.map { $0 == e.move ? 1 : 0 }, value: e.value)
    }
  }
}

/// Supervised chess data: the examples of every file given, and what could not be used, counted.
public struct ChessSupervisedData: Sendable {
  public var examples: [ChessExample] = []
  /// Positions whose move could not be mapped to a legal move of the rebuilt position (or
  /// whose record describes no legal position): left out, and reported.
  public var unmapped = 0
  /// PGN games without a result (`*`): their positions have no value target and are left out.
  public var unfinishedGames = 0
  /// Games read (PGN games, and the engine's games in the data files).
  public var games = 0
  /// The files read, in order.
  public var files: [String] = []

  public init() {}

  /// The examples of PGN games: every position before a move, the move played as the policy
  /// target, the game's result for the side to move as the value target; the repetition
  /// count and the counters are the game's. A move that is not legal ends its game there
  /// (counted as unmapped, with the positions after it).
  public mutating func add(pgn games: [PGNGame]) {
    for g in games {
      let white: Float
      switch g.result {
      case "1-0": white = 1
      case "0-1": white = -1
      case "1/2-1/2": white = 0
      default:
        unfinishedGames += 1
        continue
      }
      let id = self.games
      self.games += 1
      var state = ChessGameState(g.record.start)
      for (i, move) in g.record.moves.enumerated() {
        guard !state.isFinished else { break }
        guard state.legalMoves.contains(move) else {
          unmapped += g.record.moves.count - i
          break
        }
        let value = state.sideToMove == .white ? white : -white
        examples.append(
          ChessExample(position: state.position, repetitions: state.repetitions, move: move, value: value, game: id))
        state.play(move)
      }
    }
  }

  /// The examples of the alpha-beta engine's records (`zerolab nnue gen` data, or data
  /// relabelled by `zerolab nnue label`): the record's move (the move played, or the labelling
  /// engine's best move) as the policy target, and as the value target `2t − 1` with
  /// `t = λ·σ(score / K) + (1 − λ)·result` (the NNUE trainer's target, `NNUELoss.target`).
  /// The position is `TrainingRecord.inferredPosition`: castling rights from the kings and
  /// rooks on their starting squares, the en-passant square from an en-passant move. A record
  /// whose move is not legal there is counted as unmapped. A new game starts wherever the ply
  /// does not grow.
  public mutating func add(records: [TrainingRecord], lambda: Float, k: Float) {
    var lastPly = Int.max
    for r in records {
      if Int(r.ply) <= lastPly { games += 1 }
      lastPly = Int(r.ply)
      let move = Move(raw: r.move)
      guard let p = r.inferredPosition, p.legalMoves.contains(move) else {
        unmapped += 1
        continue
      }
      let t = NNUELoss.target(score: Float(r.score), result: r.resultValue, lambda: lambda, k: k)
      examples.append(ChessExample(position: p, repetitions: 1, move: move, value: 2 * t - 1, game: games - 1))
    }
  }

  /// The files named by `paths`: files as given, folders expanded to their `.pgn` and
  /// `.zldata` files (sorted).
  public static func files(_ paths: [String]) throws(NeuralError) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for p in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
        throw NeuralError("no such data file or folder: \(p)")
      }
      if isDir.boolValue {
        let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? []).filter {
          let e = ($0 as NSString).pathExtension.lowercased()
          return e == "pgn" || e == TrainingData.fileExtension
        }
        guard !names.isEmpty else { throw NeuralError("\(p): no .pgn or .\(TrainingData.fileExtension) files") }
        out += names.sorted().map { p + "/" + $0 }
      } else {
        out.append(p)
      }
    }
    return out
  }

  /// Reads every file named by `paths` (folders expanded, `files(_:)`), each by its content: a
  /// ZeroLab data file (`ZLNNDATA`) or a PGN file. `progress` is told the positions read so
  /// far after each file, once reading has taken a second. One-line errors for a missing,
  /// unreadable or malformed file and for no usable position.
  public static func load(
    _ paths: [String], lambda: Float = 0.5, k: Float = 400, progress: (String) -> Void = { _ in }
  ) throws(NeuralError) -> ChessSupervisedData {
    var data = ChessSupervisedData()
    let clock = ContinuousClock()
    let start = clock.now
    let all = try files(paths)
    for (n, f) in all.enumerated() {
      defer {
        if clock.now - start > .seconds(1) {
          progress("read \(data.examples.count) positions from \(n + 1) of \(all.count) files")
        }
      }
      guard let bytes = FileManager.default.contents(atPath: f) else { throw NeuralError("cannot read \(f)") }
      if bytes.starts(with: TrainingData.magic) {
        let records: [TrainingRecord]
        do { records = try TrainingData.decode(bytes, source: f) } catch let e as any ZeroLabError {
          throw NeuralError(e.message)
        } catch { throw NeuralError("\(f): \(error)") }
        data.add(records: records, lambda: lambda, k: k)
      } else {
        guard let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: .isoLatin1),
          !bytes.contains(0)
        else { throw NeuralError("\(f): neither a ZeroLab data file nor a PGN file") }
        let games: [PGNGame]
        do throws(NotationError) { games = try PGN.parse(text) } catch {
          throw NeuralError("\(f): not a PGN file (\(error.message))")
        }
        guard !games.isEmpty else { throw NeuralError("\(f): neither a ZeroLab data file nor a PGN file") }
        data.add(pgn: games)
      }
      data.files.append(f)
    }
    guard !data.examples.isEmpty else {
      throw NeuralError(
        "no usable positions in \(paths.joined(separator: " ")) (\(data.unmapped) unmapped, "
          + "\(data.unfinishedGames) games without a result)")
    }
    return data
  }

  /// Splits the examples into a training set and a held-out set of about `fraction` of them,
  /// drawn from `seed`: whole games (in a seeded order, until the held-out positions reach
  /// the fraction; at least one game is always left for training), or single positions when
  /// there is only one game. The same data and seed give the same split; the held-out set is
  /// never trained on.
  public func split(holdout fraction: Double, seed: UInt64) -> (training: ChessTrainingSet, holdout: ChessTrainingSet) {
    let n = examples.count
    let target = Int((fraction * Double(n)).rounded(.up))
    guard fraction > 0, n >= 2, target > 0 else { return (ChessTrainingSet(examples), ChessTrainingSet([])) }
    var rng = Xoshiro256(seed: seed ^ 0x4F1D_0B7A_5EED_0001)
    func permutation(_ k: Int) -> [Int] {
      var p = Array(0..<k)
      for i in stride(from: k - 1, to: 0, by: -1) { p.swapAt(i, rng.below(i + 1)) }
      return p
    }
    var held = [Bool](repeating: false, count: n)
    let ids = Array(Set(examples.map(\.game))).sorted()
    if ids.count >= 2 {
      var sizes: [Int32: Int] = [:]
      for e in examples { sizes[e.game, default: 0] += 1 }
      let order = permutation(ids.count).map { ids[$0] }
      var chosen = Set<Int32>(), count = 0
      for g in order.dropLast() where count < target {
        chosen.insert(g)
        count += sizes[g]!
      }
      for (i, e) in examples.enumerated() where chosen.contains(e.game) { held[i] = true }
    } else {
      for i in permutation(n).prefix(min(target, n - 1)) { held[i] = true }
    }
    var training: [ChessExample] = [], holdout: [ChessExample] = []
    for (i, e) in examples.enumerated() {
      if held[i] { holdout.append(e) } else { training.append(e) }
    }
    return (ChessTrainingSet(training), ChessTrainingSet(holdout))
  }
}

/// How a network does on held-out examples.
public struct ChessValidation: Sendable, Equatable {
  /// Examples measured.
  public var count = 0
  /// The fraction whose most probable legal move (by the policy) is the target move.
  public var top1 = 0.0
  /// Mean cross-entropy of the target against the policy's softmax over the legal moves.
  public var policyCrossEntropy = 0.0
  /// Mean value loss, as trained: the win/draw/loss head's cross-entropy against
  /// (max(v, 0), 1 − |v|, max(−v, 0)), or a tanh head's squared error.
  public var valueLoss = 0.0
  /// Mean squared error of the predicted value (P(win) − P(loss)) against the target.
  public var valueMSE = 0.0

  /// Measures `network` on `set`, `batch` examples at a time.
  public static func measure(_ network: inout PolicyValueNetwork, on set: ChessTrainingSet, batch: Int = 256) -> Self {
    var v = ChessValidation()
    guard set.count > 0 else { return v }
    let k = ChessEncoding.policySize, stride = 64 * ChessEncoding.planes
    let wdl = network.spec.valueHead == .wdl
    let x = TensorBuffer()
    var indices: [Int] = [], probabilities: [Float] = []
    var start = 0
    while start < set.count {
      let n = min(batch, set.count - start)
      x.resize(Shape([n] + ChessEncoding.inputShape))
      var targets = [Float](repeating: 0, count: n)
      var moves: [([Int], [Float])] = []
      for b in 0..<n {
        indices.removeAll(keepingCapacity: true)
        probabilities.removeAll(keepingCapacity: true)
        targets[b] = set.example(start + b, planes: x.pointer + b * stride) { i, p in
          indices.append(i)
          probabilities.append(p)
        }
        moves.append((indices, probabilities))
      }
      let out = network.evaluate(x, training: false)
      for b in 0..<n {
        let logits = out.policy.pointer + b * k
        let (idx, p) = moves[b]
        var top = -Float.infinity, best = 0, target = 0
        for (j, i) in idx.enumerated() {
          if logits[i] > top {
            top = logits[i]
            best = j
          }
          if p[j] > p[target] { target = j }
        }
        var z: Double = 0
        for i in idx { z += exp(Double(logits[i] - top)) }
        let logZ = log(z) + Double(top)
        var ce = 0.0
        for (j, i) in idx.enumerated() where p[j] > 0 { ce -= Double(p[j]) * (Double(logits[i]) - logZ) }
        v.policyCrossEntropy += ce
        if !idx.isEmpty && best == target { v.top1 += 1 }
        let t = targets[b]
        if wdl {
          let w = out.value.pointer + b * 3
          let m = max(w[0], w[1], w[2])
          let lz = log(exp(Double(w[0] - m)) + exp(Double(w[1] - m)) + exp(Double(w[2] - m))) + Double(m)
          let wanted = [max(t, 0), 1 - abs(t), max(-t, 0)]
          for c in 0..<3 where wanted[c] > 0 { v.valueLoss -= Double(wanted[c]) * (Double(w[c]) - lz) }
          let e = Double(PolicyValue.winMinusLoss(w) - t)
          v.valueMSE += e * e
        } else {
          let e = Double(out.value.pointer[b] - t)
          v.valueLoss += e * e
          v.valueMSE += e * e
        }
      }
      start += n
    }
    let c = Double(set.count)
    v.count = set.count
    v.top1 /= c
    v.policyCrossEntropy /= c
    v.valueLoss /= c
    v.valueMSE /= c
    return v
  }
}

extension ChessSupervisedData {
  /// FNV-1a 64 of every example's position key, halfmove clock, repetitions, move, value
  /// target and game, in order, as 16 hex digits.
  public var fingerprint: String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ v: UInt64) {
      for i in 0..<8 {
        h ^= (v >> UInt64(8 * i)) & 0xFF
        h &*= 0x100_0000_01b3
      }
    }
    for e in examples {
      mix(e.position.hash)
      mix(UInt64(e.position.halfmoveClock) | UInt64(e.repetitions) << 16 | UInt64(e.move.raw) << 32)
      mix(UInt64(e.value.bitPattern) | UInt64(UInt32(bitPattern: e.game)) << 32)
    }
    return String(format: "%016llx", h)
  }
}
