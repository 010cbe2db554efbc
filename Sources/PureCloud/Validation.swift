/// A request that cannot be sent as it is; the message names the model, field and problem.
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Checks a body against its model before anything is sent, and shapes it for the wire:
/// `{}` for an array field becomes `[]`, read-only fields are left out, `null` stays explicit.
public enum Validator {
    /// `requireAll: false` checks only what is given (a model being built field by field, as the
    /// SDKs' `GroupCreate.new` then `body.name = ...`); required fields are checked when it is sent.
    public static func validate(_ value: JSONValue, model modelName: String, path: String? = nil, requireAll: Bool = true) throws -> JSONValue {
        guard let model = Models.all[modelName] else { throw ValidationError("unknown model '\(modelName)'") }
        let here = path ?? modelName
        let members: [(key: String, value: JSONValue)]
        switch value {
        case let .object(m): members = m
        case let .array(items) where items.isEmpty: members = []  // an empty Lua table
        default: throw ValidationError("\(here): table expected, got \(value.typeName)")
        }
        var given: [String: JSONValue] = [:]
        for member in members {
            guard model.field(member.key) != nil else {
                var message = "\(here): unknown field '\(shown(member.key))'"
                if let guess = closest(member.key, among: model.fields.map(\.name)) {
                    message += " (did you mean '\(guess)'?)"
                } else {
                    message += " (fields: \(model.fields.filter { !$0.readOnly }.map(\.name).joined(separator: ", ")))"
                }
                throw ValidationError(message)
            }
            given[member.key] = member.value
        }
        for field in model.required where requireAll && (given[field.name] == nil || given[field.name] == .null) {
            throw ValidationError("\(here): missing required field '\(field.name)' (\(field.typeDescription))")
        }
        // Model order, so bodies and dry-run plans read the same every time.
        var out: [(key: String, value: JSONValue)] = []
        for field in model.fields {
            guard let v = given[field.name], !field.readOnly else { continue }
            out.append((field.name, try check(v, field.kind, field: field, path: "\(here).\(field.name)", requireAll: requireAll)))
        }
        return .object(out)
    }

    static func check(_ value: JSONValue, _ kind: Field.Kind, field: Field, path: String, requireAll: Bool = true) throws -> JSONValue {
        if value == .null { return .null }
        switch kind {
        case .string, .dateTime:
            guard case .string = value else { throw typeError(path, "string", value) }
            return value
        case .integer:
            guard let i = value.intValue else { throw typeError(path, "integer", value) }
            return .int(i)
        case .boolean:
            guard case .bool = value else { throw typeError(path, "boolean", value) }
            return value
        case let .enumeration(allowed):
            guard case let .string(s) = value else { throw typeError(path, "string", value) }
            guard allowed.contains(s) || field.tolerated.contains(s) else {
                var message = "\(path) must be one of \(allowed.joined(separator: ", ")) (got '\(s)')"
                if let guess = allowed.first(where: { $0.lowercased() == s.lowercased() }) ?? closest(s, among: allowed) {
                    message += "; did you mean '\(guess)'?"
                }
                throw ValidationError(message)
            }
            return value
        case let .array(inner):
            let items: [JSONValue]
            switch value {
            case let .array(a): items = a
            case let .object(m) where m.isEmpty: items = []
            default: throw typeError(path, "array", value)
            }
            if let limit = field.maximumCount, items.count > limit {
                throw ValidationError("\(path) holds \(items.count) items; at most \(limit) are allowed per request")
            }
            return .array(try items.enumerated().map { index, item in
                try check(item, inner, field: field, path: "\(path)[\(index + 1)]", requireAll: requireAll)
            })
        case let .model(name):
            return try validate(value, model: name, path: path, requireAll: requireAll)
        case .map:
            return value
        }
    }

    static func typeError(_ path: String, _ expected: String, _ got: JSONValue) -> ValidationError {
        ValidationError("\(path): \(expected) expected, got \(got.typeName)")
    }

    /// The closest name within a small edit distance, for "did you mean". Bounded, since the word
    /// may come from a script (a 10 MB key): a word or candidate of more than 64 bytes, a length
    /// that differs by more than the distance allowed, and candidates past the first 1,000 are
    /// not compared.
    public static func closest(_ word: String, among candidates: [String]) -> String? {
        let length = word.utf8.count
        guard length <= 64 else { return nil }
        let lower = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates.prefix(1000) where abs(candidate.utf8.count - length) <= 3 && candidate.utf8.count <= 64 {
            let d = editDistance(lower, candidate.lowercased())
            if d <= max(1, min(3, candidate.count / 3)), best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// A name quoted in a message, cut when it is long (a 10 MB key must not make a 10 MB message).
    public static func shown(_ name: String) -> String {
        let bytes = name.utf8.count
        return bytes <= 80 ? name : String(name.prefix(60)) + "... (\(bytes) bytes)"
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, and swaps of two
    /// neighbouring letters each count as one edit ("nmae" is one edit from "name").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
