import Foundation

/// Minimal SVG line plots (no dependencies): a title, axes with ticks at round values (1, 2 or 5
/// times a power of ten), optional log y-axis, horizontal reference lines, and a legend below
/// the axes. Series differ in colour and in dash pattern, so they stay apart in grey print and
/// for colour-blind readers. The layout is computed from estimated text widths, so no label
/// leaves the view box.
public enum SVGPlot {
  /// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
  static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
  /// Dash patterns, one per colour: series `k` takes colour `k % 6` and dash `k % 6`.
  static let dashes = ["none", "8 4", "2 3", "10 3 2 3", "5 2", "1 3"]
  /// Reference lines are grey, with their own dash patterns.
  static let referenceColor = "#555555"
  static let referenceDashes = ["3 3", "12 4", "6 2 1 2"]

  static let width = 720.0, fontSize = 12.0, titleSize = 14.0, plotHeight = 300.0

  /// A horizontal line at `y` named in the legend (an untrained network's value, the best
  /// possible value, ...).
  public struct Reference: Sendable {
    public var label: String
    public var y: Double
    public init(_ label: String, y: Double) {
      self.label = label
      self.y = y
    }
  }

  /// Line plot of `series` (label, xs, ys). `yDomain` fixes the y-axis range (rounded out to
  /// ticks); otherwise it spans the data and the references.
  public static func lines(
    title: String, xLabel: String, yLabel: String, series: [(String, [Double], [Double])], logY: Bool = false,
    yDomain: ClosedRange<Double>? = nil, references: [Reference] = []
  ) -> String {
    let ty: (Double) -> Double = { logY ? Foundation.log10(max($0, 1e-30)) : $0 }
    let xs = series.flatMap(\.1).filter(\.isFinite)
    let ys = (series.flatMap { $0.2.map(ty) } + references.map { ty($0.y) }).filter(\.isFinite)
    let xAxis = ticks(xs.min() ?? 0, xs.max() ?? 1)
    let yAxis =
      logY
      ? logTicks(ys.min() ?? 0, ys.max() ?? 1)
      : ticks(yDomain?.lowerBound ?? ys.min() ?? 0, yDomain?.upperBound ?? ys.max() ?? 1)
    let yLabels = logY ? yAxis.values.map { "1e\(Int($0.rounded()))" } : labels(yAxis.values, step: yAxis.step)
    let xLabels = labels(xAxis.values, step: xAxis.step)

    // Horizontal layout: rotated y label, y tick labels, plot, half of the last x tick label.
    let yLabelX = 8 + fontSize * 0.8
    let left = yLabelX + fontSize * 0.3 + 8 + (yLabels.map { textWidth($0, size: fontSize) }.max() ?? 0) + 8
    let right = max(16, (textWidth(xLabels.last ?? "", size: fontSize) / 2) + 8)
    let (x0, x1) = (xAxis.values.first!, xAxis.values.last!)
    let (y0, y1) = (yAxis.values.first!, yAxis.values.last!)

    // Vertical layout: title lines, plot, x tick labels, x label, legend rows.
    let titleLines = wrap(title, width: width - 20, size: titleSize)
    let top = 10 + Double(titleLines.count) * titleSize * 1.3 + 12
    let plotBottom = top + plotHeight
    let xTickY = plotBottom + 6 + fontSize
    let xLabelY = xTickY + 8 + fontSize * 1.2
    var entries: [(label: String, color: String, dash: String)] = series.enumerated().map { k, s in
      (s.0, colors[k % colors.count], dashes[k % dashes.count])
    }
    entries += references.enumerated().map { k, r in
      (r.label, referenceColor, referenceDashes[k % referenceDashes.count])
    }
    let sample = 34.0, gap = 6.0, spacing = 20.0, rowHeight = fontSize * 1.6
    var rows: [[(x: Double, entry: Int)]] = [[]]
    var cursor = left
    for (k, e) in entries.enumerated() {
      let w = sample + gap + textWidth(e.label, size: fontSize)
      if cursor > left && cursor + w > width - 10 {
        rows.append([])
        cursor = left
      }
      rows[rows.count - 1].append((cursor, k))
      cursor += w + spacing
    }
    let legendTop = xLabelY + 14
    let height = (legendTop + Double(entries.isEmpty ? 0 : rows.count) * rowHeight + 6).rounded(.up)

    let px = { (x: Double) in left + (x - x0) / (x1 - x0) * (width - left - right) }
    // The y ticks sit 8 px inside the frame, so a line at an axis end stays visible.
    let py = { (y: Double) in plotBottom - 8 - (y - y0) / (y1 - y0) * (plotHeight - 16) }
    func n(_ v: Double) -> String { String(format: "%.1f", v) }
    var svg = opening(height: height, title: titleLines)
    svg += """
      <clipPath id="plot-area"><rect x="\(n(left))" y="\(n(top))" width="\(n(width - left - right))" \
      height="\(n(plotHeight))"/></clipPath>

      """
    for (v, l) in zip(xAxis.values, xLabels) {
      svg +=
        "<line x1=\"\(n(px(v)))\" y1=\"\(n(top))\" x2=\"\(n(px(v)))\" y2=\"\(n(plotBottom))\" stroke=\"#e4e4e4\"/>\n"
      svg +=
        "<line x1=\"\(n(px(v)))\" y1=\"\(n(plotBottom))\" x2=\"\(n(px(v)))\" y2=\"\(n(plotBottom + 4))\" stroke=\"black\"/>\n"
      svg += "<text x=\"\(n(px(v)))\" y=\"\(n(xTickY))\" text-anchor=\"middle\">\(escape(l))</text>\n"
    }
    for (v, l) in zip(yAxis.values, yLabels) {
      svg +=
        "<line x1=\"\(n(left))\" y1=\"\(n(py(v)))\" x2=\"\(n(width - right))\" y2=\"\(n(py(v)))\" stroke=\"#e4e4e4\"/>\n"
      svg += "<line x1=\"\(n(left - 4))\" y1=\"\(n(py(v)))\" x2=\"\(n(left))\" y2=\"\(n(py(v)))\" stroke=\"black\"/>\n"
      svg += "<text x=\"\(n(left - 8))\" y=\"\(n(py(v) + fontSize * 0.35))\" text-anchor=\"end\">\(escape(l))</text>\n"
    }
    svg += """
      <rect x="\(n(left))" y="\(n(top))" width="\(n(width - left - right))" height="\(n(plotHeight))" fill="none" stroke="black"/>
      <text x="\(n((left + width - right) / 2))" y="\(n(xLabelY))" text-anchor="middle">\(escape(xLabel))</text>
      <text x="\(n(yLabelX))" y="\(n(top + plotHeight / 2))" text-anchor="middle" \
      transform="rotate(-90 \(n(yLabelX)) \(n(top + plotHeight / 2)))">\(escape(yLabel))</text>

      """
    for (k, r) in references.enumerated() where ty(r.y).isFinite {
      let e = entries[series.count + k]
      svg +=
        "<line class=\"reference\" x1=\"\(n(left))\" y1=\"\(n(py(ty(r.y))))\" x2=\"\(n(width - right))\" y2=\"\(n(py(ty(r.y))))\" "
        + "stroke=\"\(e.color)\" stroke-width=\"1.5\" stroke-dasharray=\"\(e.dash)\" clip-path=\"url(#plot-area)\"/>\n"
    }
    for (k, s) in series.enumerated() {
      let e = entries[k]
      let points = zip(s.1, s.2).filter { $0.0.isFinite && ty($0.1).isFinite }
      let path = points.map { "\(n(px($0.0))),\(n(py(ty($0.1))))" }.joined(separator: " ")
      svg +=
        "<polyline class=\"series\" fill=\"none\" stroke=\"\(e.color)\" stroke-width=\"2\" stroke-dasharray=\"\(e.dash)\" "
        + "clip-path=\"url(#plot-area)\" points=\"\(path)\"/>\n"
      if points.count <= 40 {
        for p in points {
          svg +=
            "<circle cx=\"\(n(px(p.0)))\" cy=\"\(n(py(ty(p.1))))\" r=\"2.5\" fill=\"\(e.color)\" clip-path=\"url(#plot-area)\"/>\n"
        }
      }
    }
    for (r, row) in rows.enumerated() {
      let y = legendTop + Double(r) * rowHeight + rowHeight / 2
      for (x, k) in row {
        let e = entries[k]
        svg +=
          "<line class=\"legend\" x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + sample))\" y2=\"\(n(y))\" stroke=\"\(e.color)\" "
          + "stroke-width=\"2\" stroke-dasharray=\"\(e.dash)\"/>\n"
        svg += "<text x=\"\(n(x + sample + gap))\" y=\"\(n(y + fontSize * 0.35))\">\(escape(e.label))</text>\n"
      }
    }
    return svg + "</svg>\n"
  }

  /// One row per item: its label on the left and, on a shared horizontal axis, a dot at its
  /// value with whiskers to the ends of its interval (a forest plot of means with their 95%
  /// intervals). Items without a finite value show their label alone.
  public static func intervals(
    title: String, xLabel: String, items: [(label: String, value: Double, low: Double, high: Double)]
  ) -> String {
    let finite = items.flatMap { [$0.value, $0.low, $0.high] }.filter(\.isFinite)
    let axis = ticks(finite.min() ?? 0, finite.max() ?? 1)
    let axisLabels = labels(axis.values, step: axis.step)
    let rowHeight = fontSize * 2
    let labelWidth = min(width * 0.45, (items.map { textWidth($0.label, size: fontSize) }.max() ?? 0) + 16)
    let left = 10 + labelWidth, right = max(16, textWidth(axisLabels.last ?? "", size: fontSize) / 2 + 8)
    let titleLines = wrap(title, width: width - 20, size: titleSize)
    let top = 10 + Double(titleLines.count) * titleSize * 1.3 + 12
    let plotBottom = top + Double(max(items.count, 1)) * rowHeight
    let xTickY = plotBottom + 6 + fontSize, xLabelY = xTickY + 8 + fontSize * 1.2
    let height = (xLabelY + 10).rounded(.up)
    let (x0, x1) = (axis.values.first!, axis.values.last!)
    let px = { (x: Double) in left + 8 + (x - x0) / (x1 - x0) * (width - left - right - 16) }
    func n(_ v: Double) -> String { String(format: "%.1f", v) }
    var svg = opening(height: height, title: titleLines)
    for (v, l) in zip(axis.values, axisLabels) {
      svg +=
        "<line x1=\"\(n(px(v)))\" y1=\"\(n(top))\" x2=\"\(n(px(v)))\" y2=\"\(n(plotBottom))\" stroke=\"#e4e4e4\"/>\n"
      svg += "<text x=\"\(n(px(v)))\" y=\"\(n(xTickY))\" text-anchor=\"middle\">\(escape(l))</text>\n"
    }
    svg += """
      <rect x="\(n(left))" y="\(n(top))" width="\(n(width - left - right))" height="\(n(plotBottom - top))" fill="none" stroke="black"/>
      <text x="\(n((left + width - right) / 2))" y="\(n(xLabelY))" text-anchor="middle">\(escape(xLabel))</text>

      """
    for (k, item) in items.enumerated() {
      let y = top + (Double(k) + 0.5) * rowHeight
      let color = colors[k % colors.count]
      svg +=
        "<text x=\"\(n(left - 8))\" y=\"\(n(y + fontSize * 0.35))\" text-anchor=\"end\">\(escape(item.label))</text>\n"
      guard item.value.isFinite else { continue }
      if item.low.isFinite && item.high.isFinite && item.high > item.low {
        svg +=
          "<line class=\"interval\" x1=\"\(n(px(item.low)))\" y1=\"\(n(y))\" x2=\"\(n(px(item.high)))\" y2=\"\(n(y))\" "
          + "stroke=\"\(color)\" stroke-width=\"2\"/>\n"
        for e in [item.low, item.high] {
          svg +=
            "<line x1=\"\(n(px(e)))\" y1=\"\(n(y - 5))\" x2=\"\(n(px(e)))\" y2=\"\(n(y + 5))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
        }
      }
      svg += "<circle class=\"mean\" cx=\"\(n(px(item.value)))\" cy=\"\(n(y))\" r=\"4\" fill=\"\(color)\"/>\n"
    }
    return svg + "</svg>\n"
  }

  /// The `<svg>` element's opening, a white background and the title's lines, centred.
  static func opening(height: Double, title: [String]) -> String {
    func n(_ v: Double) -> String { String(format: "%.1f", v) }
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Verdana, sans-serif" font-size="\(Int(fontSize))">
      <rect width="100%" height="100%" fill="white"/>

      """
    for (i, line) in title.enumerated() {
      let y = 10 + titleSize + Double(i) * titleSize * 1.3
      svg +=
        "<text x=\"\(n(width / 2))\" y=\"\(n(y))\" text-anchor=\"middle\" font-size=\"\(Int(titleSize))\">\(escape(line))</text>\n"
    }
    return svg
  }

  /// Round tick values covering `lo...hi`: the smallest step of 1, 2 or 5 times a power of ten
  /// that needs at most `maxCount` ticks; the first and last tick enclose the range (they are
  /// the axis ends). An empty range is widened to a unit around its value.
  public static func ticks(_ lo: Double, _ hi: Double, maxCount: Int = 6) -> (step: Double, values: [Double]) {
    var (lo, hi) = (min(lo, hi), max(lo, hi))
    if hi - lo < 1e-12 * max(1, abs(hi)) {
      let half = lo == 0 ? 1 : 0.5 * pow(10, Foundation.floor(Foundation.log10(abs(lo))))
      (lo, hi) = (lo - half, hi + half)
    }
    var exponent = Int(Foundation.floor(Foundation.log10((hi - lo) / Double(max(maxCount, 2)))))
    while true {
      for m in [1.0, 2, 5] {
        let step = m * pow(10, Double(exponent))
        let first = Foundation.floor(lo / step + 1e-9), last = Foundation.ceil(hi / step - 1e-9)
        if Int(last - first) + 1 <= max(maxCount, 2) {
          return (step, (Int(first)...Int(last)).map { Double($0) * step })
        }
      }
      exponent += 1
    }
  }

  /// Ticks of a log10 axis given in decades: whole decades, every 1, 2 or 5 of them.
  static func logTicks(_ lo: Double, _ hi: Double) -> (step: Double, values: [Double]) {
    let (a, b) = (Foundation.floor(min(lo, hi)), Foundation.ceil(max(lo, hi)))
    let t = ticks(a, b == a ? a + 1 : b)
    return t.step < 1 ? (1, Array(stride(from: a, through: b == a ? a + 1 : b, by: 1))) : t
  }

  /// Tick labels: as many decimals as the step needs; an axis reaching 10,000 or more in `k`
  /// (thousands) or `M` (millions), the same unit for every tick of the axis.
  public static func labels(_ values: [Double], step: Double) -> [String] {
    let top = values.map(abs).max() ?? 0
    let (unit, suffix) = top >= 1e6 && step >= 1e5 ? (1e6, "M") : top >= 1e4 && step >= 1e3 ? (1e3, "k") : (1, "")
    let decimals = max(0, -Int(Foundation.floor(Foundation.log10(step / unit) + 1e-9)))
    return values.map { v in
      let v = abs(v) < step * 1e-6 ? 0 : v
      if v == 0 && !suffix.isEmpty { return "0" }
      return String(format: "%.\(decimals)f", v / unit) + suffix
    }
  }

  /// Estimated advance width of `text` at `size` (DejaVu Sans-like proportions, rounded up).
  public static func textWidth(_ text: String, size: Double) -> Double {
    var em = 0.0
    for c in text {
      switch c {
      case "i", "j", "l", ".", ",", ":", ";", "!", "|", "'", " ", "\u{2009}": em += 0.34
      case "(", ")", "[", "]", "f", "t", "r", "-": em += 0.45
      case "m", "w", "%", "M", "W", "—": em += 1.0
      case "0"..."9": em += 0.64
      default: em += c.isUppercase ? 0.76 : 0.64
      }
    }
    return em * size
  }

  /// Splits `text` at spaces into lines no wider than `width`.
  static func wrap(_ text: String, width: Double, size: Double) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      let candidate = line.isEmpty ? String(word) : line + " " + word
      if !line.isEmpty && textWidth(candidate, size: size) > width {
        lines.append(line)
        line = String(word)
      } else {
        line = candidate
      }
    }
    return lines + [line]
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
