import Foundation
import TOMLKit

/// Profiles of the Genesys Cloud CLI's `~/.gc/config.toml`, so admins configure once for `gc`
/// and pclua. Keys read (contract §11): `environment`, `client_credentials` (the client id),
/// `client_secret`, `access_token`.
public struct Profile: Sendable {
    public let name: String
    public let file: String
    public let environment: String?
    public let clientId: String?
    public let clientSecret: Secret?
    public let accessToken: Secret?

    /// The credentials the profile gives, or a message naming the file and the missing key.
    public func credentials() throws -> Credentials {
        if let accessToken { return .accessToken(accessToken) }
        guard let clientId else {
            throw ConfigurationError("profile [\(name)] in \(file) has no 'client_credentials' (the OAuth client id) and no 'access_token'")
        }
        guard let clientSecret else {
            throw ConfigurationError("profile [\(name)] in \(file) has 'client_credentials' but no 'client_secret'")
        }
        return .clientCredentials(id: clientId, secret: clientSecret)
    }
}

public struct ProfileFile: Sendable {
    public let path: String
    public let profiles: [String: Profile]
    /// Set when others can read the file: it holds secrets.
    public let warning: String?

    public static let defaultProfile = "DEFAULT"

    /// `~/.gc/config.toml` under `home` (the HOME environment variable).
    public static func defaultPath(home: String) -> String {
        (home as NSString).appendingPathComponent(".gc/config.toml")
    }

    /// Reads the file; nil when it does not exist.
    public static func load(path: String) throws -> ProfileFile? {
        // access(2), not FileManager: making FileManager.default is a measurable part of a run's
        // start when, as usually, there is no profile file (docs/benchmarks.md, figure 8).
        guard access(path, F_OK) == 0 else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(path) (permissions?)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigurationError("\(path):\(error.source.begin.line):\(error.source.begin.column): not valid TOML: \(error.description)")
        } catch {
            throw ConfigurationError("\(path): not valid TOML: \(error)")
        }
        var profiles: [String: Profile] = [:]
        for (name, value) in table {
            guard let section = value.table else { continue }
            func text(_ key: String) throws -> String? {
                guard let raw = section[key] else { return nil }
                guard let string = raw.string else {
                    throw ConfigurationError("profile [\(name)] in \(path): '\(key)' must be a string")
                }
                let trimmed = string.trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : trimmed
            }
            profiles[name] = Profile(
                name: name, file: path, environment: try text("environment"), clientId: try text("client_credentials"),
                clientSecret: try text("client_secret").map(Secret.init), accessToken: try text("access_token").map(Secret.init))
        }
        var warning: String?
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            warning = "\(path) can be read by other users and holds secrets: chmod 600 \(path)"
        }
        return ProfileFile(path: path, profiles: profiles, warning: warning)
    }

    public func profile(_ name: String) throws -> Profile {
        guard let profile = profiles[name] else {
            let known = profiles.keys.sorted().joined(separator: ", ")
            throw ConfigurationError("no profile [\(name)] in \(path)" + (known.isEmpty ? "" : " (profiles: \(known))"))
        }
        return profile
    }
}
