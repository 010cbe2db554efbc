import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The access token of one client: fetched with client credentials, cached in memory, renewed
/// before it expires and once after a 401. Concurrent callers share one renewal.
actor TokenProvider {
    private let credentials: Credentials
    private let tokenURL: String
    private let http: HTTPClient
    private let timeout: Double
    private let log: EventLog
    private let stats: TransportStats
    private let retry: RetryPolicy
    private var token: Secret?
    private var expiresAt: Date?
    private var renewal: Task<Secret, any Error>?

    init(credentials: Credentials, tokenURL: String, http: HTTPClient, timeout: Double, retry: RetryPolicy, log: EventLog, stats: TransportStats) {
        self.credentials = credentials
        self.retry = retry
        self.tokenURL = tokenURL
        self.http = http
        self.timeout = timeout
        self.log = log
        self.stats = stats
        if case let .accessToken(given) = credentials { token = given }
    }

    var canRenew: Bool {
        if case .clientCredentials = credentials { return true }
        return false
    }

    /// A token good for at least the next few seconds. `rejected` is the token a 401 came back for:
    /// it is renewed unless another caller already did.
    /// `deadline` bounds the retries of a renewal (the call's time budget). Cancelling the caller
    /// cancels the renewal it waits for (Ctrl-C, SIGTERM).
    func current(rejected: Secret? = nil, deadline: Date = .distantFuture) async throws -> Secret {
        if let token, token != rejected, !expiresSoon { return token }
        if !canRenew, let token { return token }
        let task: Task<Secret, any Error>
        if let renewal {
            task = renewal
        } else {
            task = Task { try await self.fetchRetrying(deadline: deadline) }
            renewal = task
        }
        defer { if renewal == task { renewal = nil } }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Renew when less than a minute is left, or a fifth of the lifetime for short-lived tokens.
    private var expiresSoon: Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSinceNow < margin
    }

    private var margin: Double = 60

    /// Asking for a token twice is harmless, so every transient failure is retried (429, 5xx,
    /// connection errors); a refused client is not.
    private func fetchRetrying(deadline: Date) async throws -> Secret {
        var attempt = 0
        var connectFailures = 0
        while true {
            attempt += 1
            do {
                return try await fetch(deadline: deadline)
            } catch let error as APIError where attempt < retry.maxAttempts && (error.status == 0 || error.status == 429 || error.status >= 500)
                && !["interrupted", "response.too.large", "network.tls.certificate"].contains(error.code) {
                let unreachable = error.code == "network.unreachable"
                if unreachable { connectFailures += 1 }
                // A Retry-After that is absent, negative or not a number waits a second, never zero.
                let wait = error.status == 429 ? Double(max(error.retryAfter ?? 1, 1))
                    : unreachable ? retry.connectBackoff(afterFailure: connectFailures) : retry.backoff(afterAttempt: attempt)
                if wait > retry.maxRetryAfter || Date().addingTimeInterval(wait) > deadline || connectFailures >= retry.maxConnectAttempts {
                    var failure = error
                    failure.attempts = attempt
                    throw failure
                }
                stats.update { $0.retries += 1 }
                log.log(unreachable ? .warn : .info, unreachable ? "cannot connect for a token; retrying" : "retrying the token request", [
                    ("attempt", .int(Int64(attempt + 1))), ("error", .string(unreachable ? error.message : error.code)),
                    ("wait_seconds", .double((wait * 100).rounded() / 100)),
                ])
                try await sleepSeconds(wait)
            }
        }
    }

    /// Largest token answer read (a real one is about a kilobyte).
    static let maximumResponseBytes = 1 << 20

    private func fetch(deadline: Date) async throws -> Secret {
        guard case let .clientCredentials(id, secret) = credentials else {
            throw APIError(status: 401, code: "credentials.expired", message: "the access token was refused and cannot be renewed; configure client credentials or a new token", operation: "authenticate")
        }
        let basic = Data("\(id):\(secret.exposed)".utf8).base64EncodedString()
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Basic \(basic)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials"))
        let response: BoundedExchange.Answer
        do {
            // The whole exchange, body included, within the request timeout and the call's budget.
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw APIError(status: 0, code: "request.timeout", message: "gave up: the call's time budget of \(ServerNumbers.format(retry.totalBudget)) s is spent", operation: "authenticate")
            }
            response = try await BoundedExchange.run(http, request, timeout: min(timeout, left), limit: Self.maximumResponseBytes)
        } catch let tooLarge as BoundedExchange.TooLarge {
            throw APIError(status: tooLarge.status, code: "response.too.large",
                           message: "the token endpoint's answer is larger than \(tooLarge.limit >> 10) KB; reading stopped there", operation: "authenticate")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Transport.networkError(error, operation: "authenticate", host: tokenURL, attempts: 1)
        }
        let bytes = response.body
        let correlationId = response.headers.first(name: "ININ-Correlation-Id")
        guard response.status == 200 else {
            let retryAfter = ServerNumbers.retryAfter(response.headers.first(name: "Retry-After"))
            var failure = APIError.from(status: response.status, body: bytes, operation: "authenticate", correlationId: correlationId, retryAfter: retryAfter, attempts: 1)
            if failure.code == "invalid_client" || failure.code == "unauthorized_client" || failure.status == 401 {
                failure.message = "the client id or secret was refused (\(failure.message))"
            }
            throw failure
        }
        guard let parsed = JSONValue.parse(bytes), let value = parsed["access_token"]?.stringValue, !value.isEmpty else {
            throw APIError(status: 200, code: "bad.token.response", message: "the token endpoint answered without an access_token", operation: "authenticate", correlationId: correlationId)
        }
        let lifetime: Double
        switch ServerNumbers.lifetime(parsed["expires_in"]) {
        case .absent: lifetime = 86400
        case let .seconds(seconds): lifetime = seconds
        case let .invalid(text):
            throw APIError(status: 200, code: "bad.token.response",
                           message: "the token endpoint answered with expires_in \(text.prefix(40)), not a positive number of seconds",
                           operation: "authenticate", correlationId: correlationId)
        }
        margin = min(60, lifetime / 5)
        expiresAt = Date().addingTimeInterval(lifetime)
        token = Secret(value)
        stats.update { $0.tokensFetched += 1 }
        log.info("obtained an access token", [("expires_in", .int(Int64(lifetime)))])
        return Secret(value)
    }
}
