/// When and how long the transport retries (DESIGN.md §5). On by default, unlike the official SDKs.
public struct RetryPolicy: Sendable, Equatable {
    /// Most times one request is sent (1 = no retries).
    public var maxAttempts = Settings.defaultCount(.maxAttempts)
    /// First backoff for 5xx and connection errors; doubles each time, with jitter.
    public var baseDelay = Settings.defaultSeconds(.baseDelay)
    /// Cap of one backoff.
    public var maxDelay = Settings.defaultSeconds(.maxDelay)
    /// A `Retry-After` above this many seconds fails the call instead of waiting (the official
    /// Go, Java and .NET clients use 180).
    public var maxRetryAfter = Settings.defaultSeconds(.maxRetryAfter)
    /// Total time one call may take, retries and waits included.
    public var totalBudget = Settings.defaultSeconds(.callBudget)
    /// Most times a connection is tried when it never opens (refused, unknown name, no answer to
    /// the connect): nobody is there, so a few quick tries rather than minutes of them.
    public var maxConnectAttempts = 3

    public init() {}

    public static let none: RetryPolicy = {
        var policy = RetryPolicy()
        policy.maxAttempts = 1
        return policy
    }()

    /// The short wait before trying to connect again: 0.2 s, then 0.4 s, with jitter.
    func connectBackoff(afterFailure failures: Int) -> Double {
        let ceiling = min(2, 0.2 * Double(1 << min(failures - 1, 4)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    /// Full-jitter exponential backoff: a random wait between half and all of min(max, base·2^n).
    func backoff(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        // Settings come from scripts: an infinite or NaN delay must not trap in random(in:).
        guard ceiling.isFinite, ceiling > 0 else { return ceiling > 0 ? Double(ServerNumbers.maximumSeconds) : 0 }
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}

/// Which failures a write may be sent again after (each write's entry in the operation table
/// says, `Operation.Effect`).
public enum RetrySafety: Sendable, Equatable {
    /// Sending it twice has the effect of sending it once (reads, deletes, and writes made
    /// conditional by a version, which the platform refuses the second time).
    case repeatable
    /// Only when the server cannot have acted: a 429, or a connection that never opened.
    case onlyIfNotProcessed
}

