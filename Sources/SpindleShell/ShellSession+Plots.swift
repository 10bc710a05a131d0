import SpindleValue

extension ShellSession {
    /// A sparkline of a numeric array, beside it in `vars` and `info`.
    func sparkline(_ v: Value) -> String? { nil }
}
