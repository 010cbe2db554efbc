import Foundation

/// What one search (groups: contract §5, users: users-api §2) makes of the request every search
/// shares; `SearchRequest` reads the request with it.
struct SearchDialect: Sendable {
    /// "GroupSearchRequest", "UserSearchRequest": every message names a member by its path from here.
    let model: String
    /// The search's API path, the start of its page links.
    let path: String
    /// What the answer's `types` says, "groups" or "users".
    let resultType: String
    let searchableFields: [String]
    /// The criterion types evaluated.
    let types: [String]
    /// Published types the emulator does not evaluate: refused with a message saying so.
    let refusedTypes: [String]
    /// Types that may be given without `fields`.
    let typesWithoutFields: Set<String>
    /// Types that need `value` or `values`.
    let typesNeedingValue: Set<String>
    /// Longest `values` list of one criterion, if limited.
    let maximumValues: Int?
}

/// A search request, parsed once for every search: page size and number, sort, the query's
/// criteria (types, fields, value/values, operator, nested group), and the normalized form page
/// tokens replay. Every problem is a 400 `bad.request` naming the member by its path
/// (`UserSearchRequest.query[2].fields[1] must be one of ...`).
struct SearchRequest {
    let dialect: SearchDialect
    var pageSize: Int
    var pageNumber: Int
    var sortBy: String?
    var sortDescending: Bool
    var criteria: [SearchCriterion]
    /// The request as a page token replays it: paging stripped, `types` and `pageSize` made explicit.
    var normalized: JSON
    /// The request's members, for what a dialect reads beyond them (user search's `expand`).
    let body: BodyReader

    /// Search pages hold at most 100 results; the platform's limit is not published (contract §13,
    /// users-api §2: "plan for ≤ 100").
    static let maximumPageSize = 100
    /// The same ceiling as listings' pageNumber (an int32 in the published models).
    static let maximumPageNumber = Int(Int32.max)

    /// `POST .../search`: the body.
    init(body request: EmulatorRequest, dialect: SearchDialect) throws {
        try self.init(BodyReader(model: dialect.model, request: request), dialect: dialect)
    }

    /// `GET .../search?q64=`: the request a page link carries, read as the emulator wrote it or not.
    init(token request: EmulatorRequest, dialect: SearchDialect) throws {
        guard let token = request.query.first("q64"), !token.isEmpty else {
            throw APIFailure.badRequest("Query parameter 'q64' is required")
        }
        guard case let .object(members) = try Q64.decode(token) else {
            throw APIFailure.badRequest("The q64 value is not a valid search token")
        }
        try self.init(BodyReader(model: dialect.model, fields: members), dialect: dialect)
    }

    init(_ body: BodyReader, dialect: SearchDialect) throws {
        self.dialect = dialect
        self.body = body
        // Both bounded, so (pageNumber - 1) * pageSize and pageNumber + 1 cannot overflow, also
        // for numbers read back from a q64 token.
        pageSize = try body.int("pageSize", range: 1...Self.maximumPageSize) ?? 25
        pageNumber = try body.int("pageNumber", range: 1...Self.maximumPageNumber) ?? 1
        let sort = try Self.readSort(body, dialect)
        sortBy = sort.by
        sortDescending = sort.order == "DESC"
        guard let query = body.value("query") else { throw Self.problem(dialect.model + ".query", "is required") }
        criteria = try Self.readCriteria(query, path: dialect.model + ".query", dialect)
        guard !criteria.isEmpty else { throw Self.problem(dialect.model + ".query", "must not be empty") }
        // Normalize the way the platform does (contract §5): explicit types, paging, empty arrays.
        var members = body.fields.filter { !["pageNumber", "pageSize", "types"].contains($0.0) }
        members.append(("types", .array([.string(dialect.resultType)])))
        members.append(("pageSize", .int(pageSize)))
        members.sort { $0.0 < $1.0 }
        normalized = .object(members)
    }

    /// `sortBy` and `sortOrder`, or the first entry of `sort: [{sortBy, sortOrder}]`, which wins.
    private static func readSort(_ body: BodyReader, _ dialect: SearchDialect) throws -> (by: String?, order: String?) {
        var order = try oneOf(body, "sortOrder", GroupEnums.searchSortOrder)
        var by = try body.string("sortBy"), byPath = "\(body.model).sortBy"
        if let sort = body.value("sort") {
            guard case let .array(items) = sort else { throw problem("\(body.model).sort", "must be an array") }
            if case let .object(members)? = items.first {
                let first = BodyReader(model: "\(body.model).sort[1]", fields: members)
                if let named = try first.string("sortBy") { (by, byPath) = (named, "\(first.model).sortBy") }
                order = try oneOf(first, "sortOrder", GroupEnums.searchSortOrder) ?? order
            }
        }
        if let by { try require(by, in: dialect.searchableFields, at: byPath) }
        return (by, order)
    }

    private static func readCriteria(_ value: JSON, path: String, _ dialect: SearchDialect) throws -> [SearchCriterion] {
        guard case let .array(items) = value else { throw problem(path, "must be an array of criteria") }
        return try items.enumerated().map { index, item in
            let here = "\(path)[\(index + 1)]"
            guard case let .object(members) = item else { throw problem(here, "must be an object") }
            return try readCriterion(BodyReader(model: here, fields: members), dialect)
        }
    }

    private static func readCriterion(_ reader: BodyReader, _ dialect: SearchDialect) throws -> SearchCriterion {
        let here = reader.model
        let type = try reader.string("type", required: true)!
        if dialect.refusedTypes.contains(type) {
            throw problem("\(here).type", "\(type) is not evaluated by the emulator; use one of \(dialect.types.joined(separator: ", "))")
        }
        try require(type, in: dialect.types, at: "\(here).type")
        let fields = try reader.strings("fields") ?? []
        for (index, field) in fields.enumerated() { try require(field, in: dialect.searchableFields, at: "\(here).fields[\(index + 1)]") }
        let asGiven = try (reader.string("value").map { [$0] } ?? []) + (reader.strings("values") ?? [])
        if let maximum = dialect.maximumValues, asGiven.count > maximum {
            throw problem("\(here).values", "must hold at most \(maximum) values per criterion, got \(asGiven.count)")
        }
        let op = try oneOf(reader, "operator", GroupEnums.searchOperator) ?? "AND"
        let group = try reader.value("group").map { try readCriteria($0, path: "\(here).group", dialect) } ?? []
        let wanted = asGiven.map { $0.lowercased() }
        var criterion = SearchCriterion(type: type, fields: fields, wantedAsGiven: asGiven, wanted: wanted, wantedSet: Set(wanted), op: op, group: group)
        if type == "REGEX" {
            criterion.regexes = try asGiven.map { pattern in
                guard let regex = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive) else {
                    throw problem("\(here).value", "is not a valid regular expression: \(pattern)")
                }
                return regex
            }
        }
        if group.isEmpty, fields.isEmpty, !dialect.typesWithoutFields.contains(type) {
            throw problem("\(here).fields", "is required for \(type)")
        }
        if group.isEmpty, asGiven.isEmpty, dialect.typesNeedingValue.contains(type) {
            throw problem("\(here).value or values", "is required for \(type)")
        }
        return criterion
    }

    /// A string member that must be one of `allowed`, in any case (`desc`, `or`); answers the allowed spelling.
    private static func oneOf(_ reader: BodyReader, _ key: String, _ allowed: [String]) throws -> String? {
        guard let text = try reader.string(key) else { return nil }
        if let match = allowed.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) {
            return match
        }
        throw notOneOf(text, allowed, at: "\(reader.model).\(key)")
    }

    static func require(_ text: String, in allowed: [String], at path: String) throws {
        guard allowed.contains(text) else { throw notOneOf(text, allowed, at: path) }
    }

    private static func notOneOf(_ text: String, _ allowed: [String], at path: String) -> APIFailure {
        problem(path, "must be one of \(allowed.joined(separator: ", ")), got '\(text)'")
    }

    static func problem(_ path: String, _ text: String) -> APIFailure {
        APIFailure.badRequest("\(path) \(text)")
    }
}
