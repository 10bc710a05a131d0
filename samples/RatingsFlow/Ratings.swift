import Spindle
/// Movie ratings in columns: rating `i` is user `users[i]`'s `values[i]` for item `items[i]`.
/// Columns of numbers store as typed arrays, so the shell can slice and sum them.
struct Ratings: Codable, Sendable {
    var userCount: Int
    var itemCount: Int
    var users: [Int32]
    var items: [Int32]
    var values: [Double]

    var count: Int { values.count }

    /// Seeded synthetic ratings from hidden user and item tastes, 1 to 5 stars with noise.
    static func synthetic(users: Int, items: Int, perUser: Int, seed: UInt64) -> Ratings {
        var g = SeededGenerator(seed: seed)
        let k = 4
        let userTaste = (0..<(users * k)).map { _ in g.normal() * 0.6 }
        let itemTaste = (0..<(items * k)).map { _ in g.normal() * 0.6 }
        var r = Ratings(userCount: users, itemCount: items, users: [], items: [], values: [])
        for u in 0..<users {
            var seen = Set<Int>()
            while seen.count < perUser {
                let i = Int(g.next() % UInt64(items))
                guard seen.insert(i).inserted else { continue }
                var score = 3.0 + g.normal() * 0.3
                for f in 0..<k { score += userTaste[u * k + f] * itemTaste[i * k + f] }
                r.users.append(Int32(u))
                r.items.append(Int32(i))
                r.values.append(min(5, max(1, (score * 2).rounded() / 2)))
            }
        }
        return r
    }

    /// Every fifth rating is held out for validation; the rest train.
    func split() -> (train: Ratings, validation: Ratings) {
        var t = Ratings(userCount: userCount, itemCount: itemCount, users: [], items: [], values: [])
        var v = t
        for i in 0..<count {
            if i % 5 == 4 {
                v.users.append(users[i]); v.items.append(items[i]); v.values.append(values[i])
            } else {
                t.users.append(users[i]); t.items.append(items[i]); t.values.append(values[i])
            }
        }
        return (t, v)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
