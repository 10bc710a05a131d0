import Testing
@testable import SpindleStore

@Suite("Pathspecs")
struct PathspecTests {
    @Test("valid pathspecs parse and print back", arguments: [
        "RatingsFlow", "RatingsFlow/12", "RatingsFlow/spin-3", "RatingsFlow/latest",
        "RatingsFlow/12/train", "RatingsFlow/12/train/4", "RatingsFlow/spin-3/train/1/model", "_F/1/_s/0/_a",
    ])
    func valid(text: String) throws {
        #expect(try Pathspec(parsing: text).description == text)
    }

    @Test("the parts land in their fields")
    func fields() throws {
        let p = try Pathspec(parsing: "RatingsFlow/spin-3/train/4/model")
        #expect(p.flow == "RatingsFlow")
        #expect(p.run == .spin(3))
        #expect(p.run?.isSpin == true)
        #expect(p.step == "train")
        #expect(p.task == 4)
        #expect(p.artifact == "model")
    }

    @Test("bad pathspecs say what is wrong", arguments: [
        ("", "bad pathspec '': it is empty; expected Flow[/run[/step[/task[/artifact]]]]"),
        ("../etc/passwd", "bad pathspec '../etc/passwd': flow name '..' is not an identifier"),
        ("F/1/../x", "bad pathspec 'F/1/../x': step name '..' is not an identifier"),
        ("F//train", "bad pathspec 'F//train': part 2 is empty"),
        ("F/x1", "bad pathspec 'F/x1': run 'x1' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/0", "bad pathspec 'F/0': run '0' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/-1", "bad pathspec 'F/-1': run '-1' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/spin-", "bad pathspec 'F/spin-': run 'spin-' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/prod:0", "bad pathspec 'F/prod:0': run 'prod:0' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/:3", "bad pathspec 'F/:3': run ':3' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/9p:3", "bad pathspec 'F/9p:3': run '9p:3' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)"),
        ("F/1/train/four", "bad pathspec 'F/1/train/four': task 'four' is not a task id (a number)"),
        ("F/1/train/4/a b", "bad pathspec 'F/1/train/4/a b': artifact name 'a b' is not an identifier"),
        ("F/1/train/4/a/b", "bad pathspec 'F/1/train/4/a/b': it has 6 parts; at most 5 (Flow/run/step/task/artifact)"),
        ("Flow name", "bad pathspec 'Flow name': flow name 'Flow name' is not an identifier"),
        ("F/1/tr\u{0}ain", "bad pathspec 'F/1/tr\u{0}ain': step name 'tr\u{0}ain' is not an identifier"),
        ("F/1/trаin", "bad pathspec 'F/1/trаin': step name 'trаin' is not an identifier"),
    ])
    func invalid(text: String, message: String) {
        let error = #expect(throws: PathspecError.self) { try Pathspec(parsing: text) }
        #expect(error?.description == message)
    }

    @Test("identifiers are short ASCII names")
    func identifiers() {
        #expect(Pathspec.isIdentifier("train_2"))
        #expect(!Pathspec.isIdentifier("2train"))
        #expect(!Pathspec.isIdentifier(String(repeating: "a", count: 129)))
        #expect(Pathspec.isIdentifier(String(repeating: "a", count: 128)))
    }
}
