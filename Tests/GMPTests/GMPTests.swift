import GMP
import Testing

@Suite struct GMPIntegerTests {
  @Test func arithmeticAndText() {
    let a = GMPInteger(12_345_678_901)
    let b = GMPInteger(98_765_432_109)
    #expect((a + b).description == "111111111010")
    #expect((a * b).description == "1219326311336229232209")
    #expect(GMPInteger(0).description == "0")
    #expect(GMPInteger(UInt.max).uintValue == UInt.max)
  }

  @Test func beyondSixtyFourBits() {
    // 2^200, built by repeated doubling.
    let x = GMPInteger(1)
    for _ in 0..<200 { x.multiply(by: 2) }
    #expect(x.description == "1606938044258990275541962092341162602522202993782792835301376")
    #expect(x.bitWidth == 201)
    #expect(x.uintValue == nil)
    #expect(GMPInteger("1606938044258990275541962092341162602522202993782792835301376") == x)
  }

  @Test(arguments: ["", "-", "12a", "1 2", "+5", "--3", "0x10"])
  func rejectsMalformedText(text: String) {
    #expect(GMPInteger(text) == nil)
  }

  @Test func parsesNegativesAndCompares() throws {
    let m = try #require(GMPInteger("-42"))
    #expect(m.description == "-42")
    #expect(m < GMPInteger(0))
    #expect(GMPInteger(3) > GMPInteger(2))
  }

  @Test func inPlaceAddKeepsOperandsSeparate() {
    let a = GMPInteger(5), b = GMPInteger(7)
    let c = GMPInteger(copying: a)
    c.add(b)
    #expect(a.description == "5" && c.description == "12")
  }
}

@Suite struct GMPRationalTests {
  @Test func reducesAndAdds() {
    let h = GMPRational(6, 8)
    #expect(h.description == "3/4")
    #expect((h + GMPRational(1, 4)).description == "1")
    #expect((GMPRational(1, 3) + GMPRational(1, 6)).description == "1/2")
    #expect((GMPRational(2, 3) * GMPRational(9, 4)).description == "3/2")
  }

  @Test func inPlaceDivideAndParts() {
    let r = GMPRational(259, 1)
    r.divide(by: 432)
    #expect(r.description == "259/432")
    #expect(r.numerator.description == "259")
    #expect(r.denominator.description == "432")
    #expect(abs(r.doubleValue - 0.599_537_037_037) < 1e-12)
  }

  @Test func exactDecimalExpansion() {
    #expect(GMPRational(1, 3).decimal(digits: 5) == "0.33333")
    #expect(GMPRational(259, 432).decimal(digits: 12) == "0.599537037037")
    #expect(GMPRational(5, 2).decimal(digits: 3) == "2.500")
    #expect(GMPRational(1, 1000).decimal(digits: 2) == "0.00")
    #expect(GMPRational(7, 1).decimal(digits: 0) == "7")
  }

  @Test func parsing() throws {
    #expect(try #require(GMPRational("10/4")).description == "5/2")
    #expect(GMPRational("1/0") == nil)
    #expect(GMPRational("a/3") == nil)
    #expect(GMPRational("1/2/3") == nil)
    #expect(GMPRational("1/3")! < GMPRational("1/2")!)
  }
}
