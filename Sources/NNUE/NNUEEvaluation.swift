import Chess
import ChessEngine
import GameCore

/// The quantised network behind the engine's `ChessEvaluator` protocol: a stack of
/// accumulator pairs, one per ply, in one flat preallocated buffer. `push` copies the current
/// pair and applies only the features of the pieces the move changed (a null move changes
/// none); `pop` steps back; `evaluate` reads the top. Nothing is allocated per node.
public struct NNUEEvaluation: ChessEvaluator, @unchecked Sendable {
  public let net: QuantizedNNUE
  /// Plies the stack holds (the search never goes deeper than this).
  public static let maxPly = 256
  var stack: [Int16]
  var ply = 0

  public init(net: QuantizedNNUE) {
    self.net = net
    stack = [Int16](repeating: 0, count: (NNUEEvaluation.maxPly + 2) * 2 * net.hidden)
  }

  var slot: Int { 2 * net.hidden }

  public mutating func reset(to position: ChessPosition) {
    ply = 0
    let acc = net.refresh(position)
    for i in 0..<net.hidden {
      stack[i] = acc.white[i]
      stack[net.hidden + i] = acc.black[i]
    }
  }

  public mutating func push(_ move: Move, from position: ChessPosition) {
    precondition(ply + 1 <= NNUEEvaluation.maxPly, "NNUE stack overflow")
    let net = self.net, size = slot
    let n = net.hidden, from = ply * size, to = from + size
    stack.withUnsafeMutableBufferPointer { s in
      let base = s.baseAddress!
      (base + to).update(from: base + from, count: size)
      if move != .null {
        net.update(white: base + to, black: base + to + n, from: position, to: position.playing(move))
      }
    }
    ply += 1
  }

  public mutating func pop() {
    precondition(ply > 0, "NNUE stack underflow")
    ply -= 1
  }

  public mutating func evaluate(_ position: ChessPosition) -> Int {
    let net = self.net
    let n = net.hidden, at = ply * slot
    return stack.withUnsafeBufferPointer { s in
      Int(net.evaluate(white: s.baseAddress! + at, black: s.baseAddress! + at + n, sideToMove: position.sideToMove))
    }
  }
}
