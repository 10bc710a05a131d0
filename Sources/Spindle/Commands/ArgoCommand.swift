import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore

/// `argo`: the flow for Argo Workflows on Kubernetes (docs/engines.md).
struct ArgoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "argo", abstract: "Hand the flow to Argo Workflows on Kubernetes.",
        subcommands: [ArgoExportCommand.self])
}

struct ArgoExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the flow as an Argo WorkflowTemplate (YAML).",
        discussion: """
            One container template per step, each running this binary's `_step` command in IMAGE against the shared \
            store: parameters as workflow parameters, foreach as a fan-out (withParam), joins waiting for every split, \
            retries, timeouts and resources from the steps. Credentials come from a Kubernetes Secret (--secret) whose \
            keys become environment variables (PGPASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY…). \
            docs/engines.md shows how to build the image and submit it.
            """)
    @Option(help: ArgumentHelp("The container image holding this flow binary.", valueName: "registry/image:tag")) var image: String
    @Option(help: ArgumentHelp("The Kubernetes Secret with the store's credentials.", valueName: "name")) var secret = "spindle-store"
    @Option(help: ArgumentHelp("Where the flow binary is in the image (default: /usr/local/bin/FLOW).", valueName: "path")) var binaryPath: String?
    @Option(help: ArgumentHelp("The template's name (default: the flow's, in lowercase).", valueName: "name")) var name: String?
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let address = try StoreAddress.resolve(explicit: try storeOptions.named(), creating: false)
        guard address.isShared else {
            throw ValidationError("argo export needs a shared store every pod can reach: --store PROFILE (spindle.toml) or --store 'postgres://…,s3://…'")
        }
        let export = ArgoExport(graph: Spindle.graph, image: image, store: address.description, secret: secret,
                                binaryPath: binaryPath, name: name)
        print(try export.yaml(), terminator: "")
    }
}
