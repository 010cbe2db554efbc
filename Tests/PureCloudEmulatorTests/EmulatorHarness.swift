import AsyncHTTPClient
import Foundation
import PureCloudEmulator
import NIOCore
import NIOHTTP1
import XCTest

/// A started emulator and a raw HTTP client for it: tests speak HTTP exactly as a client would.
final class EmulatorHarness: Sendable {
    let running: RunningEmulator
    /// One client for the test process: a client must be shut down before it is released, and a
    /// failing test would otherwise crash the run instead of reporting its failure.
    static let sharedHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(20))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
    var http: HTTPClient { Self.sharedHTTP }

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]
        var json: Any? { body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func start(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> EmulatorHarness {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configure(&configuration)
        let running = try await PureCloudEmulator(configuration: configuration).start()
        return EmulatorHarness(running: running)
    }

    init(running: RunningEmulator) {
        self.running = running
    }

    func shutdown() async throws {
        await running.stop()
    }

    func request(_ method: HTTPMethod, _ target: String, json: String? = nil, token: String? = nil,
                 headers extra: [(String, String)] = [], rawBody: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: running.baseURL + target)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let rawBody {
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await http.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
    }

    func token(id: String = EmulatorConfiguration.defaultClientId, secret: String = EmulatorConfiguration.defaultClientSecret) async throws -> String {
        let reply = try await login(id: id, secret: secret)
        guard let token = reply.object["access_token"] as? String else {
            throw XCTSkip("login failed: \(reply.status) \(reply.text)")
        }
        return token
    }

    func login(id: String, secret: String, form: String = "grant_type=client_credentials") async throws -> Reply {
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        return try await request(.POST, "/oauth/token", headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")], rawBody: form)
    }

    func state() async throws -> [String: Any] {
        try await request(.GET, "/_emulator/state").object
    }
}

/// Fails when a JSON document contains a null anywhere: the official Python SDK crashes on them.
func assertNoNull(_ body: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    guard !body.isEmpty, let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return }
    func walk(_ v: Any, _ path: String) {
        if v is NSNull { XCTFail("null at \(path)", file: file, line: line) }
        if let d = v as? [String: Any] { for (k, x) in d { walk(x, path + "." + k) } }
        if let a = v as? [Any] { for (i, x) in a.enumerated() { walk(x, "\(path)[\(i)]") } }
    }
    walk(value, "$")
}
