import Foundation

/// How a script names a person: text (an email, an id or a name, told apart by their shape) or a
/// user table from a listing (its id, and the label reports use for it).
public enum UserReference: Sendable, Hashable {
    case text(String)
    case user(id: String, label: String)

    /// What reports call this entry: the input exactly as the caller gave it.
    public var input: String {
        switch self {
        case let .text(text): return text
        case let .user(_, label): return label
        }
    }
}

/// Ids as the platform reads them: trimmed and lower-cased (SQL Server and Excel export GUIDs in
/// upper case; the platform's ids are lower case and it compares them case-insensitively).
public enum UserIds {
    public static func normalize(_ id: String) -> String {
        id.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// 8-4-4-4-12 hexadecimal: surely an id, never a name, so a miss is not looked up as a name.
    static func isUUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}

/// What `users:resolve` found for each input (DESIGN.md §4). Only `ids` may be used for writes;
/// everything else is reported, never guessed.
public struct Resolution: Sendable {
    /// input -> id of the one usable user it names (active; inactive too with `includeInactive`).
    public var ids: [(input: String, id: String)] = []
    /// Every user met, by (lower-case) id.
    public var users: [String: JSONValue] = [:]
    /// input -> id of the one user it names, whatever the user's state.
    public var matched: [(input: String, id: String)] = []
    public var notFound: [String] = []
    public var ambiguous: [(input: String, ids: [String])] = []
    public var inactive: [String] = []
    public var deleted: [String] = []
    /// Emails or names that search did not find although a user with them was found by id: the
    /// search index lags behind recent changes (contract §2); reported, not used.
    public var notIndexed: [String] = []
    public var requests = 0

    /// Inputs that cannot be used, with why, in input order.
    public var problems: [(input: String, reason: String)] {
        var out: [(String, String)] = []
        for input in notFound { out.append((input, "not found")) }
        for (input, ids) in ambiguous { out.append((input, "ambiguous: \(ids.count) users (\(ids.joined(separator: ", ")))")) }
        for input in notIndexed { out.append((input, "found by id but not yet by search (the search index lags behind recent changes); not used")) }
        for input in deleted { out.append((input, "deleted user")) }
        let usable = Set(ids.map(\.input))
        for input in inactive where !usable.contains(input) { out.append((input, "inactive user")) }
        return out
    }

    public var json: JSONValue {
        func list(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }
        return .object([
            ("ids", .object(ids.map { ($0.input, .string($0.id)) })),
            ("users", .object(users.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
            ("matched", .object(matched.map { ($0.input, .string($0.id)) })),
            ("not_found", list(notFound)),
            ("ambiguous", .object(ambiguous.map { ($0.input, list($0.ids)) })),
            ("inactive", list(inactive)), ("deleted", list(deleted)), ("not_indexed", list(notIndexed)),
            ("requests", .int(Int64(requests))),
        ])
    }
}

/// Emails, ids and names to users in as few requests as exactness allows: emails and names through
/// search `values` (one request per batch, plus a page per 100 hits beyond the first), ids through
/// `get_users{ id = {...}, state = "any" }` in batches. Every input is checked; an input that names
/// no user, several users, or a user that is not active is reported, not guessed.
public struct ResolutionJob: Sendable {
    public let client: APIClient
    /// Values per search criterion and ids per listing (the limits of contract §1-2).
    public var batchSize = UsersAPI.maximumValuesPerCriterion
    public var includeInactive = false
    /// Most inputs one call takes; more is almost certainly a mistake (a whole org is ~10^5 users).
    public static let maximumInputs = 1_000_000
    /// Batches sent side by side (reads; they share the client's pacer): the client's `concurrency`.
    public var concurrency: Int
    /// Told how many entries of each kind are resolved so far (for a progress line).
    public var progress: (@Sendable (_ what: String, _ done: Int, _ total: Int?) -> Void)?

    public init(client: APIClient) {
        self.client = client
        concurrency = client.configuration.concurrency
    }

    enum Kind { case email, id, name }

    /// Each distinct input as an email, an id or a name, by its shape (an `@`: email; one word: id,
    /// else a name); throws for entries that cannot name anyone, before any request.
    static func classify(_ references: [UserReference]) throws -> [(input: String, kind: Kind, key: String)] {
        guard references.count <= maximumInputs else {
            throw ValidationError("\(references.count) entries is more than the \(maximumInputs) one call accepts; split the list")
        }
        var classified: [(input: String, kind: Kind, key: String)] = []
        var inputs = Set<String>()
        for (index, reference) in references.enumerated() where inputs.insert(reference.input).inserted {
            switch reference {
            case let .user(id, _):
                let key = UserIds.normalize(id)
                guard !key.isEmpty else { throw ValidationError("entry #\(index + 1) is a user table with an empty id") }
                classified.append((reference.input, .id, key))
            case let .text(raw):
                let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { throw ValidationError("entry #\(index + 1) is blank") }
                guard !text.contains(",") else { throw ValidationError("entry #\(index + 1) ('\(text)') contains a comma; give one user per item") }
                if text.contains("@") {
                    classified.append((raw, .email, TextFolding.fold(text)))
                } else if !text.contains(where: \.isWhitespace) {
                    classified.append((raw, .id, text.lowercased()))
                } else {
                    classified.append((raw, .name, TextFolding.fold(text)))
                }
            }
        }
        return classified
    }

    /// Checks the entries without sending anything (bulk helpers call it before their first read).
    public static func check(_ references: [UserReference]) throws {
        _ = try classify(references)
    }

    /// `known` holds users already read (a group's direct members, by lower-case id): ids among
    /// them need no request.
    public func run(_ references: [UserReference], known: [String: JSONValue] = [:]) async throws -> Resolution {
        // Its own requests only (not the client's one tokens/me, nor those of other jobs at once).
        let tally = RequestTally()
        var result = try await tally.counting { try await resolve(references, known: known) }
        result.requests = tally.value
        return result
    }

    private func resolve(_ references: [UserReference], known: [String: JSONValue]) async throws -> Resolution {
        var classified = try Self.classify(references)

        var users = known
        // 1. Ids: one listing per batch of unknown ones.
        let idsToCheck = unique(classified.filter { $0.kind == .id && known[$0.key] == nil }.map(\.key))
        for user in try await fetchById(idsToCheck) {
            if let id = user["id"]?.stringValue { users[UserIds.normalize(id)] = user }
        }
        // An id-shaped word that is no user's id may be a one-word name ("Madonna"): look it up as one.
        for index in classified.indices where classified[index].kind == .id && users[classified[index].key] == nil {
            let text = classified[index].input.trimmingCharacters(in: .whitespacesAndNewlines)
            if !UserIds.isUUID(text) { classified[index] = (classified[index].input, .name, TextFolding.fold(text)) }
        }
        // 2. Emails and names: search `values`, batched.
        let byEmail = try await search(field: "email", values: unique(classified.filter { $0.kind == .email }.map(\.key)))
        let byName = try await search(field: "name", values: unique(classified.filter { $0.kind == .name }.map(\.key)))
        for user in Array(byEmail.values.joined()) + Array(byName.values.joined()) {
            if let id = user["id"]?.stringValue { users[UserIds.normalize(id)] = user }
        }

        // 3. Each input against what was found.
        var result = Resolution()
        result.users = users
        // Emails and names of every user read, for telling "not found" from "not indexed yet".
        var seenBy: [Kind: Set<String>] = [:]
        if classified.contains(where: { $0.kind != .id }) {
            for user in users.values {
                if let email = user["email"]?.stringValue { seenBy[.email, default: []].insert(TextFolding.key(email)) }
                if let name = user["name"]?.stringValue { seenBy[.name, default: []].insert(TextFolding.key(name)) }
            }
        }
        for entry in classified {
            let candidates: [JSONValue]
            switch entry.kind {
            case .id: candidates = users[entry.key].map { [$0] } ?? []
            case .email: candidates = byEmail[entry.key] ?? []
            case .name: candidates = byName[entry.key] ?? []
            }
            // A deleted user keeps its address (contract §3): one that was re-created is the live one.
            let live = candidates.filter { $0["state"]?.stringValue != "deleted" }
            if live.count > 1 {
                result.ambiguous.append((entry.input, live.compactMap { $0["id"]?.stringValue.map(UserIds.normalize) }.sorted()))
                continue
            }
            guard let user = live.first ?? candidates.first, let id = user["id"]?.stringValue.map(UserIds.normalize) else {
                if entry.kind != .id, seenBy[entry.kind]?.contains(entry.key) == true { result.notIndexed.append(entry.input) }
                else { result.notFound.append(entry.input) }
                continue
            }
            result.matched.append((entry.input, id))
            switch user["state"]?.stringValue ?? "active" {
            case "deleted": result.deleted.append(entry.input)
            case "inactive":
                result.inactive.append(entry.input)
                if includeInactive { result.ids.append((entry.input, id)) }
            default: result.ids.append((entry.input, id))
            }
        }
        return result
    }

    private func unique(_ keys: [String]) -> [String] {
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    /// The users with these ids, in any state; ids that are no user's are simply absent.
    private func fetchById(_ ids: [String]) async throws -> [JSONValue] {
        let batches = ids.chunked(min(batchSize, UsersAPI.maximumIdsPerRequest))
        return try await inBatches(batches, what: "resolving ids") { batch in
            let page = try await client.call(.getUsers(pageSize: max(batch.count, 1), id: batch, state: "any"))
            return page?["entities"]?.arrayValue ?? []
        }
    }

    /// Users whose `field` equals one of `values` (lower-case), grouped by that value. Every state
    /// is asked for explicitly, so what comes back does not depend on the platform's default.
    private func search(field: String, values: [String]) async throws -> [String: [JSONValue]] {
        let batches = values.chunked(min(batchSize, UsersAPI.maximumValuesPerCriterion))
        let found = try await inBatches(batches, what: "resolving \(field)s") { batch in try await searchAll(field: field, batch) }
        var out: [String: [JSONValue]] = [:]
        let wanted = Set(values)
        var seen = Set<String>()
        for user in found {
            guard let key = user[field]?.stringValue.map(TextFolding.key), wanted.contains(key),
                  let id = user["id"]?.stringValue, seen.insert(UserIds.normalize(id)).inserted else { continue }
            out[key, default: []].append(user)
        }
        return out
    }

    /// One search and its next pages (q64) until pageNumber reaches pageCount.
    private func searchAll(field: String, _ batch: [String]) async throws -> [JSONValue] {
        let body: JSONValue = .object([
            ("pageSize", .int(Int64(UsersAPI.maximumSearchPageSize))), ("pageNumber", .int(1)),
            ("query", .array([
                .object([("type", .string("EXACT")), ("fields", .array([.string(field)])), ("values", .array(batch.map(JSONValue.string)))]),
                .object([("type", .string("EXACT")), ("fields", .array([.string("state")])),
                         ("values", .array(["active", "inactive", "deleted"].map(JSONValue.string)))]),
            ])),
        ])
        var page = try await client.call(.postUsersSearch(body: body))
        var results: [JSONValue] = []
        while let current = page {
            results += current["results"]?.arrayValue ?? []
            guard let number = current["pageNumber"]?.intValue, let count = current["pageCount"]?.intValue, number < count,
                  let next = current["nextPage"]?.stringValue, let q64 = Self.q64(of: next) else { break }
            try Self.checkPlausible(pageCount: count, total: current["total"]?.intValue, values: batch.count, operation: "post_users_search")
            page = try await client.call(.getUsersSearch(q64: q64))
        }
        return results
    }

    /// Most people one looked-up value may name (a common full name, say): far more than any org
    /// has, so only a broken or hostile answer goes beyond it.
    static let maximumHitsPerValue = 100

    /// A search of `values` exact values cannot have more hits than a few per value: an answer
    /// that says it has (10^12 pages for one email) stops the lookup instead of sending a request
    /// per page it claims.
    static func checkPlausible(pageCount: Int64, total: Int64?, values: Int, operation: String) throws {
        let most = Int64(max(values, 1) * maximumHitsPerValue)
        let pages = (most + Int64(UsersAPI.maximumSearchPageSize) - 1) / Int64(UsersAPI.maximumSearchPageSize)
        guard pageCount <= pages, (total ?? 0) <= most else {
            throw APIError(status: 0, code: "bad.response",
                           message: "the search for \(values) value\(values == 1 ? "" : "s") answered \(pageCount) pages (total \(total.map(String.init) ?? "?")), which cannot be true; the lookup stops here rather than ask for them",
                           operation: operation)
        }
    }

    /// The q64 token of a `nextPage` URI (percent-decoded; the request builder encodes it again).
    static func q64(of uri: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).last else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("q64=") {
            return String(pair.dropFirst(4)).removingPercentEncoding
        }
        return nil
    }

    /// Runs `work` for every batch, `concurrency` at a time, results in batch order.
    private func inBatches(_ batches: [[String]], what: String, _ work: @escaping @Sendable ([String]) async throws -> [JSONValue]) async throws -> [JSONValue] {
        guard batches.count > 1 else {
            guard let only = batches.first else { return [] }
            return try await work(only)
        }
        let total = batches.reduce(0) { $0 + $1.count }
        var done = 0
        var results = [[JSONValue]](repeating: [], count: batches.count)
        try await withThrowingTaskGroup(of: (Int, [JSONValue]).self) { group in
            var next = 0
            func launch() {
                let index = next
                let batch = batches[index]
                group.addTask { (index, try await work(batch)) }
                next += 1
            }
            while next < min(concurrency, batches.count) { launch() }
            while let (index, found) = try await group.next() {
                results[index] = found
                done += batches[index].count
                progress?(what, done, total)
                if next < batches.count { launch() }
            }
        }
        return results.flatMap { $0 }
    }
}
