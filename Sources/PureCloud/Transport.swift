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
    /// One token and its pacer per lane: one lane, or `tokenPool` with client credentials.
    let lanes: [Lane]
    /// At most `concurrency` exchanges in flight.
    let slots: RequestSlots
    let http: HTTPClient
    private let nextLane = Mutex(0)

    /// A token of the pool with the pacer that keeps it within its own rate limit.
    struct Lane: Sendable {
        let tokens: TokenProvider
        let pacer = RatePacer()
    }

    var tokens: TokenProvider? { lanes.first?.tokens }

    /// Connection pools for the process, one per connect timeout: AsyncHTTPClient keeps retrying
    /// a refused connection until the pool's connect timeout, so that timeout must be the
    /// configured one. Pools live for the process (a client must be shut down before it is
    /// released; these never are). Redirects are not followed, so a token never travels to another host.
    private static let pools = Mutex<[Int: HTTPClient]>([:])

    static func pool(connectTimeout: Double) -> HTTPClient {
        let seconds = connectTimeout.isFinite ? min(max(connectTimeout, 0.001), 3600) : ClientConfiguration.defaultConnectTimeout
        let milliseconds = Int(seconds * 1000)
        return pools.withLock { pools in
            if let existing = pools[milliseconds] { return existing }
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            configuration.timeout = .init(connect: .milliseconds(Int64(milliseconds)))
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: ClientConfiguration.maximumConcurrency)
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
        slots = RequestSlots(limit: configuration.concurrency)
        if let credentials = configuration.credentials {
            // A given access token is one token; a pool needs client credentials to fetch more.
            let size: Int
            if case .clientCredentials = credentials { size = max(1, configuration.tokenPool) } else { size = 1 }
            lanes = (0..<size).map { _ in
                Lane(tokens: TokenProvider(credentials: credentials, tokenURL: configuration.environment.tokenURL, http: http,
                                           timeout: configuration.requestTimeout, retry: configuration.retry, log: log, stats: stats))
            }
        } else {
            lanes = []
        }
    }

    public var counts: TransportCounts { stats.snapshot }

    // MARK: Who the token belongs to

    private let identityTask = Mutex<Task<OrgIdentity, any Error>?>(nil)

    /// The org and OAuth client of this transport's credentials, asked once (`tokens/me`, or
    /// `organizations/me` when that is refused) and kept: every token of a pool comes from the same
    /// client credentials, so one answer holds for all. A failed attempt (network) is tried again
    /// by the next caller.
    public func identity() async throws -> OrgIdentity {
        let task = identityTask.withLock { current -> Task<OrgIdentity, any Error> in
            if let current { return current }
            // Detached: the one request belongs to the client, not to the job that happened to
            // ask first (a job's request tally does not count it).
            let started = Task.detached { try await self.fetchIdentity() }
            current = started
            return started
        }
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            identityTask.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }

    /// The identity if it is already known (nothing is sent).
    public var knownIdentity: OrgIdentity? {
        get async {
            guard let task = identityTask.withLock({ $0 }) else { return nil }
            return try? await task.value
        }
    }

    private func fetchIdentity() async throws -> OrgIdentity {
        let environment = configuration.environment.displayName
        let refusedCodes: Set<Int> = [403, 404]
        do {
            let answer = try await send(try RequestBuilder.build(IdentityOperations.tokensMe, arguments: [:]), safety: .repeatable)
            return OrgIdentity.fromTokenInfo(answer.json ?? .object([]), environment: environment)
        } catch let refused as APIError where refusedCodes.contains(refused.status) {
            log.info("tokens/me was refused; asking organizations/me", [("status", .int(Int64(refused.status))), ("code", .string(refused.code))])
            do {
                let answer = try await send(try RequestBuilder.build(IdentityOperations.organizationsMe, arguments: [:]), safety: .repeatable)
                return OrgIdentity.fromOrganization(answer.json ?? .object([]), environment: environment)
            } catch let again as APIError where refusedCodes.contains(again.status) {
                var unknown = OrgIdentity(environment: environment)
                unknown.unknownReason = "tokens/me and organizations/me were refused: HTTP \(refused.status) \(refused.code), HTTP \(again.status) \(again.code)"
                log.warn("cannot tell which org this token belongs to", [("reason", .string(unknown.unknownReason!))])
                return unknown
            }
        }
    }

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
        let uncertainty = Uncertainty()
        do {
            return try await attempts(request, safety: safety, uncertainty: uncertainty)
        } catch var failure as APIError {
            failure.mayHaveApplied = failure.mayHaveApplied || uncertainty.someAttemptMayHaveApplied
            throw failure
        }
    }

    /// Whether any attempt of a request may have been carried out without an answer saying so.
    private final class Uncertainty {
        var someAttemptMayHaveApplied = false
    }

    /// Where one request's attempts stand: the count, the call's deadline, the token a 401 refused
    /// (renewed once, on the lane that sent it), connections that did not open.
    private struct Attempts {
        let deadline: Date
        var count = 0
        var renewedAfter401 = false
        var rejected: Secret?
        var rejectedLane = -1
        var retryOnLane: Int?
        var connectFailures = 0
    }

    /// After a failed attempt: wait this long and try again, or try again at once on the same lane.
    private enum Next {
        case retry(after: Double)
        case renewToken
    }

    private func attempts(_ request: PreparedRequest, safety: RetrySafety, uncertainty: Uncertainty) async throws -> APIResponse {
        guard tokens != nil else { throw missingCredentials }
        var state = Attempts(deadline: Date().addingTimeInterval(configuration.retry.totalBudget))
        while true {
            state.count += 1
            let (outcome, lane) = try await attempt(request, &state)
            stats.update {
                $0.requests += 1
                if OperationTable.operation(request.operation)?.isWrite == true { $0.writes += 1 }
            }
            RequestTally.recordRequest()
            let next: Next
            switch outcome {
            case let .answer(response) where (200..<300).contains(response.status):
                if let failure = Transport.malformed(response, operation: request.operation, attempts: state.count) { throw failure }
                return APIResponse(status: response.status, body: response.body, correlationId: response.correlationId, attempts: state.count)
            case let .answer(response):
                // A gateway's 502/504 can come after the platform did the work; a 503 usually
                // before, but nothing in the answer says so.
                if response.status >= 500 { uncertainty.someAttemptMayHaveApplied = true }
                next = try await afterAnswer(response, request, safety: safety, lane: lane, &state)
            case let .failure(error, sent):
                if sent { uncertainty.someAttemptMayHaveApplied = true }
                next = try afterFailure(error, sent: sent, request, safety: safety, &state)
            }
            switch next {
            case .renewToken:
                state.retryOnLane = lane
                state.count -= 1
            case let .retry(wait):
                try await sleep(wait)
            }
        }
    }

    /// One attempt: a slot, a lane (the same one after a 401, so that its token is renewed), its
    /// token, the exchange.
    private func attempt(_ request: PreparedRequest, _ state: inout Attempts) async throws -> (Outcome, lane: Int) {
        try await slots.acquire()
        defer { slots.release() }
        let lane = try await chooseLane(request, deadline: state.deadline, attempts: state.count - 1, only: state.retryOnLane)
        state.retryOnLane = nil
        let pacer = configuration.pacing ? lanes[lane].pacer : nil
        var answered = false
        defer { if !answered { pacer?.abandoned() } }
        let token = try await lanes[lane].tokens.current(rejected: state.rejectedLane == lane ? state.rejected : nil, deadline: state.deadline)
        do {
            let answer = try await exchange(request, token: token, deadline: state.deadline, attempts: state.count)
            pacer?.completed(count: answer.rateCount, allowed: answer.rateAllowed, resetSeconds: answer.rateReset)
            answered = true
            if answer.status == 401 {
                state.rejected = token
                state.rejectedLane = lane
            }
            return (.answer(answer), lane)
        } catch let error as CancellationError {
            throw error
        } catch let error as APIError {
            throw error  // a definite answer that retrying cannot change (too large, time budget spent)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return (.failure(error, sent: Transport.mayHaveBeenSent(error)), lane)
        }
    }

    /// An answer that is not a success: renew a refused token once, wait out a 429, back off after
    /// a gateway error of a repeatable request; anything else is the call's error.
    private func afterAnswer(_ response: RawAnswer, _ request: PreparedRequest, safety: RetrySafety, lane: Int, _ state: inout Attempts) async throws -> Next {
        let policy = configuration.retry
        let error = APIError.from(status: response.status, body: response.body, operation: request.operation,
                                  correlationId: response.correlationId, retryAfter: response.retryAfter, attempts: state.count)
        if response.status == 401, let tokens, !(await tokens.canRenew) {
            // A token given by the user (--access-token) was refused: that is an
            // authentication failure, reported as such (exit status 3), not a failed call.
            throw APIError(status: 401, code: "credentials.refused",
                           message: "the access token was refused and cannot be renewed (\(error.code)); get a new token or configure client credentials",
                           operation: "authenticate", correlationId: error.correlationId, attempts: state.count)
        }
        if response.status == 401, !state.renewedAfter401 {
            state.renewedAfter401 = true
            log.info("token refused; renewing it once", [("operation", .string(request.operation)), ("correlation_id", .string(error.correlationId ?? ""))])
            return .renewToken
        }
        let wait: Double
        if response.status == 429 {
            wait = try waitForRateLimit(response, error: error, lane: lane)
        } else if [502, 503, 504].contains(response.status) && safety == .repeatable {
            wait = policy.backoff(afterAttempt: state.count)
        } else {
            throw error
        }
        guard state.count < policy.maxAttempts else { throw error }
        try checkBudget(wait, deadline: state.deadline, request: request, attempts: state.count, why: "a retry", last: error)
        stats.update { $0.retries += 1 }
        log.info("retrying after HTTP \(response.status)", [
            ("operation", .string(request.operation)), ("attempt", .int(Int64(state.count + 1))),
            ("wait_seconds", .double((wait * 100).rounded() / 100)), ("correlation_id", .string(error.correlationId ?? "")),
        ])
        return .retry(after: wait)
    }

    /// A 429: the wait it asks for (a second when it says nothing usable, never zero); with pacing
    /// the lane's pacer does the waiting before its next request.
    private func waitForRateLimit(_ response: RawAnswer, error: APIError, lane: Int) throws -> Double {
        let policy = configuration.retry
        stats.update { $0.rateLimited += 1 }
        let after = Double(max(response.retryAfter ?? 1, 1))
        if after > policy.maxRetryAfter {
            var failure = error
            failure.code = "rate.limit.wait.too.long"
            failure.message = "the platform asked to wait \(ServerNumbers.format(after)) s before retrying, more than the \(ServerNumbers.format(policy.maxRetryAfter)) s allowed (retry.max_retry_after); \(error.message)"
            throw failure
        }
        guard configuration.pacing else { return after }
        lanes[lane].pacer.observeRetryAfter(after)
        return 0
    }

    /// No answer: a request that may have arrived is tried again only if repeatable; a connection
    /// that never opened (refused, unknown name, no answer to connect) means nobody is there: a
    /// few quick tries, each one reported, then fail.
    private func afterFailure(_ error: any Error, sent: Bool, _ request: PreparedRequest, safety: RetrySafety, _ state: inout Attempts) throws -> Next {
        let policy = configuration.retry
        let failure = Transport.networkError(error, operation: request.operation, host: configuration.environment.apiBase, attempts: state.count)
        if !sent { state.connectFailures += 1 }
        guard !NetworkFailure(error).isDefinite, !sent || safety == .repeatable, state.count < policy.maxAttempts,
              sent || state.connectFailures < policy.maxConnectAttempts else { throw failure }
        let wait = sent ? policy.backoff(afterAttempt: state.count) : policy.connectBackoff(afterFailure: state.connectFailures)
        try checkBudget(wait, deadline: state.deadline, request: request, attempts: state.count, why: "a retry", last: failure)
        stats.update { $0.retries += 1 }
        log.log(sent ? .info : .warn, sent ? "retrying after a connection failure" : "cannot connect; retrying", [
            ("operation", .string(request.operation)), ("attempt", .int(Int64(state.count + 1))),
            ("wait_seconds", .double((wait * 100).rounded() / 100)), ("error", .string(failure.message)),
        ])
        return .retry(after: wait)
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
        var contentType: String?
        /// The `inin-ratelimit-*` headers: requests used in the window, allowed, seconds to its reset.
        var rateCount: Int?
        var rateAllowed: Int?
        var rateReset: Double?
    }

    /// A success whose body is not JSON (cut short, or an HTML page from a proxy): the data the
    /// caller asked for is not there, which is an error of its own, with the operation and status.
    static func malformed(_ answer: RawAnswer, operation: String, attempts: Int) -> APIError? {
        guard !answer.body.isEmpty, !JSONShape.isComplete(answer.body),
              (try? JSONSerialization.jsonObject(with: Data(answer.body), options: [.fragmentsAllowed])) == nil
        else { return nil }
        let type = answer.contentType.map { "\($0), " } ?? ""
        return APIError(status: answer.status, code: "bad.response",
                        message: "the server answered HTTP \(answer.status) with a body that is not valid JSON (\(type)\(answer.body.count) bytes)",
                        operation: operation, correlationId: answer.correlationId, attempts: attempts)
    }

    /// Largest answer body read. The API's largest pages are a few megabytes; anything bigger is a
    /// broken or hostile server, and reading on would only fill memory.
    public static let maximumResponseBytes = 32 << 20

    private func exchange(_ request: PreparedRequest, token: Secret, deadline: Date, attempts: Int) async throws -> RawAnswer {
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
        // One attempt gets the request timeout, or what is left of the call's budget if less.
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else {
            throw APIError(status: 0, code: "request.timeout", message: "gave up: the call's time budget of \(ServerNumbers.format(configuration.retry.totalBudget)) s is spent",
                           operation: request.operation, attempts: attempts - 1)
        }
        let response: BoundedExchange.Answer
        do {
            response = try await BoundedExchange.run(self.http, http, timeout: min(configuration.requestTimeout, left), limit: Transport.maximumResponseBytes)
        } catch let tooLarge as BoundedExchange.TooLarge {
            throw APIError(status: tooLarge.status, code: "response.too.large",
                           message: "the answer is larger than \(tooLarge.limit >> 20) MB; reading stopped there and the request was not retried",
                           operation: request.operation, attempts: attempts)
        }
        let answer = RawAnswer(
            status: response.status, body: response.body,
            correlationId: response.headers.first(name: "ININ-Correlation-Id"),
            retryAfter: ServerNumbers.retryAfter(response.headers.first(name: "Retry-After")),
            contentType: response.headers.first(name: "Content-Type"),
            rateCount: ServerNumbers.count(response.headers.first(name: "inin-ratelimit-count")),
            rateAllowed: ServerNumbers.count(response.headers.first(name: "inin-ratelimit-allowed")),
            rateReset: ServerNumbers.seconds(response.headers.first(name: "inin-ratelimit-reset")))
        log.debug("\(request.method.rawValue) \(request.operation) -> \(answer.status)", [
            ("operation", .string(request.operation)), ("status", .int(Int64(answer.status))),
            ("correlation_id", .string(answer.correlationId ?? "")),
            ("duration_ms", .int(Int64(Date().timeIntervalSince(started) * 1000))),
        ])
        return answer
    }

    /// The lane (token) the next attempt goes out with: the first, from a rotating start, whose
    /// pacer lets a request go now; when none does, waits for the soonest.
    private func chooseLane(_ request: PreparedRequest, deadline: Date, attempts: Int, only: Int? = nil) async throws -> Int {
        let start = only ?? nextLane.withLock { next -> Int in
            defer { next = (next + 1) % lanes.count }
            return next
        }
        guard configuration.pacing else { return start }
        while true {
            var soonest = Double.infinity
            for offset in 0..<(only == nil ? lanes.count : 1) {
                let index = (start + offset) % lanes.count
                let wait = lanes[index].pacer.reserve()
                if wait == 0 { return index }
                soonest = min(soonest, wait)
            }
            try checkBudget(soonest, deadline: deadline, request: request, attempts: attempts, why: "the rate-limit window to reset")
            if soonest >= 1 {
                log.info("pacing: waiting for the rate-limit window", [("operation", .string(request.operation)), ("seconds", .double((soonest * 10).rounded() / 10))])
            }
            // The short looks while the first answer of a window is awaited are not waits for the limit.
            if soonest > 0.05 { stats.update { $0.paceWaits += 1; $0.secondsWaited += soonest } }
            try await sleep(soonest)
        }
    }

    private func checkBudget(_ wait: Double, deadline: Date, request: PreparedRequest, attempts: Int, why: String, last: APIError? = nil) throws {
        guard Date().addingTimeInterval(wait) > deadline else { return }
        var failure = last ?? APIError(status: 0, code: "request.timeout", message: "", operation: request.operation, attempts: attempts)
        failure.message = "gave up: waiting for \(why) would exceed the call's time budget of \(ServerNumbers.format(configuration.retry.totalBudget)) s" + (last.map { "; last error: \($0.message)" } ?? "")
        failure.attempts = attempts
        throw failure
    }

    private func sleep(_ seconds: Double) async throws {
        try await sleepSeconds(seconds)
    }

    /// Whether a request that failed without an answer may have reached the server (NetworkFailure).
    static func mayHaveBeenSent(_ error: any Error) -> Bool { NetworkFailure(error).mayHaveBeenSent }

    static func networkError(_ error: any Error, operation: String, host: String, attempts: Int) -> APIError {
        if let api = error as? APIError { return api }
        return NetworkFailure(error).apiError(error, operation: operation, host: host, attempts: attempts)
    }

    /// `host:port` of a URL, the port spelled out even when it is the scheme's default, so a
    /// connection error says exactly where pclua tried to go.
    static func hostAndPort(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return url }
        let port = parts.port ?? (parts.scheme?.lowercased() == "http" ? 80 : 443)
        return "\(host):\(port)"
    }
}

public enum PurecloudVersion {
    public static let current = "0.1.0"
}
