import Foundation

/// Where S3 credentials and the region come from: the environment, then the
/// AWS shared files, as the AWS command line and SDKs read them. Never from
/// a command line (where `ps` would show a secret) or from the store.
///
/// ```swift
/// let credentials = try AWSConfiguration.credentials()   // AWS_ACCESS_KEY_ID… or ~/.aws/credentials
/// let region = AWSConfiguration.region() ?? "us-east-1"
/// ```
public enum AWSConfiguration {
    /// The credentials to sign with:
    /// 1. `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`);
    /// 2. otherwise the profile `AWS_PROFILE` (default `default`) in the
    ///    shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
    ///    `~/.aws/credentials`), then in the config file (`AWS_CONFIG_FILE`,
    ///    default `~/.aws/config`, where the section is `[profile NAME]`).
    public static func credentials(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(S3Error) -> SigV4.Credentials {
        if let key = nonEmpty(environment["AWS_ACCESS_KEY_ID"]), let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) {
            return SigV4.Credentials(accessKey: key, secretKey: secret, sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]))
        }
        let profile = self.profile(environment)
        var searched = ["AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"]
        for (path, section) in [(credentialsFile(environment), profile), (configFile(environment), configSection(profile))] {
            searched.append("[\(section)] in \(path)")
            guard let values = readSection(section, of: path),
                  let key = nonEmpty(values["aws_access_key_id"]), let secret = nonEmpty(values["aws_secret_access_key"]) else { continue }
            return SigV4.Credentials(accessKey: key, secretKey: secret, sessionToken: nonEmpty(values["aws_session_token"]))
        }
        throw .noCredentials(searched: searched.joined(separator: ", "))
    }

    /// The region: `AWS_REGION`, `AWS_DEFAULT_REGION`, or the profile's
    /// `region` in the config file; nil when none says.
    public static func region(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let r = nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"]) { return r }
        return nonEmpty(readSection(configSection(profile(environment)), of: configFile(environment))?["region"])
    }

    static func profile(_ env: [String: String]) -> String {
        nonEmpty(env["AWS_PROFILE"]) ?? nonEmpty(env["AWS_DEFAULT_PROFILE"]) ?? "default"
    }

    static func configSection(_ profile: String) -> String { profile == "default" ? "default" : "profile \(profile)" }

    static func credentialsFile(_ env: [String: String]) -> String {
        nonEmpty(env["AWS_SHARED_CREDENTIALS_FILE"]) ?? home(env) + "/.aws/credentials"
    }

    static func configFile(_ env: [String: String]) -> String {
        nonEmpty(env["AWS_CONFIG_FILE"]) ?? home(env) + "/.aws/config"
    }

    static func home(_ env: [String: String]) -> String { nonEmpty(env["HOME"]) ?? NSHomeDirectory() }

    /// The `key = value` lines of `[section]` in the INI file at `path`, keys
    /// lowercased; nil when the file or the section is absent.
    static func readSection(_ section: String, of path: String) -> [String: String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var current: String?
        var found: [String: String]?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if current == section, found == nil { found = [:] }
                continue
            }
            guard current == section, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            found?[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return found
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
