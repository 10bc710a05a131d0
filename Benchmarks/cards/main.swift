import Foundation
import Spindle
import SpindleUI

// Times, in a release build, what cards and the run browser cost:
//   - the default card of a RatingsFlow train task: made from the store's
//     records, rendered to its page, and saved as a blob and a row (what a
//     task would pay to have one) — and the page's weight;
//   - the runs page (`GET /`) of a store with many runs, as the server
//     makes it (server time, no network).
// Usage: CardSpeed STORE TASK [REPS]   (Benchmarks/cards/run prepares the store)

let args = CommandLine.arguments
guard args.count >= 3 else { print("usage: CardSpeed STORE TASK [REPS]"); exit(2) }
let store = try Store.open(at: URL(fileURLWithPath: args[1]), create: false)
let task = try Pathspec(parsing: args[2])
let reps = args.count > 3 ? Int(args[3]) ?? 200 : 200

func median(_ reps: Int, _ body: () throws -> Void) rethrows -> (Double, Double) {
    var xs: [Double] = []
    for _ in 0..<reps {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        xs.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    xs.sort()
    return (xs[reps / 2], xs[0])
}

var page = ""
let make = try median(reps) { _ = try DefaultCard.make(for: task, store: store) }
let card = try DefaultCard.make(for: task, store: store)
let render = median(reps) { page = CardPage.html(card) }
let all = try median(reps) {
    let c = try DefaultCard.make(for: task, store: store)
    try store.saveCard("bench", html: CardPage.html(c), task: task, live: false)
}
print("default card of \(task): make \(String(format: "%.2f", make.0)) ms, render \(String(format: "%.2f", render.0)) ms, "
      + "make + render + save \(String(format: "%.2f", all.0)) ms (median of \(reps); best \(String(format: "%.2f", all.1)) ms); page \(page.utf8.count) bytes")
let custom = try store.cards(of: task).first { $0.name == "card" }
if let custom { print("the step's own card (markdown and a loss curve): \(custom.size) bytes") }

let browser = RunBrowser(store: store)
let runs = try store.runs(limit: nil).count
let first = median(20) { _ = browser.respond(HTTPRequest(method: "GET", path: "/", query: [:])) }
let filtered = median(20) { _ = browser.respond(HTTPRequest(method: "GET", path: "/", query: ["q": "completed"])) }
let runPage = median(20) { _ = browser.respond(HTTPRequest(method: "GET", path: "/run/\(task.flow)/\(task.run!)", query: [:])) }
let taskPage = median(20) { _ = browser.respond(HTTPRequest(method: "GET", path: "/task/\(task.flow)/\(task.run!)/\(task.step!)/\(task.task!)", query: [:])) }
print("runs page of a store with \(runs) runs: \(String(format: "%.1f", first.0)) ms server time (median of 20), filtered ?q=completed \(String(format: "%.1f", filtered.0)) ms; "
      + "a run's page \(String(format: "%.1f", runPage.0)) ms, a task's page \(String(format: "%.1f", taskPage.0)) ms")
