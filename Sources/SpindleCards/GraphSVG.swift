/// A flow's graph drawn as SVG: a box per step, coloured by the state the
/// step reached (completed green, failed red, running blue, pending grey,
/// not run pale and dashed), the task's own step outlined in amber, and an
/// arrow per edge. Steps are laid out in layers (`GraphLayout`) left to
/// right, or top to bottom when the graph is a long chain, so the picture
/// stays readable when scaled to a page's width.
///
/// Every box is a `<g class="node" data-state="…">` (`class="node current"`
/// for the task's step) with a tooltip naming the step and its state.
public enum GraphSVG {
    /// The graph as one `<svg>` element sized to fit it.
    public static func svg(_ graph: CardGraph) -> String {
        guard !graph.nodes.isEmpty else {
            var svg = SVGWriter(width: 240, height: 60, label: "flow graph", className: "spindle-graph")
            svg.text("No steps", x: 120, y: 34, anchor: .middle, opacity: 0.7)
            return svg.finish()
        }
        let layout = GraphLayout(graph)
        let widest = layout.layers.map(\.count).max() ?? 1
        let topDown = layout.layers.count > 6 && layout.layers.count > 2 * widest
        let names = graph.nodes.map { SVGWriter.truncated($0.name, to: 26) }
        let boxWidth = names.map { Swift.min(220, Swift.max(88, SVGWriter.textWidth($0, size: 12) + 28)) }
        let boxHeight = 42.0, margin = 16.0
        let layerGap = topDown ? 36.0 : 56.0, siblingGap = topDown ? 20.0 : 16.0

        // Main axis: across layers; cross axis: along a layer.
        func mainSize(_ i: Int) -> Double { topDown ? boxHeight : boxWidth[i] }
        func crossSize(_ i: Int) -> Double { topDown ? boxWidth[i] : boxHeight }
        let layerMain = layout.layers.map { layer in layer.map(mainSize).max() ?? 0 }
        let layerCross = layout.layers.map { layer in
            layer.map(crossSize).reduce(0, +) + siblingGap * Double(Swift.max(0, layer.count - 1))
        }
        let crossTotal = layerCross.max() ?? 0
        var origin = [(x: Double, y: Double)](repeating: (0, 0), count: graph.nodes.count)
        var main = margin
        for (l, layer) in layout.layers.enumerated() {
            var cross = margin + (crossTotal - layerCross[l]) / 2
            for i in layer {
                let m = main + (layerMain[l] - mainSize(i)) / 2
                origin[i] = topDown ? (cross, m) : (m, cross)
                cross += crossSize(i) + siblingGap
            }
            main += layerMain[l] + layerGap
        }
        let mainTotal = main - layerGap + margin
        let width = topDown ? crossTotal + 2 * margin : mainTotal
        let height = topDown ? mainTotal : crossTotal + 2 * margin

        var svg = SVGWriter(width: width, height: height, label: "flow graph", className: "spindle-graph")
        for (a, b) in layout.edges {
            svg.raw(arrow(from: origin[a], size: (boxWidth[a], boxHeight), to: origin[b], size: (boxWidth[b], boxHeight),
                          topDown: topDown))
        }
        for (i, node) in graph.nodes.enumerated() {
            box(node, name: names[i], at: origin[i], width: boxWidth[i], height: boxHeight, into: &svg)
        }
        return svg.finish()
    }

    /// Fill, stroke and dash of a state's box.
    static func style(_ state: String) -> (fill: String, stroke: String, dashed: Bool) {
        switch state {
        case "completed": ("#dcf5e3", "#1f9d55", false)
        case "failed": ("#fde2e1", "#d0342c", false)
        case "running": ("#dde9fb", "#2f6fd0", false)
        case "not run": ("#f6f7f8", "#b5bac1", true)
        default: ("#eceef1", "#8a929c", false)
        }
    }

    private static func box(_ node: CardGraph.Node, name: String, at o: (x: Double, y: Double), width: Double,
                            height: Double, into svg: inout SVGWriter) {
        let (fill, stroke, dashed) = style(node.state)
        let c = SVGNumber.coordinate
        svg.raw("<g class=\"node\(node.isCurrent ? " current" : "")\" data-state=\"\(HTMLText.attribute(node.state))\">")
        svg.raw("<title>" + HTMLText.escape(node.name + " — " + node.state + (node.isCurrent ? " (this task)" : "")) + "</title>")
        if node.isCurrent {
            svg.raw("<rect x=\"\(c(o.x - 4))\" y=\"\(c(o.y - 4))\" width=\"\(c(width + 8))\" height=\"\(c(height + 8))\" rx=\"10\" fill=\"none\" stroke=\"#e09a1a\" stroke-width=\"3\"/>")
        }
        svg.raw("<rect x=\"\(c(o.x))\" y=\"\(c(o.y))\" width=\"\(c(width))\" height=\"\(c(height))\" rx=\"7\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>\n")
        svg.text(name, x: o.x + width / 2, y: o.y + 18, anchor: .middle, size: 12, bold: true, fill: "#1d2329")
        svg.text(SVGWriter.truncated(node.state, to: Int((width - 12) / 6)), x: o.x + width / 2, y: o.y + 33,
                 anchor: .middle, size: 10, fill: "#4d5661")
        svg.raw("</g>\n")
    }

    /// A curve from the side of one box facing the next layer to the facing
    /// side of the other, ending in an arrowhead.
    private static func arrow(from a: (x: Double, y: Double), size sa: (Double, Double), to b: (x: Double, y: Double),
                              size sb: (Double, Double), topDown: Bool) -> String {
        let c = SVGNumber.coordinate
        let head = 7.0
        if topDown {
            let x1 = a.x + sa.0 / 2, y1 = a.y + sa.1, x2 = b.x + sb.0 / 2, y2 = b.y - head
            let mid = (y1 + y2) / 2
            return "<path d=\"M\(c(x1)),\(c(y1))C\(c(x1)),\(c(mid)) \(c(x2)),\(c(mid)) \(c(x2)),\(c(y2))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.55\" stroke-width=\"1.5\"/>"
                + "<path d=\"M\(c(x2 - 4)),\(c(y2))L\(c(x2 + 4)),\(c(y2)) \(c(x2)),\(c(y2 + head))Z\" fill=\"currentColor\" fill-opacity=\"0.55\"/>\n"
        }
        let x1 = a.x + sa.0, y1 = a.y + sa.1 / 2, x2 = b.x - head, y2 = b.y + sb.1 / 2
        let mid = (x1 + x2) / 2
        return "<path d=\"M\(c(x1)),\(c(y1))C\(c(mid)),\(c(y1)) \(c(mid)),\(c(y2)) \(c(x2)),\(c(y2))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.55\" stroke-width=\"1.5\"/>"
            + "<path d=\"M\(c(x2)),\(c(y2 - 4))L\(c(x2)),\(c(y2 + 4)) \(c(x2 + head)),\(c(y2))Z\" fill=\"currentColor\" fill-opacity=\"0.55\"/>\n"
    }
}
