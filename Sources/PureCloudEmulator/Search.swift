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

    typealias Criterion = SearchCriterion

    /// Group search's rules: the published criteria types all evaluated, REGEX included.
    static let dialect = SearchDialect(
        model: "GroupSearchCriteria", searchableFields: searchableFields,
        readType: { reader, _ in try reader.enumValue("type", allowed: GroupEnums.searchCriteriaType, required: true)! },
        unknownField: { field, _ in APIFailure.invalidValue(field: "GroupSearchCriteria.fields", value: field, allowed: searchableFields) },
        typesWithoutFields: ["MATCH_ALL", "REQUIRED_FIELDS"],
        typesNeedingValue: ["EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM"],
        maximumValues: nil, operatorCaseInsensitive: false, prefix: { _ in "" }, valueNoun: "value")

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
        try dialect.parse(value, path: path)
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

    static func matchesAll(_ criteria: [Criterion], _ group: EmulatedGroup, _ budget: RegexBudget) -> Bool {
        SearchEvaluator.matchesAll(criteria, { fieldValue(group, $0) }, budget)
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
        return SearchPage.answer(hits, pageSize: pageSize, pageNumber: pageNumber, request: normalized, path: path,
                                 type: "groups", render: { Render.group($0) })
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
