import Chess

/// Piece values in centipawns for static exchange evaluation, capture ordering (MVV-LVA) and
/// quiescence's delta pruning. The evaluation has its own, tapered values.
enum ExchangeValue {
  static let pawn = 100
  static let knight = 320
  static let bishop = 330
  static let rook = 500
  static let queen = 900
  static let king = 20000

  /// The values by `Piece.raw & 7`: 0 for an empty square, then pawn … king (a promotion's
  /// piece is `PieceKind.rawValue + 1`).
  static let byPiece: [Int] = [0, pawn, knight, bishop, rook, queen, king]

  /// The value of the piece on a square (0 for an empty one).
  @inline(__always) static func of(_ piece: Piece) -> Int { byPiece[Int(piece.raw & 7)] }

  /// The value of the piece `m` captures in `pos` (a pawn for en passant; 0 for none).
  @inline(__always) static func victim(_ pos: ChessPosition, _ m: Move) -> Int {
    m.isEnPassant ? pawn : of(pos[Square(m.to)])
  }
}

extension ChessSearcher {
  /// Static exchange evaluation of a capture (or any move) on its target square: the material
  /// balance, in centipawns, after both sides capture there with their cheapest pieces.
  public static func see(_ pos: ChessPosition, _ m: Move) -> Int {
    let t = AttackTables.shared
    let to = m.to, from = m.from
    var gain = InlineArray<40, Int>(repeating: 0)
    var occ = pos.occupied.rawValue
    let pawns = pos.pieces(.pawn).rawValue, knights = pos.pieces(.knight).rawValue
    let bishops = pos.pieces(.bishop).rawValue, rooks = pos.pieces(.rook).rawValue
    let queens = pos.pieces(.queen).rawValue, kings = pos.pieces(.king).rawValue
    let white = pos.pieces(.white).rawValue, black = pos.pieces(.black).rawValue
    gain[0] = ExchangeValue.victim(pos, m)
    var attackerValue = ExchangeValue.of(pos[Square(from)])
    if m.isPromotion {
      let promo = ExchangeValue.byPiece[Int(m.promotion!.rawValue) + 1]
      gain[0] += promo - ExchangeValue.pawn
      attackerValue = promo
    }
    occ &= ~(UInt64(1) &<< UInt64(from))
    if m.isEnPassant { occ &= ~(UInt64(1) &<< UInt64(to ^ 8)) }
    var side = pos.sideToMove.opponent
    let bq = bishops | queens, rq = rooks | queens
    var attackers =
      (t.pawn(.white, to) & pawns & black) | (t.pawn(.black, to) & pawns & white) | (t.knight(to) & knights)
      | (t.king(to) & kings) | (t.bishop(to, occ) & bq) | (t.rook(to, occ) & rq)
    var d = 0
    while true {
      attackers &= occ
      let mine = attackers & (side == .white ? white : black)
      if mine == 0 { break }
      d += 1
      if d >= 39 { break }
      gain[d] = attackerValue - gain[d - 1]
      if max(-gain[d - 1], gain[d]) < 0 { break }
      var next: UInt64
      var value: Int
      if mine & pawns != 0 {
        next = mine & pawns
        value = ExchangeValue.pawn
      } else if mine & knights != 0 {
        next = mine & knights
        value = ExchangeValue.knight
      } else if mine & bishops != 0 {
        next = mine & bishops
        value = ExchangeValue.bishop
      } else if mine & rooks != 0 {
        next = mine & rooks
        value = ExchangeValue.rook
      } else if mine & queens != 0 {
        next = mine & queens
        value = ExchangeValue.queen
      } else {
        next = mine & kings
        value = ExchangeValue.king
      }
      occ &= ~(UInt64(1) &<< UInt64(next.trailingZeroBitCount))
      attackers |= (t.bishop(to, occ) & bq) | (t.rook(to, occ) & rq)
      attackerValue = value
      side = side.opponent
    }
    while d > 0 {
      gain[d - 1] = -max(-gain[d - 1], gain[d])
      d -= 1
    }
    return gain[0]
  }
}
