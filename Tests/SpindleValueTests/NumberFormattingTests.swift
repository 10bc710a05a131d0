import Foundation
import Testing
@testable import SpindleValue

@Suite("Numbers written for people")
struct NumberFormattingTests {
    @Test("two decimals, rounded to the nearest hundredth (as %.2f writes these)", arguments: [
        (0.0, "0.00"), (0.05, "0.05"), (1.5, "1.50"), (12.3, "12.30"), (0.004, "0.00"), (0.006, "0.01"),
        (-1.25, "-1.25"), (99.999, "100.00"), (123456.789, "123456.79"), (0.125, "0.12"),
    ])
    func twoDecimals(value: Double, text: String) {
        #expect(NumberFormatting.twoDecimals(value) == text)
        #expect(String(format: "%.2f", value) == text)
    }

    @Test("two decimals of what has no digits: as %.2f writes it")
    func twoDecimalsOfTheRest() {
        for value in [Double.infinity, -.infinity, .nan, 1e300] {
            #expect(NumberFormatting.twoDecimals(value) == String(format: "%.2f", value))
        }
    }
}
