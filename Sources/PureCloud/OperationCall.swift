/// An operation of the table with its arguments (keyed by snake_case parameter name, `body` for
/// the body), as the typed functions of OperationCalls.swift make it:
/// `client.call(.getGroup(groupId: id))`. Lua reaches operations by name instead (ApiMethods).
public struct OperationCall: Sendable {
    public let operation: String
    public let arguments: [String: JSONValue]

    init(_ operation: String, _ arguments: [String: JSONValue]) {
        self.operation = operation
        self.arguments = arguments
    }

    /// The arguments given, those left out (nil) dropped: what the typed functions build.
    init(_ operation: String, given arguments: [String: JSONValue?]) {
        self.init(operation, arguments.compactMapValues { $0 })
    }
}

/// An argument of a typed function as the request builder reads it (nil: not given).
extension JSONValue {
    static func given(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
    static func given(_ value: Int?) -> JSONValue? { value.map { .int(Int64($0)) } }
    static func given(_ value: Bool?) -> JSONValue? { value.map(JSONValue.bool) }
    static func given(_ value: [String]?) -> JSONValue? { value.map { .array($0.map(JSONValue.string)) } }
    static func given(_ value: JSONValue?) -> JSONValue? { value }
}
