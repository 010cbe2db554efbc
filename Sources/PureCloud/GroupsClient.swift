/// The Groups API client: looks operations up in the table, validates, and sends through its own
/// transport. Knows nothing of Lua.
public final class GroupsClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: Transport
    public let log: EventLog

    public init(configuration: ClientConfiguration, log: EventLog) {
        self.configuration = configuration
        self.log = log
        transport = Transport(configuration: configuration, log: log)
    }

    private init(configuration: ClientConfiguration, log: EventLog, transport: Transport) {
        self.configuration = configuration
        self.log = log
        self.transport = transport
    }

    /// The same client (same token, same pace) with dry run switched on or off.
    public func with(dryRun: Bool) -> GroupsClient {
        guard dryRun != configuration.dryRun else { return self }
        var changed = configuration
        changed.dryRun = dryRun
        return GroupsClient(configuration: changed, log: log, transport: transport)
    }

    /// Validates and builds the request for `operation`; throws `ValidationError` before anything is sent.
    public func prepare(_ operation: String, _ arguments: [String: JSONValue]) throws -> (Operation, PreparedRequest) {
        guard let op = GroupsAPI.operation(operation) else { throw ValidationError("unknown operation '\(operation)'") }
        return (op, try RequestBuilder.build(op, arguments: arguments))
    }

    /// Sends a prepared request. In a dry run a write is logged and not sent, and nil comes back.
    public func perform(_ op: Operation, _ request: PreparedRequest) async throws -> APIResponse? {
        if configuration.dryRun && request.isWrite {
            var fields: [(String, JSONValue)] = [("operation", .string(op.name)), ("method", .string(request.method.rawValue)), ("path", .string(request.target))]
            if let body = request.body { fields.append(("body", JSONValue.parse(body) ?? .string(String(decoding: body, as: UTF8.self)))) }
            log.log(.warn, "dry run: not sent", fields)
            return nil
        }
        return try await transport.send(request, safety: op.retrySafety)
    }

    /// Convenience for Swift callers (bulk helpers): prepare, send, decode.
    public func call(_ operation: String, _ arguments: [String: JSONValue]) async throws -> JSONValue? {
        let (op, request) = try prepare(operation, arguments)
        return try await perform(op, request)?.json
    }
}
