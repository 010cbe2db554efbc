import Foundation

/// What changed between two states of an org (two data files): groups created, renamed, changed
/// field by field, deleted, and the people added to and removed from each group. The plan of a
/// rehearsal and the diff of a real run's before/after snapshots are this same value, computed by
/// the same code, so the two can be compared (DESIGN.md §5c).
public struct OrgPlan: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var email: String?
    }

    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var before: JSONValue?
        public var after: JSONValue?
    }

    public enum Change: String, Sendable { case created, deleted, changed, members }

    public struct GroupChange: Sendable, Equatable {
        public var id: String
        public var name: String
        public var change: Change
        public var renamedFrom: String?
        public var fields: [FieldChange] = []
        public var ownersAdded: [Person] = []
        public var ownersRemoved: [Person] = []
        public var added: [Person] = []
        public var removed: [Person] = []
        /// Direct members before the change (deleted groups say how many people they held).
        public var membersBefore = 0
    }

    public var groups: [GroupChange]

    public var isEmpty: Bool { groups.isEmpty }
    public var peopleAdded: Int { groups.reduce(0) { $0 + $1.added.count } }
    public var peopleRemoved: Int { groups.reduce(0) { $0 + $1.removed.count } }
    public func count(_ change: Change) -> Int { groups.filter { $0.change == change }.count }
    public var groupsWithMemberChanges: Int { groups.filter { !$0.added.isEmpty || !$0.removed.isEmpty }.count }

    /// The requests pclua's helpers would send to carry the plan out, at the least: a create, update
    /// or delete per group (an update reads the version first), and for each group whose members
    /// change, one read of the group, one of its direct members and one write per 50 people (the
    /// API's limit). Finding people and groups by name adds a few reads (about one search per 100
    /// people), which only a rehearsal measures.
    public var estimatedRequests: Int { estimatedWrites + estimatedReads }

    /// The writes of `estimatedRequests`: what a run that carries the plan out sends as writes (a
    /// rehearsal's script and a real run send the same number).
    public var estimatedWrites: Int {
        groups.reduce(0) { total, group in
            var n = (group.added.count + 49) / 50 + (group.removed.count + 49) / 50
            switch group.change {
            case .created: n += 1
            case .deleted: return total + 1
            case .changed where hasGroupChanges(group): n += 1
            default: break
            }
            return total + n
        }
    }

    /// The reads of `estimatedRequests`: a group's version before its update; a group's version and
    /// direct members before its member writes.
    public var estimatedReads: Int {
        groups.reduce(0) { total, group in
            guard group.change != .deleted else { return total }
            var n = group.change == .changed && hasGroupChanges(group) ? 1 : 0
            if !group.added.isEmpty || !group.removed.isEmpty { n += 2 }
            return total + n
        }
    }

    private func hasGroupChanges(_ group: GroupChange) -> Bool {
        !group.fields.isEmpty || group.renamedFrom != nil || !group.ownersAdded.isEmpty || !group.ownersRemoved.isEmpty
    }
}

/// Computes the plan between two data files.
public enum OrgDiff {
    /// Fields that move by themselves on any change: not part of a plan.
    static let ignoredFields: Set<String> = ["version", "dateModified"]

    public static func plan(before: OrgData, after: OrgData) -> OrgPlan {
        // Ids as the platform reads them: case-insensitive.
        func key(_ id: String) -> String { id.lowercased() }
        var people: [String: OrgPlan.Person] = [:]
        for user in before.users + after.users {
            people[key(user.id)] = OrgPlan.Person(id: user.id, name: user.name, email: user.email)
        }
        func persons(_ ids: some Sequence<String>) -> [OrgPlan.Person] {
            ids.map { people[key($0)] ?? OrgPlan.Person(id: $0) }.sorted(by: personOrder)
        }
        func difference(_ a: [String], _ b: [String]) -> (added: [OrgPlan.Person], removed: [OrgPlan.Person]) {
            let old = Set(a.map(key)), new = Set(b.map(key))
            return (persons(b.filter { !old.contains(key($0)) }.uniqued(by: key)),
                    persons(a.filter { !new.contains(key($0)) }.uniqued(by: key)))
        }

        let oldGroups = Dictionary(before.groups.map { (key($0.id), $0) }, uniquingKeysWith: { first, _ in first })
        let newIds = Set(after.groups.map { key($0.id) })
        var changes: [OrgPlan.GroupChange] = []

        for group in after.groups {
            guard let old = oldGroups[key(group.id)] else {
                var created = OrgPlan.GroupChange(id: group.id, name: group.name, change: .created)
                created.fields = group.fields.keys.filter { !ignoredFields.contains($0) }.sorted()
                    .map { OrgPlan.FieldChange(field: $0, before: nil, after: group.fields[$0]) }
                created.ownersAdded = persons(group.owners.uniqued(by: key))
                created.added = persons(group.members.uniqued(by: key))
                changes.append(created)
                continue
            }
            var change = OrgPlan.GroupChange(id: group.id, name: group.name, change: .members)
            change.membersBefore = Set(old.members.map(key)).count
            if old.name != group.name { change.renamedFrom = old.name }
            for field in Set(old.fields.keys).union(group.fields.keys).sorted() where !ignoredFields.contains(field) {
                if old.fields[field] != group.fields[field] {
                    change.fields.append(OrgPlan.FieldChange(field: field, before: old.fields[field], after: group.fields[field]))
                }
            }
            (change.ownersAdded, change.ownersRemoved) = difference(old.owners, group.owners)
            (change.added, change.removed) = difference(old.members, group.members)
            if change.renamedFrom != nil || !change.fields.isEmpty || !change.ownersAdded.isEmpty || !change.ownersRemoved.isEmpty {
                change.change = .changed
            } else if change.added.isEmpty && change.removed.isEmpty {
                continue
            }
            changes.append(change)
        }
        for old in before.groups where !newIds.contains(key(old.id)) {
            var deleted = OrgPlan.GroupChange(id: old.id, name: old.name, change: .deleted)
            deleted.membersBefore = Set(old.members.map(key)).count
            changes.append(deleted)
        }
        changes.sort { a, b in
            let x = a.name.lowercased(), y = b.name.lowercased()
            return x != y ? x < y : a.id < b.id
        }
        return OrgPlan(groups: changes)
    }

    static func personOrder(_ a: OrgPlan.Person, _ b: OrgPlan.Person) -> Bool {
        let x = (a.name ?? "").lowercased(), y = (b.name ?? "").lowercased()
        return x != y ? x < y : a.id.lowercased() < b.id.lowercased()
    }
}

extension Sequence {
    func uniqued(by key: (Element) -> String) -> [Element] {
        var seen = Set<String>()
        return filter { seen.insert(key($0)).inserted }
    }
}
