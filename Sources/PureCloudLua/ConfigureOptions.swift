import LuaKit
import PureCloud

/// The module's option tables (`purecloud.configure{...}`, `GroupsApi.new{...}`, the helpers'
/// options): LuaKit's checked reader, with the module's "did you mean" for an unknown key.
typealias OptionReader = LuaOptionTable

extension LuaOptionTable {
    init(_ call: LuaCall, index: Int32, function: String, position: Int, known: [String]) throws {
        try self.init(call, index: index, function: function, position: position, known: known, path: "", suggest: Validator.closest)
    }
}

/// Connection options shared by `configure` and `GroupsApi.new`: the settings of the declaration
/// (PureCloud/Settings.swift) that have a `configure` key, read with their declared types and
/// ranges through LuaKit's checked reader.
public enum ConnectionOptions {
    /// The keys of `*Api.new{...}`; `configure` takes these and the session's own (`progress`).
    static let keys = Settings.configureKeys(perConnection: true)
    static let configureKeys = Settings.configureKeys()

    /// The keys that say where to connect and as whom; a sealed rehearsal does not let them apply.
    static let connectionKeys = Settings.all.filter(\.choosesOrg).compactMap(\.configure)

    /// Applies the options in `reader` to `settings`. In a sealed rehearsal (`settings.sealed`) the
    /// connection keys are checked but not applied, and returned so the caller can say so.
    @discardableResult
    static func apply(_ reader: OptionReader, to settings: inout SessionSettings) throws -> [String] {
        if settings.sealed != nil {
            for key in connectionKeys { _ = try reader.string(key) }  // still a type error if mistyped
            let ignored = connectionKeys.filter(reader.has)
            try applyTuning(reader, to: &settings)
            return ignored
        }
        // A profile first, so explicit keys beside it win.
        if let profile = try reader.string("profile") { try settings.use(profile: profile) }
        if let baseURL = try reader.string("base_url") {
            settings.environment = try Environment.baseURL(baseURL)
        } else if let environment = try reader.string("environment") {
            settings.environment = try Environment.named(environment)
        }
        let id = try reader.string("client_id"), secret = try reader.string("client_secret")
        if let token = try reader.string("access_token") {
            guard !token.isEmpty else { throw ConfigurationError("\(reader.function): 'access_token' is empty") }
            settings.credentials = .accessToken(Secret(token))
        } else if id != nil || secret != nil {
            guard let id, !id.isEmpty, let secret, !secret.isEmpty else {
                throw ConfigurationError("\(reader.function): 'client_id' and 'client_secret' go together; one is missing or empty")
            }
            settings.credentials = .clientCredentials(id: id, secret: Secret(secret))
        }
        try applyTuning(reader, to: &settings)
        return []
    }

    /// Everything but where to connect (dry run, timeouts, pacing, retries, concurrency...): every
    /// declared setting with a `configure` key that does not choose the org, in the table's order,
    /// a key in a nested table (`retry.max_attempts`) read from that table.
    static func applyTuning(_ reader: OptionReader, to settings: inout SessionSettings) throws {
        var nested: [String: OptionReader?] = [:]
        for setting in Settings.all where !setting.choosesOrg {
            guard let key = setting.configure, reader.known.contains(String(key.prefix { $0 != "." })) else { continue }
            var source: OptionReader? = reader
            var name = key
            if let dot = key.firstIndex(of: ".") {
                let table = String(key[..<dot])
                name = String(key[key.index(after: dot)...])
                if nested[table] == nil { nested[table] = .some(try reader.table(table, known: Settings.configureKeys(prefix: table))) }
                source = nested[table] ?? nil
            }
            if let source, let value = try read(source, name, setting.value) { settings.set(setting.id, value) }
        }
    }

    /// One key, read as its declaration says.
    static func read(_ reader: OptionReader, _ key: String, _ value: Setting.Value) throws -> SettingValue? {
        switch value {
        case .flag: return try reader.boolean(key).map(SettingValue.on)
        case .text: return try reader.string(key).map(SettingValue.text)
        case let .choice(choices, _):
            guard let text = try reader.string(key) else { return nil }
            guard choices.contains(text) else { throw LuaOptionError("\(reader.function): '\(key)' must be \(Setting.either(choices)), got '\(Setting.shown(text))'") }
            return .text(text)
        case let .count(range, _): return try reader.integer(key, in: range).map(SettingValue.integer)
        case let .seconds(range, _): return try reader.number(key, in: range).map(SettingValue.seconds)
        case .fraction: return try reader.number(key, in: 0...1).map(SettingValue.fraction)
        }
    }

    /// For `help(purecloud.configure)` (ModuleSurface): every key, with its type, range, default,
    /// flag and help line, from the declaration.
    static var keyLines: String {
        var lines: [String] = []
        var table = ""
        for setting in Settings.all {
            guard let key = setting.configure else { continue }
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] != table {
                if !table.isEmpty { lines.append("  }") }
                table = parts[0]
                lines.append("  \(table) = {")
            } else if parts.count < 2, !table.isEmpty {
                lines.append("  }")
                table = ""
            }
            let indent = parts.count == 2 ? "      " : "  "
            let name = parts.count == 2 ? parts[1] : key
            // A flag that turns the setting off (--quiet) has the help of the flag: said of false.
            let flag = setting.flag.map { " (\($0))" } ?? ""
            lines.append(indent + name.padding(toLength: parts.count == 2 ? 16 : 20, withPad: " ", startingAt: 0)
                         + "\(setting.valueSummary): \(setting.flagTurnsOff ? "false: " : "")\(setting.help)\(flag)")
        }
        if !table.isEmpty { lines.append("  }") }
        return lines.joined(separator: "\n")
    }
}

extension SessionSettings {
    /// A setting of the declaration, as `configure{...}` or the command line gives it: the one
    /// place that says which field of the session holds which setting. The settings that choose
    /// the org are applied with their rules of precedence instead (`ConnectionOptions.apply`,
    /// the command line's `CredentialSources`), as are those of the command line only.
    public mutating func set(_ id: Setting.ID, _ value: SettingValue) {
        switch (id, value) {
        case let (.dryRun, .on(on)): dryRun = on
        case let (.progress, .on(on)): progress = on
        case let (.pacing, .on(on)): pacing = on
        case let (.timeout, .seconds(seconds)): requestTimeout = seconds
        case let (.connectTimeout, .seconds(seconds)): connectTimeout = seconds
        case let (.callBudget, .seconds(seconds)): retry.totalBudget = seconds
        case let (.baseDelay, .seconds(seconds)): retry.baseDelay = seconds
        case let (.maxDelay, .seconds(seconds)): retry.maxDelay = seconds
        case let (.maxRetryAfter, .seconds(seconds)): retry.maxRetryAfter = seconds
        case let (.maxAttempts, .integer(count)): retry.maxAttempts = count
        case let (.concurrency, .integer(count)): concurrency = count
        case let (.tokenPool, .integer(count)): tokenPool = count
        default: break
        }
    }
}
