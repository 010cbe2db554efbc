import Foundation

/// Group search (contract §5): the criteria of a GroupSearchRequest evaluated over the org's groups.
enum GroupSearch {
    /// How long the REGEX criteria of one search may run over the org's groups before the search
    /// is refused: a catastrophic pattern such as `(a*)*b` must not hold a request for long.
    static let regexTimeLimit = 0.5
    static let searchableFields = ["id", "name", "description", "state", "type", "visibility", "email", "dateModified"]

    /// Group search's rules: every published criteria type evaluated, REGEX included.
    static let dialect = SearchDialect(
        model: "GroupSearchRequest", path: "/api/v2/groups/search", resultType: "groups", searchableFields: searchableFields,
        types: GroupEnums.searchCriteriaType, refusedTypes: [],
        typesWithoutFields: ["MATCH_ALL", "REQUIRED_FIELDS"],
        typesNeedingValue: ["EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM"],
        maximumValues: nil)

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

    /// Runs on a copy of the org taken under the lock, so a slow search holds no other request.
    static func run(_ search: SearchRequest, _ state: OrgState) throws -> JSON {
        let budget = RegexBudget(seconds: regexTimeLimit)
        let hits = state.groupOrder.compactMap { state.groups[$0] }.filter { group in
            SearchEvaluator.matchesAll(search.criteria, { fieldValue(group, $0) }, budget)
        }
        if budget.exhausted {
            throw SearchRequest.problem(
                "\(dialect.model).query", "has a regular expression that took more than \(regexTimeLimit) s over the org's groups; use a simpler pattern")
        }
        let key = search.sortBy ?? "name"
        return search.page(hits, sortKey: { fieldValue($0, key) ?? "" }, id: \.id, render: { Render.group($0) })
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
