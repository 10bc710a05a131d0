import ArgumentParser
import Foundation
import SpindleStore

/// What `spindle ui` needs from the run browser, which (with its HTTP server)
/// is linked only into the `spindle` tool and handed over through
/// ``SpindleTool/main(mcpServer:runBrowser:)``: flow binaries stay small.
public typealias RunBrowserServer = @Sendable (_ store: Store, _ host: String, _ port: Int, _ ready: @Sendable (String) -> Void) throws -> Void

/// `spindle ui`: the run browser on a local web server.
struct UITool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Browse the store's runs, tasks, artifacts, cards, spins and diffs in a web browser.",
        discussion: """
        Serves the store read-only on http://127.0.0.1:PORT/ (this machine only) and prints the URL. Binding \
        another address needs --allow-remote: anyone who can reach it reads the store. Works on any store, \
        SQLite or shared. Ctrl-C stops it.
        """)
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0: any free one).") var port = 8786
    @Flag(help: "Allow an address other than 127.0.0.1 (the store becomes readable from elsewhere).") var allowRemote = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if !allowRemote && host != "127.0.0.1" && host != "localhost" {
            throw ValidationError("--host \(host) would let other machines read this store; add --allow-remote if that is what you want")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() throws {
        guard let server = SpindleTool.runBrowser else { throw ValidationError("this build of spindle has no run browser") }
        let store = try storeOptions.open(creating: false)
        // It runs until Ctrl-C or SIGTERM, whatever signal mask it was started with (a parent may block them).
        var ends = sigset_t()
        sigemptyset(&ends)
        sigaddset(&ends, SIGINT)
        sigaddset(&ends, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &ends, nil)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        try server(store, host == "localhost" ? "127.0.0.1" : host, port) { url in
            // Written unbuffered: a script or test waits for this line.
            FileHandle.standardOutput.write(Data("spindle ui: serving \(store.address) at \(url) (Ctrl-C stops)\n".utf8))
        }
    }
}
