/// Where each step of a flow graph goes: layers by the longest path from a
/// start (a step with nothing before it), so every edge points forward;
/// within a layer, steps ordered by where their predecessors are, so edges
/// cross less. A cycle (a flow never has one, but a card may be
/// hand-made) is broken where it is met: its steps go after what is placed.
struct GraphLayout {
    /// `layers[l]`: indices of `nodes`, in drawing order.
    var layers: [[Int]]
    /// Each node's layer.
    var layerOf: [Int]
    /// The edges drawn, as node indices: no duplicates, self-loops or
    /// unknown names. Duplicate node names: edges attach to the first.
    var edges: [(from: Int, to: Int)]

    init(_ graph: CardGraph) {
        let n = graph.nodes.count
        var index: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() where index[node.name] == nil { index[node.name] = i }
        var seen = Set<[Int]>()
        var edges: [(from: Int, to: Int)] = []
        for edge in graph.edges {
            guard let a = index[edge.from], let b = index[edge.to], a != b, seen.insert([a, b]).inserted else { continue }
            edges.append((a, b))
        }
        self.edges = edges
        var successors = [[Int]](repeating: [], count: n)
        var predecessors = [[Int]](repeating: [], count: n)
        var indegree = [Int](repeating: 0, count: n)
        for (a, b) in edges {
            successors[a].append(b)
            predecessors[b].append(a)
            indegree[b] += 1
        }

        // Longest path from the starts, in topological order (Kahn).
        var layerOf = [Int](repeating: -1, count: n)
        var ready = (0..<n).filter { indegree[$0] == 0 }
        for i in ready { layerOf[i] = 0 }
        var cursor = 0
        while true {
            while cursor < ready.count {
                let v = ready[cursor]
                cursor += 1
                for w in successors[v] {
                    layerOf[w] = Swift.max(layerOf[w], layerOf[v] + 1)
                    indegree[w] -= 1
                    if indegree[w] == 0 { ready.append(w) }
                }
            }
            // What is left is on a cycle: place its first node after its
            // placed predecessors, and carry on from there as if it were a start.
            guard let stuck = (0..<n).first(where: { indegree[$0] > 0 }) else { break }
            let placed = predecessors[stuck].filter { indegree[$0] == 0 }
            layerOf[stuck] = Swift.max(layerOf[stuck], (placed.map { layerOf[$0] }.max() ?? -1) + 1)
            indegree[stuck] = 0
            ready.append(stuck)
        }
        self.layerOf = layerOf

        var layers = [[Int]](repeating: [], count: (layerOf.max() ?? -1) + 1)
        for i in 0..<n { layers[layerOf[i]].append(i) }
        // One sweep down: order each layer by the mean position of its
        // nodes' predecessors in the layers above (ties keep their order).
        var position = [Double](repeating: 0, count: n)
        for (l, layer) in layers.enumerated() {
            if l > 0 {
                let keyed = layer.enumerated().map { (k, v) -> (Double, Int, Int) in
                    let above = predecessors[v].filter { layerOf[$0] < l }
                    let key = above.isEmpty ? Double(k) : above.map { position[$0] }.reduce(0, +) / Double(above.count)
                    return (key, k, v)
                }
                layers[l] = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            }
            for (k, v) in layers[l].enumerated() { position[v] = Double(k) }
        }
        self.layers = layers
    }
}
