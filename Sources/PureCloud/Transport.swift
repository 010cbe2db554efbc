import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Sends prepared requests: auth header, pacing, retries, timeouts, logging (DESIGN.md §5).
/// One per client; the HTTP connection pool is shared by the process.
public final class Transport: Sendable {
    let configuration: ClientConfiguration
    let log: EventLog
    let stats: TransportStats
    let pacer = RatePacer()
    let tokens: TokenProvider?
    let http: HTTPClient

    /// Connection pools for the process, one per connect timeout: AsyncHTTPClient keeps retrying
    /// a refused connection until the pool's connect timeout, so that timeout must be the
    /// configured one. Pools live for the process (a client must be shut down before it is
    /// released; these never are). Redirects are not followed, so a token never travels to another host.
    private static let pools = Mutex<[Int: HTTPClient]>([:])

    static func pool(connectTimeout: Double) -> HTTPClient {
        let milliseconds = max(1, Int(connectTimeout * 1000))
        return pools.withLock { pools in
            if let existing = pools[milliseconds] { return existing }
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            configuration.timeout = .init(connect: .milliseconds(Int64(milliseconds)))
            configuration.connectionPool = .init(idleTimeout: .seconds(30))
            let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            pools[milliseconds] = client
            return client
        }
    }

    public init(configuration: ClientConfiguration, log: EventLog) {
        self.configuration = configuration
        self.log = log
        let http = Transport.pool(connectTimeout: configuration.connectTimeout)
        self.http = http
        let stats = TransportStats()
        self.stats = stats
        tokens = configuration.credentials.map {
            TokenProvider(credentials: $0, tokenURL: configuration.environment.tokenURL, http: http,
                          timeout: configuration.requestTimeout, retry: configuration.retry, log: log, stats: stats)
        }
    }

    public var counts: TransportCounts { stats.snapshot }

    /// The current access token (fetched if needed), for `authenticate_with_client_credentials`.
    public func currentToken() async throws -> Secret {
        guard let tokens else { throw missingCredentials }
        return try await tokens.current()
    }

    var missingCredentials: APIError {
        APIError(status: 0, code: "credentials.missing",
                 message: "no credentials: pass --client-id and --client-secret, set PURECLOUD_CLIENT_ID and PURECLOUD_SECRET, or use a profile",
                 operation: "authenticate")
    }

    public func send(_ request: PreparedRequest, safety: RetrySafety) async throws -> APIResponse {
        guard let tokens else { throw missingCredentials }
        let policy = configuration.retry
        let deadline = Date().addingTimeInterval(policy.totalBudget)
        var attempt = 0
        var renewedAfter401 = false
        var rejected: Secret?
        while true {
            attempt += 1
            if configuration.pacing {
                let wait = pacer.delayBeforeSend()
                if wait > 0 {
                    try checkBudget(wait, deadline: deadline, request: request, attempts: attempt - 1, why: "the rate-limit window to reset")
                    log.info("pacing: waiting for the rate-limit window", [("operation", .string(request.operation)), ("seconds", .double((wait * 10).rounded() / 10))])
                    stats.update { $0.paceWaits += 1; $0.secondsWaited += wait }
                    try await sleep(wait)
                    pacer.windowReset()
                }
            }
            let token = try await tokens.current(rejected: rejected, deadline: deadline)
            let outcome: Outcome
            do {
                outcome = .answer(try await exchange(request, token: token))
            } catch let error as CancellationError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                outcome = .failure(error, sent: Transport.mayHaveBeenSent(error))
            }
            stats.update { $0.requests += 1 }

            switch outcome {
            case let .answer(response) where (200..<300).contains(response.status):
                return APIResponse(status: response.status, body: response.body, correlationId: response.correlationId, attempts: attempt)

            case let .answer(response):
                let error = APIError.from(status: response.status, body: response.body, operation: request.operation,
                                          correlationId: response.correlationId, retryAfter: response.retryAfter, attempts: attempt)
                if response.status == 401, !renewedAfter401, await tokens.canRenew {
                    renewedAfter401 = true
                    rejected = token
                    log.info("token refused; renewing it once", [("operation", .string(request.operation)), ("correlation_id", .string(error.correlationId ?? ""))])
                    attempt -= 1
                    continue
                }
                let wait: Double
                if response.status == 429 {
                    stats.update { $0.rateLimited += 1 }
                    let after = Double(response.retryAfter ?? 1)
                    if after > policy.maxRetryAfter {
                        var failure = error
                        failure.code = "rate.limit.wait.too.long"
                        failure.message = "the platform asked to wait \(Int(after)) s before retrying, more than the \(Int(policy.maxRetryAfter)) s allowed (retry.max_retry_after); \(error.message)"
                        throw failure
                    }
                    pacer.observeRetryAfter(after)
                    wait = 0  // the pacer waits before the next attempt
                } else if [502, 503, 504].contains(response.status) && safety == .repeatable {
                    wait = policy.backoff(afterAttempt: attempt)
                } else {
                    throw error
                }
                guard attempt < policy.maxAttempts else { throw error }
                try checkBudget(wait, deadline: deadline, request: request, attempts: attempt, why: "a retry", last: error)
                stats.update { $0.retries += 1 }
                log.info("retrying after HTTP \(response.status)", [
                    ("operation", .string(request.operation)), ("attempt", .int(Int64(attempt + 1))),
                    ("wait_seconds", .double((wait * 100).rounded() / 100)), ("correlation_id", .string(error.correlationId ?? "")),
                ])
                try await sleep(wait)

            case let .failure(error, sent):
                let failure = Transport.networkError(error, operation: request.operation, host: configuration.environment.apiBase, attempts: attempt)
                guard !sent || safety == .repeatable, attempt < policy.maxAttempts else { throw failure }
                let wait = policy.backoff(afterAttempt: attempt)
                try checkBudget(wait, deadline: deadline, request: request, attempts: attempt, why: "a retry", last: failure)
                stats.update { $0.retries += 1 }
                log.info("retrying after a connection failure", [
                    ("operation", .string(request.operation)), ("attempt", .int(Int64(attempt + 1))),
                    ("wait_seconds", .double((wait * 100).rounded() / 100)), ("error", .string(failure.message)),
                ])
                try await sleep(wait)
            }
        }
    }

    private enum Outcome {
        case answer(RawAnswer)
        case failure(any Error, sent: Bool)
    }

    struct RawAnswer {
        var status: Int
        var body: [UInt8]
        var correlationId: String?
        var retryAfter: Int?
    }

    private func exchange(_ request: PreparedRequest, token: Secret) async throws -> RawAnswer {
        var http = HTTPClientRequest(url: configuration.environment.apiBase + request.target)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        http.headers.add(name: "Authorization", value: "Bearer \(token.exposed)")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: "pclua/\(PurecloudVersion.current)")
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        let started = Date()
        let response = try await self.http.execute(http, timeout: .milliseconds(Int64(configuration.requestTimeout * 1000)))
        let buffer = try await response.body.collect(upTo: 256 << 20)
        let answer = RawAnswer(
            status: Int(response.status.code), body: Array(buffer.readableBytesView),
            correlationId: response.headers.first(name: "ININ-Correlation-Id"),
            retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        if configuration.pacing {
            pacer.observe(
                count: response.headers.first(name: "inin-ratelimit-count").flatMap { Int($0) },
                allowed: response.headers.first(name: "inin-ratelimit-allowed").flatMap { Int($0) },
                resetSeconds: response.headers.first(name: "inin-ratelimit-reset").flatMap { Double($0) })
        }
        log.debug("\(request.method.rawValue) \(request.operation) -> \(answer.status)", [
            ("operation", .string(request.operation)), ("status", .int(Int64(answer.status))),
            ("correlation_id", .string(answer.correlationId ?? "")),
            ("duration_ms", .int(Int64(Date().timeIntervalSince(started) * 1000))),
        ])
        return answer
    }

    private func checkBudget(_ wait: Double, deadline: Date, request: PreparedRequest, attempts: Int, why: String, last: APIError? = nil) throws {
        guard Date().addingTimeInterval(wait) > deadline else { return }
        var failure = last ?? APIError(status: 0, code: "request.timeout", message: "", operation: request.operation, attempts: attempts)
        failure.message = "gave up: waiting for \(why) would exceed the call's time budget of \(Int(configuration.retry.totalBudget)) s" + (last.map { "; last error: \($0.message)" } ?? "")
        failure.attempts = attempts
        throw failure
    }

    private func sleep(_ seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }

    /// Whether the request may have reached the server: only a connection that never opened is
    /// known not to have.
    static func mayHaveBeenSent(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return false }
        if error is NIOConnectionError { return false }
        let text = String(describing: error).lowercased()
        return !(text.contains("connection refused") || text.contains("connecttimeout") || text.contains("connect timeout"))
    }

    static func networkError(_ error: any Error, operation: String, host: String, attempts: Int) -> APIError {
        if let api = error as? APIError { return api }
        if error is CancellationError || (error as? HTTPClientError) == .cancelled {
            return APIError(status: 0, code: "interrupted", message: "the request was cancelled", operation: operation, attempts: attempts)
        }
        let text = String(describing: error)
        let lower = text.lowercased()
        let hostName = URLComponents(string: host)?.host ?? host
        if (error as? HTTPClientError) == .readTimeout || (error as? HTTPClientError) == .deadlineExceeded || lower.contains("timeout") {
            return APIError(status: 0, code: "request.timeout", message: "\(hostName) did not answer in time", operation: operation, attempts: attempts)
        }
        if lower.contains("refused") || error is NIOConnectionError || lower.contains("resolve") || lower.contains("dns") {
            return APIError(status: 0, code: "network.unreachable", message: "cannot reach \(hostName): \(lower.contains("refused") ? "connection refused" : text)", operation: operation, attempts: attempts)
        }
        if (error as? HTTPClientError) == .remoteConnectionClosed {
            return APIError(status: 0, code: "network.connection.closed", message: "\(hostName) closed the connection without answering", operation: operation, attempts: attempts)
        }
        return APIError(status: 0, code: "network.error", message: "request to \(hostName) failed: \(text)", operation: operation, attempts: attempts)
    }
}

public enum PurecloudVersion {
    public static let current = "0.1.0"
}
