import Foundation

/// How a plan reads: as JSON (`--plan-out`, `pclua diff --json`), and as text for a person.
extension OrgPlan {
    /// The platform's default allowance for a client-credentials token (users contract §5).
    public static let defaultRatePerMinute = 300

    public func json(ratePerMinute: Int = OrgPlan.defaultRatePerMinute) -> JSONValue {
        func person(_ p: Person) -> JSONValue {
            var members: [(key: String, value: JSONValue)] = [("id", .string(p.id))]
            if let name = p.name { members.append(("name", .string(name))) }
            if let email = p.email { members.append(("email", .string(email))) }
            return .object(members)
        }
        func people(_ list: [Person]) -> JSONValue { .array(list.map(person)) }
        let groupsJSON: [JSONValue] = groups.map { g in
            var members: [(key: String, value: JSONValue)] = [("name", .string(g.name)), ("id", .string(g.id)), ("change", .string(g.change.rawValue))]
            if let old = g.renamedFrom { members.append(("renamed_from", .string(old))) }
            if !g.fields.isEmpty {
                members.append(("fields", .object(g.fields.map { f in
                    (key: f.field, value: .object([("before", f.before ?? .null), ("after", f.after ?? .null)]))
                })))
            }
            if !g.ownersAdded.isEmpty { members.append(("owners_added", people(g.ownersAdded))) }
            if !g.ownersRemoved.isEmpty { members.append(("owners_removed", people(g.ownersRemoved))) }
            if g.change == .deleted {
                members.append(("members_before", .int(Int64(g.membersBefore))))
            } else {
                members.append(("added", people(g.added)))
                members.append(("removed", people(g.removed)))
            }
            return .object(members)
        }
        let requests = estimatedRequests
        return .object([
            ("totals", .object([
                ("groups_created", .int(Int64(count(.created)))), ("groups_changed", .int(Int64(count(.changed)))),
                ("groups_deleted", .int(Int64(count(.deleted)))), ("groups_with_member_changes", .int(Int64(groupsWithMemberChanges))),
                ("people_added", .int(Int64(peopleAdded))), ("people_removed", .int(Int64(peopleRemoved))),
            ])),
            ("groups", .array(groupsJSON)),
            ("requests", .object([
                ("estimated", .int(Int64(requests))), ("writes", .int(Int64(estimatedWrites))), ("reads", .int(Int64(estimatedReads))),
                ("rate_per_minute", .int(Int64(ratePerMinute))),
                ("minutes", .double(OrgPlan.minutes(requests, ratePerMinute))),
            ])),
        ])
    }

    static func minutes(_ requests: Int, _ rate: Int) -> Double {
        guard rate > 0 else { return 0 }
        return (Double(requests) / Double(rate) * 10).rounded(.up) / 10
    }

    /// What a rehearsed script really sent to its copy: API requests (writes among them) and
    /// token requests, counted apart as the script's own summary counts them.
    public struct Measured: Sendable {
        public var requests: Int
        public var writes: Int
        public var tokens: Int
        public init(requests: Int, writes: Int, tokens: Int) {
            self.requests = requests
            self.writes = writes
            self.tokens = tokens
        }
    }

    /// The plan for a person: a summary line, then each group with its changes. At most `limit`
    /// people are listed per group and direction (0: all); the JSON plan always has everyone.
    /// The requests line says what each number counts: the least the plan needs (writes and reads
    /// of the changed groups), and with `measured` what the rehearsed script sent besides (its
    /// look-ups of people and groups, its checks), so neither number reads as the other.
    public func text(limit: Int = 10, ratePerMinute: Int = OrgPlan.defaultRatePerMinute, measured: Measured? = nil) -> String {
        var lines: [String] = []
        func plural(_ n: Int, _ word: String) -> String { "\(n.grouped) \(word)\(n == 1 ? "" : "s")" }
        func requestsLine() -> String {
            let least = "\(plural(estimatedWrites, "write")), \(plural(estimatedReads, "read")) of the changed groups"
            if let measured {
                return "Requests: the script sent \(plural(measured.requests, "request")) to the copy (\(plural(measured.writes, "write")), "
                    + "\(plural(measured.requests - measured.writes, "read"))) and fetched \(plural(measured.tokens, "token")). "
                    + (estimatedRequests == 0 ? "" : "The plan alone needs \(estimatedRequests.grouped) (\(least)); the rest are the script's own look-ups and checks. ")
                    + "At \(ratePerMinute) a minute the real run takes about \(OrgPlan.duration(measured.requests + measured.tokens, ratePerMinute))."
            }
            return "Requests: at least \(estimatedRequests.grouped) to carry it out (\(least)); finding people and groups by name adds a few. "
                + "At \(ratePerMinute) a minute that is about \(OrgPlan.duration(estimatedRequests, ratePerMinute))."
        }
        if isEmpty {
            return "No changes: the two org states have the same groups, fields and members.\n" + (measured != nil ? requestsLine() + "\n" : "")
        }
        lines.append("Plan: \(plural(count(.created), "group")) created, \(count(.changed)) changed, \(count(.deleted)) deleted; "
            + "\(plural(peopleAdded, "membership")) added and \(peopleRemoved.grouped) removed in \(plural(groupsWithMemberChanges, "group")).")
        func render(_ p: Person) -> String {
            switch (p.name, p.email) {
            case let (name?, email?) where !email.isEmpty: return "\(name) <\(email)>"
            case let (name?, _): return "\(name) (\(p.id))"
            default: return "\(p.id) (not a user in either file)"
            }
        }
        func list(_ sign: String, _ people: [Person]) {
            let shown = limit > 0 ? people.prefix(limit) : people[...]
            for p in shown { lines.append("    \(sign) \(render(p))") }
            if shown.count < people.count {
                lines.append("    \(sign) ... and \((people.count - shown.count).grouped) more (the JSON plan lists everyone)")
            }
        }
        func value(_ v: JSONValue?) -> String { v.map { $0.text } ?? "(none)" }
        for g in groups {
            lines.append("")
            switch g.change {
            case .created:
                lines.append("+ \(g.name): created, \(plural(g.added.count, "member"))")
                for f in g.fields { lines.append("    \(f.field): \(value(f.after))") }
            case .deleted:
                lines.append("- \(g.name): deleted (it had \(plural(g.membersBefore, "member")))")
                continue
            case .changed, .members:
                var head = "~ \(g.name)"
                if let old = g.renamedFrom { head += ": renamed from \(old)" }
                if !g.added.isEmpty || !g.removed.isEmpty { head += " (+\(g.added.count.grouped) -\(g.removed.count.grouped))" }
                lines.append(head)
                for f in g.fields { lines.append("    \(f.field): \(value(f.before)) -> \(value(f.after))") }
            }
            if !g.ownersAdded.isEmpty || !g.ownersRemoved.isEmpty {
                lines.append("    owners:")
                list("+", g.ownersAdded)
                list("-", g.ownersRemoved)
            }
            list("+", g.added)
            list("-", g.removed)
        }
        lines.append("")
        lines.append(requestsLine())
        return lines.joined(separator: "\n") + "\n"
    }

    /// "40 seconds", "3.5 minutes": how long `requests` take at `rate` a minute.
    public static func duration(_ requests: Int, _ rate: Int) -> String {
        guard rate > 0, requests > 0 else { return "no time" }
        let seconds = Double(requests) * 60 / Double(rate)
        if seconds < 90 {
            let whole = Int(seconds.rounded(.up))
            return whole == 1 ? "1 second" : "\(whole) seconds"
        }
        return "\(OrgPlan.minutes(requests, rate)) minutes"
    }
}

extension Int {
    /// 12345 -> "12,345": counts a person reads.
    public var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
