import Foundation

/// The four operations of the Users API the emulator serves (named as in the SDKs' `UsersApi`),
/// over the same in-memory org as the groups. Choices the contract leaves open are in
/// docs/emulator.md ("Choices where the contract says unknown").
struct UsersHandlers: Sendable {
    let org: Org
    /// Seconds during which a created or changed user is not yet visible to search.
    let indexDelay: Double

    /// Largest `id` list on GET /users (unpublished; the same ceiling as on GET /groups).
    static let maximumIdsPerGet = 100

    // MARK: GET /api/v2/users

    func listUsers(_ request: EmulatorRequest) throws -> JSON {
        let query = request.query
        let descending = try parseSortOrder(query)
        let selection = try ListingSelection(query, maximum: Self.maximumIdsPerGet)
        let ids = selection.ids, jabberIds = selection.jabberIds
        let stateFilter = try Self.stateParameter(query, allowed: GroupEnums.userListState) ?? "active"
        let expand = try Self.expandParameter(query)
        let page = try PageRequest(query, carrying: ["id", "jabberId", "sortOrder", "expand", "state"])
        return org.withState { state in
            let sorted: [String]
            let named = ids.isEmpty ? jabberIds.map { $0.hasSuffix(Render.userJabberIdSuffix) ? String($0.dropLast(Render.userJabberIdSuffix.count)) : "" } : ids
            if named.isEmpty {
                sorted = state.usersSortedByName(state: stateFilter)
            } else {
                // At most 100 lookups instead of a pass over the org.
                let found = Set(named.map(state.userId)).compactMap { state.users[$0] }.filter { stateFilter == "any" || $0.state == stateFilter }
                sorted = OrgState.sortedByName(found)
            }
            let entities = page.slice(sorted, descending: descending).compactMap { state.users[$0] }
                .map { Self.render($0, expand: expand, state: state) }
            return page.envelope(path: "/api/v2/users", total: sorted.count, entities: entities)
        }
    }

    // MARK: GET /api/v2/users/{id}

    /// Without `state` (or with `active`) an active or inactive user is returned; a deleted one only
    /// with `state=deleted`, which finds deleted users only (contract §3).
    func getUser(_ id: String, _ request: EmulatorRequest) throws -> JSON {
        let wanted = try Self.stateParameter(request.query, allowed: GroupEnums.userGetState) ?? "active"
        let expand = try Self.expandParameter(request.query)
        return try org.withState { state in
            guard let user = state.users[state.userId(id)], (user.state == "deleted") == (wanted == "deleted") else {
                throw APIFailure(status: 404, code: "general.resource.not.found", message: "Unable to find a user with ID \(id)")
            }
            return Self.render(user, expand: expand, state: state)
        }
    }

    // MARK: POST /api/v2/users/search, GET /api/v2/users/search?q64=

    func search(_ request: EmulatorRequest) throws -> JSON {
        try run(UserSearch(SearchRequest(body: request, dialect: UserSearch.dialect)))
    }

    func searchByToken(_ request: EmulatorRequest) throws -> JSON {
        var search = try UserSearch(SearchRequest(token: request, dialect: UserSearch.dialect))
        // `expand` on the GET replaces the one the token carries.
        let expand = try Self.expandParameter(request.query)
        if !expand.isEmpty { search.expand = expand }
        return try run(search)
    }

    private func run(_ search: UserSearch) throws -> JSON {
        let now = monotonicSeconds()
        let delay = indexDelay
        return org.withState { state in
            let matches = search.matchingUsers(&state, indexed: { user in
                guard delay > 0, let changed = user.changedAt else { return true }
                return now - changed >= delay
            })
            return search.page(matches, render: { Self.render($0, expand: search.expand, state: state) })
        }
    }

    // MARK: Parameters and rendering

    static func stateParameter(_ query: QueryParameters, allowed: [String]) throws -> String? {
        guard let raw = query.first("state"), !raw.isEmpty else { return nil }
        guard let match = allowed.first(where: { $0.caseInsensitiveCompare(raw) == .orderedSame }) else {
            throw APIFailure.invalidValue(field: "state", value: raw, allowed: allowed)
        }
        return match
    }

    static func expandParameter(_ query: QueryParameters) throws -> Set<String> {
        let expand = query.list("expand")
        for value in expand where !GroupEnums.userExpand.contains(value) {
            throw APIFailure.invalidValue(field: "expand", value: value, allowed: GroupEnums.userExpand)
        }
        return Set(expand)
    }

    /// `expand=groups` lists the groups the user is a direct member of.
    static func render(_ user: EmulatedUser, expand: Set<String>, state: OrgState) -> JSON {
        let groupIds = expand.contains("groups")
            ? state.groupOrder.filter { state.groups[$0]?.individualSet.contains(user.id) == true } : []
        return Render.user(user, expand: expand, groupIds: groupIds)
    }
}
