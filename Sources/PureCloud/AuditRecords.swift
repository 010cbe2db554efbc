import Foundation

/// The lines of the audit log (docs/cron.md "Audit log"), one JSON object each. Every line names
/// its run, the org and the environment. A write is two lines or more: its `intent`, on disk before
/// the request goes out (what will be sent, and what it replaces), then its `outcome` (applied,
/// not applied, or unknown), and for an unknown outcome a later `reconciled` line once a read of
/// the group has shown what happened. `pclua undo` reads a run back from these lines.
public enum AuditRecord: Sendable {
    /// The first line of a run that writes: who, where, when.
    case run(RunLine)
    case intent(Intent)
    case outcome(Outcome)
    case reconciled(Reconciliation)

    public struct RunLine: Sendable {
        public var runId: String
        public var time: String
        public var identity: OrgIdentity
        /// The script or command the run was (its path, never its arguments).
        public var command: String?
    }

    /// A write about to be sent. `group` is the group it changes (the one created, for
    /// `post_groups`, is known only from the outcome).
    public struct Intent: Sendable {
        public var runId: String
        public var seq: Int
        public var time: String
        public var orgId: String?
        public var environment: String
        public var operation: String
        public var method: String
        public var target: String
        public var groupId: String?
        /// Member ids of a membership write, as sent (lower case).
        public var ids: [String]
        /// The body's fields for `post_groups` and `put_group`.
        public var body: JSONValue?
        /// For a membership write: which of `ids` were already in the wanted state right before
        /// (members for an add, non-members for a remove), when that is known (`beforeKnown`).
        public var already: [String]
        public var beforeKnown: Bool
        /// For `put_group` and `delete_group`: the group as it was (fields, owners, version; and
        /// direct members for a delete), so the change can be put back.
        public var before: JSONValue?
    }

    public enum Result: String, Sendable {
        case applied
        case notApplied = "not_applied"
        /// Sent without an answer that says (a timeout, a dropped connection, a 5xx after it was
        /// sent, a signal): the platform may or may not have applied it; a later read settles it.
        case unknown
    }

    public struct Outcome: Sendable {
        public var runId: String
        public var seq: Int
        public var time: String
        public var orgId: String?
        public var environment: String
        public var result: Result
        public var status: Int?
        public var code: String?
        public var correlationId: String?
        /// The id of a group `post_groups` created.
        public var createdId: String?
    }

    /// What a read of the group showed about a write whose outcome was unknown (or never
    /// recorded: the run was killed). Written by the run that read it, about `ofRun`'s write.
    public struct Reconciliation: Sendable {
        public var runId: String
        public var ofRun: String
        public var seq: Int
        public var time: String
        public var orgId: String?
        public var environment: String
        public var applied: [String]
        public var notApplied: [String]
    }
}

// MARK: - Lines to JSON and back

extension AuditRecord {
    var json: JSONValue {
        func common(_ type: String, _ runId: String, _ time: String, _ orgId: String?, _ environment: String) -> [(key: String, value: JSONValue)] {
            var members: [(key: String, value: JSONValue)] = [("time", .string(time)), ("type", .string(type)), ("run_id", .string(runId))]
            if let orgId { members.append(("org_id", .string(orgId))) }
            members.append(("environment", .string(environment)))
            return members
        }
        func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
        switch self {
        case let .run(line):
            var members = common("run", line.runId, line.time, line.identity.orgId, line.identity.environment)
            if let name = line.identity.orgName { members.append(("org_name", .string(name))) }
            if let client = line.identity.clientName { members.append(("client", .string(client))) }
            if let clientId = line.identity.clientId { members.append(("client_id", .string(clientId))) }
            if let reason = line.identity.unknownReason { members.append(("org_unknown", .string(reason))) }
            if let command = line.command { members.append(("command", .string(command))) }
            members.append(("pclua", .string(PurecloudVersion.current)))
            return .object(members)
        case let .intent(intent):
            var members = common("intent", intent.runId, intent.time, intent.orgId, intent.environment)
            members += [("seq", .int(Int64(intent.seq))), ("operation", .string(intent.operation)), ("method", .string(intent.method)),
                        ("target", .string(intent.target))]
            if let group = intent.groupId { members.append(("group_id", .string(group))) }
            if !intent.ids.isEmpty {
                members.append(("ids", strings(intent.ids)))
                members.append(("before_known", .bool(intent.beforeKnown)))
                if intent.beforeKnown { members.append(("already", strings(intent.already))) }
            }
            if let body = intent.body { members.append(("body", body)) }
            if let before = intent.before { members.append(("before", before)) }
            return .object(members)
        case let .outcome(outcome):
            var members = common("outcome", outcome.runId, outcome.time, outcome.orgId, outcome.environment)
            members += [("seq", .int(Int64(outcome.seq))), ("result", .string(outcome.result.rawValue))]
            if let status = outcome.status { members.append(("status", .int(Int64(status)))) }
            if let code = outcome.code { members.append(("code", .string(code))) }
            if let created = outcome.createdId { members.append(("created_id", .string(created))) }
            if let correlation = outcome.correlationId { members.append(("correlation_id", .string(correlation))) }
            return .object(members)
        case let .reconciled(line):
            var members = common("reconciled", line.runId, line.time, line.orgId, line.environment)
            members += [("of_run", .string(line.ofRun)), ("seq", .int(Int64(line.seq))),
                        ("applied", strings(line.applied)), ("not_applied", strings(line.notApplied))]
            return .object(members)
        }
    }

    /// One line back; nil for a line that is not a record of this format (a torn last line, a
    /// line of an older pclua).
    init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue, let runId = json["run_id"]?.stringValue,
              let time = json["time"]?.stringValue, let environment = json["environment"]?.stringValue else { return nil }
        let orgId = json["org_id"]?.stringValue
        func strings(_ key: String) -> [String] { (json[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        let seq = json["seq"]?.intValue.flatMap { Int(exactly: $0) }
        switch type {
        case "run":
            var identity = OrgIdentity(orgId: orgId, orgName: json["org_name"]?.stringValue, environment: environment,
                                       clientId: json["client_id"]?.stringValue, clientName: json["client"]?.stringValue)
            identity.unknownReason = json["org_unknown"]?.stringValue
            self = .run(RunLine(runId: runId, time: time, identity: identity, command: json["command"]?.stringValue))
        case "intent":
            guard let seq, let operation = json["operation"]?.stringValue, let method = json["method"]?.stringValue,
                  let target = json["target"]?.stringValue else { return nil }
            self = .intent(Intent(runId: runId, seq: seq, time: time, orgId: orgId, environment: environment, operation: operation,
                                  method: method, target: target, groupId: json["group_id"]?.stringValue, ids: strings("ids"),
                                  body: json["body"], already: strings("already"), beforeKnown: json["before_known"]?.boolValue ?? false,
                                  before: json["before"]))
        case "outcome":
            guard let seq, let result = json["result"]?.stringValue.flatMap(Result.init(rawValue:)) else { return nil }
            self = .outcome(Outcome(runId: runId, seq: seq, time: time, orgId: orgId, environment: environment, result: result,
                                    status: json["status"]?.intValue.flatMap { Int(exactly: $0) }, code: json["code"]?.stringValue,
                                    correlationId: json["correlation_id"]?.stringValue, createdId: json["created_id"]?.stringValue))
        case "reconciled":
            guard let seq, let ofRun = json["of_run"]?.stringValue else { return nil }
            self = .reconciled(Reconciliation(runId: runId, ofRun: ofRun, seq: seq, time: time, orgId: orgId, environment: environment,
                                              applied: strings("applied"), notApplied: strings("not_applied")))
        default:
            return nil
        }
    }
}

/// An audit log read back: its runs in file order, each with its writes. Lines that are not
/// records (a torn last line after a crash, a line of an older format) are counted, not fatal.
public struct AuditHistory: Sendable {
    /// One write of a run: its intent, what its answer said, and what later reads showed.
    public struct Write: Sendable {
        public var intent: AuditRecord.Intent
        public var outcome: AuditRecord.Outcome?
        public var reconciliations: [AuditRecord.Reconciliation] = []

        /// Member ids the write is known to have applied (an add: ids that were not members before
        /// and are now; a remove: likewise), and those whose fate is still unknown.
        public var settled: (applied: [String], unknown: [String]) {
            let changing = intent.beforeKnown ? intent.ids.filter { !Set(intent.already).contains($0) } : intent.ids
            switch outcome?.result {
            case .applied?: return (changing, [])
            case .notApplied?: return ([], [])
            case .unknown?, nil:
                var applied = Set<String>(), settled = Set<String>()
                for line in reconciliations {
                    applied.formUnion(line.applied)
                    settled.formUnion(line.applied)
                    settled.formUnion(line.notApplied)
                }
                return (changing.filter { applied.contains($0) }, changing.filter { !settled.contains($0) })
            }
        }

        /// Whether the write may still have changed the org without anyone knowing what it did.
        public var isPending: Bool {
            switch outcome?.result {
            case .applied?, .notApplied?: return false
            case .unknown?, nil: return intent.ids.isEmpty ? reconciliations.isEmpty : !settled.unknown.isEmpty
            }
        }
    }

    public struct Run: Sendable {
        public var id: String
        public var line: AuditRecord.RunLine?
        public var writes: [Write] = []
        /// Where the writes were sent (from the run line, else from the first intent).
        public var orgId: String? { line?.identity.orgId ?? writes.first?.intent.orgId }
        public var environment: String? { line?.identity.environment ?? writes.first?.intent.environment }
    }

    public var runs: [Run] = []
    /// Lines skipped: not JSON (a torn line), or not a record of this format.
    public var skippedLines: [Int] = []

    public func run(_ id: String) -> Run? { runs.first { $0.id == id } }

    public init(bytes: [UInt8]) {
        var index: [String: Int] = [:]
        func runIndex(_ id: String) -> Int {
            if let found = index[id] { return found }
            runs.append(Run(id: id))
            index[id] = runs.count - 1
            return runs.count - 1
        }
        var writeIndex: [String: (run: Int, write: Int)] = [:]
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard !line.isEmpty else { continue }
            guard let json = JSONValue.parse(Array(line)), let record = AuditRecord(json: json) else {
                skippedLines.append(lineNumber)
                continue
            }
            switch record {
            case let .run(runLine):
                runs[runIndex(runLine.runId)].line = runLine
            case let .intent(intent):
                let r = runIndex(intent.runId)
                runs[r].writes.append(Write(intent: intent))
                writeIndex["\(intent.runId)#\(intent.seq)"] = (r, runs[r].writes.count - 1)
            case let .outcome(outcome):
                if let at = writeIndex["\(outcome.runId)#\(outcome.seq)"] { runs[at.run].writes[at.write].outcome = outcome }
            case let .reconciled(line):
                if let at = writeIndex["\(line.ofRun)#\(line.seq)"] { runs[at.run].writes[at.write].reconciliations.append(line) }
            }
        }
    }

    public static func load(path: String) throws -> AuditHistory {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("cannot read the audit log \(path)") }
        return AuditHistory(bytes: Array(data))
    }
}
