import Foundation

/// Wins, draws and losses of A against B (two engines, two networks), with the usual
/// statistics: the Elo difference from the score (logistic model), its 95% interval from the
/// trinomial variance of the per-game score, the likelihood of superiority, and the generalised
/// SPRT log-likelihood ratio (the normal approximation used by fishtest and cutechess-cli).
public struct MatchScore: Sendable, Equatable, Codable {
  public var wins: Int
  public var draws: Int
  public var losses: Int

  public init(wins: Int = 0, draws: Int = 0, losses: Int = 0) {
    self.wins = wins
    self.draws = draws
    self.losses = losses
  }

  public var games: Int { wins + draws + losses }
  /// Points per game, 0…1.
  public var score: Double { games == 0 ? 0.5 : (Double(wins) + 0.5 * Double(draws)) / Double(games) }

  /// Elo difference for an expected score `s` (±∞ at 0 and 1).
  public static func elo(score s: Double) -> Double {
    if s <= 0 { return -.infinity }
    if s >= 1 { return .infinity }
    return -400 * log10(1 / s - 1)
  }

  /// Expected score for an Elo difference.
  public static func expectedScore(elo: Double) -> Double { 1 / (1 + pow(10, -elo / 400)) }

  /// The Elo difference.
  public var elo: Double { MatchScore.elo(score: score) }

  /// Variance of one game's score (0, ½, 1) around the mean.
  public var perGameVariance: Double {
    guard games > 0 else { return 0 }
    let s = score, n = Double(games)
    return (Double(wins) * (1 - s) * (1 - s) + Double(draws) * (0.5 - s) * (0.5 - s) + Double(losses) * s * s) / n
  }

  /// The per-game variance with half a game added to each of wins, draws and losses: what the
  /// statistics use where a kind of result has not occurred (a 10–0 start has no variance).
  var smoothedVariance: Double {
    let w = Double(wins) + 0.5, d = Double(draws) + 0.5, l = Double(losses) + 0.5
    let n = w + d + l, m = (w + 0.5 * d) / n
    return (w * (1 - m) * (1 - m) + d * (0.5 - m) * (0.5 - m) + l * m * m) / n
  }

  /// The 95% interval of the Elo difference: the score ± 1.96 standard errors, mapped to Elo.
  /// When every game ended alike (2–0, 0–3, five draws) the variance is the smoothed one, so a
  /// perfect score has a finite lower bound and +∞ above it (the data bound the difference from
  /// one side only), and an all-draw match a finite interval around 0.
  public var eloInterval: (low: Double, high: Double) {
    guard games > 0 else { return (-.infinity, .infinity) }
    let v = perGameVariance > 0 ? perGameVariance : smoothedVariance
    let se = (v / Double(games)).squareRoot()
    return (
      MatchScore.elo(score: max(0, score - 1.959964 * se)), MatchScore.elo(score: min(1, score + 1.959964 * se))
    )
  }

  /// The interval as text: `[-3.5, +inf]`.
  public var eloIntervalText: String {
    let i = eloInterval
    func text(_ x: Double) -> String { x.isFinite ? String(format: "%+.1f", x) : (x > 0 ? "+inf" : "-inf") }
    return "[\(text(i.low)), \(text(i.high))]"
  }

  /// Why the interval says little, if it does: a one-sided result or fewer than 10 games.
  public var intervalCaveat: String? {
    if games > 0 && wins == games { return "every game won: the data bound the difference from below only" }
    if games > 0 && losses == games { return "every game lost: the data bound the difference from above only" }
    if games < 10 { return "\(games) game\(games == 1 ? "" : "s"): too few for a useful interval" }
    return nil
  }

  /// Half the width of the 95% interval.
  public var eloError: Double {
    let i = eloInterval
    return (i.high - i.low) / 2
  }

  /// Likelihood of superiority: P(A stronger than B), from wins and losses only.
  public var likelihoodOfSuperiority: Double {
    guard wins + losses > 0 else { return 0.5 }
    return 0.5 * (1 + erf(Double(wins - losses) / (2 * Double(wins + losses)).squareRoot()))
  }

  /// Log-likelihood ratio of H1 (Elo = `elo1`) against H0 (Elo = `elo0`). When a result
  /// kind has not occurred yet (a 10–0 start has no variance at all), the variance is taken
  /// with half a game added to each of wins, draws and losses, so a one-sided run still
  /// decides.
  public func logLikelihoodRatio(elo0: Double, elo1: Double) -> Double {
    guard games > 0 else { return 0 }
    let v = wins == 0 || draws == 0 || losses == 0 ? smoothedVariance : perGameVariance
    let s0 = MatchScore.expectedScore(elo: elo0), s1 = MatchScore.expectedScore(elo: elo1)
    return Double(games) * (s1 - s0) * (2 * score - s0 - s1) / (2 * v)
  }

  /// SPRT bounds for error rates `alpha` and `beta`: accept H0 at or below `lower`, H1 at or
  /// above `upper`.
  public static func sprtBounds(alpha: Double = 0.05, beta: Double = 0.05) -> (lower: Double, upper: Double) {
    (log(beta / (1 - alpha)), log((1 - beta) / alpha))
  }

  /// `+12 =5 -3  score 70.0%  Elo +147.2 ± 160.3  LOS 99.3%`; with an interval open on one
  /// side, its bound instead: `+2 =0 -0  score 100.0%  Elo > -3.5 (95%)  LOS 92.1%`.
  public var summary: String {
    let e = elo, err = eloError, i = eloInterval
    let eloText: String
    if e.isFinite && err.isFinite {
      eloText = String(format: "%+.1f ± %.1f", e, err)
    } else if i.low.isFinite {
      eloText = String(format: "> %+.1f (95%%)", i.low)
    } else if i.high.isFinite {
      eloText = String(format: "< %+.1f (95%%)", i.high)
    } else {
      eloText = "unknown"
    }
    return "+\(wins) =\(draws) -\(losses)  score \(String(format: "%.1f", score * 100))%  Elo \(eloText)"
      + "  LOS \(String(format: "%.1f", likelihoodOfSuperiority * 100))%"
  }
}
