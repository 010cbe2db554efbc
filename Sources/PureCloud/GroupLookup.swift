import Foundation

/// A group found by its name (`api:find_group`): the name as people type it in a sheet, its case
/// and surrounding spaces ignored. One exact search answers the usual case; only when it finds
/// nothing are the org's groups listed (pages of 500), to catch what a search may miss (another
/// case, stray spaces in the group's own name) and to suggest the names closest to a typo.
public struct GroupLookup: Sendable {
    public let client: APIClient

    /// A group as a listing names it: enough to suggest it, or to fetch it again.
    public struct Listed: Sendable, Equatable {
        public let id: String
        public let name: String
    }

    public enum Outcome: Sendable {
        case found(JSONValue)
        /// No group has the name; the org's closest names, best first (maybe none).
        case absent(suggestions: [String])
        /// Several groups have the name (their case or spaces aside).
        case ambiguous([Listed])
    }

    public init(client: APIClient) {
        self.client = client
    }

    /// How names compare: case and surrounding spaces aside.
    public static func key(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// `listing`: the org's groups from an earlier lookup, if the caller kept them (a file with
    /// several unknown names lists the org once). Returns the outcome and the listing made or used.
    public func find(_ name: String, listing cached: [Listed]? = nil) async throws -> (Outcome, [Listed]?) {
        let wanted = Self.key(name)
        guard !wanted.isEmpty else { throw ValidationError("find_group: the name is empty") }
        let body: JSONValue = .object([
            ("pageSize", .int(100)),
            ("query", .array([.object([("type", .string("EXACT")), ("fields", .array([.string("name")])),
                                       ("value", .string(name.trimmingCharacters(in: .whitespacesAndNewlines)))])])),
        ])
        let results = try await client.call("post_groups_search", ["body": body])?["results"]?.arrayValue ?? []
        let hits = results.filter { Self.key($0["name"]?.stringValue ?? "") == wanted }
        if hits.count == 1 { return (.found(hits[0]), cached) }
        if hits.count > 1 { return (.ambiguous(hits.map(Self.listed)), cached) }

        // Nothing by search: the whole list, from the caller's copy or fresh.
        var groups: [JSONValue] = []
        let listing: [Listed]
        if let cached {
            listing = cached
        } else {
            groups = try await allGroups()
            listing = groups.map(Self.listed)
        }
        let same = listing.filter { Self.key($0.name) == wanted }
        switch same.count {
        case 0:
            return (.absent(suggestions: Self.suggestions(for: name, among: listing.map(\.name))), listing)
        case 1:
            // From this listing, the group itself; from a kept one, read again (it may have changed).
            if let group = groups.first(where: { $0["id"]?.stringValue == same[0].id }) { return (.found(group), listing) }
            guard let group = try await client.call("get_group", ["group_id": .string(same[0].id)]) else {
                return (.absent(suggestions: []), listing)
            }
            return (.found(group), listing)
        default:
            return (.ambiguous(same), listing)
        }
    }

    /// Whether a group of this name exists now (a search, then the listing if it found none).
    public func exists(_ name: String) async throws -> Bool {
        if case .absent = try await find(name).0 { return false }
        return true
    }

    private static func listed(_ group: JSONValue) -> Listed {
        Listed(id: group["id"]?.stringValue ?? "", name: group["name"]?.stringValue ?? "")
    }

    private func allGroups() async throws -> [JSONValue] {
        var groups: [JSONValue] = []
        var page = 1
        while true {
            let answer = try await client.call("get_groups", ["page_size": .int(500), "page_number": .int(Int64(page))])
            let entities = answer?["entities"]?.arrayValue ?? []
            groups += entities
            let pageCount = answer?["pageCount"]?.intValue ?? 0
            if entities.isEmpty || Int64(page) >= pageCount || page >= 10_000 { return groups }
            page += 1
        }
    }

    /// Did you mean: the names within a few edits of `name`, case and spacing ignored ("sales
    /// emae" is one edit from "Sales EMEA", "SupportTier 2" none from "Support Tier 2"), then
    /// names that begin with it, or nearly ("Suport" -> "Support Tier 1"); at most five, closest first.
    public static func suggestions(for name: String, among names: [String], limit: Int = 5) -> [String] {
        func bare(_ text: String) -> String { String(text.lowercased().filter { !$0.isWhitespace }) }
        let wanted = bare(name)
        guard !wanted.isEmpty else { return [] }
        let allowed = max(1, min(3, wanted.count / 4))
        var scored: [(name: String, score: Int)] = []
        var seen = Set<String>()
        for candidate in names where seen.insert(candidate).inserted {
            let other = bare(candidate)
            if abs(other.count - wanted.count) <= allowed {
                let distance = Validator.editDistance(wanted, other)
                if distance <= allowed {
                    scored.append((candidate, distance))
                    continue
                }
            }
            // A longer name whose beginning is (nearly) what was typed: after the close ones.
            if wanted.count >= 3 && other.count > wanted.count {
                let lengths = max(1, wanted.count - allowed)...min(other.count - 1, wanted.count + allowed)
                let distance = lengths.map { Validator.editDistance(wanted, String(other.prefix($0))) }.min() ?? allowed + 1
                if distance <= allowed { scored.append((candidate, allowed + 1 + distance)) }
            }
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.name.lowercased() < $1.name.lowercased() }
        return scored.prefix(limit).map(\.name)
    }

    /// "did you mean 'Sales EMEA'?", "did you mean 'Support Tier 1' or 'Support Tier 2'?", or "".
    public static func didYouMean(_ suggestions: [String]) -> String {
        let quoted = suggestions.map { "'\($0)'" }
        switch quoted.count {
        case 0: return ""
        case 1: return "did you mean \(quoted[0])?"
        default: return "did you mean \(quoted.dropLast().joined(separator: ", ")) or \(quoted.last!)?"
        }
    }
}
