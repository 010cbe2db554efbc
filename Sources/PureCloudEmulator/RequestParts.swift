import Foundation

/// The parts of an HTTP request the handlers read, decoupled from Hummingbird so the routing and
/// the org logic can be read (and unit-tested) without a server.
struct EmulatorRequest: Sendable {
    var method: String
    /// Path without the query, as sent.
    var path: String
    var query: QueryParameters
    var body: Data
    var contentType: String?
    /// The `:id` segment of the route's path, percent-decoded (empty on routes without one).
    var id = ""
}

/// Query parameters in wire order. Array parameters come as `id=a,b` (Python, Go, the CLI) or as
/// `id=a&id=b` (Java); `list(_:)` accepts both (contract §1.3).
struct QueryParameters: Sendable {
    private(set) var pairs: [(String, String)] = []

    init(_ raw: String?) {
        guard let raw, !raw.isEmpty else { return }
        for piece in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryParameters.decode(parts[0])
            let value = parts.count > 1 ? QueryParameters.decode(parts[1]) : ""
            pairs.append((name, value))
        }
    }

    private static func decode(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    func first(_ name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    func list(_ name: String) -> [String] {
        pairs.filter { $0.0 == name }
            .flatMap { $0.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = first(name) else { return value }
        guard let number = Int(text) else {
            throw APIFailure.badRequest("Query parameter '\(name)' must be an integer, got '\(text)'")
        }
        guard range.contains(number) else {
            throw APIFailure.badRequest(
                "Query parameter '\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }
}

/// Helpers that read a decoded request body with messages naming the field, the way the
/// platform's 400s do.
struct BodyReader {
    let model: String
    let fields: [(String, JSON)]

    init(model: String, request: EmulatorRequest, required: Bool = true) throws {
        self.model = model
        if request.body.isEmpty || String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "null" {
            if required { throw APIFailure.badRequest("A \(model) request body is required") }
            fields = []
            return
        }
        if let type = request.contentType, !type.lowercased().hasPrefix("application/json") {
            throw APIFailure(status: 415, code: "unsupported.media.type",
                             message: "Content type '\(type)' is not supported; send application/json")
        }
        let parsed: JSON
        do { parsed = try JSON.parse(request.body) } catch {
            throw APIFailure.badRequest("The request body is not valid JSON")
        }
        guard case let .object(members) = parsed else {
            throw APIFailure.badRequest("The \(model) body must be a JSON object, got \(parsed.typeName)")
        }
        fields = members
    }

    /// A JSON object's members read as a body (a nested object, a page token's request).
    init(model: String, fields: [(String, JSON)]) {
        self.model = model
        self.fields = fields
    }

    /// Whether the body names the field with an explicit null (a client clearing it).
    func isNull(_ key: String) -> Bool {
        guard let found = fields.first(where: { $0.0 == key })?.1, case .null = found else { return false }
        return true
    }

    func value(_ key: String) -> JSON? {
        guard let found = fields.first(where: { $0.0 == key })?.1 else { return nil }
        if case .null = found { return nil }
        return found
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = try present(key, required: required) else { return nil }
        guard case let .string(s) = value else { throw wrongType(key, "string", value) }
        return s
    }

    func bool(_ key: String, required: Bool = false) throws -> Bool? {
        guard let value = try present(key, required: required) else { return nil }
        guard case let .bool(b) = value else { throw wrongType(key, "boolean", value) }
        return b
    }

    /// An integer field within `range`. A number that is not a whole number, or does not fit the
    /// range (1e19, -1e300, 9223372036854775808 all arrive as doubles), is a 400 naming the field:
    /// converting it with `Int(_:)` would trap and take the emulator down.
    func int(_ key: String, required: Bool = false, range: ClosedRange<Int> = BodyReader.int32Range) throws -> Int? {
        guard let value = try present(key, required: required) else { return nil }
        let number: Int?
        switch value {
        case let .int(i): number = i
        case let .double(d): number = Int(exactly: d)  // nil for fractions and for what does not fit
        default: throw wrongType(key, "integer", value)
        }
        guard let number, range.contains(number) else {
            throw APIFailure.badRequest("\(model).\(key) must be an integer between \(range.lowerBound) and \(range.upperBound), got \(value.numberText)")
        }
        return number
    }

    /// The API's integers are int32 (the published models say so); nothing the emulator reads
    /// from a body may be larger.
    static let int32Range = Int(Int32.min)...Int(Int32.max)

    func strings(_ key: String, required: Bool = false) throws -> [String]? {
        guard let value = try present(key, required: required) else { return nil }
        guard case let .array(items) = value else { throw wrongType(key, "array of strings", value) }
        return try items.map { item in
            guard case let .string(s) = item else { throw wrongType(key, "array of strings", item) }
            return s
        }
    }

    func enumValue(_ key: String, allowed: [String], required: Bool = false) throws -> String? {
        guard let text = try string(key, required: required) else { return nil }
        guard allowed.contains(text) else { throw APIFailure.invalidValue(field: "\(model).\(key)", value: text, allowed: allowed) }
        return text
    }

    /// The member's value, nil when it is absent or null (a 400 if it is required).
    private func present(_ key: String, required: Bool) throws -> JSON? {
        guard let value = value(key) else {
            if required { throw APIFailure.badRequest("\(model).\(key) is required") }
            return nil
        }
        return value
    }

    private func wrongType(_ key: String, _ expected: String, _ got: JSON) -> APIFailure {
        APIFailure.badRequest("\(model).\(key) must be \(expected == "integer" ? "an" : "a") \(expected), got \(got.typeName)")
    }
}
