import Foundation
import Spindle

// A flow for the run browser's tests: cards of every component kind, every
// string hostile (so escaping is tested everywhere), a live card that
// refreshes while the step runs (CARD_SLOW=seconds), and an array to chart.
// Not a sample: it exists to be looked at by a browser.

let hostile = #"<script>window.__xss=1</script>"><img src=x onerror="window.__xss=2">'&"#
let env = ProcessInfo.processInfo.environment
let slow = env["CARD_SLOW"].flatMap(Double.init) ?? 0

/// A 2×2 PNG (red, green / blue, white), written out byte by byte.
let png: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFD, 0xD4, 0x9A,
    0x73, 0x00, 0x00, 0x00, 0x13, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xC0,
    0xB0, 0x00, 0x88, 0x19, 0xFE, 0x03, 0x01, 0x00, 0x1C, 0x97, 0x05, 0x9C, 0x4F, 0x80, 0x1A, 0xBB,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
]

let flow = Flow("CardFlow") {
    Parameter("note", default: hostile, help: "a parameter whose value is hostile text")
    Parameter("epochs", default: 10, help: "how many epochs train pretends to run")

    Step("start", next: .to("train")) { task in
        print("a log line: \(hostile)")
        task["label"] = hostile
        task["curve"] = (0..<500).map { sin(Double($0) / 40) }
        task["big"] = (0..<1_000_000).map { Double($0) }
        task.card.markdown("# Report \(hostile)\n\nSome **bold** text and a [link](https://example.com) and `\(hostile)`.")
        task.card.table([["name": .string(hostile), "score": 0.5], ["name": "plain", "score": 0.25]], title: hostile)
        task.card.image(png, caption: hostile)
        task.card.line((0..<200).map { cos(Double($0) / 20) }, name: hostile, title: "a curve \(hostile)")
        task.card.histogram((0..<1000).map { sin(Double($0)) }, title: "histogram")
        task.card.bar(labels: ["a", hostile], values: [1, 2], title: "bars")
        task.card.progress(hostile, done: 3, total: 4)
        task.card.artifact("label", .string(hostile))
    }
    Step("train", next: .to("end")) { task in
        let epochs: Int = try task.parameter("epochs")
        var losses: [Double] = []
        for epoch in 0..<epochs {
            losses.append(1 / Double(epoch + 1))
            task.card.progress("epochs", done: Double(epoch + 1), total: Double(epochs))
            task.card.line(losses, name: "loss", title: "training loss")
            task.card.refresh()
            if slow > 0 { usleep(useconds_t(slow / Double(epochs) * 1_000_000)) }
        }
        task["losses"] = losses
    }
    Step("end") { _ in }
}

Spindle.main(flow)
