import Foundation

/// User search (contract: users-api §2): a UserSearchRequest evaluated over the org's users.
/// Text comparisons ignore case; `values` match any of them; criteria combine as in group search
/// (AND by default, `operator` OR/NOT honoured). Deleted users are left out unless a criterion
/// names the `state` field, as the platform's directory search does.
struct UserSearch {
    var request: SearchRequest
    var expand: Set<String>

    /// Largest `values` list of one criterion; unpublished, chosen with the client's batch size.
    static let maximumValues = 100
    static let searchableFields = ["id", "name", "email", "username", "state", "division.id", "division.name"]
    /// The criterion types the emulator evaluates, out of the published enum.
    static let supportedTypes = ["EXACT", "STARTS_WITH", "CONTAINS", "TERM", "TERMS", "MATCH_ALL", "REQUIRED_FIELDS"]

    /// User search's rules: REGEX and the range types are refused, `values` are limited.
    static let dialect = SearchDialect(
        model: "UserSearchRequest", path: "/api/v2/users/search", resultType: "users", searchableFields: searchableFields,
        types: supportedTypes,
        refusedTypes: ["REGEX", "QUERY_STRING", "RANGE", "LESS_THAN", "LESS_THAN_EQUAL_TO", "GREATER_THAN", "GREATER_THAN_EQUAL_TO"],
        typesWithoutFields: ["MATCH_ALL"],
        typesNeedingValue: Set(supportedTypes).subtracting(["MATCH_ALL", "REQUIRED_FIELDS"]),
        maximumValues: maximumValues)

    /// The request's `expand` (user expansions) beside what every search reads.
    init(_ request: SearchRequest) throws {
        self.request = request
        let listed = try request.body.strings("expand") ?? []
        for (index, value) in listed.enumerated() {
            try SearchRequest.require(value, in: GroupEnums.userExpand, at: "\(request.dialect.model).expand[\(index + 1)]")
        }
        expand = Set(listed)
    }

    static func fieldValue(_ user: EmulatedUser, _ field: String) -> String? {
        switch field {
        case "id": return user.id
        case "name": return user.name
        case "email": return user.email
        case "username": return user.username
        case "state": return user.state
        case "division.id": return user.division.id
        case "division.name": return user.division.name
        default: return nil
        }
    }

    /// Fields with an exact-match lookup table: resolving 10,000 emails in batches of 100 then costs
    /// 100 lookups per request instead of a pass over a 100,000-user org.
    static let indexedFields = ["id", "email", "username", "name"]

    /// The users that match, as search sees them, in no particular order. `indexed` says whether
    /// search already sees a user's current record (`--index-delay`); if not, it sees the record
    /// from before the change (`OrgState.usersAsIndexed`), and a user just created not at all.
    func matchingUsers(_ state: inout OrgState, indexed: (EmulatedUser) -> Bool) -> [EmulatedUser] {
        let criteria = request.criteria
        let includeDeleted = criteria.contains { $0.mentionsState }
        // User search refuses REGEX, so this budget is never spent.
        let budget = RegexBudget(seconds: .infinity)
        let asIndexed = state.usersAsIndexed
        func seen(_ user: EmulatedUser) -> EmulatedUser? { indexed(user) ? user : asIndexed[user.id] }
        func keep(_ user: EmulatedUser) -> Bool {
            (includeDeleted || user.state != "deleted") && SearchEvaluator.matchesAll(criteria, { Self.fieldValue(user, $0) }, budget)
        }
        // Every match satisfies each AND criterion, so one EXACT criterion on an indexed field can
        // pick the candidates; all criteria are still checked on them.
        if let seed = criteria.first(where: { $0.op == "AND" && $0.group.isEmpty && $0.type == "EXACT" && $0.fields.count == 1 && Self.indexedFields.contains($0.fields[0]) }) {
            let index = state.userSearchIndex(seed.fields[0])
            // The lookup table holds current values; a record search still serves may hold another.
            var once = Set<String>()
            return (seed.wantedSet.flatMap { index[$0] ?? [] } + asIndexed.keys).filter { once.insert($0).inserted }
                .compactMap { state.users[$0] }.compactMap(seen).filter(keep)
        }
        return state.userOrder.compactMap { state.users[$0] }.compactMap(seen).filter(keep)
    }

    /// One page of results, sorted (text ignoring case).
    func page(_ matches: [EmulatedUser], render: (EmulatedUser) -> JSON) -> JSON {
        let key = request.sortBy ?? "name"
        return request.page(matches, sortKey: { (Self.fieldValue($0, key) ?? "").lowercased() }, id: \.id, render: render)
    }
}

extension OrgState {
    /// Lower-cased values of one user field -> ids of the users holding it, built on first use.
    mutating func userSearchIndex(_ field: String) -> [String: [String]] {
        if let index = userSearchIndexes[field] { return index }
        var index: [String: [String]] = [:]
        for id in userOrder {
            guard let user = users[id], let value = UserSearch.fieldValue(user, field) else { continue }
            index[value.lowercased(), default: []].append(id)
        }
        userSearchIndexes[field] = index
        return index
    }
}
