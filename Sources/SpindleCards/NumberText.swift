import SpindleValue

/// Numbers written for people on a card, as the rest of Spindle writes them
/// (`SpindleValue.NumberFormatting`): counts grouped by thousands, values to
/// six significant digits.
enum NumberText {
    static func count(_ n: Int) -> String { NumberFormatting.count(n) }
    static func short(_ d: Double) -> String { NumberFormatting.short(d) }
}
