/// The API client: looks operations up in the table, validates, and sends through its own
/// transport. Knows nothing of Lua.
public final class APIClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: Transport
    public let log: EventLog
    /// The run this client belongs to: its id, `--expect-org`, the line naming the org, the audit
    /// log and the ledger of what it changed.
    public let run: RunContext
    public var audit: AuditLog? { run.audit }

    public init(configuration: ClientConfiguration, log: EventLog, run: RunContext? = nil) {
        self.configuration = configuration
        self.log = log
        self.run = run ?? RunContext(log: log)
        transport = Transport(configuration: configuration, log: log)
    }

    private init(configuration: ClientConfiguration, log: EventLog, run: RunContext, transport: Transport) {
        self.configuration = configuration
        self.log = log
        self.run = run
        self.transport = transport
    }

    /// The same client (same token, same pace) with dry run switched on or off.
    public func with(dryRun: Bool) -> APIClient {
        guard dryRun != configuration.dryRun else { return self }
        var changed = configuration
        changed.dryRun = dryRun
        return APIClient(configuration: changed, log: log, run: run, transport: transport)
    }

    /// Validates and builds the request for `operation`; throws `ValidationError` before anything is sent.
    public func prepare(_ operation: String, _ arguments: [String: JSONValue]) throws -> (Operation, PreparedRequest) {
        guard let op = OperationTable.operation(operation) else { throw ValidationError("unknown operation '\(operation)'") }
        return (op, try RequestBuilder.build(op, arguments: arguments))
    }

    /// Sends a prepared request. In a dry run a write is logged and not sent, and nil comes back.
    /// A write goes through the run's ledger (APIClient+Writes.swift): its intent is recorded
    /// before it is sent. `facts` is what the caller knows of the state the write starts from.
    public func perform(_ op: Operation, _ request: PreparedRequest, facts: WriteFacts? = nil) async throws -> APIResponse? {
        // Before a client's first request (and so before any write) the run learns which org the
        // token belongs to, names it, and stops if it is not the expected one.
        var identity: OrgIdentity?
        if !IdentityOperations.names.contains(op.name) {
            identity = try await transport.identity()
            try run.check(identity!, operation: op.name)
        }
        if configuration.dryRun && request.isWrite {
            var fields: [(String, JSONValue)] = [("operation", .string(op.name)), ("method", .string(request.method.rawValue)), ("path", .string(request.target))]
            if let body = request.body { fields.append(("body", JSONValue.parse(body) ?? .string(String(decoding: body, as: UTF8.self)))) }
            log.log(.warn, "dry run: not sent", fields)
            return nil
        }
        guard request.isWrite, let identity else {
            let response = try await transport.send(request, safety: op.retrySafety)
            if op.name == "get_group_individuals", let identity, let group = request.pathValues["groupId"] {
                try settleUnknownWrites(group: group, listing: response.json, identity: identity)
            }
            return response
        }
        return try await performWrite(op, request, facts: facts, identity: identity)
    }

    /// For Swift callers (the jobs), through the typed functions generated from the table
    /// (OperationCalls.swift): prepare, send, decode.
    public func call(_ call: OperationCall, facts: WriteFacts? = nil) async throws -> JSONValue? {
        let (op, request) = try prepare(call)
        return try await perform(op, request, facts: facts)?.json
    }

    func prepare(_ call: OperationCall) throws -> (Operation, PreparedRequest) {
        try prepare(call.operation, call.arguments)
    }
}
