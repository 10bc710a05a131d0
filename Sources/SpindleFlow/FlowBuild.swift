import Foundation

/// Keeps a flow binary in step with its sources: finds the package it was
/// built from, tells when a source is newer than the binary, and rebuilds
/// the product with `swift build`, showing the compiler's output only when
/// the build fails.
public struct FlowBuild: Sendable {
    /// The flow binary.
    public let binary: String
    /// The Swift package the binary is a product of.
    public let packageRoot: URL
    /// The product's name (the binary's file name).
    public let product: String
    /// `debug` or `release`, read from the binary's folder.
    public let configuration: String
    /// The build folder the binary lives in (`.build` or a `--scratch-path`).
    public let scratchPath: URL
    /// Where the flow's sources are: the package's `Sources`, the flow's own folder, `Package.swift`.
    public let sourceFolders: [URL]

    /// The build of `binary`, whose flow is written in `flowFile`; `nil` when
    /// the sources or the package cannot be found (a binary shipped alone).
    public static func locate(binary: String, flowFile: String) -> FlowBuild? {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: flowFile).deletingLastPathComponent()
        var root: URL?
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { root = dir; break }
            dir = dir.deletingLastPathComponent()
        }
        guard let root, fm.fileExists(atPath: flowFile) else { return nil }
        let binURL = URL(fileURLWithPath: binary).resolvingSymlinksInPath()
        let configDir = binURL.deletingLastPathComponent()          // …/debug
        let config = configDir.lastPathComponent == "release" ? "release" : "debug"
        // …/.build/<triple>/debug/X → …/.build
        let scratch = configDir.deletingLastPathComponent().deletingLastPathComponent()
        let folders = [root.appendingPathComponent("Sources"), URL(fileURLWithPath: flowFile).deletingLastPathComponent(),
                       root.appendingPathComponent("Package.swift")]
        return FlowBuild(binary: binURL.path, packageRoot: root, product: binURL.lastPathComponent,
                         configuration: config, scratchPath: scratch, sourceFolders: folders)
    }

    /// The newest modification time among the flow's Swift sources.
    public func newestSource() -> Date? {
        let fm = FileManager.default
        var newest: Date?
        func consider(_ url: URL) {
            if let d = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date, d > (newest ?? .distantPast) {
                newest = d
            }
        }
        for folder in sourceFolders {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder.path, isDirectory: &isDir) else { continue }
            if !isDir.boolValue { consider(folder); continue }
            let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey],
                                       options: [.skipsHiddenFiles])
            while let url = walker?.nextObject() as? URL {
                if url.lastPathComponent.hasPrefix(".build") { walker?.skipDescendants(); continue }
                if url.pathExtension == "swift" { consider(url) }
            }
        }
        return newest
    }

    /// Marks the moment the binary was last known to match its sources. A
    /// `swift build` with nothing to relink (a touched `Package.swift`, a
    /// comment) leaves the binary's own time alone, so that time alone would
    /// call it stale on every later spin; this file's time says when a build
    /// last checked it.
    public var stampPath: String { binary + ".spindle-built" }

    /// When the binary was last built or checked against its sources.
    public func builtAt() -> Date? {
        let fm = FileManager.default
        let times = [binary, stampPath].compactMap { (try? fm.attributesOfItem(atPath: $0))?[.modificationDate] as? Date }
        guard fm.fileExists(atPath: binary) else { return nil }
        return times.max()
    }

    /// Whether a source changed after the binary was built.
    public func isStale() -> Bool {
        guard let built = builtAt() else { return true }
        return (newestSource() ?? .distantPast) > built
    }

    /// A build that failed, with the compiler's output.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let output: String
        public let status: Int32
        public var description: String { "swift build failed (status \(status)):\n\(output)" }
    }

    /// Runs `swift build --product NAME` for the binary's configuration and build folder.
    public func rebuild(swift: String = "swift") throws {
        // A source saved while the build runs must still count as newer.
        let started = Date()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [swift, "build", "--product", product, "-c", configuration, "--scratch-path", scratchPath.path]
        p.currentDirectoryURL = packageRoot
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(output: String(decoding: output, as: UTF8.self), status: p.terminationStatus)
        }
        // The build succeeded: the binary matches the sources as they were when it started.
        if FileManager.default.createFile(atPath: stampPath, contents: nil) {
            try? FileManager.default.setAttributes([.modificationDate: started], ofItemAtPath: stampPath)
        }
    }
}
