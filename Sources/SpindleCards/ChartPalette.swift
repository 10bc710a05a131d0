/// The colours series are drawn in, in order (a ninth series takes the
/// first colour again). Mid-tones chosen to read on a light and a dark page
/// alike; text and axes use `currentColor`, so they follow the page.
enum ChartPalette {
    static let colors = [
        "#3b82c4", "#e8743b", "#3aa676", "#d64550",
        "#8e6cc2", "#b8922e", "#d670a8", "#5b9aa8",
    ]

    static func color(_ index: Int) -> String {
        colors[index % colors.count]
    }
}
