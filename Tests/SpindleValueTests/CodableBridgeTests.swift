import Foundation
import Testing
@testable import SpindleValue
import OrderedCollections

struct User: Codable, Equatable {
    var id: Int
    var name: String
    var nickname: String?
    var scores: [Double]
}

struct Ratings: Codable, Equatable {
    var users: [User]
    var matrix: [[Float]]
    var byItem: [Int: String]
    var byName: [String: Int32]
    var created: Date
    var home: URL
    var raw: Data
    var flags: [Bool]
    var counts: [Int]
    var small: [UInt8]
    var kind: Kind
    var optionalKind: Kind?

    enum Kind: Codable, Equatable {
        case synthetic(seed: Int, users: Int)
        case file(path: String)
        case empty
    }
}

func sampleRatings() -> Ratings {
    Ratings(
        users: [User(id: 1, name: "ann", nickname: nil, scores: [0.5, 1.5]),
                User(id: 2, name: "bob", nickname: "b", scores: [])],
        matrix: [[1, 2], [3, 4.5]],
        byItem: [3: "three", 10: "ten"],
        byName: ["x": -4],
        created: Date(timeIntervalSince1970: 1_700_000_000.25),
        home: URL(string: "https://example.org/a?b=c")!,
        raw: Data([0, 1, 255]),
        flags: [true, false, true],
        counts: [Int.min, 0, Int.max],
        small: [0, 255],
        kind: .synthetic(seed: 7, users: 500),
        optionalKind: nil)
}

@Suite("Codable bridge")
struct CodableBridgeTests {
    @Test("a nested struct round-trips through Value")
    func roundTripThroughValue() throws {
        let r = sampleRatings()
        let v = try ValueEncoder().encode(r)
        #expect(try ValueDecoder().decode(Ratings.self, from: v) == r)
    }

    @Test("a nested struct round-trips through the artifact bytes")
    func roundTripThroughBytes() throws {
        let r = sampleRatings()
        let bytes = ArtifactCodec.encode(try ValueEncoder().encode(r))
        let back = try ArtifactCodec.decode(bytes)
        #expect(try ValueDecoder().decode(Ratings.self, from: back) == r)
    }

    @Test("enums with associated values and every case round-trip")
    func enums() throws {
        for k in [Ratings.Kind.synthetic(seed: 1, users: 2), .file(path: "/x"), .empty] {
            let v = try ValueEncoder().encode(k)
            #expect(try ValueDecoder().decode(Ratings.Kind.self, from: v) == k)
        }
    }

    @Test("typed arrays take the fast path to numeric arrays")
    func fastPaths() throws {
        let e = ValueEncoder()
        #expect(try e.encode([1.5, 2.5] as [Double]) == .numeric(NumericArray([1.5, 2.5] as [Double])))
        #expect(try e.encode([1, 2] as [Float]).typeName == "[Float]")
        #expect(try e.encode([1, 2] as [Int]).typeName == "[Int]")
        #expect(try e.encode([1, 2] as [Int32]).typeName == "[Int32]")
        #expect(try e.encode([1, 2] as [UInt8]).typeName == "[UInt8]")
        #expect(try e.encode([true] as [Bool]).typeName == "[Bool]")
        #expect(try e.encode(Data([1, 2])) == .bytes(Data([1, 2])))
        let r = try e.encode(sampleRatings())
        #expect(r["users"]?[0]?["scores"]?.typeName == "[Double]")
        #expect(r["matrix"]?.typeName == "Array")
        #expect(r["matrix"]?[0]?.typeName == "[Float]")
    }

    @Test("nil optionals are left out of objects, present ones kept")
    func optionals() throws {
        let v = try ValueEncoder().encode(User(id: 1, name: "a", nickname: nil, scores: []))
        #expect(v.keys == ["id", "name", "scores"])
        let w = try ValueEncoder().encode(User(id: 1, name: "a", nickname: "n", scores: []))
        #expect(w["nickname"] == "n")
        #expect(try ValueEncoder().encode([1, nil, 3] as [Int?]) == [1, nil, 3])
        #expect(try ValueDecoder().decode([Int?].self, from: [1, nil, 3]) == [1, nil, 3])
    }

    @Test("numbers convert where nothing is lost")
    func numericConversions() throws {
        let d = ValueDecoder()
        #expect(try d.decode(Double.self, from: .int(3)) == 3.0)
        #expect(try d.decode(Int.self, from: .double(4)) == 4)
        #expect(try d.decode([Double].self, from: [1, 2.5]) == [1, 2.5])
        #expect(try d.decode([Double].self, from: .numeric(NumericArray([1, 2] as [Int]))) == [1, 2])
        #expect(try d.decode([Int].self, from: .numeric(NumericArray([1, 2] as [Int32]))) == [1, 2])
    }

    static func user(_ id: Value, name: Value? = "a", scores: Value = []) -> Value {
        var o: [(String, Value)] = [("id", id)]
        if let name { o.append(("name", name)) }
        o.append(("scores", scores))
        return .object(.init(uniqueKeysWithValues: o))
    }

    static let decodingCases: [(Value, String)] = [
        (["users": [user(1), user("x")]], "ratings.users[1].id: expected Int, found String"),
        (["users": [user(1, name: nil)]], "ratings.users[0]: missing key 'name' (it has id, scores)"),
        (["users": [user(1.5)]], "ratings.users[0].id: expected Int, found Double 1.5"),
        (["users": [user(1, scores: ["no"])]], "ratings.users[0].scores[0]: expected Double, found String"),
        (["users": 3], "ratings.users: expected Array, found Int"),
        (["users": [user(1, scores: .numeric(NumericArray([true])))]],
         "ratings.users[0].scores: expected [Double], found [Bool]"),
    ]

    @Test("decoding errors name the path and what was found", arguments: decodingCases)
    func decodingErrors(value: Value, message: String) {
        struct Only: Decodable { var users: [User] }
        let error = #expect(throws: ValueDecodingError.self) {
            try ValueDecoder(rootPath: "ratings").decode(Only.self, from: value)
        }
        #expect(error?.description == message)
    }

    @Test("out-of-range integers are errors, not truncations")
    func outOfRange() throws {
        let error = #expect(throws: ValueDecodingError.self) {
            try ValueDecoder().decode(UInt8.self, from: .int(300))
        }
        #expect(error?.description == "expected UInt8, found 300, which is out of range")
        #expect(throws: EncodingError.self) { try ValueEncoder().encode(UInt64.max) }
        let e2 = #expect(throws: ValueDecodingError.self) {
            try ValueDecoder().decode([UInt8].self, from: .numeric(NumericArray([1, 256] as [Int])))
        }
        #expect(e2?.description == "[1]: expected UInt8, found 256, which is out of range")
    }

    @Test("a URL that does not parse is an error naming the text")
    func badURL() {
        let error = #expect(throws: ValueDecodingError.self) {
            try ValueDecoder(rootPath: "home").decode(URL.self, from: "")
        }
        #expect(error?.description == "home: '' is not a valid URL")
    }
}
