import Foundation

/// What a caller knows about the state a write starts from, so the ledger is exact without
/// another read: the bulk membership job read the group's members at the version it writes with.
public struct WriteFacts: Sendable {
    public var groupName: String?
    /// For a membership write: which of its ids were already in the wanted state right before
    /// (members for an add, non-members for a remove); nil when the caller does not know.
    public var already: [String]?

    public init(groupName: String? = nil, already: [String]? = nil) {
        self.groupName = groupName
        self.already = already
    }
}

/// The write path (DESIGN.md §5d): what the write replaces, its intent on disk, the request, its
/// outcome, all in the run's ledger. Without an audit log only the in-memory ledger is kept (the
/// run's report needs it) and nothing extra is read.
extension APIClient {
    static let memberWrites: Set<String> = ["post_group_members", "delete_group_members"]

    func performWrite(_ op: Operation, _ request: PreparedRequest, facts: WriteFacts?, identity: OrgIdentity) async throws -> APIResponse {
        let groupId = request.pathValues["groupId"]
        let adds = op.name == "post_group_members"
        let body = request.body.flatMap { JSONValue.parse($0) }
        var ids: [String] = []
        if adds { ids = (body?["memberIds"]?.arrayValue ?? []).compactMap(\.stringValue).map(UserIds.normalize) }
        if op.name == "delete_group_members" { ids = (request.queryValues["ids"] ?? "").split(separator: ",").map { UserIds.normalize(String($0)) } }
        var already = facts?.already.map { $0.map(UserIds.normalize) }
        var before: JSONValue?
        // With an audit log, what the write replaces is read first when the caller did not say,
        // so that `pclua undo` can put it back exactly.
        if audit != nil, let groupId {
            if Self.memberWrites.contains(op.name), already == nil {
                let members = try await readDirectMembers(groupId)
                already = ids.filter { members.contains($0) == adds }
            } else if op.name == "put_group" || op.name == "delete_group" {
                before = try await readGroup(groupId, withMembers: op.name == "delete_group")
            }
        }
        let name = facts?.groupName ?? body?["name"]?.stringValue ?? before?["name"]?.stringValue
        var intent = AuditRecord.Intent(
            runId: run.id, seq: 0, time: EventLog.timestamp(Date()), orgId: identity.orgId, environment: identity.environment,
            operation: op.name, method: request.method.rawValue, target: String(request.target.prefix { $0 != "?" }),
            groupId: groupId, ids: ids, body: ["post_groups", "put_group"].contains(op.name) ? body : nil,
            already: already ?? [], beforeKnown: already != nil, before: before)
        if let audit {
            do {
                try audit.startRun(run, identity: identity)
                try audit.recordIntent(&intent)
            } catch {
                throw APIError(status: 0, code: "audit.write.failed", message: "\(error); the write was not sent, and the run stops here", operation: op.name)
            }
        }
        do {
            let response = try await transport.send(request, safety: op.retrySafety)
            try record(.applied, intent, name: name, status: response.status, correlationId: response.correlationId,
                       createdId: op.name == "post_groups" ? response.json?["id"]?.stringValue : nil)
            return response
        } catch let failure as APIError where failure.code != "audit.write.failed" {
            // A 2xx whose body could not be read was applied all the same; otherwise an answer that
            // says it was refused is not applied, and anything else (a 5xx, a timeout, a dropped
            // connection after the request went out) is unknown until a read settles it.
            let result: AuditRecord.Result = (200..<300).contains(failure.status) ? .applied : failure.mayHaveApplied ? .unknown : .notApplied
            try record(result, intent, name: name, status: failure.status == 0 ? nil : failure.status, code: failure.code,
                       correlationId: failure.correlationId)
            throw failure
        } catch let failure as APIError {
            throw failure
        } catch {
            // Cancelled (Ctrl-C, SIGTERM) while the request may have been on its way.
            try record(.unknown, intent, name: name, code: "interrupted")
            throw error
        }
    }

    /// The outcome: the ledger first (so the run's report has it whatever happens next), then the
    /// audit line. An outcome that cannot be written stops the run.
    private func record(_ result: AuditRecord.Result, _ intent: AuditRecord.Intent, name: String?, status: Int? = nil, code: String? = nil,
                        correlationId: String? = nil, createdId: String? = nil) throws {
        let ledger = run.ledger
        let changing = intent.beforeKnown ? intent.ids.filter { !Set(intent.already).contains($0) } : intent.ids
        switch intent.operation {
        case "post_group_members", "delete_group_members":
            let adds = intent.operation == "post_group_members"
            switch result {
            case .applied: ledger.members(of: intent.groupId ?? "?", name: name, adds: adds, applied: changing, present: intent.already)
            case .unknown: ledger.members(of: intent.groupId ?? "?", name: name, adds: adds, applied: [], unknown: changing)
            case .notApplied: break
            }
        case "post_groups":
            if result != .notApplied { ledger.group(createdId ?? "new group '\(name ?? "?")'", name: name, .create, known: result == .applied) }
        case "put_group":
            if result != .notApplied { ledger.group(intent.groupId ?? "?", name: name, .update, known: result == .applied) }
        case "delete_group":
            if result != .notApplied { ledger.group(intent.groupId ?? "?", name: name, .delete, known: result == .applied) }
        default: break
        }
        guard let audit else { return }
        let outcome = AuditRecord.Outcome(runId: intent.runId, seq: intent.seq, time: EventLog.timestamp(Date()), orgId: intent.orgId,
                                          environment: intent.environment, result: result, status: status, code: code,
                                          correlationId: correlationId, createdId: createdId)
        do { try audit.recordOutcome(outcome, of: intent) } catch {
            var failure = APIError(status: 0, code: "audit.write.failed",
                                   message: "\(error); the write above was sent (\(result.rawValue)), and the run stops here", operation: intent.operation)
            failure.mayHaveApplied = result != .notApplied
            throw failure
        }
    }

    /// A complete listing of a group's direct members settles its earlier writes whose outcome
    /// was unknown (this run's or an earlier one's in the same audit log).
    func settleUnknownWrites(group: String, listing: JSONValue?, identity: OrgIdentity) throws {
        guard let audit, audit.hasPending(group: group), let entities = listing?["entities"]?.arrayValue else { return }
        let members = Set(entities.compactMap { $0["id"]?.stringValue }.map(UserIds.normalize))
        for (entry, applied) in try audit.reconcile(group: group, members: members, by: run, identity: identity) where entry.runId == run.id {
            run.ledger.settled(group, adds: entry.adds, ids: entry.ids, applied: applied)
        }
    }

    /// Direct members, lower case (one request, not paged).
    func readDirectMembers(_ groupId: String) async throws -> Set<String> {
        let (op, request) = try prepare(.getGroupIndividuals(groupId: groupId))
        let listing = try await transport.send(request, safety: op.retrySafety).json
        return Set((listing?["entities"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }.map(UserIds.normalize))
    }

    /// A group as the data file keeps it (its fields, owners and version; with its direct
    /// members for a delete): what an undo puts back.
    func readGroup(_ groupId: String, withMembers: Bool) async throws -> JSONValue {
        let (op, request) = try prepare(.getGroup(groupId: groupId))
        guard let group = try await transport.send(request, safety: op.retrySafety).json else {
            throw APIError(status: 0, code: "bad.response", message: "get_group returned nothing", operation: "get_group")
        }
        var members: [(key: String, value: JSONValue)] = [("id", .string(groupId))]
        if let name = group["name"] { members.append(("name", name)) }
        for key in OrgData.groupFields { if let value = group[key], value != .null { members.append((key, value)) } }
        if let version = group["version"] { members.append(("version", version)) }
        members.append(("owners", .array((group["owners"]?.arrayValue ?? []).compactMap { $0["id"] })))
        if withMembers { members.append(("members", .array(try await readDirectMembers(groupId).sorted().map(JSONValue.string)))) }
        return .object(members)
    }
}
