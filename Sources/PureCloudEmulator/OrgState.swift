import Foundation
import Synchronization

/// The whole emulated org. All reads and writes go through `Org.withState`, one lock for the org,
/// so a request sees and changes a consistent org (the emulator's answer to concurrent clients).
struct OrgState: Sendable {
    var organization = EmulatedOrganization.demo
    var users: [String: EmulatedUser] = [:]
    var userOrder: [String] = []
    var groups: [String: EmulatedGroup] = [:]
    var groupOrder: [String] = []
    /// Group ids by name (case-insensitive, then id), kept until a group is added, renamed or removed:
    /// listings are far more frequent than those.
    private var idsByName: [String]?
    /// Each group's members sorted by name, for the version it was computed at: a big group is
    /// listed page after page without being re-sorted for every page.
    private var sortedMembers: [String: (version: Int, ids: [String])] = [:]
    /// User ids sorted by name for GET /users, by `state` filter ("any" for all), kept until a user
    /// changes: a 100,000-user org is listed 500 at a time without being re-sorted for every page.
    private var userListings: [String: [String]] = [:]
    /// User search's lookup tables (field -> lower-cased value -> ids), built on first use and
    /// dropped when a user changes (UserSearch.swift).
    var userSearchIndexes: [String: [String: [String]]] = [:]
    /// For users changed through `/_emulator/users` less than `--index-delay` ago: the record user
    /// search still serves, as the platform's index does until it catches up (UserHooks.swift).
    var usersAsIndexed: [String: EmulatedUser] = [:]
    /// Stored ids by `OrgState.idKey`: the platform's ids are GUIDs it reads ignoring case and
    /// surrounding blanks, so an id is kept as given and looked up by its key (docs/emulator.md).
    private(set) var userIdsByKey: [String: String] = [:]
    private(set) var groupIdsByKey: [String: String] = [:]

    /// The lookup key of an id: trimmed and lower-cased.
    static func idKey(_ id: String) -> String { id.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    /// The stored id of the user `id` names, or `id` trimmed when there is none.
    func userId(_ id: String) -> String {
        userIdsByKey[Self.idKey(id)] ?? id.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The stored id of the group `id` names, or `id` trimmed when there is none.
    func groupId(_ id: String) -> String {
        groupIdsByKey[Self.idKey(id)] ?? id.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func insert(user: EmulatedUser) {
        if users[user.id] == nil {
            userOrder.append(user.id)
            userIdsByKey[Self.idKey(user.id)] = user.id
        }
        users[user.id] = user
        if !userListings.isEmpty { userListings = [:] }
        if !userSearchIndexes.isEmpty { userSearchIndexes = [:] }
    }

    /// Ids of the users in `filter` ("active", "inactive", "deleted" or "any") sorted by name
    /// (case-insensitive, then id), ascending.
    mutating func usersSortedByName(state filter: String) -> [String] {
        if let cached = userListings[filter] { return cached }
        if filter != "any" {
            let ids = usersSortedByName(state: "any").filter { users[$0]?.state == filter }
            userListings[filter] = ids
            return ids
        }
        let ids = OrgState.sortedByName(userOrder.compactMap { users[$0] })
        userListings[filter] = ids
        return ids
    }

    static func sortedByName(_ users: [EmulatedUser]) -> [String] {
        let keyed: [(name: String, id: String)] = users.map { ($0.name.lowercased(), $0.id) }
        let sorted = keyed.sorted { (a, b) -> Bool in a.name == b.name ? a.id < b.id : a.name < b.name }
        return sorted.map { $0.id }
    }

    mutating func insert(group: EmulatedGroup) {
        if let existing = groups[group.id] {
            if existing.name != group.name { idsByName = nil }
        } else {
            groupOrder.append(group.id)
            groupIdsByKey[Self.idKey(group.id)] = group.id
            idsByName = nil
        }
        groups[group.id] = group
    }

    mutating func removeGroup(_ id: String) {
        groupIdsByKey[Self.idKey(id)] = nil
        groups[id] = nil
        sortedMembers[id] = nil
        groupOrder.removeAll { $0 == id }
        idsByName = nil
    }

    func group(_ id: String) throws -> EmulatedGroup {
        guard let group = groups[groupId(id)] else { throw APIFailure.groupNotFound(id) }
        return group
    }

    /// Every listed user id must exist. The real service's answer to an unknown id is not documented;
    /// the emulator rejects the whole request with a 400 naming the ids and changes nothing, the
    /// safe reading (docs/emulator.md).
    /// With `refusingDeleted`, a deleted user counts as unknown too (a deleted user cannot be
    /// made a member; removing one stays allowed so a group can be cleaned up).
    /// Answers the stored ids, in order (ids are matched ignoring case and surrounding blanks).
    @discardableResult
    func requireUsers(_ ids: [String], field: String, refusingDeleted: Bool = false) throws -> [String] {
        let unknown = ids.filter { users[userId($0)] == nil }
        let deleted = refusingDeleted ? ids.filter { users[userId($0)]?.state == "deleted" } : []
        guard unknown.isEmpty, deleted.isEmpty else {
            func named(_ ids: [String]) -> String {
                ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? " and \(ids.count - 10) more" : "")
            }
            var parts: [String] = []
            if !unknown.isEmpty { parts.append("ids that are not users of this org: \(named(unknown))") }
            if !deleted.isEmpty { parts.append("ids of deleted users: \(named(deleted))") }
            let details = unknown.map { ("user.not.found", $0) } + deleted.map { ("user.deleted", $0) }
            throw APIFailure(
                status: 400, code: "bad.request",
                message: "\(field) contains \(parts.joined(separator: "; "))",
                details: details.prefix(50).map { object(["errorCode": .string($0.0), "fieldName": .string(field), "entityId": .string($0.1)]) })
        }
        return ids.map(userId)
    }

    /// Ids of a group's member users sorted by name (then id), ascending. Callers slice the page
    /// they need before looking users up: a 100,000-member group is listed 500 at a time.
    mutating func memberIdsSortedByName(_ group: EmulatedGroup) -> [String] {
        if let cached = sortedMembers[group.id], cached.version == group.version { return cached.ids }
        let users = group.memberIds.compactMap { self.users[$0] }
        let ids = users.sorted { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }.map(\.id)
        sortedMembers[group.id] = (group.version, ids)
        return ids
    }

    func nameTaken(_ name: String, except id: String? = nil) -> Bool {
        groups.values.contains { $0.id != id && $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Group ids sorted by name (case-insensitive, then id), ascending.
    mutating func groupIdsSortedByName() -> [String] {
        if idsByName == nil {
            let keyed = groupOrder.compactMap { groups[$0] }.map { ($0.name.lowercased(), $0.id) }
            idsByName = keyed.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.1)
        }
        return idsByName!
    }
}

final class Org: Sendable {
    private let state: Mutex<OrgState>

    init(_ initial: OrgState) {
        state = Mutex(initial)
    }

    func withState<R>(_ body: (inout OrgState) throws -> R) rethrows -> R {
        try state.withLock { try body(&$0) }
    }
}
