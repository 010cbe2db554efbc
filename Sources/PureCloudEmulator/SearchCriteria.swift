import Foundation

/// The criteria language shared by group search (contract §5) and user search (users-api §2):
/// types, fields, value/values, operator, nested group, case-insensitive text, REGEX under a time
/// limit. What differs between the two searches (model name, searchable fields, which types are
/// accepted, which need fields or a value, message wording) is a `SearchDialect`; the entity's
/// fields reach the evaluator as a lookup closure.
struct SearchCriterion {
    var type: String
    var fields: [String]
    /// `value` and `values` together, as given (REGEX patterns are compiled from these).
    var wantedAsGiven: [String]
    /// The same, lower-cased once.
    var wanted: [String]
    var wantedSet: Set<String>
    var op: String
    var group: [SearchCriterion]
    /// The REGEX patterns, compiled once per search.
    var regexes: [NSRegularExpression] = []

    var mentionsState: Bool { fields.contains("state") || group.contains { $0.mentionsState } }
}

/// The rules of one search's criteria.
struct SearchDialect: Sendable {
    /// "GroupSearchCriteria" or "UserSearchCriteria", used in messages.
    let model: String
    let searchableFields: [String]
    /// Reads and checks `type`; `here` is the criterion's path, e.g. `UserSearchRequest.query[2]`.
    let readType: @Sendable (BodyReader, String) throws -> String
    /// The error for a field outside `searchableFields`.
    let unknownField: @Sendable (String, String) -> APIFailure
    /// Types that may be given without `fields`.
    let typesWithoutFields: Set<String>
    /// Types that need `value` or `values`.
    let typesNeedingValue: Set<String>
    /// Longest `values` list, if limited.
    let maximumValues: Int?
    let operatorCaseInsensitive: Bool
    /// The start of a message about one criterion, e.g. "" or "UserSearchRequest.query[2]: ".
    let prefix: @Sendable (String) -> String
    /// How the missing-value message names the members ("value" or "value or values").
    let valueNoun: String

    func parse(_ value: JSON, path: String) throws -> [SearchCriterion] {
        guard case let .array(items) = value else { throw APIFailure.badRequest("\(path) must be an array of criteria") }
        return try items.enumerated().map { index, item in
            let here = "\(path)[\(index + 1)]"
            guard case let .object(members) = item else { throw APIFailure.badRequest("\(here) must be an object") }
            let reader = BodyReader(model: model, fields: members)
            let type = try readType(reader, here)
            let fields = try reader.strings("fields") ?? []
            for field in fields where !searchableFields.contains(field) { throw unknownField(field, here) }
            let value = try reader.string("value")
            let values = try reader.strings("values") ?? []
            if let maximumValues, values.count > maximumValues {
                throw APIFailure.badRequest("\(here): at most \(maximumValues) values are allowed per criterion, got \(values.count)")
            }
            let asGiven = (value.map { [$0] } ?? []) + values
            let wanted = asGiven.map { $0.lowercased() }
            let op = try reader.enumValue("operator", allowed: GroupEnums.searchOperator, caseInsensitive: operatorCaseInsensitive) ?? "AND"
            let group = try reader.value("group").map { try parse($0, path: "\(here).group") } ?? []
            var criterion = SearchCriterion(
                type: type, fields: fields, wantedAsGiven: asGiven, wanted: wanted, wantedSet: Set(wanted), op: op, group: group)
            if type == "REGEX" {
                criterion.regexes = try asGiven.map { pattern in
                    guard let regex = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive) else {
                        throw APIFailure.badRequest("\(model).value is not a valid regular expression: \(pattern)")
                    }
                    return regex
                }
            }
            if !typesWithoutFields.contains(type), group.isEmpty, fields.isEmpty {
                throw APIFailure.badRequest("\(prefix(here))\(model).fields is required for \(type)")
            }
            if typesNeedingValue.contains(type), group.isEmpty, wanted.isEmpty {
                throw APIFailure.badRequest("\(prefix(here))\(model).\(valueNoun) is required for \(type)")
            }
            return criterion
        }
    }
}

/// Evaluates criteria against one entity, whose fields `field` looks up by name.
enum SearchEvaluator {
    static func matches(_ c: SearchCriterion, _ field: (String) -> String?, _ budget: RegexBudget) -> Bool {
        if !c.group.isEmpty { return matchesAll(c.group, field, budget) }
        switch c.type {
        case "MATCH_ALL": return true
        case "REQUIRED_FIELDS": return c.fields.allSatisfy { field($0) != nil }
        case "REGEX": return c.fields.contains { name in field(name).map { t in c.regexes.contains { budget.matches($0, t) } } ?? false }
        default: break
        }
        let texts = c.fields.compactMap { field($0)?.lowercased() }
        switch c.type {
        case "EXACT": return texts.contains { c.wantedSet.contains($0) }
        case "STARTS_WITH": return texts.contains { t in c.wanted.contains { t.hasPrefix($0) } }
        case "CONTAINS": return texts.contains { t in c.wanted.contains { t.contains($0) } }
        default:  // TERM, TERMS: whole-word match
            return texts.contains { t in
                let words = Set(t.split { !$0.isLetter && !$0.isNumber }.map(String.init))
                return c.wanted.contains { words.contains($0) }
            }
        }
    }

    /// Criteria are combined the way the platform documents: each carries its own operator, AND
    /// (the default) and NOT must hold, and at least one OR must hold when any is given.
    static func matchesAll(_ criteria: [SearchCriterion], _ field: (String) -> String?, _ budget: RegexBudget) -> Bool {
        var anyOr = false, orHit = false
        for c in criteria {
            let hit = matches(c, field, budget)
            switch c.op {
            case "NOT": if hit { return false }
            case "OR": anyOr = true; if hit { orHit = true }
            default: if !hit { return false }
            }
        }
        return !anyOr || orHit
    }
}
