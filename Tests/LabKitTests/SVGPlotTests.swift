import Foundation
import GameCore
import LabKit
import Testing

/// The text elements of an SVG with their estimated extents, for layout checks.
struct SVGText {
  var text: String
  var box: (x0: Double, y0: Double, x1: Double, y1: Double)

  static func attribute(_ name: String, in tag: Substring) -> String? {
    guard let r = tag.range(of: " \(name)=\"") else { return nil }
    let rest = tag[r.upperBound...]
    return String(rest[..<rest.firstIndex(of: "\"")!])
  }

  /// Every `<text>` element, its box from the anchor, font size, rotation and estimated width
  /// (ascent 0.8 em above the baseline, descent 0.25 em below).
  static func all(in svg: String, defaultSize: Double = 12) -> [SVGText] {
    var out: [SVGText] = []
    var rest = svg[...]
    while let open = rest.range(of: "<text") {
      let tagEnd = rest[open.upperBound...].firstIndex(of: ">")!
      let tag = rest[open.lowerBound..<tagEnd]
      let close = rest[tagEnd...].range(of: "</text>")!
      let text = String(rest[rest.index(after: tagEnd)..<close.lowerBound])
      rest = rest[close.upperBound...]
      let x = Double(attribute("x", in: tag)!)!, y = Double(attribute("y", in: tag)!)!
      let size = attribute("font-size", in: tag).flatMap(Double.init) ?? defaultSize
      let w = SVGPlot.textWidth(text, size: size)
      let anchor = attribute("text-anchor", in: tag) ?? "start"
      let start = anchor == "middle" ? -w / 2 : anchor == "end" ? -w : 0
      if let t = attribute("transform", in: tag) {
        #expect(t.hasPrefix("rotate(-90 "))
        // Rotated a quarter turn anticlockwise about (x, y): the text runs upwards.
        out.append(SVGText(text: text, box: (x - 0.8 * size, y - start - w, x + 0.25 * size, y - start)))
      } else {
        out.append(SVGText(text: text, box: (x + start, y - 0.8 * size, x + start + w, y + 0.25 * size)))
      }
    }
    return out
  }
}

/// Every element `<name ... class="cls" ...>` as its tag text.
func tags(_ name: String, class cls: String, in svg: String) -> [Substring] {
  svg.split(separator: "\n").filter { $0.hasPrefix("<\(name) ") && $0.contains("class=\"\(cls)\"") }
}

func viewBox(_ svg: String) -> (Double, Double) {
  let v = SVGText.attribute("viewBox", in: svg[...])!.split(separator: " ").map { Double($0)! }
  #expect(v[0] == 0 && v[1] == 0)
  return (v[2], v[3])
}

@Suite struct PlotTests {
  @Test func ticksAreRoundGoldenValues() {
    let cases: [(Double, Double, Double, [Double])] = [
      (0, 1, 0.2, [0, 0.2, 0.4, 0.6, 0.8, 1]),
      (0, 100, 20, [0, 20, 40, 60, 80, 100]),
      (0, 47.3, 10, [0, 10, 20, 30, 40, 50]),
      (0.37, 0.93, 0.2, [0.2, 0.4, 0.6, 0.8, 1]),
      (77.55, 100, 5, [75, 80, 85, 90, 95, 100]),
      (0, 59.92, 20, [0, 20, 40, 60]),
      (0, 128_000, 50_000, [0, 50_000, 100_000, 150_000]),
      (-3, 7, 5, [-5, 0, 5, 10]),
      (5, 5, 0.5, [4.5, 5, 5.5]),
      (0, 0, 0.5, [-1, -0.5, 0, 0.5, 1]),
      (0.0012, 0.0047, 0.001, [0.001, 0.002, 0.003, 0.004, 0.005]),
    ]
    for (lo, hi, step, values) in cases {
      let t = SVGPlot.ticks(lo, hi)
      #expect(abs(t.step - step) < 1e-12 * step, "ticks(\(lo), \(hi)) step \(t.step)")
      #expect(t.values.count == values.count, "ticks(\(lo), \(hi)) = \(t.values)")
      for (a, b) in zip(t.values, values) { #expect(abs(a - b) < 1e-9 * max(1, abs(b)), "ticks(\(lo), \(hi))") }
    }
  }

  @Test func tickLabelsAreShortAndExact() {
    let cases: [([Double], Double, [String])] = [
      ([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1], 0.2, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
      ([75, 80, 85, 90, 95, 100], 5, ["75", "80", "85", "90", "95", "100"]),
      ([-5, 1e-17, 5, 10], 5, ["-5", "0", "5", "10"]),
      ([0.001, 0.0015, 0.002], 0.0005, ["0.0010", "0.0015", "0.0020"]),
      ([0, 2000, 4000, 6000, 8000], 2000, ["0", "2000", "4000", "6000", "8000"]),
      ([0, 50_000, 100_000, 150_000], 50_000, ["0", "50k", "100k", "150k"]),
      ([0, 500_000, 1_000_000, 1_500_000], 500_000, ["0", "0.5M", "1.0M", "1.5M"]),
      ([-20_000, -15_000, -10_000, -5_000], 5000, ["-20k", "-15k", "-10k", "-5k"]),
    ]
    for (values, step, text) in cases { #expect(SVGPlot.labels(values, step: step) == text, "labels(\(values))") }
  }

  /// Any range: 2 to 6 ticks, a step of 1, 2 or 5 times a power of ten, every tick a multiple
  /// of it, the first and last enclosing the range.
  @Test func ticksCoverAnyRange() {
    var rng = Xoshiro256(seed: 5)
    func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    for _ in 0..<2000 {
      let scale = pow(10, Double(rng.below(13)) - 6)
      let a = (unit() * 2 - 1) * scale, b = a + unit() * scale * 3
      let t = SVGPlot.ticks(a, b)
      #expect((2...6).contains(t.values.count), "ticks(\(a), \(b))")
      let mantissa = t.step / pow(10, floor(log10(t.step)))
      #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(t.step)")
      #expect(t.values.first! <= a + 1e-9 * scale && t.values.last! >= b - 1e-9 * scale, "ticks(\(a), \(b))")
      for v in t.values { #expect(abs(v / t.step - (v / t.step).rounded()) < 1e-6) }
    }
  }

  func samplePlots() -> [String] {
    let xs = (0...40).map { Double($0) * 1.7 }
    let long = "supervised, he_normal, relu with a rather long name for a legend entry"
    return [
      SVGPlot.lines(
        title: "Hexapawn 4x4: optimal-move accuracy against training time", xLabel: "training time (s)",
        yLabel: "optimal-move accuracy (%)",
        series: [("supervised", xs, xs.map { 77 + $0 / 3 }), ("self-play", xs, xs.map { 77 + $0 / 4 })],
        references: [.init("untrained network (step 0): 77.6 %", y: 77.6), .init("best possible: 100.0 %", y: 100)]),
      SVGPlot.lines(
        title: "NNUE: self-play labels vs Stockfish 15.1 labels (1234567 positions) and a title long enough to wrap",
        xLabel: "training positions seen", yLabel: "validation loss",
        series: (0..<8).map { k in ("\(long) \(k)", xs.map { $0 * 31_000 }, xs.map { 1e-3 * Double(k + 1) * $0 }) }),
      SVGPlot.lines(
        title: "per-layer variance (log scale)", xLabel: "layer", yLabel: "variance",
        series: [
          ("output variance", [0, 1, 2, 3], [1e-6, 0.5, 2, 1e4]), ("gradient variance", [0, 1, 2, 3], [3, 2, 1, 1]),
        ],
        logY: true),
      SVGPlot.lines(title: "one point", xLabel: "x", yLabel: "y", series: [("only", [0], [-12_345.678])]),
    ]
  }

  @Test func everyTextLiesInsideTheViewBoxWithoutOverlap() {
    for svg in samplePlots() {
      let (w, h) = viewBox(svg)
      let texts = SVGText.all(in: svg)
      #expect(texts.count >= 8)
      for t in texts {
        #expect(t.box.x0 >= 0 && t.box.y0 >= 0 && t.box.x1 <= w && t.box.y1 <= h, "\(t.text) at \(t.box) in \(w)x\(h)")
      }
      for (i, a) in texts.enumerated() {
        for b in texts[(i + 1)...] {
          let apart =
            a.box.x1 <= b.box.x0 || b.box.x1 <= a.box.x0 || a.box.y1 <= b.box.y0 || b.box.y1 <= a.box.y0
          #expect(apart, "\"\(a.text)\" overlaps \"\(b.text)\"")
        }
      }
    }
  }

  @Test func seriesDifferInColourAndDashAndAreInTheLegend() {
    let plots = samplePlots()
    for svg in plots {
      let series = tags("polyline", class: "series", in: svg)
      let styles = series.map { (SVGText.attribute("stroke", in: $0)!, SVGText.attribute("stroke-dasharray", in: $0)!) }
      for (i, a) in styles.enumerated() {
        for b in styles[(i + 1)...] where styles.count <= 6 {
          #expect(a.0 != b.0 && a.1 != b.1, "two series share a colour or a dash pattern: \(a), \(b)")
        }
      }
      // The legend repeats each series' style next to its name.
      let legend = tags("line", class: "legend", in: svg).map {
        (SVGText.attribute("stroke", in: $0)!, SVGText.attribute("stroke-dasharray", in: $0)!)
      }
      #expect(legend.count >= series.count)
      for (a, b) in zip(styles, legend) { #expect(a == b) }
    }
    let two = plots[0]
    let s = tags("polyline", class: "series", in: two)
    #expect(s.count == 2)
    #expect(SVGText.attribute("stroke", in: s[0]) != SVGText.attribute("stroke", in: s[1]))
    #expect(SVGText.attribute("stroke-dasharray", in: s[0]) != SVGText.attribute("stroke-dasharray", in: s[1]))
    #expect(tags("line", class: "reference", in: two).count == 2)
    let names = SVGText.all(in: two).map(\.text)
    for n in ["supervised", "self-play", "untrained network (step 0): 77.6 %", "best possible: 100.0 %"] {
      #expect(names.contains(n))
    }
    // Tick labels are the round values.
    for l in ["75", "80", "100", "0", "20", "60"] { #expect(names.contains(l)) }
  }
}

@Suite struct IntervalPlotTests {
  /// One row per item in order: a dot at the mean, whiskers at the interval's ends, on one
  /// shared axis; an item without a value has its label alone; every text is inside the view.
  @Test func meansAndIntervalsOnOneAxis() {
    let svg = SVGPlot.intervals(
      title: "final accuracy", xLabel: "accuracy",
      items: [
        ("he_normal", 0.8, 0.7, 0.9), ("autoinit, a longer label than the others", 0.95, 0.93, 0.97),
        ("no runs", .nan, .nan, .nan),
      ])
    let (w, h) = viewBox(svg)
    for t in SVGText.all(in: svg) {
      #expect(t.box.x0 >= 0 && t.box.y0 >= 0 && t.box.x1 <= w && t.box.y1 <= h, "\(t.text) at \(t.box)")
    }
    let dots = tags("circle", class: "mean", in: svg).map { Double(SVGText.attribute("cx", in: $0)!)! }
    let bars = tags("line", class: "interval", in: svg).map {
      (Double(SVGText.attribute("x1", in: $0)!)!, Double(SVGText.attribute("x2", in: $0)!)!)
    }
    #expect(dots.count == 2 && bars.count == 2)
    // The axis is linear: the dots and whisker ends sit where the values are.
    let scale = (dots[1] - dots[0]) / (0.95 - 0.8)
    #expect(scale > 0)
    #expect(abs(bars[0].0 - (dots[0] - 0.1 * scale)) < 0.2 && abs(bars[0].1 - (dots[0] + 0.1 * scale)) < 0.2)
    #expect(abs(bars[1].1 - (dots[1] + 0.02 * scale)) < 0.2)
    let rows = tags("circle", class: "mean", in: svg).map { Double(SVGText.attribute("cy", in: $0)!)! }
    #expect(rows[0] < rows[1])
    #expect(SVGText.all(in: svg).map(\.text).contains("no runs"))
  }
}

@Suite struct SpearmanTests {
  /// Ties share their mean rank; ρ is Pearson's correlation of the ranks (the hand-computed
  /// value 8/√95 for this pair), ±1 for monotone pairs, nan for a constant side.
  @Test func rhoWithTies() {
    #expect(Spearman.ranks([10, 30, 20, 30]) == [1, 3.5, 2, 3.5])
    let r = Spearman.rho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    #expect(abs(r - 8 / 95.0.squareRoot()) < 1e-12)
    #expect(Spearman.rho([1, 2, 3], [1, 4, 9]) == 1 && Spearman.rho([1, 2, 3], [3, 2, 1]) == -1)
    #expect(Spearman.rho([1, 2, 3], [2, 2, 2]).isNaN && Spearman.rho([1], [1]).isNaN)
  }
}
