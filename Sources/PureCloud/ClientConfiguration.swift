/// Everything one API client needs; each `APIClient` has its own credentials, token and pace,
/// so a script can talk to several orgs at once.
public struct ClientConfiguration: Sendable {
    public var environment: Environment
    public var credentials: Credentials?
    public var retry = RetryPolicy()
    /// Seconds to open a connection, per try. Short by default so that nobody listening fails
    /// in seconds (three tries, docs/cron.md); answers of a slow server are bounded by
    /// `requestTimeout` instead.
    public var connectTimeout = ClientConfiguration.defaultConnectTimeout
    public static let defaultConnectTimeout = Settings.defaultSeconds(.connectTimeout)
    /// Seconds for one attempt of one request, answer included.
    public var requestTimeout = Settings.defaultSeconds(.timeout)
    /// Writes are logged and not sent.
    public var dryRun = false
    /// Space requests by the `inin-ratelimit-*` headers so long jobs do not run into 429s.
    public var pacing = true
    /// Most requests in flight at once (`--concurrency`); 1 sends one request at a time. Jobs run
    /// that many groups or batches side by side; the pacer keeps the total within the rate limit.
    public var concurrency = ClientConfiguration.defaultConcurrency
    /// Chosen from docs/benchmarks.md: at 250 ms a round trip, 8 in flight keep a pool of three
    /// tokens at its limit with room to spare, and cost nothing when the rate limit is the bound.
    public static let defaultConcurrency = Settings.defaultCount(.concurrency)
    public static let maximumConcurrency = Settings.countRange(.concurrency).upperBound
    /// Tokens fetched with the same client credentials (`--token-pool`), each paced to its own
    /// budget; requests go to whichever token may send. 1 (the default) is one token.
    public var tokenPool = Settings.defaultCount(.tokenPool)
    public static let maximumTokenPool = Settings.countRange(.tokenPool).upperBound

    public init(environment: Environment, credentials: Credentials?) {
        self.environment = environment
        self.credentials = credentials
    }
}

/// An answer of the API.
public struct APIResponse: Sendable {
    public let status: Int
    public let body: [UInt8]
    public let correlationId: String?
    public let attempts: Int

    public init(status: Int, body: [UInt8], correlationId: String?, attempts: Int) {
        self.status = status
        self.body = body
        self.correlationId = correlationId
        self.attempts = attempts
    }

    public var json: JSONValue? { body.isEmpty ? nil : JSONValue.parse(body) }
}
