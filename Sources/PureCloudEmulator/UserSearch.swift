import Foundation

/// User search (contract: users-api §2): a UserSearchRequest evaluated over the org's users.
/// Text comparisons ignore case; `values` match any of them; criteria combine as in group search
/// (AND by default, `operator` OR/NOT honoured). Deleted users are left out unless a criterion
/// names the `state` field, as the platform's directory search does.
struct UserSearch {
    var pageSize: Int
    var pageNumber: Int
    var criteria: [Criterion]
    var sortBy: String
    var sortDescending: Bool
    var expand: Set<String>
    /// The request as it is replayed from a page token: paging stripped, `types` and `pageSize` made explicit.
    var normalized: JSON

    /// Largest search page; the platform's is not published (contract §2: "plan for ≤ 100").
    static let maximumPageSize = 100
    /// Largest `values` list of one criterion; unpublished, chosen with the client's batch size.
    static let maximumValues = 100
    static let searchableFields = ["id", "name", "email", "username", "state", "division.id", "division.name"]
    /// The criterion types the emulator evaluates, out of the published enum.
    static let supportedTypes = ["EXACT", "STARTS_WITH", "CONTAINS", "TERM", "TERMS", "MATCH_ALL", "REQUIRED_FIELDS"]
    /// Published but not evaluated by the emulator: refused with a message saying so.
    static let unsupportedTypes = ["REGEX", "QUERY_STRING", "RANGE", "LESS_THAN", "LESS_THAN_EQUAL_TO", "GREATER_THAN", "GREATER_THAN_EQUAL_TO"]

    typealias Criterion = SearchCriterion

    /// User search's rules: REGEX and the range types are refused, messages name the criterion.
    static let dialect = SearchDialect(
        model: "UserSearchCriteria", searchableFields: searchableFields,
        readType: { reader, here in
            guard let type = try reader.string("type") else { throw APIFailure.badRequest("\(here): UserSearchCriteria.type is required") }
            if unsupportedTypes.contains(type) {
                throw APIFailure.badRequest("\(here): criterion type \(type) is not supported by the emulator; use one of \(supportedTypes.joined(separator: ", "))")
            }
            guard supportedTypes.contains(type) else {
                throw APIFailure.badRequest("\(here): unknown criterion type '\(type)'; use one of \(supportedTypes.joined(separator: ", "))")
            }
            return type
        },
        unknownField: { field, here in
            APIFailure.badRequest("\(here): unknown search field '\(field)'; use one of \(searchableFields.joined(separator: ", "))")
        },
        typesWithoutFields: ["MATCH_ALL"],
        typesNeedingValue: Set(supportedTypes).subtracting(["MATCH_ALL", "REQUIRED_FIELDS"]),
        maximumValues: maximumValues, operatorCaseInsensitive: true, prefix: { "\($0): " }, valueNoun: "value or values")

    init(request: BodyReader) throws {
        pageSize = try Self.boundedInt(request, "pageSize", default: 25, range: 1...Self.maximumPageSize)
        pageNumber = try Self.boundedInt(request, "pageNumber", default: 1, range: 1...Int(Int32.max))
        var sortOrder = try request.enumValue("sortOrder", allowed: GroupEnums.searchSortOrder, caseInsensitive: true)
        var sortField = try request.string("sortBy")
        if let sort = request.value("sort") {
            guard case let .array(items) = sort else { throw APIFailure.badRequest("UserSearchRequest.sort must be an array") }
            if case let .object(members)? = items.first {
                let reader = BodyReader(model: "SearchSort", fields: members)
                sortField = try reader.string("sortBy") ?? sortField
                sortOrder = try reader.enumValue("sortOrder", allowed: GroupEnums.searchSortOrder, caseInsensitive: true) ?? sortOrder
            }
        }
        if let sortField, !Self.searchableFields.contains(sortField) {
            throw APIFailure.badRequest("UserSearchRequest.sortBy '\(sortField)' is not a searchable field; use one of \(Self.searchableFields.joined(separator: ", "))")
        }
        sortBy = sortField ?? "name"
        sortDescending = sortOrder == "DESC"
        let expandList = try request.strings("expand") ?? []
        for value in expandList where !GroupEnums.userExpand.contains(value) {
            throw APIFailure.invalidValue(field: "UserSearchRequest.expand", value: value, allowed: GroupEnums.userExpand)
        }
        expand = Set(expandList)
        guard let query = request.value("query") else { throw APIFailure.badRequest("UserSearchRequest.query is required") }
        criteria = try Self.parseCriteria(query, path: "UserSearchRequest.query")
        guard !criteria.isEmpty else { throw APIFailure.badRequest("UserSearchRequest.query must not be empty") }
        var members = request.fields.filter { !["pageNumber", "pageSize", "types"].contains($0.0) }
        members.append(("types", .array([.string("users")])))
        members.append(("pageSize", .int(pageSize)))
        members.sort { $0.0 < $1.0 }
        normalized = .object(members)
    }

    /// An integer member range-checked before conversion: `1e300` or `-5` is a 400, never a trap.
    static func boundedInt(_ reader: BodyReader, _ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let value = reader.value(key) else { return fallback }
        let outOfRange = APIFailure.badRequest("\(reader.model).\(key) must be an integer between \(range.lowerBound) and \(range.upperBound)")
        let number: Int
        switch value {
        case let .int(i): number = i
        case let .double(d):
            guard d == d.rounded(), abs(d) < 1e15 else { throw outOfRange }
            number = Int(d)
        default: throw APIFailure.badRequest("\(reader.model).\(key) must be an integer, got \(value.typeName)")
        }
        guard range.contains(number) else { throw outOfRange }
        return number
    }

    static func parseCriteria(_ value: JSON, path: String) throws -> [Criterion] {
        try dialect.parse(value, path: path)
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

    static func matchesAll(_ criteria: [Criterion], _ user: EmulatedUser, _ budget: RegexBudget) -> Bool {
        SearchEvaluator.matchesAll(criteria, { fieldValue(user, $0) }, budget)
    }

    /// Fields with an exact-match lookup table: resolving 10,000 emails in batches of 100 then costs
    /// 100 lookups per request instead of a pass over a 100,000-user org.
    static let indexedFields = ["id", "email", "username", "name"]

    /// The users that match, as search sees them, in no particular order. `indexed` says whether
    /// search already sees a user's current record (`--index-delay`); if not, it sees the record
    /// from before the change (`OrgState.usersAsIndexed`), and a user just created not at all.
    func matchingUsers(_ state: inout OrgState, indexed: (EmulatedUser) -> Bool) -> [EmulatedUser] {
        let includeDeleted = criteria.contains { $0.mentionsState }
        // User search refuses REGEX, so this budget is never spent.
        let budget = RegexBudget(seconds: .infinity)
        let asIndexed = state.usersAsIndexed
        func seen(_ user: EmulatedUser) -> EmulatedUser? { indexed(user) ? user : asIndexed[user.id] }
        func keep(_ user: EmulatedUser) -> Bool {
            (includeDeleted || user.state != "deleted") && Self.matchesAll(criteria, user, budget)
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

    /// One page of results, sorted.
    func page(_ matches: [EmulatedUser], render: (EmulatedUser) -> JSON) -> JSON {
        let path = "/api/v2/users/search"
        var hits = matches
        let keys = Dictionary(uniqueKeysWithValues: hits.map { ($0.id, (Self.fieldValue($0, sortBy) ?? "").lowercased()) })
        hits.sort { a, b in
            let x = keys[a.id]!, y = keys[b.id]!
            if x == y { return a.id < b.id }
            return sortDescending ? x > y : x < y
        }
        return SearchPage.answer(hits, pageSize: pageSize, pageNumber: pageNumber, request: normalized, path: path,
                                 type: "users", render: render)
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
