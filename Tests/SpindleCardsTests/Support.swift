import Foundation
import SpindleCards

/// The bytes of a tiny real PNG (1×1, one grey pixel).
let samplePNG: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
]

/// The start of a JPEG file (the sniffing reads only the first bytes).
let sampleJPEG: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00]

/// A card with one component of every kind, built the same way each call.
func everyKindCard(live: Bool = false) -> Card {
    Card(
        title: "train — run 7",
        subtitle: "RatingsFlow/7/train/3",
        components: [
            .markdown("# Notes\n\nLoss fell **fast**. See [the docs](https://example.com/docs)."),
            .table(CardTable(title: "Worst predictions", columns: ["id", "text", "loss"],
                             rows: [["17", "great film", "2.31"], ["4", "dull", "1.9"], ["9"]])),
            .image(CardImage(bytes: samplePNG, caption: "confusion matrix")),
            .image(CardImage(bytes: sampleJPEG, caption: nil)),
            .chart(CardChart(.line, title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
                CardSeries("train", y: [2.0, 1.5, 1.1, 0.9, .infinity, 0.7]),
                CardSeries("val", x: [0, 2, 4], y: [2.1, 1.4, 1.0]),
            ])),
            .chart(CardChart(.scatter, title: "Predicted", series: [CardSeries("", x: [1, 2, 3], y: [1.1, 1.9, 3.2])])),
            .chart(CardChart(.bar, title: "Per class", series: [CardSeries("recall", y: [0.9, 0.7])], labels: ["cat", "dog"])),
            .chart(CardChart(.histogram, title: "Residuals", series: [CardSeries("r", y: [-1, 0, 0.5, 2])], bins: 3)),
            .artifact(name: "model", type: "Dictionary", summary: "{weights: Float[1 000], bias: 0.5}"),
            .progress(label: "epochs", done: 7, total: 20),
            .facts(title: "Parameters", [CardFact("lr", "0.001"), CardFact("epochs", "20")]),
            .facts(title: nil, [CardFact("started", "12:00:01")]),
            .log(title: "Log", lines: ["epoch 1 loss 2.0", "epoch 2 loss 1.5"]),
            .log(title: nil, lines: []),
            .error(title: "ValueError", message: "shapes differ\n  at train.swift:12"),
            .graph(CardGraph(nodes: [
                .init("start", state: "completed"), .init("train", state: "running", isCurrent: true),
                .init("end", state: "pending"),
            ], edges: [.init("start", "train"), .init("train", "end")])),
        ],
        live: live,
        updated: "2025-03-01T12:00:00Z"
    )
}

/// The tags of an HTML text as a browser's tokenizer would see them, and
/// the raw text of its `<script>` and `<style>` elements.
struct ScannedHTML {
    struct Tag {
        var name: String
        var attributes: [(name: String, value: String)]
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    }

    var tags: [Tag] = []
    var scripts: [String] = []
    var styles: [String] = []
    /// Problems a safe page never has: a `<` in text that opens nothing, a
    /// comment, an unterminated tag.
    var problems: [String] = []

    init(_ html: String) {
        let b = Array(html.utf8)
        var i = 0
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x0C }
        func text(_ from: Int, _ to: Int) -> String { String(decoding: b[from..<to], as: UTF8.self) }
        while i < b.count {
            guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
            let next = i + 1 < b.count ? b[i + 1] : 0
            if next == UInt8(ascii: "!") {
                if text(i, min(b.count, i + 4)) == "<!--" { problems.append("comment at \(i)") }
                while i < b.count && b[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
            } else if next == UInt8(ascii: "/") {
                while i < b.count && b[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
            } else if isLetter(next) {
                var j = i + 1
                while j < b.count && !isSpace(b[j]) && b[j] != UInt8(ascii: ">") && b[j] != UInt8(ascii: "/") { j += 1 }
                var tag = Tag(name: text(i + 1, j).lowercased(), attributes: [])
                while true {
                    while j < b.count && (isSpace(b[j]) || b[j] == UInt8(ascii: "/")) { j += 1 }
                    guard j < b.count else { problems.append("unterminated tag \(tag.name)"); break }
                    if b[j] == UInt8(ascii: ">") { j += 1; break }
                    let nameStart = j
                    while j < b.count && !isSpace(b[j]) && b[j] != UInt8(ascii: "=") && b[j] != UInt8(ascii: ">") && b[j] != UInt8(ascii: "/") { j += 1 }
                    let name = text(nameStart, j).lowercased()
                    var value = ""
                    if j < b.count && b[j] == UInt8(ascii: "=") {
                        j += 1
                        if j < b.count && (b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'")) {
                            let quote = b[j]
                            let valueStart = j + 1
                            j += 1
                            while j < b.count && b[j] != quote { j += 1 }
                            value = text(valueStart, min(j, b.count))
                            j += 1
                        } else {
                            let valueStart = j
                            while j < b.count && !isSpace(b[j]) && b[j] != UInt8(ascii: ">") { j += 1 }
                            value = text(valueStart, j)
                        }
                    }
                    tag.attributes.append((name, value))
                }
                tags.append(tag)
                i = j
                if tag.name == "script" || tag.name == "style" {
                    let close = Array("</\(tag.name)".utf8)
                    var k = i
                    while k + close.count <= b.count && Array(b[k..<(k + close.count)]) != close { k += 1 }
                    let content = text(i, min(k, b.count))
                    if tag.name == "script" { scripts.append(content) } else { styles.append(content) }
                    i = k
                }
            } else {
                problems.append("bare < at \(i)")
                i += 1
            }
        }
    }
}

/// Every non-overlapping occurrence of `needle` in `s`.
func occurrences(of needle: String, in s: String) -> Int {
    s.components(separatedBy: needle).count - 1
}
