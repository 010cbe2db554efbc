import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The Groups and Users API emulator: an HTTP server (Hummingbird on SwiftNIO) over an in-memory org.
public final class PureCloudEmulator: Sendable {
    public let configuration: EmulatorConfiguration
    let org: Org
    let handlers: APIHandlers
    let tokens: TokenIssuer
    let limiter: RateLimiter
    let faults: FaultInjector
    let stats = EmulatorStats()
    let scriptedFaults = ScriptedFaults()

    /// Loads or builds the org; throws a readable error for a bad data file.
    public init(configuration: EmulatorConfiguration) throws {
        self.configuration = configuration
        var state: OrgState
        switch configuration.data {
        case let .demo(users, groups): state = .demo(users: users, groups: groups)
        case let .file(path): state = try .load(path: path)
        case .empty: state = OrgState()
        }
        if let id = configuration.organizationId { state.organization.id = id }
        if let name = configuration.organizationName { state.organization.name = name }
        org = Org(state)
        handlers = APIHandlers(groups: GroupsHandlers(org: org), users: UsersHandlers(org: org, indexDelay: configuration.indexDelaySeconds),
                               identity: IdentityHandlers(org: org, clientId: configuration.clientId, clientName: configuration.clientName))
        tokens = TokenIssuer(clientId: configuration.clientId, clientSecret: configuration.clientSecret, ttl: configuration.tokenTTL)
        limiter = RateLimiter(perMinute: configuration.rateLimit, windowSeconds: configuration.rateWindowSeconds)
        faults = FaultInjector(seed: configuration.faultSeed, faultRate: configuration.faultRate, dropRate: configuration.dropRate)
    }

    public var userCount: Int { org.withState { $0.users.count } }

    /// The org this emulator plays: what `tokens/me` and `organizations/me` answer.
    public var organization: (id: String, name: String) { org.withState { ($0.organization.id, $0.organization.name) } }
    public static let defaultOrganizationName = EmulatedOrganization.demo.name
    public var groupCount: Int { org.withState { $0.groups.count } }

    /// Starts serving in the background and returns once the port is bound. It runs in a service
    /// group of its own (no signals) so that `stop()` can shut it down gracefully (see there).
    public func start() async throws -> RunningEmulator {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication { port in continuation.yield(port); continuation.finish() }
        var logger = Logger(label: "pclua.emulator")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        for await port in stream {
            return RunningEmulator(host: configuration.host, port: port, task: task, group: group)
        }
        let result = await task.result
        if case let .failure(error) = result { throw error }
        throw EmulatorStartError.notStarted
    }

    /// Serves until the task is cancelled, calling `onStart` with the bound port.
    public func run(onStart: @escaping @Sendable (Int) -> Void) async throws {
        try await makeApplication(onStart).run()
    }

    private func makeApplication(_ onStart: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        var logger = Logger(label: "pclua.emulator")
        // Cancelling the server at shutdown logs at error level; only a failure to serve is worth showing.
        logger.logLevel = .critical
        let router = makeRouter()
        let responder = CallbackResponder<EmulatorContext> { [self] request, context in
            try await self.respond(request, context: context, router: router)
        }
        return Application(
            responder: responder,
            // Parse errors (an over-80-KB q64 URL) get an ErrorBody, not Hummingbird's empty 400.
            server: .http1(configuration: .init(additionalChannelHandlers: [UnparsableRequestResponder()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in onStart(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

public struct EmulatorHookError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

enum EmulatorStartError: Error, CustomStringConvertible {
    case notStarted
    var description: String { "the emulator did not start" }
}

/// A started emulator; `stop()` ends it.
public struct RunningEmulator: Sendable {
    public let host: String
    public let port: Int
    let task: Task<Void, any Error>
    let group: ServiceGroup

    public var baseURL: String { "http://\(host):\(port)" }

    /// Ends the server gracefully: it stops accepting, serves every connection it already took,
    /// then returns. Cancelling its task instead would end the server's loop over accepted
    /// connections with some still in its buffer, and NIO traps on a connection dropped that way
    /// ("Deinited NIOAsyncWriter without calling finish()", swift-nio#2813): a client that had
    /// just connected (a timed-out request's retry, say) brought the whole process down.
    /// `grace` bounds the wait for slow connections; after it the server is left to the process's end.
    public func stop(grace: Duration = .seconds(10)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Void.self) { waiting in
            waiting.addTask { _ = await task.result }
            waiting.addTask { try? await Task.sleep(for: grace) }
            await waiting.next()
            waiting.cancelAll()
        }
    }
}

/// Hummingbird's per-request context, keeping the channel so a fault can close the connection,
/// and what `respond` read before routing.
struct EmulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    var correlationId = ""
    var parts = EmulatorRequest(method: "", path: "", query: QueryParameters(nil), body: Data(), contentType: nil)

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

extension PureCloudEmulator {
    /// How many requests the emulator answered for an operation (SDK name, e.g. `post_group_members`),
    /// for in-process tests; `GET /_emulator/stats` gives the same over HTTP.
    public func requestCount(_ operation: String) -> Int {
        stats.count(operation)
    }

    /// How many answers had this HTTP status (429: refused by the rate limit).
    public func answerCount(status: Int) -> Int {
        stats.count(status: status)
    }

    /// Arranges faults for the next requests of one operation, as `POST /_emulator/faults` does
    /// (ScriptedFaults.swift has the body's form).
    public func scriptFault(_ json: String) throws {
        let request = EmulatorRequest(method: "POST", path: "/_emulator/faults", query: QueryParameters(nil), body: Data(json.utf8), contentType: "application/json")
        do { try scriptedFaults.add(request) } catch let failure as APIFailure { throw EmulatorHookError(message: failure.message) }
    }

    /// The most API requests the emulator was serving at once.
    public var mostRequestsAtOnce: Int { stats.maxInFlight }
}

extension PureCloudEmulator {
    /// The whole org as the JSON that `GET /_emulator/state` returns.
    public func exportedState() -> String {
        String(decoding: org.withState { $0.exported() }.serialized(), as: UTF8.self)
    }
}

extension PureCloudEmulator {
    /// Every access token issued so far, for tests that prove a client never prints one.
    public func issuedTokens() -> [String] {
        tokens.all()
    }
}
