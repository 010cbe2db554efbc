/// The API client: looks operations up in the table, validates, and sends through its own
/// transport. Knows nothing of Lua.
public final class APIClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: Transport
    public let log: EventLog
    public let audit: AuditLog?
    /// The run this client belongs to: its id, `--expect-org`, the line naming the org.
    public let run: RunContext

    public init(configuration: ClientConfiguration, log: EventLog, audit: AuditLog? = nil, run: RunContext? = nil) {
        self.configuration = configuration
        self.log = log
        self.audit = audit
        self.run = run ?? RunContext(log: log)
        transport = Transport(configuration: configuration, log: log)
    }

    private init(configuration: ClientConfiguration, log: EventLog, audit: AuditLog?, run: RunContext, transport: Transport) {
        self.configuration = configuration
        self.log = log
        self.audit = audit
        self.run = run
        self.transport = transport
    }

    /// The same client (same token, same pace) with dry run switched on or off.
    public func with(dryRun: Bool) -> APIClient {
        guard dryRun != configuration.dryRun else { return self }
        var changed = configuration
        changed.dryRun = dryRun
        return APIClient(configuration: changed, log: log, audit: audit, run: run, transport: transport)
    }

    /// Validates and builds the request for `operation`; throws `ValidationError` before anything is sent.
    public func prepare(_ operation: String, _ arguments: [String: JSONValue]) throws -> (Operation, PreparedRequest) {
        guard let op = OperationTable.operation(operation) else { throw ValidationError("unknown operation '\(operation)'") }
        return (op, try RequestBuilder.build(op, arguments: arguments))
    }

    /// Sends a prepared request. In a dry run a write is logged and not sent, and nil comes back.
    public func perform(_ op: Operation, _ request: PreparedRequest) async throws -> APIResponse? {
        // Before a client's first request (and so before any write) the run learns which org the
        // token belongs to, names it, and stops if it is not the expected one.
        if !IdentityOperations.names.contains(op.name) {
            try run.check(try await transport.identity(), operation: op.name)
        }
        if configuration.dryRun && request.isWrite {
            var fields: [(String, JSONValue)] = [("operation", .string(op.name)), ("method", .string(request.method.rawValue)), ("path", .string(request.target))]
            if let body = request.body { fields.append(("body", JSONValue.parse(body) ?? .string(String(decoding: body, as: UTF8.self)))) }
            log.log(.warn, "dry run: not sent", fields)
            return nil
        }
        guard request.isWrite, let audit else { return try await transport.send(request, safety: op.retrySafety) }
        // The audit line is written whatever happens, before the caller can send the next write.
        do {
            let response = try await transport.send(request, safety: op.retrySafety)
            audit.record(operation: op.name, method: request.method.rawValue, target: request.target, body: request.body,
                         result: "ok", status: response.status, correlationId: response.correlationId)
            return response
        } catch let error as APIError {
            let result = error.status == 0 ? "unknown: \(error.code) (the platform may have applied it)" : "failed: \(error.code)"
            audit.record(operation: op.name, method: request.method.rawValue, target: request.target, body: request.body,
                         result: result, status: error.status == 0 ? nil : error.status, correlationId: error.correlationId)
            throw error
        } catch {
            audit.record(operation: op.name, method: request.method.rawValue, target: request.target, body: request.body,
                         result: "unknown: cancelled (the platform may have applied it)", status: nil, correlationId: nil)
            throw error
        }
    }

    /// Convenience for Swift callers (bulk helpers): prepare, send, decode.
    public func call(_ operation: String, _ arguments: [String: JSONValue]) async throws -> JSONValue? {
        let (op, request) = try prepare(operation, arguments)
        return try await perform(op, request)?.json
    }
}
