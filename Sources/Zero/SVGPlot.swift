import Foundation

/// Minimal SVG line plots (no dependencies): axes, ticks, a legend, optional log y-axis.
public enum SVGPlot {
  static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

  public static func lines(
    title: String, xLabel: String, yLabel: String, series: [(String, [Double], [Double])], logY: Bool = false
  ) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 420.0, 70.0, 20.0, 40.0, 50.0)
    let ty: (Double) -> Double = { logY ? Foundation.log10(max($0, 1e-30)) : $0 }
    let xs = series.flatMap(\.1), ys = series.flatMap { $0.2.map(ty) }
    var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
    var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
    if x1 <= x0 { x1 = x0 + 1 }
    if y1 <= y0 {
      y0 -= 1
      y1 += 1
    }
    if logY {
      y0 = Foundation.floor(y0)
      y1 = Foundation.ceil(y1)
    }
    let px = { (x: Double) in left + (x - x0) / (x1 - x0) * (w - left - right) }
    let py = { (y: Double) in h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom) }
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(w / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title))</text>
      <line x1="\(left)" y1="\(h - bottom)" x2="\(w - right)" y2="\(h - bottom)" stroke="black"/>
      <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(h - bottom)" stroke="black"/>
      <text x="\(w / 2)" y="\(h - 12)" text-anchor="middle">\(escape(xLabel))</text>
      <text x="16" y="\(h / 2)" text-anchor="middle" transform="rotate(-90 16 \(h / 2))">\(escape(yLabel))</text>

      """
    for i in 0...5 {
      let xv = x0 + (x1 - x0) * Double(i) / 5, yv = y0 + (y1 - y0) * Double(i) / 5
      svg += "<text x=\"\(px(xv))\" y=\"\(h - bottom + 16)\" text-anchor=\"middle\">\(tick(xv))</text>\n"
      let label = logY ? "1e\(Int(yv.rounded()))" : tick(yv)
      svg += "<text x=\"\(left - 6)\" y=\"\(py(yv) + 4)\" text-anchor=\"end\">\(label)</text>\n"
      svg += "<line x1=\"\(left)\" y1=\"\(py(yv))\" x2=\"\(w - right)\" y2=\"\(py(yv))\" stroke=\"#ddd\"/>\n"
    }
    for (k, s) in series.enumerated() {
      let color = colors[k % colors.count]
      let points = zip(s.1, s.2).map { "\(px($0.0)),\(py(ty($0.1)))" }.joined(separator: " ")
      svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
      svg += "<text x=\"\(left + 10)\" y=\"\(top + 14 + 16 * Double(k))\" fill=\"\(color)\">\(escape(s.0))</text>\n"
    }
    return svg + "</svg>\n"
  }

  static func tick(_ v: Double) -> String {
    abs(v) >= 1000 || (abs(v) < 0.01 && v != 0) ? String(format: "%.1e", v) : String(format: "%.2f", v)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
