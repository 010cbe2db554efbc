/// A failed call: the API answered with an error, or it could not be reached at all.
public struct APIError: Error, CustomStringConvertible, Sendable {
    /// HTTP status; 0 when there was no answer (network failure, timeout, interruption).
    public var status: Int
    /// The ErrorBody `code` (`general.conflict`), or the client's own for failures without an
    /// answer: `network.unreachable`, `request.timeout`, `rate.limit.wait.too.long`, `interrupted`.
    public var code: String
    public var message: String
    public var operation: String
    public var correlationId: String?
    public var retryAfter: Int?
    /// The decoded error body, when the server sent JSON.
    public var body: JSONValue?
    /// How many times the request was sent.
    public var attempts: Int
    /// Whether an attempt may have reached the platform and been carried out although no answer
    /// said so (a 5xx, a timeout or a dropped connection after the request went out): for a write,
    /// its outcome is then unknown until a read settles it.
    public var mayHaveApplied = false

    public init(status: Int, code: String, message: String, operation: String, correlationId: String? = nil,
                retryAfter: Int? = nil, body: JSONValue? = nil, attempts: Int = 1) {
        self.status = status
        self.code = code
        self.message = message
        self.operation = operation
        self.correlationId = correlationId
        self.retryAfter = retryAfter
        self.body = body
        self.attempts = attempts
    }

    /// One line: what failed, how, and the id Genesys support asks for.
    public var description: String {
        var line = "\(operation) failed: "
        line += status > 0 ? "HTTP \(status) \(code): \(message)" : "\(code): \(message)"
        if let correlationId { line += " (correlation id \(correlationId))" }
        if attempts > 1 { line += " after \(attempts) attempts" }
        return line
    }

    /// Version conflicts come as 409, or as a 400 whose message says the version does not match
    /// (Terraform treats both alike, contract §6).
    public var isVersionConflict: Bool {
        status == 409 || (status == 400 && message.lowercased().contains("does not match the current version"))
    }

    /// Building an error from an HTTP answer: ErrorBody when it is JSON, the OAuth error shape for
    /// the token endpoint, the raw text otherwise.
    static func from(status: Int, body: [UInt8], operation: String, correlationId: String?, retryAfter: Int?, attempts: Int) -> APIError {
        let parsed = JSONValue.parse(body)
        let code = parsed?["code"]?.stringValue ?? parsed?["error"]?.stringValue ?? defaultCode(status)
        var message = parsed?["message"]?.stringValue ?? parsed?["error_description"]?.stringValue
            ?? String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if message.isEmpty { message = "no message from the server" }
        return APIError(status: status, code: code, message: message, operation: operation,
                        correlationId: correlationId ?? parsed?["contextId"]?.stringValue, retryAfter: retryAfter,
                        body: parsed, attempts: attempts)
    }

    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 400: return "bad.request"
        case 401: return "authentication.required"
        case 403: return "not.authorized"
        case 404: return "not.found"
        case 409: return "general.conflict"
        case 429: return "too.many.requests"
        case 500...599: return "server.error"
        default: return "http.\(status)"
        }
    }
}
