import Foundation

/// A request ready for the wire.
public struct PreparedRequest: Sendable {
    public let operation: String
    public let method: Operation.Method
    /// Path and query, e.g. `/api/v2/groups?pageSize=500&pageNumber=2`.
    public let target: String
    public let body: [UInt8]?
    public let isWrite: Bool
    /// The path and query parameters as given (wire names, values before percent-encoding), for
    /// the audit log: which group a write changes, which ids it removes.
    public var pathValues: [String: String] = [:]
    public var queryValues: [String: String] = [:]

    public init(operation: String, method: Operation.Method, target: String, body: [UInt8]?, isWrite: Bool) {
        self.operation = operation
        self.method = method
        self.target = target
        self.body = body
        self.isWrite = isWrite
    }
}

public enum RequestBuilder {
    /// Checks the arguments against the operation table and builds the request. `arguments` is
    /// keyed by snake_case parameter name (`body` for the body). Nothing is sent from here.
    public static func build(_ op: Operation, arguments: [String: JSONValue]) throws -> PreparedRequest {
        var known = Set(op.parameters.map(\.name))
        if let body = op.body { known.insert(body.name) }
        for key in arguments.keys.sorted() where !known.contains(key) {
            var message = "\(op.name): unknown option '\(Validator.shown(key))'"
            if let guess = Validator.closest(key, among: Array(known)) { message += " (did you mean '\(guess)'?)" }
            else { message += known.isEmpty ? " (it takes none)" : " (options: \(op.optionKeys.joined(separator: ", ")))" }
            throw ValidationError(message)
        }
        var path = op.path
        var query: [(String, String)] = []
        var pathValues: [String: String] = [:]
        for parameter in op.parameters {
            guard let value = arguments[parameter.name], value != .null else {
                if parameter.required { throw ValidationError("\(op.name): missing required argument '\(parameter.name)'") }
                continue
            }
            let wire = try wireValue(parameter, value, operation: op.name)
            switch parameter.location {
            case .path:
                guard !wire.isEmpty else { throw ValidationError("\(op.name): '\(parameter.name)' must not be empty") }
                path = path.replacingOccurrences(of: "{\(parameter.wireName)}", with: percentEncodePathSegment(wire))
                pathValues[parameter.wireName] = wire
            case .query:
                query.append((parameter.wireName, wire))
            }
        }
        var body: [UInt8]?
        if let bodyParameter = op.body {
            if let value = arguments[bodyParameter.name], value != .null {
                body = try Validator.validate(value, model: bodyParameter.model).encoded()
            } else if bodyParameter.required {
                throw ValidationError("\(op.name): missing required argument 'body' (\(bodyParameter.model))")
            }
        }
        var target = path
        if !query.isEmpty {
            target += "?" + query.map { "\($0.0)=\(percentEncodeQueryValue($0.1))" }.joined(separator: "&")
        }
        var request = PreparedRequest(operation: op.name, method: op.method, target: target, body: body, isWrite: op.isWrite)
        request.pathValues = pathValues
        request.queryValues = Dictionary(query, uniquingKeysWith: { first, _ in first })
        return request
    }

    static func wireValue(_ p: Parameter, _ value: JSONValue, operation: String) throws -> String {
        let label = "\(operation): '\(p.name)'"
        switch p.kind {
        case .string:
            guard case let .string(s) = value else { throw ValidationError("\(label) must be a string, got \(value.typeName)") }
            if let allowed = p.allowed, !allowed.contains(s), !p.tolerated.contains(s) {
                throw ValidationError("\(label) must be one of \(allowed.joined(separator: ", ")) (got '\(s)')")
            }
            return s
        case .integer:
            guard let i = value.intValue else { throw ValidationError("\(label) must be an integer, got \(value.typeName)") }
            if let range = p.range, !range.contains(Int(clamping: i)) {
                throw ValidationError("\(label) must be between \(range.lowerBound) and \(range.upperBound) (got \(i))")
            }
            return String(i)
        case .boolean:
            switch value {
            case let .bool(b): return b ? "true" : "false"
            case let .string(s) where s == "true" || s == "false": return s
            default: throw ValidationError("\(label) must be a boolean, got \(value.typeName)")
            }
        case .stringList, .commaSeparated:
            let items: [String]
            switch value {
            case let .string(s): items = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case let .array(a):
                items = try a.enumerated().map { index, item in
                    guard case let .string(s) = item else {
                        throw ValidationError("\(label) item \(index + 1) must be a string, got \(item.typeName)")
                    }
                    return s
                }
            case let .object(m) where m.isEmpty: items = []
            default: throw ValidationError("\(label) must be a string or an array of strings, got \(value.typeName)")
            }
            if p.required && items.allSatisfy(\.isEmpty) { throw ValidationError("\(label) must not be empty") }
            if let limit = p.maximumCount, items.count > limit {
                throw ValidationError("\(label) holds \(items.count) values; at most \(limit) are allowed per request")
            }
            if let allowed = p.allowed {
                for item in items where !allowed.contains(item) {
                    var message = "\(label) value '\(item)' is not one of \(allowed.joined(separator: ", "))"
                    if let guess = Validator.closest(item, among: allowed) { message = "\(label) value '\(item)' is not allowed (did you mean '\(guess)'?)" }
                    throw ValidationError(message)
                }
            }
            return items.joined(separator: ",")
        }
    }

    static let pathSegmentAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/?#;.")  // "." too: an id of ".." must not become a relative path
        return set
    }()

    static let queryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+?#")
        return set
    }()

    static func percentEncodePathSegment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? s
    }

    static func percentEncodeQueryValue(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? s
    }
}
