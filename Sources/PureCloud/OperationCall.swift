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
}
