/// A grid of terminal cells, each a braille character of 2 × 4 dots, so a
/// chart `columns` cells wide and `rows` high has `2 × columns` by `4 × rows`
/// dots to draw on.
///
/// Dots are addressed from the bottom left: `x` in `0..<dotColumns`, `y` in
/// `0..<dotRows`, y growing upwards like a chart's. Each cell remembers the
/// series that last put a dot in it (its colour). Empty cells are written as
/// plain spaces, not U+2800, so blank space stays blank in every terminal and
/// lines can be trimmed.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var bits: [UInt8]
    private var owners: [UInt8]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        owners = Array(repeating: 0, count: columns * rows)
    }

    var dotColumns: Int { columns * 2 }
    var dotRows: Int { rows * 4 }

    /// The bit of each dot in a cell, one byte each, left column then right, top to bottom
    /// (Unicode's braille numbering: dots 1, 2, 3, 7 down the left, 4, 5, 6, 8 down the right).
    private static let dotBits: UInt64 = 0x80_20_10_08_40_04_02_01

    /// Puts the dot at (`x`, `y`) on, for `series` (0-based); dots outside the canvas are ignored.
    @inline(__always)
    mutating func set(x: Int, y: Int, series: Int) {
        guard x >= 0, x < dotColumns, y >= 0, y < dotRows else { return }
        let row = rows - 1 - y >> 2
        let cell = row * columns + x >> 1
        bits[cell] |= UInt8(truncatingIfNeeded: Self.dotBits >> (8 * ((x & 1) * 4 + 3 - y & 3)))
        owners[cell] = UInt8(truncatingIfNeeded: series + 1)
    }

    /// The dots from `y0` to `y1` (either order) in column `x`.
    mutating func vertical(x: Int, from y0: Int, to y1: Int, series: Int) {
        for y in min(y0, y1)...max(y0, y1) { set(x: x, y: y, series: series) }
    }

    /// The dots of the straight segment between two dots, both ends included (Bresenham).
    mutating func segment(from a: (x: Int, y: Int), to b: (x: Int, y: Int), series: Int) {
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var x = a.x, y = a.y, error = dx + dy
        while true {
            set(x: x, y: y, series: series)
            if x == b.x && y == b.y { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// Row `row` (0 at the top) as text, each run of cells in the colour of its series.
    func line(_ row: Int) -> StyledLine {
        var out = StyledLine()
        var pending = "", owner: UInt8 = 0
        for c in 0..<columns {
            let cell = row * columns + c
            let b = bits[cell], o = b == 0 ? 0 : owners[cell]
            if o != owner {
                out.append(pending, foreground: owner == 0 ? nil : Palette.color(ofSeries: Int(owner) - 1))
                pending = ""
                owner = o
            }
            pending.unicodeScalars.append(b == 0 ? " " : Unicode.Scalar(0x2800 + UInt32(b))!)
        }
        out.append(pending, foreground: owner == 0 ? nil : Palette.color(ofSeries: Int(owner) - 1))
        return out
    }
}
