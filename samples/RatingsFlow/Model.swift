import Spindle
/// Matrix factorisation: rating ≈ mean + user bias + item bias + userFactors·itemFactors.
struct Model: Codable, Sendable {
    var factors: Int
    var mean: Double
    var userBias: [Double]
    var itemBias: [Double]
    var userFactors: [Double]
    var itemFactors: [Double]

    /// Trains by stochastic gradient descent, visiting ratings in a seeded order.
    static func fit(_ r: Ratings, factors k: Int, rate: Double, epochs: Int, regularization: Double = 0.02, seed: UInt64) -> Model {
        fitTracking(r, factors: k, rate: rate, epochs: epochs, regularization: regularization, seed: seed).model
    }

    /// Trains as `fit` does, and gives the training RMSE after each epoch: the loss curve.
    static func fitTracking(_ r: Ratings, factors k: Int, rate: Double, epochs: Int, regularization: Double = 0.02,
                            seed: UInt64) -> (model: Model, losses: [Double]) {
        var losses: [Double] = []
        var g = SeededGenerator(seed: seed)
        let mean = r.values.reduce(0, +) / Double(max(r.count, 1))
        var m = Model(factors: k, mean: mean,
                      userBias: Array(repeating: 0, count: r.userCount), itemBias: Array(repeating: 0, count: r.itemCount),
                      userFactors: (0..<(r.userCount * k)).map { _ in g.normal() * 0.1 },
                      itemFactors: (0..<(r.itemCount * k)).map { _ in g.normal() * 0.1 })
        var order = Array(0..<r.count)
        for _ in 0..<epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            m.userFactors.withUnsafeMutableBufferPointer { uf in
                m.itemFactors.withUnsafeMutableBufferPointer { itf in
                    m.userBias.withUnsafeMutableBufferPointer { ub in
                        m.itemBias.withUnsafeMutableBufferPointer { ib in
                            for idx in order {
                                let u = Int(r.users[idx]), i = Int(r.items[idx])
                                var pred = mean + ub[u] + ib[i]
                                for f in 0..<k { pred += uf[u * k + f] * itf[i * k + f] }
                                let err = r.values[idx] - pred
                                ub[u] += rate * (err - regularization * ub[u])
                                ib[i] += rate * (err - regularization * ib[i])
                                for f in 0..<k {
                                    let pu = uf[u * k + f], qi = itf[i * k + f]
                                    uf[u * k + f] += rate * (err * qi - regularization * pu)
                                    itf[i * k + f] += rate * (err * pu - regularization * qi)
                                }
                            }
                        }
                    }
                }
            }
            losses.append(m.rmse(r))
        }
        return (m, losses)
    }

    func predict(user u: Int, item i: Int) -> Double {
        var p = mean + userBias[u] + itemBias[i]
        for f in 0..<factors { p += userFactors[u * factors + f] * itemFactors[i * factors + f] }
        return p
    }

    /// Root mean squared error on `r`.
    func rmse(_ r: Ratings) -> Double {
        var total = 0.0
        for idx in 0..<r.count {
            let e = r.values[idx] - predict(user: Int(r.users[idx]), item: Int(r.items[idx]))
            total += e * e
        }
        return (total / Double(max(r.count, 1))).squareRoot()
    }
}
