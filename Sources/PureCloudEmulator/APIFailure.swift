/// An error answer of the API, rendered as the contract's ErrorBody (§2, §7).
struct APIFailure: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var retryAfter: Int? = nil
    /// The methods a 405 names in its `Allow` header (RFC 9110 §15.5.6).
    var allow: [String]? = nil
    var details: [JSON] = []

    static func badRequest(_ message: String, code: String = "bad.request") -> APIFailure {
        APIFailure(status: 400, code: code, message: message)
    }

    static func invalidValue(field: String, value: String, allowed: [String]) -> APIFailure {
        APIFailure(
            status: 400, code: "invalid.value",
            message: "Value [\(value)] is not valid for field type [\(field)]. Allowable values are: \(allowed.joined(separator: ", "))",
            details: [object(["errorCode": .string("invalid.value"), "fieldName": .string(field)])])
    }

    static func groupNotFound(_ id: String) -> APIFailure {
        APIFailure(status: 404, code: "general.resource.not.found", message: "Unable to find a group with ID \(id)")
    }

    static let versionConflict = APIFailure(
        status: 409, code: "general.conflict",
        message: "The version supplied does not match the current version of the group")

    func body(correlationId: String) -> JSON {
        object([
            "message": .string(message),
            "code": .string(code),
            "status": .int(status),
            "contextId": .string(correlationId),
            "details": .array(details),
            "errors": .array([]),
        ])
    }
}
