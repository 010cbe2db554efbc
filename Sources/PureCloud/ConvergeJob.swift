import Foundation

/// Carries out a way-back plan (`pclua undo`, `pclua restore`): exactly the difference between its
/// `current` and its `target`, in this order: groups created, groups changed (`put_group` with a
/// fresh version), members added, members removed (both through the bulk membership job: chunks of
/// 50, groups side by side, pacing, retries, the audit log), groups deleted. Every step plans again
/// from what it reads, so a run stopped part way and run again converges.
public struct ConvergeJob: Sendable {
    public let client: APIClient
    public var progress: (@Sendable (_ what: String, _ done: Int, _ total: Int?) -> Void)?

    public init(client: APIClient) {
        self.client = client
    }

    public struct Report: Sendable {
        public var created: [(name: String, id: String)] = []
        public var changed = 0
        public var deleted = 0
        public var membership: [MembershipReport] = []
        public var added: Int { membership.reduce(0) { $0 + ($1.dryRun ? 0 : $1.added.count) } }
        public var removed: Int { membership.reduce(0) { $0 + ($1.dryRun ? 0 : $1.removed.count) } }
        public var failed: Int { membership.reduce(0) { $0 + $1.failed.count } }
    }

    public func run(_ plan: WayBackPlan) async throws -> Report {
        var report = Report()
        let before = Dictionary(plan.current.groups.map { (key($0.id), $0) }, uniquingKeysWith: { a, _ in a })
        let ids = try await createGroups(plan, before: before, report: &report)
        try await changeGroups(plan, before: before, report: &report)
        try await convergeMembers(plan, before: before, ids: ids, report: &report)
        try await deleteGroups(plan, report: &report)
        return report
    }

    private func key(_ id: String) -> String { id.lowercased() }

    /// 1. Groups created (again); returns target id -> the id it has on the platform.
    private func createGroups(_ plan: WayBackPlan, before: [String: OrgData.Group], report: inout Report) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for group in plan.target.groups where before[key(group.id)] == nil {
            var body: [(key: String, value: JSONValue)] = [("name", .string(group.name))]
            for field in ["type", "visibility", "rulesVisible"] { body.append((field, group.fields[field] ?? OrgData.groupDefaults[field]!)) }
            for field in WayBackFields.settable where field != "name" && !["visibility", "rulesVisible"].contains(field) {
                if let value = group.fields[field] { body.append((field, value)) }
            }
            if !group.owners.isEmpty { body.append(("ownerIds", .array(group.owners.map(JSONValue.string)))) }
            let answer = try await client.call(.postGroups(body: .object(body)))
            guard let id = answer?["id"]?.stringValue else {
                throw APIError(status: 0, code: "bad.response", message: "post_groups did not say the new group's id", operation: "post_groups")
            }
            ids[key(group.id)] = id
            report.created.append((group.name, id))
        }
        return ids
    }

    /// 2. Groups changed: name, fields and owners set to the target's, with the version read now.
    private func changeGroups(_ plan: WayBackPlan, before: [String: OrgData.Group], report: inout Report) async throws {
        for group in plan.target.groups {
            guard let old = before[key(group.id)] else { continue }
            var body: [(key: String, value: JSONValue)] = []
            if old.name != group.name { body.append(("name", .string(group.name))) }
            for field in WayBackFields.settable where field != "name" && old.fields[field] != group.fields[field] {
                // A field that had no value gets an explicit null (purecloud.null in a script).
                body.append((field, group.fields[field] ?? .null))
            }
            if Set(old.owners.map(key)) != Set(group.owners.map(key)) {
                // An empty list is sent as [" "], as Terraform clears owners (contract §2).
                body.append(("ownerIds", .array((group.owners.isEmpty ? [" "] : group.owners).map(JSONValue.string))))
            }
            guard !body.isEmpty else { continue }
            guard let version = try await client.call(.getGroup(groupId: group.id))?["version"] else {
                throw APIError(status: 0, code: "bad.response", message: "get_group returned no version", operation: "get_group")
            }
            _ = try await client.call(.putGroup(groupId: group.id, body: .object([("version", version)] + body)),
                                      facts: WriteFacts(groupName: group.name))
            report.changed += 1
        }
    }

    /// 3. Members, through the bulk membership job: every add, then every remove.
    private func convergeMembers(_ plan: WayBackPlan, before: [String: OrgData.Group], ids: [String: String], report: inout Report) async throws {
        var adds: [MembershipBatchJob.Entry] = [], removes: [MembershipBatchJob.Entry] = []
        var options = MembershipJob.Options()
        options.skipUnknown = true      // the plan already left out who cannot be used
        options.allowRemoveAll = true   // the plan, shown and confirmed, is the guard (issue 24)
        // The people were read to make the plan: the job need not look them up again.
        for user in plan.current.users {
            var record: [(key: String, value: JSONValue)] = [("id", .string(user.id)), ("name", .string(user.name)), ("state", .string(user.state))]
            if let email = user.email { record.append(("email", .string(email))) }
            options.knownUsers[UserIds.normalize(user.id)] = .object(record)
        }
        for group in plan.target.groups {
            let platformId = ids[key(group.id)] ?? group.id
            let old = Set((before[key(group.id)]?.members ?? []).map(key))
            let new = Set(group.members.map(key))
            let add = group.members.filter { !old.contains(key($0)) }.uniqued(by: key)
            let remove = (before[key(group.id)]?.members ?? []).filter { !new.contains(key($0)) }.uniqued(by: key)
            if !add.isEmpty { adds.append(.init(groupId: platformId, mode: .add, users: add.map { .text($0) }, options: options)) }
            if !remove.isEmpty { removes.append(.init(groupId: platformId, mode: .remove, users: remove.map { .text($0) }, options: options)) }
        }
        var batch = MembershipBatchJob(client: client)
        batch.progress = progress
        for entries in [adds, removes] where !entries.isEmpty {
            do {
                report.membership += try await batch.run(entries, name: entries.first?.mode.isAdd == true ? "add_members" : "remove_members")
            } catch let stopped as MembershipBatchError {
                report.membership += stopped.reports
                throw ConvergeStopped(report: report, cause: stopped.cause)
            }
        }
    }

    /// 4. Groups deleted.
    private func deleteGroups(_ plan: WayBackPlan, report: inout Report) async throws {
        let after = Set(plan.target.groups.map { key($0.id) })
        for group in plan.current.groups where !after.contains(key(group.id)) {
            _ = try await client.call(.deleteGroup(groupId: group.id), facts: WriteFacts(groupName: group.name))
            report.deleted += 1
        }
    }
}

extension MembershipJob.Mode {
    var isAdd: Bool { if case .add = self { return true } else { return false } }
}

/// The way back stopped part way (retries ran out); `report` says what was done.
public struct ConvergeStopped: Error, CustomStringConvertible, Sendable {
    public let report: ConvergeJob.Report
    public let cause: APIError
    public var description: String { cause.description }
}
