import LuaKit
import PureCloud

/// Reads the option tables of `purecloud.configure{...}` and `GroupsApi.new{...}`: every key is
/// checked, an unknown one gets a suggestion, a wrong type names the key.
struct OptionReader {
    let call: LuaCall
    let index: Int32
    let function: String
    let known: [String]

    /// `position` is the argument number Lua users see.
    init(_ call: LuaCall, index: Int32, function: String, position: Int, known: [String]) throws {
        self.call = call
        self.index = call.absolute(index)
        self.function = function
        self.known = known
        guard call.type(at: index) == .table else {
            throw LuaArgumentError(position: position, function: function, message: "table expected, got \(call.typeName(at: index))")
        }
        var unknown: String?
        var badKey = false
        call.forEach(self.index) {
            guard call.type(at: -2) == .string, let key = call.string(at: -2) else { badKey = true; return }
            if !known.contains(key) { unknown = unknown ?? key }
        }
        if badKey { throw ConfigurationError("\(function): option keys must be strings") }
        if let unknown {
            var message = "\(function): unknown option '\(unknown)'"
            if let guess = Validator.closest(unknown, among: known) { message += " (did you mean '\(guess)'?)" }
            else { message += " (options: \(known.joined(separator: ", ")))" }
            throw ConfigurationError(message)
        }
    }

    func has(_ key: String) -> Bool {
        call.getField(index, key)
        defer { call.pop() }
        return call.type(at: -1) != .nil
    }

    /// The value of `key` read with `read` when it has the Lua type `type`; nil when absent.
    private func value<T>(_ key: String, _ type: LuaType, named typeName: String, _ read: () -> T?) throws -> T? {
        call.getField(index, key)
        defer { call.pop() }
        switch call.type(at: -1) {
        case .nil: return nil
        case type: return read()
        default: throw ConfigurationError("\(function): '\(key)' must be a \(typeName), got \(call.typeName(at: -1))")
        }
    }

    func string(_ key: String) throws -> String? {
        try value(key, .string, named: "string") { call.string(at: -1) }
    }

    func bool(_ key: String) throws -> Bool? {
        try value(key, .boolean, named: "boolean") { call.boolean(at: -1) }
    }

    func number(_ key: String, minimum: Double = 0) throws -> Double? {
        guard let number = try value(key, .number, named: "number", { call.number(at: -1) }) else { return nil }
        guard number >= minimum, number.isFinite else {
            throw ConfigurationError("\(function): '\(key)' must be at least \(minimum), got \(number)")
        }
        return number
    }

    /// A nested option table (e.g. `retry = {...}`).
    func table(_ key: String, known: [String]) throws -> OptionReader? {
        call.getField(index, key)
        guard call.type(at: -1) != .nil else { call.pop(); return nil }
        // The nested table stays on the stack for the reader; the caller's stack guard clears it.
        return try OptionReader(call, index: -1, function: "\(function) \(key)", position: 1, known: known)
    }
}

/// Connection options shared by `configure` and `GroupsApi.new`.
enum ConnectionOptions {
    static let keys = ["profile", "environment", "base_url", "client_id", "client_secret", "access_token", "dry_run",
                       "retry", "timeout", "connect_timeout", "pacing",
                       "concurrency", "token_pool"]
    static let retryKeys = ["max_attempts", "base_delay", "max_delay", "max_retry_after", "total_budget"]

    /// The keys that say where to connect and as whom; a sealed rehearsal does not let them apply.
    static let connectionKeys = ["profile", "environment", "base_url", "client_id", "client_secret", "access_token"]

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

    /// A whole number from 1 to `limit` (checked before any conversion).
    static func wholeNumber(_ reader: OptionReader, _ key: String, upTo limit: Int) throws -> Int? {
        guard let n = try reader.number(key, minimum: 1) else { return nil }
        guard n == n.rounded(), n <= Double(limit) else {
            throw ConfigurationError("\(reader.function): '\(key)' must be a whole number from 1 to \(limit), got \(n)")
        }
        return Int(n)
    }

    /// Everything but where to connect: dry run, timeouts, pacing, retries.
    static func applyTuning(_ reader: OptionReader, to settings: inout SessionSettings) throws {
        if let dryRun = try reader.bool("dry_run") { settings.dryRun = dryRun }
        if let pacing = try reader.bool("pacing") { settings.pacing = pacing }
        if let timeout = try reader.number("timeout", minimum: 0.001) { settings.requestTimeout = timeout }
        if let connect = try reader.number("connect_timeout", minimum: 0.001) { settings.connectTimeout = connect }
        if let n = try wholeNumber(reader, "concurrency", upTo: ClientConfiguration.maximumConcurrency) { settings.concurrency = n }
        if let n = try wholeNumber(reader, "token_pool", upTo: ClientConfiguration.maximumTokenPool) { settings.tokenPool = n }
        if let retry = try reader.table("retry", known: retryKeys) {
            if let n = try retry.number("max_attempts", minimum: 1) { settings.retry.maxAttempts = Int(n) }
            if let n = try retry.number("base_delay") { settings.retry.baseDelay = n }
            if let n = try retry.number("max_delay") { settings.retry.maxDelay = n }
            if let n = try retry.number("max_retry_after") { settings.retry.maxRetryAfter = n }
            if let n = try retry.number("total_budget", minimum: 0.001) { settings.retry.totalBudget = n }
        }
    }
}
