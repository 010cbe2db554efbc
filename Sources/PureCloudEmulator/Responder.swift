import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension PureCloudEmulator {
    /// Largest request body read; the API's own bodies are a few kilobytes.
    static let maximumBodyBytes = 4 << 20

    /// Every request starts here: its correlation id and its body (at most 4 MB) go into the
    /// context, then Hummingbird's router picks the route (Routing.swift).
    func respond(_ request: Request, context: EmulatorContext, router: RouterResponder<EmulatorContext>) async throws -> Response {
        var context = context
        context.correlationId = UUID().uuidString.lowercased()
        let body: Data
        do {
            body = Data(buffer: try await request.body.collect(upTo: Self.maximumBodyBytes))
        } catch {
            return answer(APIFailure(status: 413, code: "request.entity.too.large", message: "The request body is over \(Self.maximumBodyBytes) bytes"), correlationId: context.correlationId, token: nil)
        }
        context.parts = EmulatorRequest(
            method: request.method.rawValue, path: request.uri.path, query: QueryParameters(request.uri.query),
            body: body, contentType: request.headers[.contentType])
        var routed = request.head
        routed.path = Self.routablePath(request.uri.path)
        return try await router.respond(to: Request(head: routed, body: .init(buffer: ByteBuffer())), context: context)
    }

    /// A request the router matched to `route`.
    func respond(to route: Route, _ request: Request, context: EmulatorContext) async throws -> Response {
        var parts = context.parts
        parts.id = Self.pathId(context)
        let correlationId = context.correlationId
        switch route.action {
        case let .operation(operation, run):
            return try await serve(operation: operation, run: run, parts, request: request, context: context)
        case .token:
            if let fault = try await latencyThenFault() {
                return deliver(fault, operation: "oauth_token", context: context, correlationId: correlationId, token: nil)
            }
            let (status, json) = tokens.issue(authorization: request.headers[.authorization], form: String(decoding: parts.body, as: UTF8.self))
            stats.record(operation: "oauth_token", status: status)
            return answer(status, json, correlationId: correlationId, token: nil)
        case let .hook(run):
            return answer(correlationId: correlationId, token: nil) { try run(self, parts) }
        }
    }

    private func serve(
        operation: String, run: @escaping (APIHandlers, EmulatorRequest) throws -> HandlerAnswer,
        _ parts: EmulatorRequest, request: Request, context: EmulatorContext
    ) async throws -> Response {
        let token = Self.bearer(request.headers[.authorization])
        let correlationId = context.correlationId
        stats.begin()
        defer { stats.end() }
        var fault = try await latencyThenFault()
        if let scripted = scriptedFaults.next(operation) {
            if !scripted.otherWriterAdds.isEmpty { handlers.groups.otherWriterAdds(scripted.otherWriterAdds, groupId: parts.id) }
            if scripted.drop || scripted.status != nil { fault = InjectedFault(status: scripted.drop ? nil : scripted.status, afterWork: scripted.afterWork) }
        }
        if case let .some(early) = fault, !early.afterWork {
            return deliver(early, operation: operation, context: context, correlationId: correlationId, token: token)
        }
        let answer = authorizeAndRun(operation: operation, run: run, parts, token: token, correlationId: correlationId)
        if let late = fault {
            // The operation ran; the answer is lost on the way back, as when a gateway times out.
            return deliver(late, operation: operation, context: context, correlationId: correlationId, token: token)
        }
        return answer
    }

    private func authorizeAndRun(
        operation: String, run: (APIHandlers, EmulatorRequest) throws -> HandlerAnswer,
        _ parts: EmulatorRequest, token: String?, correlationId: String
    ) -> Response {
        let refusal: APIFailure? = switch tokens.check(token) {
        case .valid: nil
        case .missing: APIFailure(status: 401, code: "authentication.required", message: "No authentication bearer token specified in authorization header.")
        case .unknown: APIFailure(status: 401, code: "bad.credentials", message: "Invalid login credentials.")
        case .expired: APIFailure(status: 401, code: "credentials.expired", message: "The access token has expired.")
        }
        let record = { @Sendable (status: Int) in self.stats.record(operation: operation, status: status) }
        if let refusal {
            record(401)
            return answer(refusal, correlationId: correlationId, token: nil)
        }
        let token = token ?? ""  // `check` found it valid, so it is there
        return answer(correlationId: correlationId, token: token, record: record) {
            let verdict = limiter.admit(token)
            if verdict.limited {
                var failure = APIFailure(status: 429, code: "too.many.requests.retry.after",
                                         message: "Rate limit exceeded the maximum. Retry the request in [\(verdict.resetSeconds)] seconds")
                failure.retryAfter = verdict.resetSeconds
                throw failure
            }
            if configuration.forbiddenOperations.contains(operation) {
                throw APIFailure(status: 403, code: "missing.permissions",
                                 message: "Unable to perform the requested action. You are missing the following permission(s) for \(operation) (--forbid)")
            }
            return try run(handlers, parts)
        }
    }

    /// A handler's answer, or its `APIFailure`, or any other error as a 500; `record` notes the status.
    func answer(correlationId: String, token: String?, record: (Int) -> Void = { _ in }, _ run: () throws -> HandlerAnswer) -> Response {
        do {
            let (status, json) = try run()
            record(status)
            return answer(status, json, correlationId: correlationId, token: token)
        } catch let failure as APIFailure {
            record(failure.status)
            return answer(failure, correlationId: correlationId, token: token)
        } catch {
            record(500)
            return answer(APIFailure(status: 500, code: "internal.server.error", message: "\(error)"), correlationId: correlationId, token: token)
        }
    }

    struct InjectedFault {
        var status: Int?  // nil: drop the connection
        var afterWork: Bool
    }

    /// Sleeps the configured latency, then rolls for a fault.
    func latencyThenFault() async throws -> InjectedFault? {
        if configuration.latencyMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        switch faults.next() {
        case .none: return nil
        case let .drop(after): return InjectedFault(status: nil, afterWork: after)
        case let .status(status, after): return InjectedFault(status: status, afterWork: after)
        }
    }

    func deliver(_ fault: InjectedFault, operation: String, context: EmulatorContext, correlationId: String, token: String?) -> Response {
        guard let status = fault.status else {
            stats.recordDrop(operation: operation)
            context.channel.close(promise: nil)
            return Response(status: .internalServerError)
        }
        stats.record(operation: operation, status: status)
        let (code, message) = switch status {
        case 502: ("bad.gateway", "The gateway received an invalid response (injected fault)")
        case 503: ("service.unavailable", "The service is unavailable (injected fault)")
        default: ("request.timeout", "The request timed out at the gateway (injected fault)")
        }
        return answer(APIFailure(status: status, code: code, message: message), correlationId: correlationId, token: token)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    func answer(_ failure: APIFailure, correlationId: String, token: String?) -> Response {
        var response = answer(failure.status, failure.body(correlationId: correlationId), correlationId: correlationId, token: token)
        if let retryAfter = failure.retryAfter {
            response.headers[HTTPField.Name("Retry-After")!] = String(retryAfter)
        }
        if let allow = failure.allow {
            response.headers[.allow] = allow.joined(separator: ", ")
        }
        return response
    }

    func answer(_ status: Int, _ json: JSON?, correlationId: String, token: String?) -> Response {
        var headers = HTTPFields()
        headers[HTTPField.Name("ININ-Correlation-Id")!] = correlationId
        let limit = limiter.peek(token)
        if limiter.perMinute > 0 {
            headers[HTTPField.Name("inin-ratelimit-count")!] = String(limit.count)
            headers[HTTPField.Name("inin-ratelimit-allowed")!] = String(limit.allowed)
            headers[HTTPField.Name("inin-ratelimit-reset")!] = String(limit.resetSeconds)
        }
        headers[.cacheControl] = "no-cache, no-store, must-revalidate"
        guard let json else {
            return Response(status: .init(code: status), headers: headers, body: .init())
        }
        headers[.contentType] = "application/json"
        let bytes = json.serialized()
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
