import Foundation

/// The mean of a sample with its 95% confidence interval from Student's t distribution:
///
///     mean ± t(0.975, n − 1) · s / sqrt(n),   s² = Σ(x − mean)² / (n − 1)
///
/// (no interval for fewer than two values; the mean of no values is written as 0, with `n` 0).
public struct MeanInterval: Codable, Sendable, Equatable {
  public var n: Int
  public var mean: Double
  /// Half the width of the 95% interval (nil with fewer than two values).
  public var halfWidth: Double?

  public init(_ values: [Double]) {
    n = values.count
    mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    if values.count >= 2 {
      let m = mean
      let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
      halfWidth = MeanInterval.t975(degreesOfFreedom: values.count - 1) * (variance / Double(values.count)).squareRoot()
    } else {
      halfWidth = nil
    }
  }

  public var low: Double { mean - (halfWidth ?? 0) }
  public var high: Double { mean + (halfWidth ?? 0) }

  /// `0.912 ± 0.031` with `digits` decimals (`–` for no values).
  public func formatted(_ digits: Int = 3) -> String {
    guard n > 0 else { return "–" }
    let m = String(format: "%.\(digits)f", mean)
    guard let h = halfWidth else { return m }
    return m + " ± " + String(format: "%.\(digits)f", h)
  }

  /// The 0.975 quantile of Student's t distribution (exact to three decimals up to 30 degrees
  /// of freedom; the normal 1.960 beyond 120).
  public static func t975(degreesOfFreedom k: Int) -> Double {
    let table: [Double] = [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
      2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
    if k >= 1 && k <= table.count { return table[k - 1] }
    if k > 120 { return 1.960 }
    // 30 < k ≤ 120: interpolate in 1/k between 2.042 (30), 2.021 (40), 2.000 (60) and 1.980 (120).
    let knots: [(Double, Double)] = [(30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980)]
    let x = 1 / Double(k)
    for i in 0..<(knots.count - 1) where Double(k) <= knots[i + 1].0 {
      let (k0, t0) = knots[i], (k1, t1) = knots[i + 1]
      let f = (x - 1 / k0) / (1 / k1 - 1 / k0)
      return t0 + f * (t1 - t0)
    }
    return 1.980
  }
}

/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average
/// rank.
public enum Spearman {
  /// The ranks of `values` from 1, tied values sharing the mean of their ranks.
  public static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
      let mean = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = mean }
      i = j + 1
    }
    return ranks
  }

  /// ρ of the pairs `(x[i], y[i])`; nan when either side is constant or there are fewer than
  /// two pairs.
  public static func rho(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "rho of \(x.count) and \(y.count) values")
    guard x.count >= 2 else { return .nan }
    let (rx, ry) = (ranks(x), ranks(y))
    let n = Double(x.count)
    let (mx, my) = (rx.reduce(0, +) / n, ry.reduce(0, +) / n)
    var (sxy, sxx, syy) = (0.0, 0.0, 0.0)
    for i in rx.indices {
      let (a, b) = (rx[i] - mx, ry[i] - my)
      sxy += a * b
      sxx += a * a
      syy += b * b
    }
    guard sxx > 0, syy > 0 else { return .nan }
    return sxy / (sxx * syy).squareRoot()
  }
}
