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

/// Connection options shared by `configure` and `GroupsApi.new`.
enum ConnectionOptions {
    static let keys = ["profile", "environment", "base_url", "client_id", "client_secret", "access_token", "dry_run",
                       "retry", "timeout", "connect_timeout", "pacing",
                       "concurrency", "token_pool"]
    static let retryKeys = ["max_attempts", "base_delay", "max_delay", "max_retry_after", "total_budget"]

    /// The ranges of the numbers, checked before any conversion (as the command line's flags).
    static let seconds: ClosedRange<Double> = 0.001...86_400
    static let delay: ClosedRange<Double> = 0...86_400
    static let attempts = 1...100

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

    /// Everything but where to connect: dry run, timeouts, pacing, retries.
    static func applyTuning(_ reader: OptionReader, to settings: inout SessionSettings) throws {
        if let dryRun = try reader.boolean("dry_run") { settings.dryRun = dryRun }
        if let pacing = try reader.boolean("pacing") { settings.pacing = pacing }
        if let timeout = try reader.number("timeout", in: seconds) { settings.requestTimeout = timeout }
        if let connect = try reader.number("connect_timeout", in: seconds) { settings.connectTimeout = connect }
        if let n = try reader.integer("concurrency", in: 1...ClientConfiguration.maximumConcurrency) { settings.concurrency = n }
        if let n = try reader.integer("token_pool", in: 1...ClientConfiguration.maximumTokenPool) { settings.tokenPool = n }
        if let retry = try reader.table("retry", known: retryKeys) {
            if let n = try retry.integer("max_attempts", in: attempts) { settings.retry.maxAttempts = n }
            if let n = try retry.number("base_delay", in: delay) { settings.retry.baseDelay = n }
            if let n = try retry.number("max_delay", in: delay) { settings.retry.maxDelay = n }
            if let n = try retry.number("max_retry_after", in: delay) { settings.retry.maxRetryAfter = n }
            if let n = try retry.number("total_budget", in: seconds) { settings.retry.totalBudget = n }
        }
    }
}
