import Foundation

/// One criterion of the query language shared by group search (contract §5) and user search
/// (users-api §2), as `SearchRequest` read it: types, fields, value/values, operator, nested
/// group, case-insensitive text, REGEX under a time limit. The entity's fields reach the
/// evaluator as a lookup closure.
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
