import GameCore
import Hexapawn

func board(_ text: String) -> HexapawnPosition {
  HexapawnPosition(size: try! BoardSize(parsing: text))
}

/// Every position reachable from `root`, finished ones included.
func reachable(_ root: HexapawnPosition) -> [HexapawnPosition] {
  var seen = Set<HexapawnPosition>([root])
  var stack = [root]
  var out: [HexapawnPosition] = []
  while let p = stack.popLast() {
    out.append(p)
    for m in p.legalMoves {
      let c = p.playing(m)
      if seen.insert(c).inserted { stack.append(c) }
    }
  }
  return out
}
