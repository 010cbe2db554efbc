import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange, response head and body, under a single time limit and a size limit.
/// AsyncHTTPClient's own deadline stops at the response head, so a server that sends headers and
/// then stalls the body would hold the caller forever; here the body is read under the same clock.
enum BoundedExchange {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// The body was larger than the limit: reading stopped there, and the request is not retried
    /// (the same request would get the same answer).
    struct TooLarge: Error {
        let status: Int
        let limit: Int
    }

    /// The time limit ran out, before or after the response head.
    struct TimedOut: Error {}

    static func run(_ http: HTTPClient, _ request: HTTPClientRequest, timeout: Double, limit: Int) async throws -> Answer {
        let seconds = timeout.isFinite ? min(max(timeout, 0.001), Double(ServerNumbers.maximumSeconds)) : 60
        return try await withThrowingTaskGroup(of: Answer?.self) { group in
            group.addTask {
                let response = try await http.execute(request, timeout: .milliseconds(Int64(seconds * 1000)))
                let status = Int(response.status.code)
                // A declared length over the limit fails before anything is downloaded.
                if let declared = response.headers.first(name: "Content-Length").flatMap({ Int64($0) }), declared > Int64(limit) {
                    throw TooLarge(status: status, limit: limit)
                }
                var body: [UInt8] = []
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= limit else { throw TooLarge(status: status, limit: limit) }
                    body.append(contentsOf: chunk.readableBytesView)
                }
                return Answer(status: status, headers: response.headers, body: body)
            }
            group.addTask {
                try await sleepSeconds(seconds)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else { throw TimedOut() }
            return answer
        }
    }
}
