import Foundation

/// `pclua undo`: the inverse of one run of the audit log, against the org as it is now. Members the
/// run added are removed and those it removed are added back; fields it changed are set back;
/// groups it created are deleted; groups it deleted are created again with their fields, owners
/// and direct members. Writes whose outcome was unknown are settled against the org first (what
/// the read shows is what the run did). What changed again since is a conflict, listed and left
/// alone (`force` takes the group-level ones: a field changed since, a created group that gained
/// other members).
public struct UndoPlanner: Sendable {
    public let client: APIClient
    public var force = false
    /// Groups created by later runs of the same audit log, by name (lower case) -> id: an undo
    /// stopped part way re-creates a deleted group under a new id, and running the undo again
    /// must finish that group rather than call it someone else's.
    public var laterCreations: [String: Set<String>] = [:]

    public init(client: APIClient, force: Bool = false) {
        self.client = client
        self.force = force
    }

    /// The groups created by the runs after `run` in `history`, for `laterCreations`.
    public static func creations(after run: AuditHistory.Run, in history: AuditHistory) -> [String: Set<String>] {
        guard let at = history.runs.firstIndex(where: { $0.id == run.id }) else { return [:] }
        var out: [String: Set<String>] = [:]
        for later in history.runs[(at + 1)...] {
            for write in later.writes where write.intent.operation == "post_groups" {
                if let name = write.intent.body?["name"]?.stringValue, let id = write.outcome?.createdId {
                    out[name.lowercased(), default: []].insert(id.lowercased())
                }
            }
        }
        return out
    }

    /// A member's state before and after the run, by group and member (lower-case ids).
    struct Effect { var before: Bool; var after: Bool }

    public func plan(_ run: AuditHistory.Run) async throws -> WayBackPlan {
        var writes = RunWrites()
        for write in run.writes { writes.record(write) }
        let reader = OrgReader(client: client)
        let current = try await reader.groups(writes.involvedGroups)
        var undo = UndoPlanning(writes: writes, plan: WayBackPlan(current: current, target: current), force: force)
        undo.settleUnknownOutcomes()
        undo.deleteCreatedGroups()
        undo.restoreMembers()
        undo.restoreFields()
        try await undo.recreateDeletedGroups(client: client, reader: reader, laterCreations: laterCreations)
        try await undo.leaveOutPeopleWhoAreGone(reader: reader)
        return undo.finished()
    }
}

/// What one run of the audit log wrote, by kind (group and member ids in lower case).
struct RunWrites {
    typealias Effect = UndoPlanner.Effect
    var effects: [String: [String: Effect]] = [:]      // group -> member -> effect
    var maybe: [String: [(id: String, adds: Bool)]] = [:]  // unknown outcomes, settled by the read
    var created: [(id: String, name: String)] = [], createdUnknown: [String] = []
    var updated: [String: (before: JSONValue, after: [String: JSONValue])] = [:]
    var deleted: [(id: String, before: JSONValue)] = []

    var involvedGroups: [String] {
        Array(effects.keys) + Array(maybe.keys) + created.map(\.id) + Array(updated.keys) + deleted.map(\.id)
    }

    mutating func record(_ write: AuditHistory.Write) {
        let group = write.intent.groupId.map(UserIds.normalize)
        let result = write.outcome?.result
        switch write.intent.operation {
        case "post_group_members", "delete_group_members":
            guard let group else { return }
            let adds = write.intent.operation == "post_group_members"
            let (applied, unknown) = write.settled
            for id in applied { changed(group, UserIds.normalize(id), adds: adds) }
            maybe[group, default: []] += unknown.map { (UserIds.normalize($0), adds) }
        case "post_groups":
            let name = write.intent.body?["name"]?.stringValue ?? "?"
            if result == .applied, let id = write.outcome?.createdId { created.append((UserIds.normalize(id), name)) }
            else if result != .notApplied { createdUnknown.append(name) }
        case "put_group":
            guard let group, result != .notApplied, let before = write.intent.before, case let .object(body)? = write.intent.body else { return }
            var after = updated[group]?.after ?? [:]
            for (key, value) in body where key != "version" { after[key] = value }
            updated[group] = (updated[group]?.before ?? before, after)
        case "delete_group":
            guard let group, result != .notApplied, let before = write.intent.before else { return }
            deleted.append((group, before))
        default:
            return
        }
    }

    /// A member's state after the run; the first change of a member also fixes its state before.
    mutating func changed(_ group: String, _ id: String, adds: Bool) {
        var effect = effects[group]?[id] ?? Effect(before: !adds, after: !adds)
        effect.after = adds
        effects[group, default: [:]][id] = effect
    }
}

/// The steps of an undo's plan, each one kind of write set back against the org as it is now.
struct UndoPlanning {
    var writes: RunWrites
    var plan: WayBackPlan
    let force: Bool
    var people: [String: OrgData.User]
    var deleting = Set<String>()
    /// People who must exist and be active for the plan (added back, owners set back).
    var toAdd = Set<String>()
    var memberConflicts: [(group: String, id: String, added: Bool)] = []
    var recreated: [OrgData.Group] = []

    init(writes: RunWrites, plan: WayBackPlan, force: Bool) {
        self.writes = writes
        self.plan = plan
        self.force = force
        people = Dictionary(plan.current.users.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    func index(_ id: String) -> Int? { plan.target.groups.firstIndex { $0.id.lowercased() == id } }

    func named(_ id: String) -> String {
        people[id].map { person in person.email.map { "\(person.name) <\($0)>" } ?? person.name } ?? id
    }

    /// Unknown outcomes, settled by what the read shows: an add whose member is there now, a
    /// remove whose member is gone, happened.
    mutating func settleUnknownOutcomes() {
        for (group, entries) in writes.maybe {
            guard let now = plan.current.groups.first(where: { $0.id.lowercased() == group }) else { continue }
            let members = Set(now.members.map { $0.lowercased() })
            for (id, adds) in entries where members.contains(id) == adds { writes.changed(group, id, adds: adds) }
        }
    }

    /// Groups the run created: deleted again, unless they hold people the run did not add.
    mutating func deleteCreatedGroups() {
        for (id, name) in writes.created {
            guard let at = index(id) else { continue }  // gone already
            let own = Set((writes.effects[id] ?? [:]).filter { $0.value.after }.keys)
            let foreign = plan.target.groups[at].members.map { $0.lowercased() }.filter { !own.contains($0) }
            if !foreign.isEmpty && !force {
                plan.conflicts.append("'\(name)' was created by this run and has gained \(foreign.count) member\(foreign.count == 1 ? "" : "s") it did not add since (\(foreign.prefix(3).map(named).joined(separator: ", "))\(foreign.count > 3 ? ", ..." : "")): not deleted (--force deletes it)")
                continue
            }
            plan.target.groups.remove(at: at)
            deleting.insert(id)
        }
        for name in writes.createdUnknown {
            plan.conflicts.append("the run asked to create '\(name)' and never heard back: if it exists it is left alone (delete it by hand if this run made it)")
        }
    }

    /// Members: back to what they were before the run, unless they changed again since.
    mutating func restoreMembers() {
        for (group, members) in writes.effects where !deleting.contains(group) {
            guard let at = index(group) else {
                if !writes.deleted.contains(where: { $0.id == group }) && !members.values.allSatisfy({ $0.before == $0.after }) {
                    plan.conflicts.append("group \(group) is gone: its \(members.count) member change\(members.count == 1 ? "" : "s") cannot be undone")
                }
                continue
            }
            var now = plan.target.groups[at].members.map { $0.lowercased() }
            let name = plan.target.groups[at].name
            var present = Set(now)
            for (id, effect) in members.sorted(by: { $0.key < $1.key }) where effect.before != effect.after {
                guard present.contains(id) == effect.after else {
                    memberConflicts.append((name, id, effect.after))
                    continue
                }
                if effect.before {
                    now.append(id)
                    present.insert(id)
                    toAdd.insert(id)
                } else {
                    now.removeAll { $0 == id }
                    present.remove(id)
                }
            }
            plan.target.groups[at].members = now
        }
    }

    /// Fields: set back, unless they changed again since.
    mutating func restoreFields() {
        for (group, change) in writes.updated where !deleting.contains(group) {
            guard let at = index(group) else { continue }
            let now = plan.target.groups[at]
            let drifted = Self.drifted(now, from: change.after)
            if !drifted.isEmpty && !force {
                plan.conflicts.append("'\(now.name)': \(drifted.sorted().joined(separator: ", ")) changed again since this run: not set back (--force sets back what the run changed)")
                continue
            }
            var target = now
            for key in change.after.keys {
                if key == "ownerIds" {
                    target.owners = (change.before["owners"]?.arrayValue ?? []).compactMap(\.stringValue)
                    toAdd.formUnion(target.owners.map { $0.lowercased() })
                } else if key == "name", let name = change.before["name"]?.stringValue {
                    target.name = name
                } else if WayBackFields.settable.contains(key) {
                    target.fields[key] = change.before[key]
                }
            }
            plan.target.groups[at] = target
        }
    }

    /// The fields the run set that hold something else now.
    static func drifted(_ now: OrgData.Group, from sent: [String: JSONValue]) -> [String] {
        var drifted: [String] = []
        for (key, value) in sent {
            if key == "ownerIds" {
                let owners = Set((value.arrayValue ?? []).compactMap(\.stringValue).map { $0.lowercased() })
                if Set(now.owners.map { $0.lowercased() }) != owners { drifted.append("owners") }
            } else if key == "name" {
                if now.name != value.stringValue { drifted.append(key) }
            } else if WayBackFields.settable.contains(key), now.fields[key] != value {
                drifted.append(key)
            }
        }
        return drifted
    }

    /// Groups the run deleted: created again, with a new id (or finished, when an earlier undo
    /// that stopped part way created them already).
    mutating func recreateDeletedGroups(client: APIClient, reader: OrgReader, laterCreations: [String: Set<String>]) async throws {
        var names = Set(plan.target.groups.map { $0.name.lowercased() })
        for (id, before) in writes.deleted {
            guard index(id) == nil else { continue }  // it was never deleted after all
            let name = before["name"]?.stringValue ?? "?"
            var group = OrgReader.group(before, members: (before["members"]?.arrayValue ?? []).compactMap(\.stringValue))
            toAdd.formUnion((group.members + group.owners).map { $0.lowercased() })
            if case let (.found(existing), _) = try await GroupLookup(client: client).find(name),
               let existingId = existing["id"]?.stringValue, laterCreations[name.lowercased()]?.contains(existingId.lowercased()) == true {
                let now = try await reader.groups([existingId])
                plan.current.groups += now.groups
                plan.current.users += now.users
                group.id = existingId
                recreated.append(group)
                plan.notes.append("'\(name)' was created again by an earlier undo (\(existingId)): it is completed")
                continue
            }
            var taken = names.contains(name.lowercased())
            if !taken { taken = try await GroupLookup(client: client).exists(name) }
            if taken {
                plan.conflicts.append("'\(name)' was deleted by this run and a group of that name exists now: not created again")
                continue
            }
            names.insert(name.lowercased())
            group.id = WayBackPlan.newPrefix + id
            recreated.append(group)
            plan.notes.append("'\(name)' is created again with a new id (it was \(id))")
        }
    }

    /// People to add back must still exist and be active (and those in conflicts are named).
    mutating func leaveOutPeopleWhoAreGone(reader: OrgReader) async throws {
        let known = try await reader.users(Array(toAdd.union(memberConflicts.map(\.id)).filter { people[$0] == nil }))
        for user in known { people[user.id.lowercased()] = user }
        let usable = Set(people.values.filter { $0.state == "active" }.map { $0.id.lowercased() })
        for index in plan.target.groups.indices {
            var group = plan.target.groups[index]
            let now = plan.current.groups.first { $0.id == group.id }
            let members = Set((now?.members ?? []).map { $0.lowercased() }), owners = Set((now?.owners ?? []).map { $0.lowercased() })
            group.members.removeAll { id in
                let key = id.lowercased()
                guard !members.contains(key), !usable.contains(key) else { return false }
                plan.skipped.append("\(named(key)) (\(people[key]?.state ?? "no longer exists")): not added back to '\(group.name)'")
                return true
            }
            group.owners.removeAll { !owners.contains($0.lowercased()) && !usable.contains($0.lowercased()) }
            plan.target.groups[index] = group
        }
        for conflict in memberConflicts {
            plan.conflicts.append("'\(conflict.group)': \(named(conflict.id)) was \(conflict.added ? "added by the run and removed" : "removed by the run and added back") since: left as it is")
        }
        for var group in recreated {
            let gone = (group.members + group.owners).filter { !usable.contains($0.lowercased()) }
            for id in Set(gone) { plan.skipped.append("\(named(id.lowercased())) (\(people[id.lowercased()]?.state ?? "no longer exists")): not in '\(group.name)' when it is created again") }
            group.members.removeAll { !usable.contains($0.lowercased()) }
            group.owners.removeAll { !usable.contains($0.lowercased()) }
            plan.target.groups.append(group)
        }
    }

    mutating func finished() -> WayBackPlan {
        for user in plan.current.users where people[user.id.lowercased()] == nil { people[user.id.lowercased()] = user }
        plan.current.users = Array(people.values)
        plan.target.users = plan.current.users
        plan.conflicts.sort()
        return plan
    }
}
