import Foundation

/// Group search (contract §5): the criteria of GroupSearchRequest evaluated over the org's groups.
struct GroupSearch {
    var pageSize: Int
    var pageNumber: Int
    var criteria: [Criterion]
    var sortBy: String?
    var sortDescending: Bool
    var normalized: JSON

    /// Search pages hold at most 100 results; the platform's limit is not published (contract §13).
    static let maximumPageSize = 100
    /// The same ceiling as listings' pageNumber (an int32 in the published models).
    static let maximumPageNumber = Int(Int32.max)
    /// How long the REGEX criteria of one search may run over the org's groups before the search
    /// is refused: a catastrophic pattern such as `(a*)*b` must not hold a request for long.
    static let regexTimeLimit = 0.5
    static let searchableFields = ["id", "name", "description", "state", "type", "visibility", "email", "dateModified"]

    struct Criterion {
        var type: String
        var fields: [String]
        var value: String?
        var values: [String]
        var op: String
        var group: [Criterion]
        /// The REGEX patterns, compiled once per search.
        var regexes: [NSRegularExpression] = []
    }

    init(request: BodyReader) throws {
        // Both bounded, so (pageNumber - 1) * pageSize and pageNumber + 1 cannot overflow, also
        // for numbers read back from a q64 token.
        pageSize = try request.int("pageSize", range: 1...GroupSearch.maximumPageSize) ?? 25
        pageNumber = try request.int("pageNumber", range: 1...GroupSearch.maximumPageNumber) ?? 1
        var sortOrder = try request.enumValue("sortOrder", allowed: GroupEnums.searchSortOrder, caseInsensitive: true)
        sortBy = try request.string("sortBy")
        if let sort = request.value("sort") {
            guard case let .array(items) = sort else { throw APIFailure.badRequest("GroupSearchRequest.sort must be an array") }
            if case let .object(members)? = items.first {
                let reader = BodyReader(model: "SearchSort", fields: members)
                sortBy = try reader.string("sortBy") ?? sortBy
                sortOrder = try reader.enumValue("sortOrder", allowed: GroupEnums.searchSortOrder, caseInsensitive: true) ?? sortOrder
            }
        }
        if let sortBy, !GroupSearch.searchableFields.contains(sortBy) {
            throw APIFailure.invalidValue(field: "GroupSearchRequest.sortBy", value: sortBy, allowed: GroupSearch.searchableFields)
        }
        sortDescending = sortOrder == "DESC"
        guard let query = request.value("query") else {
            throw APIFailure.badRequest("GroupSearchRequest.query is required")
        }
        criteria = try GroupSearch.parseCriteria(query, path: "GroupSearchRequest.query")
        guard !criteria.isEmpty else { throw APIFailure.badRequest("GroupSearchRequest.query must not be empty") }
        // Normalize the way the platform does (contract §5): explicit types, paging, empty arrays.
        var members = request.fields.filter { $0.0 != "pageNumber" && $0.0 != "pageSize" && $0.0 != "types" }
        members.append(("types", .array([.string("groups")])))
        members.append(("pageSize", .int(pageSize)))
        members.sort { $0.0 < $1.0 }
        normalized = .object(members)
    }

    static func parseCriteria(_ value: JSON, path: String) throws -> [Criterion] {
        guard case let .array(items) = value else { throw APIFailure.badRequest("\(path) must be an array of criteria") }
        return try items.enumerated().map { index, item in
            guard case let .object(members) = item else { throw APIFailure.badRequest("\(path)[\(index + 1)] must be an object") }
            let reader = BodyReader(model: "GroupSearchCriteria", fields: members)
            let type = try reader.enumValue("type", allowed: GroupEnums.searchCriteriaType, required: true)!
            let fields = try reader.strings("fields") ?? []
            for field in fields where !searchableFields.contains(field) {
                throw APIFailure.invalidValue(field: "GroupSearchCriteria.fields", value: field, allowed: searchableFields)
            }
            var criterion = Criterion(
                type: type, fields: fields, value: try reader.string("value"), values: try reader.strings("values") ?? [],
                op: try reader.enumValue("operator", allowed: GroupEnums.searchOperator) ?? "AND",
                group: try reader.value("group").map { try parseCriteria($0, path: "\(path)[\(index + 1)].group") } ?? [])
            if type == "REGEX" {
                criterion.regexes = try ((criterion.value.map { [$0] } ?? []) + criterion.values).map { pattern in
                    guard let regex = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive) else {
                        throw APIFailure.badRequest("GroupSearchCriteria.value is not a valid regular expression: \(pattern)")
                    }
                    return regex
                }
            }
            if !["MATCH_ALL", "REQUIRED_FIELDS"].contains(type), criterion.group.isEmpty, criterion.fields.isEmpty {
                throw APIFailure.badRequest("GroupSearchCriteria.fields is required for \(type)")
            }
            if ["EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM"].contains(type), criterion.group.isEmpty,
               criterion.value == nil, criterion.values.isEmpty {
                throw APIFailure.badRequest("GroupSearchCriteria.value is required for \(type)")
            }
            return criterion
        }
    }

    static func fieldValue(_ group: EmulatedGroup, _ field: String) -> String? {
        switch field {
        case "id": return group.id
        case "name": return group.name
        case "description": return group.description
        case "state": return group.state
        case "type": return group.type
        case "visibility": return group.visibility
        case "email": return group.email
        case "dateModified": return group.dateModified
        default: return nil
        }
    }

    static func matches(_ c: Criterion, _ group: EmulatedGroup, _ budget: RegexBudget) -> Bool {
        if !c.group.isEmpty { return matchesAll(c.group, group, budget) }
        let wanted = (c.value.map { [$0] } ?? []) + c.values
        let texts = c.fields.compactMap { fieldValue(group, $0) }
        switch c.type {
        case "MATCH_ALL": return true
        case "REQUIRED_FIELDS": return c.fields.allSatisfy { fieldValue(group, $0) != nil }
        case "EXACT":
            return texts.contains { t in wanted.contains { $0.caseInsensitiveCompare(t) == .orderedSame } }
        case "STARTS_WITH":
            return texts.contains { t in wanted.contains { t.lowercased().hasPrefix($0.lowercased()) } }
        case "CONTAINS":
            return texts.contains { t in wanted.contains { t.lowercased().contains($0.lowercased()) } }
        case "REGEX":
            return texts.contains { t in c.regexes.contains { budget.matches($0, t) } }
        default:  // TERM, TERMS: whole-word match
            return texts.contains { t in
                let words = Set(t.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
                return wanted.contains { words.contains($0.lowercased()) }
            }
        }
    }

    /// Top-level criteria are combined the way the platform documents: each carries its own
    /// operator, AND (the default) and NOT must hold, and at least one OR must hold when any is given.
    static func matchesAll(_ criteria: [Criterion], _ group: EmulatedGroup, _ budget: RegexBudget) -> Bool {
        var anyOr = false
        var orHit = false
        for c in criteria {
            let hit = matches(c, group, budget)
            switch c.op {
            case "NOT": if hit { return false }
            case "OR": anyOr = true; if hit { orHit = true }
            default: if !hit { return false }
            }
        }
        return !anyOr || orHit
    }

    /// Runs on a copy of the org taken under the lock, so a slow search holds no other request.
    func run(_ state: OrgState, path: String) throws -> JSON {
        let budget = RegexBudget(seconds: GroupSearch.regexTimeLimit)
        var hits = state.groupOrder.compactMap { state.groups[$0] }.filter { GroupSearch.matchesAll(criteria, $0, budget) }
        if budget.exhausted {
            throw APIFailure.badRequest(
                "GroupSearchCriteria.value: the regular expression took more than \(GroupSearch.regexTimeLimit) s over the org's groups; use a simpler pattern")
        }
        let key = sortBy ?? "name"
        hits.sort { a, b in
            let x = GroupSearch.fieldValue(a, key) ?? "", y = GroupSearch.fieldValue(b, key) ?? ""
            if x == y { return a.id < b.id }
            return sortDescending ? x > y : x < y
        }
        let total = hits.count
        let pageCount = (total + pageSize - 1) / pageSize
        let start = (pageNumber - 1) * pageSize
        let page = start < total ? hits[start..<min(total, start + pageSize)] : []
        func uri(_ n: Int) -> JSON {
            guard case var .object(members) = normalized else { return .string(path) }
            members.removeAll { $0.0 == "pageNumber" }
            members.append(("pageNumber", .int(n)))
            members.sort { $0.0 < $1.0 }
            return .string("\(path)?q64=\(Q64.encode(.object(members)))")
        }
        // As on the platform (contract §5): on page 1 previousPage repeats currentPage, and nextPage
        // is present on every page, even the last; clients stop on pageNumber >= pageCount.
        return object([
            "total": .int(total),
            "pageCount": .int(pageCount),
            "pageSize": .int(pageSize),
            "pageNumber": .int(pageNumber),
            "previousPage": uri(max(1, pageNumber - 1)),
            "currentPage": uri(pageNumber),
            "nextPage": uri(pageNumber + 1),
            "types": .array([.string("groups")]),
            "results": .array(page.map { Render.group($0) }),
        ])
    }
}

extension BodyReader {
    init(model: String, fields: [(String, JSON)]) {
        self.model = model
        self.fields = fields
    }
}

/// A time limit shared by every REGEX evaluation of one search. ICU reports progress during a long
/// match, which is where the limit is checked; once it is spent every later match is skipped and
/// the search is refused.
final class RegexBudget {
    private let deadline: Date
    private(set) var exhausted = false

    init(seconds: Double) {
        deadline = Date().addingTimeInterval(seconds)
    }

    func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        guard !exhausted else { return false }
        var found = false
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { match, _, stop in
            if match != nil {
                found = true
                stop.pointee = true
            } else if Date() > self.deadline {
                self.exhausted = true
                stop.pointee = true
            }
        }
        if !found, Date() > deadline { exhausted = true }
        return found
    }
}
