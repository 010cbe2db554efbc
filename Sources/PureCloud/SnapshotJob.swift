import Foundation

/// A read-only copy of an org in the emulator's data-file format (DESIGN.md §5c), with the fewest
/// requests the API allows: users by pages of 500 per state (active, inactive), groups by pages of
/// 500, and one `/individuals` listing per group (owners come with the group listing). With a
/// group pattern only the matching groups are copied, and only the people they hold, read by id
/// in batches of 100.
public struct SnapshotJob: Sendable {
    public let client: APIClient
    /// A shell-style pattern (`Support*`, `*EU`), matched against group names without regard to case.
    public var groupPattern: String?
    /// Called after each request with what is being read and how far it got (for a progress line).
    public var progress: (@Sendable (_ what: String, _ done: Int, _ total: Int?) -> Void)?

    static let pageSize = 500
    static let idsPerRequest = 100

    public init(client: APIClient, groupPattern: String? = nil) {
        self.client = client
        self.groupPattern = groupPattern
    }

    public func run() async throws -> OrgData {
        var org = OrgData()
        // The org the copy is of: `pclua restore` and `rehearse` read it back (nil when the platform
        // would not say, see RunContext).
        let identity = try await client.transport.identity()
        if let id = identity.orgId { org.organization = OrgData.Organization(id: id, name: identity.orgName ?? "") }
        var listed: [JSONValue] = []
        try await pages({ .getGroups(pageSize: Self.pageSize, pageNumber: $0) }, what: "groups") { listed += $0 }
        let groups = listed.filter { entity in
            guard let pattern = groupPattern else { return true }
            return Self.matches(pattern, entity["name"]?.stringValue ?? "")
        }
        for (index, entity) in groups.enumerated() {
            guard let id = entity["id"]?.stringValue, let name = entity["name"]?.stringValue else {
                throw APIError(status: 0, code: "bad.response", message: "a group in the listing has no id or name", operation: "get_groups")
            }
            let individuals = try await client.call(.getGroupIndividuals(groupId: id))
            var fields: [String: JSONValue] = [:]
            if case let .object(members) = entity {
                for member in members where OrgData.groupFields.contains(member.key) && member.value != .null {
                    fields[member.key] = member.value
                }
            }
            org.groups.append(OrgData.Group(
                id: id, name: name, fields: fields,
                members: (individuals?["entities"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue },
                owners: (entity["owners"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }))
            progress?("group members", index + 1, groups.count)
        }

        // Users are kept as the data file's compact records, page by page: 100,000 users as
        // decoded JSON would take several times the memory.
        var users: [OrgData.User] = []
        if groupPattern == nil {
            for state in ["active", "inactive"] {
                try await pages({ .getUsers(pageSize: Self.pageSize, pageNumber: $0, state: state) }, what: "\(state) users") { page in
                    users += page.compactMap(Self.user)
                }
            }
        }
        // People the groups hold that the listings did not show (all of them with a pattern; with
        // none, only members in another state, such as deleted users still in a group).
        var known = Set(users.map { $0.id.lowercased() })
        var missing: [String] = []
        for group in org.groups {
            for id in group.members + group.owners where known.insert(id.lowercased()).inserted { missing.append(id) }
        }
        for (index, batch) in missing.chunked(Self.idsPerRequest).enumerated() {
            let page = try await client.call(.getUsers(pageSize: Self.idsPerRequest, id: batch, state: "any"))
            users += (page?["entities"]?.arrayValue ?? []).compactMap(Self.user)
            progress?("users by id", min((index + 1) * Self.idsPerRequest, missing.count), missing.count)
        }
        org.users = users
        return org
    }

    /// Every entity of a paged listing, page by page at the largest page size, handed to `take`.
    private func pages(_ request: (_ number: Int) -> OperationCall, what: String, take: ([JSONValue]) -> Void) async throws {
        var number = 1
        var seen = 0
        while true {
            let page = try await client.call(request(number))
            let entities = page?["entities"]?.arrayValue ?? []
            take(entities)
            seen += entities.count
            progress?(what, seen, page?["total"]?.intValue.flatMap { Int(exactly: $0) })
            // Stop at the last page, and on an empty one (a server that keeps promising more).
            if Int64(number) >= page?["pageCount"]?.intValue ?? 0 || entities.isEmpty { return }
            number += 1
        }
    }

    static func user(_ entity: JSONValue) -> OrgData.User? {
        guard let id = entity["id"]?.stringValue else { return nil }
        var division: JSONValue?
        if let d = entity["division"], let divisionId = d["id"]?.stringValue {
            var members: [(key: String, value: JSONValue)] = [("id", .string(divisionId))]
            if let name = d["name"]?.stringValue { members.append(("name", .string(name))) }
            division = .object(members)
        }
        return OrgData.User(
            id: id, name: entity["name"]?.stringValue ?? "", email: entity["email"]?.stringValue,
            username: entity["username"]?.stringValue, state: entity["state"]?.stringValue ?? "active", division: division)
    }

    /// Shell-style matching (`*`, `?`, `[...]`), case-insensitive, as admins type group patterns.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern.lowercased(), name.lowercased(), 0) == 0
    }
}
