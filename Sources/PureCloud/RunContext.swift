import Foundation
import Synchronization

/// Who a token belongs to (`tokens/me`, or `organizations/me` when that is refused): the org a
/// client talks to, and the OAuth client it talks as. `orgId` is nil when the platform refused
/// both (then `unknownReason` says why).
public struct OrgIdentity: Sendable, Equatable {
    public var orgId: String?
    public var orgName: String?
    /// Set only when the token's home org differs from the org it acts in (a trustee clone).
    public var homeOrgId: String?
    public var homeOrgName: String?
    public var clientId: String?
    public var clientName: String?
    /// Where the client connects: the region's domain or the base URL.
    public var environment: String
    public var unknownReason: String?

    public init(orgId: String? = nil, orgName: String? = nil, environment: String, clientId: String? = nil, clientName: String? = nil) {
        self.orgId = orgId
        self.orgName = orgName
        self.environment = environment
        self.clientId = clientId
        self.clientName = clientName
    }

    /// "'Acme Corp' (id 5e1f...)", or "an org pclua could not identify (...)".
    public var orgDescription: String {
        guard let orgId else { return "an org pclua could not identify (\(unknownReason ?? "no answer"))" }
        var text = "'\(orgName ?? "?")' (id \(orgId))"
        if let homeOrgId, homeOrgId.lowercased() != orgId.lowercased() {
            text += ", home org '\(homeOrgName ?? "?")' (id \(homeOrgId))"
        }
        return text
    }

    /// Fields for log and audit lines.
    public var fields: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        if let orgId { out.append(("org_id", .string(orgId))) }
        if let orgName { out.append(("org_name", .string(orgName))) }
        out.append(("environment", .string(environment)))
        if let clientName { out.append(("client", .string(clientName))) }
        if let clientId { out.append(("client_id", .string(clientId))) }
        if let homeOrgId, homeOrgId.lowercased() != orgId?.lowercased() {
            out.append(("home_org_id", .string(homeOrgId)))
            if let homeOrgName { out.append(("home_org_name", .string(homeOrgName))) }
        }
        return out
    }

    /// Whether `expected` (`--expect-org`: an org id or an org name) names this org: ids and names
    /// compared trimmed and ignoring case, as the platform reads ids and as admins type names.
    public func matches(_ expected: String) -> Bool {
        let wanted = expected.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !wanted.isEmpty else { return false }
        return [orgId, orgName].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }.contains(wanted)
    }

    /// Reads a `TokenInfo` answer.
    static func fromTokenInfo(_ json: JSONValue, environment: String) -> OrgIdentity {
        var identity = OrgIdentity(environment: environment)
        identity.orgId = json["organization"]?["id"]?.stringValue
        identity.orgName = json["organization"]?["name"]?.stringValue
        identity.homeOrgId = json["homeOrganization"]?["id"]?.stringValue
        identity.homeOrgName = json["homeOrganization"]?["name"]?.stringValue
        identity.clientId = json["OAuthClient"]?["id"]?.stringValue
        identity.clientName = json["OAuthClient"]?["name"]?.stringValue
        if identity.orgId == nil { identity.unknownReason = "tokens/me named no organization" }
        return identity
    }

    /// Reads an `Organization` answer (it does not name the OAuth client).
    static func fromOrganization(_ json: JSONValue, environment: String) -> OrgIdentity {
        var identity = OrgIdentity(orgId: json["id"]?.stringValue, orgName: json["name"]?.stringValue, environment: environment)
        if identity.orgId == nil { identity.unknownReason = "organizations/me named no organization" }
        return identity
    }
}

/// One run of pclua (a script, `-e` chunks, a REPL session, a snapshot, an undo): its id, the org
/// it expects, and the line that names each org it talks to before anything is sent there. Every
/// client of the run shares it. Knows nothing of Lua.
public final class RunContext: Sendable {
    /// Sortable and short enough to type: `20261203-091501-3fa2c1` (UTC time, then 24 random bits).
    public let id: String
    public let log: EventLog
    /// `--expect-org`: an org id or name; a client whose token belongs to another org stops before
    /// its first request.
    public let expectedOrg: String?
    /// Whether the run names its org on stderr before it talks to it: a script or chunk that can
    /// write (not under --dry-run, --emulator or rehearse). Otherwise the start line is an info log line.
    public let announces: Bool
    /// Where the announcement goes (stderr, or nowhere with --quiet on a terminal); the log
    /// record of it goes to the log whatever `quiet` says.
    private let announce: @Sendable (String) -> Void
    /// Orgs already named in this run, by environment and org id.
    private let named = Mutex<Set<String>>([])
    /// `--audit-log`: the write-ahead ledger every client of the run writes to.
    public let audit: AuditLog?
    /// What the run changed, whatever ends it (the report at the end comes from here).
    public let ledger = RunLedger()
    /// The script or command the run is (a path, never its arguments), for the audit log.
    public let command: String?

    public init(id: String = RunContext.newId(), log: EventLog, expectedOrg: String? = nil, announces: Bool = false,
                announce: @escaping @Sendable (String) -> Void = { StandardError.write($0 + "\n") },
                audit: AuditLog? = nil, command: String? = nil) {
        self.id = id
        self.log = log
        self.audit = audit
        self.command = command
        self.expectedOrg = expectedOrg.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        self.announces = announces
        self.announce = announce
    }

    public static func newId(now: Date = Date()) -> String {
        var time = time_t(now.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        // Not String(format:): it wakes CoreFoundation's formatter, a measurable part of pclua's start-up.
        let date = Self.digits(Int(parts.tm_year) + 1900, 4) + Self.digits(Int(parts.tm_mon) + 1, 2) + Self.digits(Int(parts.tm_mday), 2)
        let clock = Self.digits(Int(parts.tm_hour), 2) + Self.digits(Int(parts.tm_min), 2) + Self.digits(Int(parts.tm_sec), 2)
        return date + "-" + clock + "-" + Self.digits(Int(UInt32.random(in: 0..<(1 << 24))), 6, radix: 16)
    }

    /// `number` with leading zeros to `width` digits (0 and up).
    static func digits(_ number: Int, _ width: Int, radix: Int = 10) -> String {
        let text = String(number, radix: radix)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Called with a client's identity before its first request (and again, cheaply, before each):
    /// checks `--expect-org` and names the org the first time. Throws `APIError` `org.mismatch`
    /// (or `org.unknown` when --expect-org cannot be checked), so every call of that client stops.
    public func check(_ identity: OrgIdentity, operation: String) throws {
        if let expectedOrg {
            guard identity.orgId != nil else {
                throw APIError(status: 0, code: "org.unknown",
                               message: "--expect-org \(expectedOrg) cannot be checked: \(identity.orgDescription); nothing was sent",
                               operation: operation)
            }
            guard identity.matches(expectedOrg) else {
                throw APIError(status: 0, code: "org.mismatch",
                               message: "the token belongs to org \(identity.orgDescription) at \(identity.environment), not '\(expectedOrg)' (--expect-org); nothing was sent",
                               operation: operation)
            }
        }
        let key = identity.environment + "|" + (identity.orgId?.lowercased() ?? "?")
        guard named.withLock({ $0.insert(key).inserted }) else { return }
        var fields: [(String, JSONValue)] = [("run_id", .string(id))] + identity.fields
        if let expectedOrg { fields.append(("expected_org", .string(expectedOrg))) }
        guard announces else {
            log.info("run started", fields)
            return
        }
        let client = identity.clientName.map { ", OAuth client '\($0)'" } ?? ""
        let line = "pclua: run \(id) talks to org \(identity.orgDescription) at \(identity.environment)\(client)"
        log.announce(line, message: "run started", fields, show: announce)
    }
}
