import Foundation
import MCP
import SpindleStore
import Testing

/// The most characters an answer may have: the server's 8 000, and the note that says it was cut.
private let answerLimit = 8_200

@Suite("The MCP server's arguments, schemas and answers")
struct MCPArgumentTests {
    @Test("arguments of the wrong kind, out of range or unknown are refused with a message naming them, and nothing runs")
    func refused() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        for (tool, args, message) in [
            ("spin", #"{"flow":"RatingsFlow","step":"train","overrides":"input=0.2"}"#, "argument 'overrides' of spin must be an object, not the string \"input=0.2\""),
            ("list_runs", #"{"flow":123}"#, "argument 'flow' of list_runs must be a non-empty string, not the number 123"),
            ("list_runs", #"{"spins":"yes"}"#, "argument 'spins' of list_runs must be true or false, not the string \"yes\""),
            ("list_runs", #"{"status":"done"}"#, "argument 'status' of list_runs must be \"running\", \"completed\", \"failed\", \"cancelled\""),
            ("diff", #"{"old":"RatingsFlow/1/train/3","new":"RatingsFlow/1/train/2","atol":"abc"}"#, "argument 'atol' of diff must be a number at least 0, not the string \"abc\""),
            ("diff", #"{"old":"RatingsFlow/1/train/3","new":"RatingsFlow/1/train/2","rtol":-1}"#, "argument 'rtol' of diff must be a number at least 0, not the number -1"),
            ("failed_tasks", #"{"limit":-5}"#, "argument 'limit' of failed_tasks must be an integer 1…500, not the number -5"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"1","index":-1}"#, "argument 'index' of evaluate must be an integer at least 0"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"1","index":"one"}"#, "argument 'index' of evaluate must be an integer at least 0"),
            ("list_runs", #"{"flwo":"RatingsFlow"}"#, "list_runs has no argument 'flwo' (did you mean 'flow'?); it takes flow, status, limit, spins"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train","expresion":"1"}"#, "evaluate has no argument 'expresion' (did you mean 'expression'?)"),
            ("spin", #"{"flow":"RatingsFlow","step":"train","overide":{"input":0.2}}"#, "spin has no argument 'overide' (did you mean 'overrides'?)"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train"}"#, "missing argument 'expression' of evaluate"),
        ] {
            let r = try await mcp.call(tool, args)
            #expect(r.isError, "\(tool) \(args): \(r.text)")
            #expect(r.text.contains(message), "\(tool) \(args): \(r.text)")
        }
        // The refused spins wrote nothing to the store.
        #expect(try box.store().runs(flow: "RatingsFlow", spins: true).isEmpty)
        // A boolean as a boolean works.
        #expect(try await mcp.call("list_runs", #"{"spins":true}"#).text == "no runs")
        #expect(await mcp.close() == 0)
    }

    @Test("errors are bounded like answers: a 1 MB argument does not come back")
    func boundedErrors() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        let big = String(repeating: "x", count: 1 << 20)
        let calls: [(String, [String: MCP.Value])] = [
            ("show", ["pathspec": .string(big)]),
            ("show", ["pathspec": .string("RatingsFlow/1/" + big)]),
            ("evaluate", ["flow": "RatingsFlow", "step": "train", "expression": .string("len(" + big)]),
            ("evaluate", ["flow": "RatingsFlow", "step": "train", "expression": .string(big)]),
            ("list_runs", ["flow": .string(big)]),
            ("step_context", ["flow": "RatingsFlow", "step": .string(big)]),
            ("spin", ["flow": "RatingsFlow", "step": "train", "after": .string(big)]),
            ("list_runs", [big: 1]),
            (big, [:]),
        ]
        for (tool, args) in calls {
            let r = try await mcp.call(tool, args)
            #expect(r.isError, "\(tool.prefix(20))")
            #expect(r.text.count < answerLimit, "\(tool.prefix(20)) \(args.keys.map { $0.prefix(20) }): \(r.text.count) characters: \(r.text.prefix(300))")
        }
        #expect(await mcp.close() == 0)
    }

    @Test("each tool says when to use it, and each argument what it takes, with an example")
    func schemas() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        let (tools, _) = try await mcp.client.listTools()
        #expect(tools.count == 8)
        var properties: [String: [String: MCP.Value]] = [:]
        for tool in tools {
            #expect(tool.description?.contains("Use it") == true, "\(tool.name): \(tool.description ?? "")")
            guard case .object(let schema) = tool.inputSchema, case .object(let props)? = schema["properties"] else {
                Issue.record("\(tool.name) has no properties in its schema")
                continue
            }
            #expect(schema["additionalProperties"] == .bool(false), "\(tool.name)")
            for (name, p) in props {
                guard case .object(let prop) = p, case .string(let description)? = prop["description"] else {
                    Issue.record("\(tool.name).\(name) has no description")
                    continue
                }
                #expect(description.contains("e.g.") || prop["type"] == "boolean", "\(tool.name).\(name): \(description)")
                #expect(!description.contains("(optional)") && description != "string", "\(tool.name).\(name): \(description)")
                #expect(prop["type"] != nil, "\(tool.name).\(name)")
                properties["\(tool.name).\(name)"] = prop
            }
        }
        #expect(properties["list_runs.spins"]?["type"] == "boolean")
        #expect(properties["list_runs.limit"]?["type"] == "integer")
        #expect(properties["diff.atol"]?["type"] == "number")
        #expect(properties["spin.overrides"]?["type"] == "object")
        #expect(properties["spin.index"]?["type"] == .array(["integer", "array"]))
        for tool in ["step_context", "evaluate", "spin"] {
            let run = properties["\(tool).run"]?["description"]?.stringValue ?? ""
            #expect(run.contains("\"latest\"") && run.contains("after"), "\(tool).run: \(run)")
            #expect(properties["\(tool).after"]?["description"]?.stringValue?.contains("\"spin-1\"") == true, "\(tool).after")
        }
        #expect(await mcp.close() == 0)
    }

    @Test("what the shell can do, MCP can: input in a split, inputs in a join, spins chained with after, a failed spin is an error")
    func shellParity() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        func evaluate(_ args: String) async throws -> String {
            let r = try await mcp.call("evaluate", args)
            #expect(!r.isError, "\(args): \(r.text)")
            return r.text
        }
        // RatingsFlow's foreach runs train on rates [0.005, 0.01, 0.02].
        #expect(try await evaluate(#"{"flow":"RatingsFlow","step":"train","index":1,"expression":"input"}"#) == "0.01")
        #expect(try await evaluate(#"{"flow":"RatingsFlow","step":"train","index":[2],"expression":"input"}"#) == "0.02")
        #expect(try await evaluate(#"{"flow":"RatingsFlow","step":"pick","expression":"len(inputs)"}"#) == "3")
        let context = try await mcp.call("step_context", #"{"flow":"RatingsFlow","step":"train","index":2}"#)
        #expect(context.text.contains("input: element 2 of rates"), "\(context.text)")

        let first = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","index":1,"overrides":{"input":0.2}}"#)
        #expect(!first.isError && first.text.contains("✓ RatingsFlow/spin-1/train/1 completed"), "\(first.text)")
        // A spin is not a run to spin from: the error says to use after.
        let wrong = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"pick","run":"spin-1"}"#)
        #expect(wrong.isError && wrong.text.contains(#"give after: "spin-1""#), "\(wrong.text)")
        // The next step, on that spin's output.
        #expect(try await evaluate(#"{"flow":"RatingsFlow","step":"pick","after":"spin-1","expression":"inputs[1].rate"}"#) == "0.2")
        let chained = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"pick","after":"spin-1"}"#)
        #expect(!chained.isError, "\(chained.text)")
        #expect(chained.text.contains("after RatingsFlow/spin-1"), "\(chained.text)")
        #expect(chained.text.contains("✓ RatingsFlow/spin-2/pick/1 completed"), "\(chained.text)")
        #expect(chained.text.contains("~ rmse_by_rate"), "\(chained.text)")
        let parents = try box.store().task(Pathspec(parsing: "RatingsFlow/spin-2/pick/1")).parents.map(\.description)
        #expect(parents.contains("RatingsFlow/spin-1/train/1"), "\(parents)")

        // A spin whose step fails answers isError, with the step's error.
        let failed = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","overrides":{"input":"'abc'"}}"#)
        #expect(failed.isError, "\(failed.text)")
        #expect(failed.text.contains("✗ RatingsFlow/spin-3/train/1 failed"), "\(failed.text)")
        #expect(await mcp.close() == 0)
    }

    @Test("index takes a full split address, outermost first, as spin --index 2.1 does")
    func splitAddress() async throws {
        let box = try Sandbox()
        let out = try box.run("ShapesFlow", ["run"])
        try #require(out.status == 0, "\(out.output)")
        let mcp = try await MCPSession(store: box.storeRoot)
        // ShapesFlow: regions [north, south, west] × shops [1, 2]; sales = shop * 100 + len(region).
        #expect(try await mcp.call("evaluate", #"{"flow":"ShapesFlow","step":"shop","index":[2,1],"expression":"input * 10 + len(region)"}"#).text == "24")
        // A shorter address names the innermost split (region 0 here).
        #expect(try await mcp.call("evaluate", #"{"flow":"ShapesFlow","step":"shop","index":1,"expression":"input * 10 + len(region)"}"#).text == "25")
        let spin = try await mcp.call("spin", #"{"flow":"ShapesFlow","step":"shop","index":[2,1],"overrides":{"input":5}}"#)
        #expect(!spin.isError, "\(spin.text)")
        #expect(spin.text.contains("~ sales: 204 → 504"), "\(spin.text)")
        let wrong = try await mcp.call("spin", #"{"flow":"ShapesFlow","step":"shop","index":[3,0]}"#)
        #expect(wrong.isError && wrong.text.contains("has no split 3.0") && !wrong.text.contains("--index"), "\(wrong.text)")
        #expect(await mcp.close() == 0)
    }
}
