import Foundation

/// Where a project's store lives: `.spindle/` in the project.
public enum StoreLocation {
    /// The environment variable that names a store explicitly.
    public static let environmentVariable = "SPINDLE_STORE"

    /// The nearest `.spindle` walking up from `directory`, else (when
    /// `creating`) `.spindle` at the nearest folder holding `Package.swift`,
    /// or in `directory` itself. (`--store` and `SPINDLE_STORE` come first:
    /// `StoreAddress.resolve` in SpindleFlow says which store a command uses.)
    public static func nearest(from directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                               creating: Bool) throws -> URL {
        let fm = FileManager.default
        var dir = directory.standardizedFileURL
        var package: URL?
        while true {
            let candidate = dir.appendingPathComponent(".spindle")
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), isDir.boolValue { return candidate }
            if package == nil, fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { package = dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        guard creating else { throw StoreError.notFound(searchedFrom: directory.path) }
        return (package ?? directory).appendingPathComponent(".spindle")
    }

    /// The one variable `resolve` reads, from this process's environment
    /// (getenv, not a dictionary of the whole environment).
    public static func currentEnvironment() -> [String: String] {
        getenv(environmentVariable).map { [environmentVariable: String(cString: $0)] } ?? [:]
    }
}
