import GameCore
import GameSolver
import Hexapawn

func board(_ text: String) -> HexapawnPosition {
  HexapawnPosition(size: try! BoardSize(parsing: text))
}

/// Every position reachable from `root`, finished ones included.
func reachable(_ root: HexapawnPosition) -> [HexapawnPosition] {
  ReachablePositions.from(root) ?? []
}
