import Foundation

/// `pclua restore --snapshot FILE`: the chosen groups of a snapshot (all, or those whose name
/// matches a pattern) made equal to it again: their direct members and, unless `membersOnly`, their
/// name, description, visibility, rulesVisible and owners. A group that is gone is created again
/// (a new id; a group of the same name today is taken as it). People who no longer exist or are
/// not active are listed and skipped. Groups created since the snapshot are listed and left alone
/// unless `deleteCreated`. Run again after a crash, it plans only what is still missing; run on the
/// org's own current snapshot, it plans nothing.
public struct RestorePlanner: Sendable {
    public let client: APIClient
    public var groupPattern: String?
    public var membersOnly = false
    public var deleteCreated = false

    public init(client: APIClient) {
        self.client = client
    }

    public func plan(_ snapshot: OrgData) async throws -> WayBackPlan {
        func chosen(_ name: String) -> Bool { groupPattern.map { SnapshotJob.matches($0, name) } ?? true }
        let wanted = snapshot.groups.filter { chosen($0.name) }
        let reader = OrgReader(client: client)
        let listing = try await reader.groupListing()
        let snapshotIds = Set(snapshot.groups.map { $0.id.lowercased() })
        let (matches, taken) = Self.match(wanted, to: listing, snapshotIds: snapshotIds)
        let createdSince = listing.filter { g in
            guard let id = g["id"]?.stringValue, let name = g["name"]?.stringValue else { return false }
            return !snapshotIds.contains(id.lowercased()) && !taken.contains(id.lowercased()) && chosen(name)
        }
        let current = try await reader.groups(matches.compactMap(\.now) + (deleteCreated ? createdSince.compactMap { $0["id"]?.stringValue } : []))
        var plan = WayBackPlan(current: current, target: current)

        // The people the snapshot's groups hold, as they are today.
        var people = Dictionary(current.users.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let named = wanted.flatMap { $0.members + $0.owners }.filter { people[$0.lowercased()] == nil }
        for user in try await reader.users(named) { people[user.id.lowercased()] = user }
        let fromSnapshot = Dictionary(snapshot.users.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        func label(_ id: String) -> String {
            let person = people[id.lowercased()] ?? fromSnapshot[id.lowercased()]
            return person.map { p in p.email.map { "\(p.name) <\($0)>" } ?? p.name } ?? id
        }
        func usable(_ id: String, keeping current: Set<String>, in group: String, role: String) -> Bool {
            let key = id.lowercased()
            if current.contains(key) || people[key]?.state == "active" { return true }
            plan.skipped.append("\(label(id)) (\(people[key]?.state ?? "no longer exists")): not \(role) '\(group)'")
            return false
        }

        for (group, now) in matches {
            if let now, let at = plan.target.groups.firstIndex(where: { $0.id.lowercased() == now.lowercased() }) {
                var target = plan.target.groups[at]
                let members = Set(target.members.map { $0.lowercased() }), owners = Set(target.owners.map { $0.lowercased() })
                target.members = group.members.filter { usable($0, keeping: members, in: group.name, role: "added back to") }
                if !membersOnly {
                    if target.name != group.name && !plan.target.groups.contains(where: { $0.id != target.id && GroupLookup.key($0.name) == GroupLookup.key(group.name) }) {
                        target.name = group.name
                    }
                    for key in WayBackFields.restored { target.fields[key] = group.fields[key] }
                    target.owners = group.owners.filter { usable($0, keeping: owners, in: group.name, role: "an owner of") }
                }
                if now.lowercased() != group.id.lowercased() {
                    plan.notes.append("'\(group.name)' (\(group.id) in the snapshot) is restored onto the group of that name today (\(now))")
                }
                plan.target.groups[at] = target
            } else {
                var created = group
                created.id = WayBackPlan.newPrefix + group.id
                created.members = group.members.filter { usable($0, keeping: [], in: group.name, role: "in the re-created") }
                created.owners = group.owners.filter { usable($0, keeping: [], in: group.name, role: "an owner of the re-created") }
                plan.target.groups.append(created)
                plan.notes.append("'\(group.name)' is gone: it is created again with a new id (it was \(group.id))")
            }
        }
        for group in createdSince {
            let name = group["name"]?.stringValue ?? "?", id = group["id"]?.stringValue ?? "?"
            if deleteCreated {
                plan.target.groups.removeAll { $0.id.lowercased() == id.lowercased() }
            } else {
                plan.notes.append("'\(name)' (\(id)) was created after the snapshot: left as it is (--delete-created deletes such groups)")
            }
        }
        plan.current.users = Array(people.values)
        plan.target.users = plan.current.users
        return plan
    }

    /// Each wanted group, matched to a group of today: by id, else by name (re-created by hand);
    /// and the ids of today's groups so matched.
    static func match(_ wanted: [OrgData.Group], to listing: [JSONValue], snapshotIds: Set<String>)
        -> (matches: [(wanted: OrgData.Group, now: String?)], taken: Set<String>) {
        let byId = Dictionary(listing.compactMap { g in g["id"]?.stringValue.map { ($0.lowercased(), g) } }, uniquingKeysWith: { a, _ in a })
        let byName = Dictionary(listing.compactMap { g in g["name"]?.stringValue.map { (GroupLookup.key($0), g) } }, uniquingKeysWith: { a, _ in a })
        var matches: [(wanted: OrgData.Group, now: String?)] = []
        var taken = Set<String>()
        for group in wanted {
            var now = byId[group.id.lowercased()]?["id"]?.stringValue
            if now == nil, let named = byName[GroupLookup.key(group.name)]?["id"]?.stringValue,
               !snapshotIds.contains(named.lowercased()), !taken.contains(named.lowercased()) {
                now = named
            }
            if let now { taken.insert(now.lowercased()) }
            matches.append((group, now))
        }
        return (matches, taken)
    }
}
