import Foundation

/// What a bulk membership helper did (or, in a dry run, would do).
public struct MembershipReport: Sendable {
    public var groupId: String
    public var added: [String] = []
    public var removed: [String] = []
    /// Ids already in the wanted state: nothing was sent for them.
    public var unchanged = 0
    /// Entries not changed: `id` is the user's id when one was found, else the input itself.
    public var failed: [(id: String, input: String, reason: String)] = []
    /// id -> how reports name the person: the caller's input, or the member's email or name.
    public var names: [String: String] = [:]
    /// Members a sync did not remove because an entry that could not be resolved might name them.
    public var heldBack: [String] = []
    /// Ids not confirmed because the job stopped (see `stoppedBy`): not attempted, or sent without
    /// an answer (the platform may have applied them; running the job again settles it).
    public var notDone: [String] = []
    public var stoppedBy: APIError?
    /// HTTP requests sent, retries included.
    public var requests = 0
    public var dryRun = false

    public var json: JSONValue {
        func ids(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
        var members: [(key: String, value: JSONValue)] = [
            ("group_id", .string(groupId)),
            ("added", .int(Int64(added.count))), ("removed", .int(Int64(removed.count))),
            ("unchanged", .int(Int64(unchanged))),
            ("failed", .array(failed.map { .object([("id", .string($0.id)), ("input", .string($0.input)), ("error", .string($0.reason))]) })),
            ("requests", .int(Int64(requests))), ("dry_run", .bool(dryRun)),
            ("added_ids", ids(added)), ("removed_ids", ids(removed)),
            ("names", .object(names.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
        if !heldBack.isEmpty { members.append(("held_back", ids(heldBack))) }
        if !notDone.isEmpty || stoppedBy != nil {
            members.append(("not_done", ids(notDone)))
            members.append(("stopped_by", .string(stoppedBy?.description ?? "")))
        }
        return .object(members)
    }
}

/// Chunked, version-aware, idempotent membership changes (DESIGN.md §4): chunks of at most 50,
/// the group's version carried from one chunk to the next (no GET per chunk), a fresh version
/// fetched only after a conflict, ids already in the wanted state skipped, per-id failures found
/// by splitting a refused chunk.
public struct MembershipJob: Sendable {
    public enum Mode: Sendable { case add, remove, sync(add: Bool, remove: Bool) }

    public let client: APIClient
    /// Most attempts of one chunk after version conflicts (Terraform uses 10).
    public var conflictAttempts = 10
    /// Most ids one call takes; more is almost certainly a mistake (a whole org is ~10^5 users).
    public static let maximumIds = 1_000_000
    /// Told what is being done and how far it got (for a progress line); also handed to the
    /// resolution of people.
    public var progress: (@Sendable (_ what: String, _ done: Int, _ total: Int?) -> Void)?

    /// What the caller allows beyond the defaults (DESIGN.md §5b).
    public struct Options: Sendable {
        /// Unknown, ambiguous, inactive or deleted entries are reported as failed instead of
        /// stopping the job before its first write.
        public var skipUnknown = false
        /// Inactive users are used like active ones (they are reported either way).
        public var includeInactive = false
        /// Most members one call may remove; nil: at most half of the direct members, never all.
        public var maxRemovals: Int?
        /// Lets a plan remove every direct member (or more than half without `maxRemovals`).
        public var allowRemoveAll = false
        /// Check and plan only: the report says what would be sent, nothing is sent or logged as a
        /// write (scripts check every group this way before their first write).
        public var planOnly = false
        /// Users the caller has just read, by lower-case id (the way back read them to plan): ids
        /// among them need no request to be resolved.
        public var knownUsers: [String: JSONValue] = [:]

        public init() {}
    }

    public init(client: APIClient) {
        self.client = client
    }

    /// Checks ids before anything is sent: strings that are not blank, no more than the limit;
    /// returns them as the platform reads them (trimmed, lower case), without repeats.
    public static func normalize(_ ids: [String]) throws -> [String] {
        guard ids.count <= maximumIds else {
            throw ValidationError("\(ids.count) ids is more than the \(maximumIds) one call accepts; split the list")
        }
        var seen = Set<String>()
        var out: [String] = []
        for (index, raw) in ids.enumerated() {
            let id = UserIds.normalize(raw)
            guard !id.isEmpty else { throw ValidationError("id #\(index + 1) is blank") }
            guard !id.contains(",") else { throw ValidationError("id #\(index + 1) ('\(id)') contains a comma; give one id per item") }
            if seen.insert(id).inserted { out.append(id) }
        }
        return out
    }

    /// `ids` only (no resolution): kept for callers that hold checked ids.
    public func run(_ mode: Mode, groupId: String, ids rawIds: [String]) async throws -> MembershipReport {
        try await run(mode, groupId: groupId, users: try Self.normalize(rawIds).map { UserReference.text($0) }, options: Options())
    }

    /// `name` is the helper's name for messages (`sync_members`).
    public func run(_ mode: Mode, groupId: String, users references: [UserReference], options: Options, name: String = "membership") async throws -> MembershipReport {
        let planned = try await plan(mode, groupId: groupId, users: references, options: options, name: name)
        if options.planOnly { return planned.report }
        return try await execute(planned)
    }

    /// A job read, resolved, checked and planned, with nothing written yet: `execute` carries it
    /// out. Many groups are planned first and then executed side by side (MembershipBatchJob).
    public struct Planned: Sendable {
        public var report: MembershipReport
        public var toAdd: [String]
        public var toRemove: [String]
        var version: Int64
        /// The group's name and the helper's (`add_members`), for messages and the progress line.
        var groupName: String
        var helper: String
        let tally: RequestTally
    }

    /// Everything up to the first write: the group, its members, the people, the removal guard.
    /// With `options.planOnly` the report says what would be sent.
    public func plan(_ mode: Mode, groupId: String, users references: [UserReference], options: Options, name: String = "membership") async throws -> Planned {
        try ResolutionJob.check(references)
        let tally = RequestTally()
        return try await tally.counting { try await planCounted(mode, groupId: groupId, users: references, options: options, name: name, tally: tally) }
    }

    private func planCounted(_ mode: Mode, groupId: String, users references: [UserReference], options: Options, name: String, tally: RequestTally) async throws -> Planned {
        var report = MembershipReport(groupId: groupId, dryRun: client.configuration.dryRun)
        // One read of the group (its version; a 404 stops everything before any write) and one of its
        // direct members, to diff against.
        guard let group = try await client.call("get_group", ["group_id": .string(groupId)]),
              let version = group["version"]?.intValue
        else { throw ValidationError("get_group \(groupId) returned no version") }
        let groupName = group["name"]?.stringValue ?? groupId
        let members = try await directMembers(groupId)
        let current = Set(members.keys)

        // Everyone named is resolved before the first write; what cannot be used stops the job
        // (naming the entries) unless the caller asked to skip it.
        var resolver = ResolutionJob(client: client)
        resolver.includeInactive = options.includeInactive
        resolver.progress = progress
        let resolution = try await resolver.run(references, known: options.knownUsers.merging(members) { _, member in member })
        let problems = resolution.problems
        if !problems.isEmpty && !options.skipUnknown {
            throw MembershipRefusal(message: "\(name): \(problems.count) of the \(references.count) users given cannot be used, so '\(groupName)' was not changed: "
                + problems.prefix(20).map { "\($0.input) (\($0.reason))" }.joined(separator: "; ")
                + (problems.count > 20 ? "; and \(problems.count - 20) more" : "")
                + ". Correct them, or pass skip_unknown = true to change the others and report these as failed.", problems: problems)
        }
        let matched = Dictionary(resolution.matched.map { ($0.id, $0.input) }, uniquingKeysWith: { first, _ in first })
        let idOfInput = Dictionary(resolution.matched.map { ($0.input, $0.id) }, uniquingKeysWith: { first, _ in first })
        for problem in problems {
            report.failed.append((idOfInput[problem.input] ?? problem.input, problem.input, problem.reason))
        }
        var ids: [String] = []
        var seen = Set<String>()
        for (input, id) in resolution.ids where seen.insert(id).inserted {
            ids.append(id)
            report.names[id] = input
        }
        // People named but not usable (inactive, deleted) are never removed by a sync that lists them.
        let named = Set(resolution.matched.map(\.id))

        var toAdd: [String] = [], toRemove: [String] = []
        switch mode {
        case .add:
            toAdd = ids.filter { !current.contains($0) }
            report.unchanged = ids.count - toAdd.count
        case .remove:
            toRemove = ids.filter { current.contains($0) }
            report.unchanged = ids.count - toRemove.count
        case let .sync(add, remove):
            if add { toAdd = ids.filter { !current.contains($0) } }
            if remove {
                toRemove = current.sorted().filter { !named.contains($0) }
                // Entries that could not be resolved (skipped) may still name a member (an email
                // changed minutes ago, a search that answered badly): such a member is kept.
                if !problems.isEmpty {
                    report.heldBack = toRemove.filter { id in problems.contains { Self.mightName($0.input, member: members[id], id: id) } }
                    let held = Set(report.heldBack)
                    toRemove.removeAll { held.contains($0) }
                }
            }
            report.unchanged = ids.count { current.contains($0) }
        }
        for id in toRemove + report.heldBack where report.names[id] == nil {
            report.names[id] = matched[id] ?? members[id]?["email"]?.stringValue ?? members[id]?["name"]?.stringValue ?? id
        }
        try Self.checkRemovals(toRemove.count, of: current.count, adding: toAdd.count, wantedCount: references.count,
                               isSync: { if case .sync = mode { return true } else { return false } }(), group: groupName, options: options, name: name)
        if options.planOnly {
            report.added = toAdd
            report.removed = toRemove
            report.dryRun = true
        }
        report.requests = tally.value
        return Planned(report: report, toAdd: toAdd, toRemove: toRemove, version: version, groupName: groupName, helper: name, tally: tally)
    }

    /// Carries out a plan: chunks of 50, one after the other (the group's version allows one
    /// writer), adds first. Throws MembershipJobError with the report when it cannot go on.
    public func execute(_ planned: Planned) async throws -> MembershipReport {
        try await planned.tally.counting { try await executeCounted(planned) }
    }

    private func executeCounted(_ planned: Planned) async throws -> MembershipReport {
        var report = planned.report
        var version = planned.version
        let groupId = report.groupId, toAdd = planned.toAdd, toRemove = planned.toRemove
        client.log.info("membership plan", [("group_id", .string(groupId)), ("add", .int(Int64(toAdd.count))), ("remove", .int(Int64(toRemove.count))), ("unchanged", .int(Int64(report.unchanged)))])

        let groupName = planned.groupName
        if client.configuration.dryRun {
            // A dry run sends no write: one line per kind of change says what was held back (not one
            // line of 50 ids per chunk), naming the group, and the report says what would change.
            for (kind, ids, method, operation) in [("add", toAdd, "POST", "post_group_members"), ("remove", toRemove, "DELETE", "delete_group_members")] where !ids.isEmpty {
                let requests = (ids.count + GroupsAPI.maximumMembersPerRequest - 1) / GroupsAPI.maximumMembersPerRequest
                client.log.warn("dry run: not sent", [("operation", .string(operation)), ("method", .string(method)),
                                                      ("group", .string(groupName)), ("group_id", .string(groupId)), (kind, .int(Int64(ids.count))),
                                                      ("requests", .int(Int64(requests)))])
            }
            report.added = toAdd
            report.removed = toRemove
            report.requests = planned.tally.value
            return report
        }

        var pending = toAdd.chunked(GroupsAPI.maximumMembersPerRequest).map { (Chunk.add, $0) }
            + toRemove.chunked(GroupsAPI.maximumMembersPerRequest).map { (Chunk.remove, $0) }
        let total = toAdd.count + toRemove.count
        var sent = 0
        while !pending.isEmpty {
            let (kind, chunk) = pending.removeFirst()
            do {
                switch kind {
                case .add:
                    try await addChunk(groupId, chunk, version: &version, report: &report, name: groupName)
                case .remove:
                    try await removeChunk(groupId, chunk, version: &version, report: &report, name: groupName)
                }
            } catch {
                // The job stops (an error it cannot get past, or Ctrl-C); the report says what was
                // done and what was not.
                let cause = error as? APIError
                    ?? APIError(status: 0, code: "interrupted", message: "the job was interrupted", operation: kind == .add ? "post_group_members" : "delete_group_members")
                report.stoppedBy = cause
                report.notDone = chunk.filter { !report.added.contains($0) && !report.removed.contains($0) } + pending.flatMap(\.1)
                report.requests = planned.tally.value
                throw MembershipJobError(report: report, cause: cause)
            }
            sent += chunk.count  // counted once the chunk went through, so a stop never overstates it
            progress?("\(planned.helper) '\(groupName)'", sent, total)
        }
        report.requests = planned.tally.value
        return report
    }

    enum Chunk { case add, remove }

    /// Direct members by id as the platform reads them (lower case), with what the listing says of them.
    private func directMembers(_ groupId: String) async throws -> [String: JSONValue] {
        let listing = try await client.call("get_group_individuals", ["group_id": .string(groupId)])
        let entities = listing?["entities"]?.arrayValue ?? []
        var out: [String: JSONValue] = [:]
        for entity in entities {
            if let id = entity["id"]?.stringValue { out[UserIds.normalize(id)] = entity }
        }
        return out
    }

    /// Whether an entry that could not be resolved might be this member: its id, its email or its
    /// name (case folded), or a member whose listing lacks the field the entry would match.
    static func mightName(_ input: String, member: JSONValue?, id: String) -> Bool {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if UserIds.normalize(text) == id { return true }
        let field = text.contains("@") ? "email" : "name"
        guard let value = member?[field]?.stringValue else { return true }
        return TextFolding.key(value) == TextFolding.fold(text)
    }

    /// The guard of DESIGN.md §5b: a plan that removes every direct member, or more than half of
    /// them (or more than `maxRemovals`), stops before its first write with the numbers.
    static func checkRemovals(_ removals: Int, of members: Int, adding: Int, wantedCount: Int, isSync: Bool,
                              group: String, options: Options, name: String) throws {
        guard removals > 0 else { return }
        let plan = "the plan removes \(removals) of the \(members) direct members of '\(group)'" + (isSync ? " (and adds \(adding))" : "")
        if let limit = options.maxRemovals, removals > limit {
            throw MembershipRefusal(message: "\(name): \(plan), more than max_removals = \(limit); '\(group)' was not changed. Raise it with max_removals = \(removals) (scripts: --max-removals \(removals)) if that is intended.", problems: [])
        }
        if removals == members && !options.allowRemoveAll {
            let why = isSync && wantedCount == 0 ? "the wanted list is empty, so " : ""
            throw MembershipRefusal(message: "\(name): \(why)\(plan): every member; '\(group)' was not changed. If that is intended, pass allow_remove_all = true (scripts: --allow-remove-all).", problems: [])
        }
        if removals * 2 > members && options.maxRemovals == nil && !options.allowRemoveAll {
            throw MembershipRefusal(message: "\(name): \(plan), more than half; '\(group)' was not changed. If that is intended, pass max_removals = \(removals) (scripts: --max-removals \(removals)).", problems: [])
        }
    }

    /// Adds one chunk. Every id of it was absent at `version` (the plan read them), which the
    /// write tells the ledger. After a version conflict the group's version and members are read
    /// again and only those still missing are sent: members another writer added meanwhile are
    /// already present, not this run's adds, unless an earlier attempt of ours may have applied
    /// (then the read settles that attempt, and they are ours).
    private func addChunk(_ groupId: String, _ chunk: [String], version: inout Int64, report: inout MembershipReport, name: String) async throws {
        var chunk = chunk
        var attempt = 0
        var oursMayHaveApplied = false
        while true {
            attempt += 1
            do {
                let body: JSONValue = .object([("memberIds", .array(chunk.map(JSONValue.string))), ("version", .int(version))])
                _ = try await client.call("post_group_members", ["group_id": .string(groupId), "body": body], facts: WriteFacts(groupName: name, already: []))
                version += 1  // the ids were not members, so the membership changed and the version moved
                report.added += chunk
                return
            } catch let error as APIError where error.isVersionConflict && attempt < conflictAttempts {
                oursMayHaveApplied = oursMayHaveApplied || error.mayHaveApplied
                client.log.info("version conflict; reading the group's version and members again",
                                [("group_id", .string(groupId)), ("attempt", .int(Int64(attempt))), ("correlation_id", .string(error.correlationId ?? ""))])
                try await Task.sleep(nanoseconds: UInt64(attempt) * 200_000_000)
                // The version first: a write that lands between the two reads makes the next send
                // conflict again rather than count wrong.
                version = try await freshVersion(groupId)
                let members = Set(try await directMembers(groupId).keys)
                let present = chunk.filter { members.contains($0) }
                if oursMayHaveApplied { report.added += present } else { report.unchanged += present.count }
                chunk = chunk.filter { !members.contains($0) }
                if chunk.isEmpty { return }
            } catch let error as APIError where error.status == 400 {
                // Refused as a whole (an unknown user id, say): fail the ids the error names and send
                // the rest again, or, when it names none, find them by halving the chunk.
                try await splitRefused(chunk, error) { part in
                    try await addChunk(groupId, part, version: &version, report: &report, name: name)
                } record: { report.failed.append(($0, report.names[$0] ?? $0, $1)) }
                return
            }
        }
    }

    private func removeChunk(_ groupId: String, _ chunk: [String], version: inout Int64, report: inout MembershipReport, name: String) async throws {
        do {
            _ = try await client.call("delete_group_members", ["group_id": .string(groupId), "ids": .string(chunk.joined(separator: ","))],
                                      facts: WriteFacts(groupName: name, already: []))
            version += 1
            report.removed += chunk
        } catch let error as APIError where error.status == 400 {
            try await splitRefused(chunk, error) { part in
                try await removeChunk(groupId, part, version: &version, report: &report, name: name)
            } record: { report.failed.append(($0, report.names[$0] ?? $0, $1)) }
        }
    }

    private func splitRefused(_ chunk: [String], _ error: APIError, retry: ([String]) async throws -> Void, record: (String, String) -> Void) async throws {
        let reason = "HTTP \(error.status) \(error.code): \(error.message)"
        let named = Set((error.body?["details"]?.arrayValue ?? []).compactMap { $0["entityId"]?.stringValue }).intersection(chunk)
        if !named.isEmpty {
            for id in chunk where named.contains(id) { record(id, reason) }
            let rest = chunk.filter { !named.contains($0) }
            if !rest.isEmpty { try await retry(rest) }
            return
        }
        guard chunk.count > 1 else {
            record(chunk[0], reason)
            return
        }
        let middle = chunk.count / 2
        try await retry(Array(chunk[..<middle]))
        try await retry(Array(chunk[middle...]))
    }

    private func freshVersion(_ groupId: String) async throws -> Int64 {
        guard let version = try await client.call("get_group", ["group_id": .string(groupId)])?["version"]?.intValue else {
            throw APIError(status: 0, code: "bad.response", message: "get_group returned no version", operation: "get_group")
        }
        return version
    }
}

/// A bulk job refused before its first write: people that cannot be used, or a plan that removes
/// too many. Nothing was sent.
public struct MembershipRefusal: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let problems: [(input: String, reason: String)]
    public var description: String { message }
}

/// A bulk job stopped by an error it could not get past; `report` says what was and was not done.
public struct MembershipJobError: Error, CustomStringConvertible, Sendable {
    public let report: MembershipReport
    public let cause: APIError

    public var description: String {
        "\(cause.description); \(report.added.count) added and \(report.removed.count) removed before it stopped, \(report.notDone.count) not confirmed"
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
