import Foundation
import HTTPTypes
import Hummingbird

/// Hummingbird's router, built from `PureCloudEmulator.routes`, and the two things the emulator
/// adds around it:
///
/// - Paths are matched segment by segment, percent-decoded (`/api/v2/%67roups` is `/api/v2/groups`;
///   an id keeps a `%2F` inside its segment). Hummingbird matches the raw text, so the path is
///   spelled again before the router sees it (`routablePath`).
/// - A method a path does not serve is a 405 whose `Allow` header names the ones it does, where
///   Hummingbird answers 404. A request no route takes is asked again of a second router that
///   holds every declared path once, under a method no route uses: a match there is the 405, no
///   match the ErrorBody 404.
extension PureCloudEmulator {
    func makeRouter() -> RouterResponder<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        for route in Self.routes {
            router.on(RouterPath(route.path), method: route.method) { [self] request, context in
                try await self.respond(to: route, request, context: context)
            }
        }
        let paths = makePathRouter()
        // A middleware added after every route wraps only the router's not-found responder.
        router.add(middleware: Unrouted { request, context in
            var probe = request.head
            probe.method = Self.anyMethod
            return try await paths.respond(to: Request(head: probe, body: .init(buffer: ByteBuffer())), context: context)
        })
        return router.buildResponder()
    }

    /// The method the path router files every path under.
    static let anyMethod = HTTPRequest.Method("PCLUA-EMULATOR-ANY-METHOD")!

    /// Every declared path once, answering 405 with the methods declared for it; 404 for the rest.
    private func makePathRouter() -> RouterResponder<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        let allowed = Dictionary(grouping: Self.routes, by: \.path).mapValues { $0.map(\.method.rawValue).sorted() }
        for (path, methods) in allowed {
            router.on(RouterPath(path), method: Self.anyMethod) { [self] _, context in
                let request = context.parts
                var failure = APIFailure(status: 405, code: "method.not.allowed",
                                         message: "\(request.method) is not allowed on \(request.path); use \(methods.joined(separator: " or "))")
                failure.allow = methods
                return unrouted(failure, context: context)
            }
        }
        router.add(middleware: Unrouted { [self] _, context in
            unrouted(APIFailure(status: 404, code: "not.found", message: "The requested resource was not found: \(context.parts.path)"),
                     context: context)
        })
        return router.buildResponder()
    }

    private func unrouted(_ failure: APIFailure, context: EmulatorContext) -> Response {
        stats.record(operation: "unknown", status: failure.status)
        return answer(failure, correlationId: context.correlationId, token: nil)
    }

    /// The path the router matches: every segment percent-decoded, then escaped again only where it
    /// must be to stay one segment of a path (`/`, `%`, `?`, `#`, blanks...). A route's `:id`
    /// decodes back to exactly the segment the client meant; a segment that is not valid
    /// percent-encoding is taken as written.
    static func routablePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            let decoded = segment.removingPercentEncoding ?? String(segment)
            return decoded.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? String(segment)
        }.joined(separator: "/")
    }

    private static let segmentCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))

    /// A route's `:id` as the client meant it (see `routablePath`).
    static func pathId(_ context: EmulatorContext) -> String {
        guard let spelled = context.parameters.get("id") else { return "" }
        return spelled.removingPercentEncoding ?? spelled
    }
}

/// The answer to requests no route took; added last to a router, it is that router's not-found responder.
private struct Unrouted: RouterMiddleware {
    typealias Context = EmulatorContext
    let answer: @Sendable (Request, EmulatorContext) async throws -> Response

    func handle(_ request: Request, context: EmulatorContext, next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        try await answer(request, context)
    }
}
