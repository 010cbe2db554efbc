/// Everything `pclua emulator` can be told. Defaults make a small demo org that needs no set-up.
public struct EmulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 asks the system for a free port; `RunningEmulator.port` tells which.
    public var port = 0
    public var clientId = EmulatorConfiguration.defaultClientId
    public var clientSecret = EmulatorConfiguration.defaultClientSecret
    /// Seconds an access token lives (the platform allows 300 to 172800 per OAuth client).
    public var tokenTTL = 86400
    /// Requests per minute per token; 0 turns the limit off. 300 is the platform's default.
    public var rateLimit = 300
    /// Length of one rate-limit window in seconds (the platform's is 60). Shorter windows let tests
    /// see several windows quickly; the limit per window is scaled to keep `rateLimit` per minute.
    public var rateWindowSeconds = 60
    /// Share of API requests answered with a random 502, 503 or 504.
    public var faultRate = 0.0
    /// Share of API requests whose connection is closed without an answer.
    public var dropRate = 0.0
    /// Added before every answer.
    public var latencyMilliseconds = 0
    /// Makes the sequence of faults reproducible.
    public var faultSeed: UInt64 = 1
    /// Seconds during which a user created or changed through `/_emulator/users` is not yet seen
    /// by user search (the platform's search index is eventually consistent). 0: seen at once.
    public var indexDelaySeconds = 0.0
    public var data: EmulatorSeed = .demo(users: 200, groups: 20)
    /// The org's id and name, over those of the data file (or the demo org's): what `tokens/me`
    /// and `organizations/me` answer and the state exports.
    public var organizationId: String?
    public var organizationName: String?
    /// The OAuth client's name, as `tokens/me` gives it.
    public var clientName = EmulatorConfiguration.defaultClientName
    /// Operations answered 403 `missing.permissions` (SDK names, e.g. `get_tokens_me`), to rehearse
    /// a client whose role lacks a permission.
    public var forbiddenOperations: Set<String> = []

    public static let defaultClientId = "emulator-client"
    public static let defaultClientSecret = "emulator-secret"
    public static let defaultClientName = "pclua emulator client"

    public init() {}
}

public enum EmulatorSeed: Sendable {
    case demo(users: Int, groups: Int)
    case file(String)
    case empty
}
