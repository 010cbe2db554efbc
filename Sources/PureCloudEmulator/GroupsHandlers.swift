import Foundation

/// The 14 operations of the Groups API over the in-memory org. Each returns a status and an
/// optional body, or throws `APIFailure`. Routing, auth, limits and faults happen in `Emulator`.
struct GroupsHandlers: Sendable {
    let org: Org

    /// Largest `id` (or `jabberId`) list accepted on `GET /groups` and `/profiles/groups` (unpublished; contract §13).
    static let maximumIdsPerGet = 100
    /// "A maximum of 50 members are allowed per request" (contract §3).
    static let maximumMembersPerChange = 50

    // MARK: GET /api/v2/groups, GET /api/v2/profiles/groups

    func listGroups(_ request: EmulatorRequest, profiles: Bool) throws -> JSON {
        let query = request.query
        let descending = try parseSortOrder(query)
        let selection = try ListingSelection(query, maximum: Self.maximumIdsPerGet)
        let ids = selection.ids, jabberIds = selection.jabberIds
        let page = try PageRequest(query, carrying: ["id", "jabberId", "sortOrder"])
        return org.withState { state in
            var sorted = state.groupIdsSortedByName()
            if !ids.isEmpty {
                let wanted = Set(ids.map(state.groupId))
                sorted = sorted.filter { wanted.contains($0) }
            } else if !jabberIds.isEmpty {
                let wanted = Set(jabberIds)
                sorted = sorted.filter { state.groups[$0].map { wanted.contains(Self.jabberId($0)) } ?? false }
            }
            let entities = page.slice(sorted, descending: descending).compactMap { state.groups[$0] }
                .map { profiles ? Render.profile($0) : Render.group($0) }
            return page.envelope(path: profiles ? "/api/v2/profiles/groups" : "/api/v2/groups", total: sorted.count, entities: entities)
        }
    }

    static func jabberId(_ group: EmulatedGroup) -> String {
        "\(group.id)@conference.emulator.pclua"
    }

    // MARK: GET /api/v2/groups/{id}, /profile

    func getGroup(_ id: String) throws -> JSON {
        try org.withState { state in Render.group(try state.group(id)) }
    }

    func getProfile(_ id: String) throws -> JSON {
        try org.withState { state in
            guard let group = state.groups[state.groupId(id)] else {
                throw APIFailure(status: 404, code: "general.resource.not.found", message: "Unable to find the group profile")
            }
            return Render.profile(group)
        }
    }

    // MARK: POST /api/v2/groups

    func createGroup(_ request: EmulatorRequest) throws -> JSON {
        let body = try BodyReader(model: "GroupCreate", request: request)
        let name = try body.string("name", required: true)!.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw APIFailure.badRequest("GroupCreate.name must not be empty") }
        let type = try body.enumValue("type", allowed: GroupEnums.type, required: true)!
        let visibility = try body.enumValue("visibility", allowed: GroupEnums.visibility, required: true)!
        let rulesVisible = try body.bool("rulesVisible", required: true)!
        let ownerIds = try body.strings("ownerIds") ?? []
        let addresses = try Self.contacts(body)
        var group = EmulatedGroup(
            id: UUID().uuidString.lowercased(), name: name, description: try body.string("description"), type: type,
            visibility: visibility, rulesVisible: rulesVisible, rolesEnabled: try body.bool("rolesEnabled"),
            includeOwners: try body.bool("includeOwners"), callsEnabled: try body.bool("callsEnabled"),
            email: try body.string("email"), dateModified: isoTimestamp())
        group.addresses = addresses
        return try org.withState { state in
            if state.nameTaken(name) { throw Self.duplicateName(name) }
            let owners = ownerIds.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            group.ownerIds = Self.unique(try state.requireUsers(owners, field: "GroupCreate.ownerIds"))
            state.insert(group: group)
            return Render.group(group)
        }
    }

    static func duplicateName(_ name: String) -> APIFailure {
        APIFailure(status: 400, code: "general.bad.request", message: "A group with the name '\(name)' already exists")
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    static func contacts(_ body: BodyReader) throws -> [EmulatedContact] {
        guard let value = body.value("addresses") else { return [] }
        guard case let .array(items) = value else { throw APIFailure.badRequest("\(body.model).addresses must be an array") }
        return try items.map { item in
            guard case let .object(members) = item else { throw APIFailure.badRequest("\(body.model).addresses must hold GroupContact objects") }
            let contact = BodyReader(model: "GroupContact", fields: members)
            return EmulatedContact(
                address: try contact.string("address", required: true)!, extension: try contact.string("extension"),
                type: try contact.enumValue("type", allowed: GroupEnums.contactType, required: true)!,
                mediaType: try contact.enumValue("mediaType", allowed: GroupEnums.contactMediaType, required: true)!)
        }
    }

    // MARK: PUT /api/v2/groups/{id}

    func updateGroup(_ id: String, _ request: EmulatorRequest) throws -> JSON {
        let body = try BodyReader(model: "GroupUpdate", request: request)
        guard let version = try body.int("version") else {
            throw APIFailure.badRequest("GroupUpdate.version is required: send the group's current version")
        }
        let name = try body.string("name").map { $0.trimmingCharacters(in: .whitespaces) }
        if name?.isEmpty == true { throw APIFailure.badRequest("GroupUpdate.name must not be empty") }
        var visibility = try body.enumValue("visibility", allowed: GroupEnums.updateVisibility)
        if visibility == "ownerIds" { visibility = "owners" }
        let state = try body.enumValue("state", allowed: GroupEnums.state)
        let ownerIds = try body.strings("ownerIds")
        let addresses = body.value("addresses") == nil ? nil : try Self.contacts(body)
        let description = try body.string("description")
        let rulesVisible = try body.bool("rulesVisible")
        let rolesEnabled = try body.bool("rolesEnabled"), includeOwners = try body.bool("includeOwners")
        let callsEnabled = try body.bool("callsEnabled"), email = try body.string("email")
        return try org.withState { org in
            var group = try org.group(id)
            guard version == group.version else { throw APIFailure.versionConflict }
            if let name {
                if org.nameTaken(name, except: id) { throw Self.duplicateName(name) }
                group.name = name
            }
            if let ownerIds {
                // Terraform clears owners by sending [" "] (contract §2): blank ids mean none.
                let owners = ownerIds.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                group.ownerIds = Self.unique(try org.requireUsers(owners, field: "GroupUpdate.ownerIds"))
            }
            if let description { group.description = description }
            if let visibility { group.visibility = visibility }
            if let state { group.state = state }
            if let addresses { group.addresses = addresses }
            if let rulesVisible { group.rulesVisible = rulesVisible }
            if let rolesEnabled { group.rolesEnabled = rolesEnabled }
            if let includeOwners { group.includeOwners = includeOwners }
            if let callsEnabled { group.callsEnabled = callsEnabled }
            if let email { group.email = email }
            // An explicit null clears an optional field (the SDKs send one for a field set to
            // null; the platform's answer is not documented: the emulator reads it as "none").
            if body.isNull("description") { group.description = nil }
            if body.isNull("email") { group.email = nil }
            if body.isNull("rolesEnabled") { group.rolesEnabled = nil }
            if body.isNull("includeOwners") { group.includeOwners = nil }
            if body.isNull("callsEnabled") { group.callsEnabled = nil }
            group.version += 1
            group.dateModified = isoTimestamp()
            org.insert(group: group)
            return Render.group(group)
        }
    }

    // MARK: DELETE /api/v2/groups/{id}

    func deleteGroup(_ id: String) throws {
        try org.withState { state in
            state.removeGroup(try state.group(id).id)
        }
    }

    // MARK: /api/v2/groups/{id}/members and /individuals

    func listMembers(_ id: String, _ request: EmulatorRequest) throws -> JSON {
        let query = request.query
        let descending = try parseSortOrder(query)
        let expand = try UsersHandlers.expandParameter(query)
        let page = try PageRequest(query, carrying: ["sortOrder", "expand"])
        return try org.withState { state in
            let group = try state.group(id)
            let sorted = state.memberIdsSortedByName(group)
            let entities = page.slice(sorted, descending: descending).compactMap { state.users[$0] }
                .map { UsersHandlers.render($0, expand: expand, state: state) }
            return page.envelope(path: "/api/v2/groups/\(id)/members", total: sorted.count, entities: entities)
        }
    }

    /// All direct members in one unpaged listing (the SDK signature has no paging parameters).
    func listIndividuals(_ id: String) throws -> JSON {
        try org.withState { state in
            let group = try state.group(id)
            let users = group.individualIds.compactMap { state.users[$0] }
            return object([
                "entities": .array(users.map { Render.user($0, expand: []) }),
                "pageSize": .int(users.count),
                "pageNumber": .int(1),
                "total": .int(users.count),
                "firstUri": .string("/api/v2/groups/\(id)/individuals"),
                "selfUri": .string("/api/v2/groups/\(id)/individuals"),
                "lastUri": .string("/api/v2/groups/\(id)/individuals"),
                "pageCount": .int(users.isEmpty ? 0 : 1),
            ])
        }
    }

    /// Returns whether the membership changed; the version moves only when it did (docs/emulator.md).
    func addMembers(_ id: String, _ request: EmulatorRequest) throws -> Bool {
        let body = try BodyReader(model: "GroupMembersUpdate", request: request)
        let ids = try body.strings("memberIds", required: true)!
        let version = try body.int("version")
        try Self.checkMemberCount(ids)
        return try org.withState { state in
            var group = try state.group(id)
            if let version, version != group.version { throw APIFailure.versionConflict }
            let stored = try state.requireUsers(ids, field: "GroupMembersUpdate.memberIds", refusingDeleted: true)
            guard group.addIndividuals(stored) > 0 else { return false }
            group.version += 1
            group.dateModified = isoTimestamp()
            state.insert(group: group)
            return true
        }
    }

    func removeMembers(_ id: String, _ request: EmulatorRequest) throws -> Bool {
        guard request.query.first("ids") != nil else {
            throw APIFailure.badRequest("Query parameter 'ids' is required: a comma-separated list of user ids")
        }
        let ids = request.query.list("ids")
        try Self.checkMemberCount(ids)
        return try org.withState { state in
            var group = try state.group(id)
            let stored = try state.requireUsers(ids, field: "ids")
            guard group.removeIndividuals(Set(stored)) > 0 else { return false }
            group.version += 1
            group.dateModified = isoTimestamp()
            state.insert(group: group)
            return true
        }
    }

    /// A scripted fault: another writer adds these users to the group the request's path names
    /// (`/api/v2/groups/{id}/...`; nothing for a path without a group), moving its version, just
    /// before the request is handled.
    func otherWriterAdds(_ ids: [String], groupId: String) {
        org.withState { state in
            guard var group = try? state.group(groupId) else { return }
            let stored = ids.map(state.userId).filter { state.users[$0] != nil }
            guard group.addIndividuals(stored) > 0 else { return }
            group.version += 1
            group.dateModified = isoTimestamp()
            state.insert(group: group)
        }
    }

    static func checkMemberCount(_ ids: [String]) throws {
        guard !ids.isEmpty else { throw APIFailure.badRequest("At least one member id is required") }
        guard ids.count <= maximumMembersPerChange else {
            throw APIFailure.badRequest(
                "A maximum of \(maximumMembersPerChange) members are allowed per request, got \(ids.count)")
        }
        if let blank = ids.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw APIFailure.badRequest("Member id #\(blank + 1) is blank")
        }
    }

    // MARK: Search

    func search(_ request: EmulatorRequest) throws -> JSON {
        try GroupSearch.run(SearchRequest(body: request, dialect: GroupSearch.dialect), org.withState { $0 })
    }

    func searchByToken(_ request: EmulatorRequest) throws -> JSON {
        try GroupSearch.run(SearchRequest(token: request, dialect: GroupSearch.dialect), org.withState { $0 })
    }

    // MARK: GET /api/v2/fieldconfig

    func fieldConfig(_ request: EmulatorRequest) throws -> JSON {
        guard let type = request.query.first("type"), !type.isEmpty else {
            throw APIFailure.badRequest("Query parameter 'type' is required: one of \(GroupEnums.fieldConfigType.joined(separator: ", "))")
        }
        guard GroupEnums.fieldConfigType.contains(type) else {
            throw APIFailure(status: 400, code: "bad.entity.type", message: "The entity type is invalid: '\(type)'. Use one of \(GroupEnums.fieldConfigType.joined(separator: ", "))")
        }
        func field(_ key: String, _ kind: String, required: Bool = false) -> JSON {
            object(["key": .string(key), "type": .string(kind), "repeatable": .bool(false), "required": .bool(required),
                    "state": .string("active"), "customLabels": .bool(false), "labelKeys": .array([]), "params": .object([])])
        }
        return object([
            "id": .string(type), "name": .string(type), "entityType": .string(type), "state": .string("active"),
            "version": .string("1"), "schemaVersion": .string("1.0"),
            "sections": .array([object([
                "key": .string("general"), "state": .string("active"),
                "fieldList": .array([field("name", "text", required: true), field("description", "longtext"), field("email", "email")]),
            ])]),
            "selfUri": .string("/api/v2/fieldconfig?type=\(type)"),
        ])
    }
}
