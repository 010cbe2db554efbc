import Foundation
import PureCloudEmulator
import XCTest

final class AuthAndHeadersTests: XCTestCase {
    nonisolated(unsafe) static var emulator: EmulatorHarness!

    override class func setUp() {
        let done = DispatchSemaphore(value: 0)
        Task {
            emulator = try! await EmulatorHarness.start { $0.clientId = "id-1"; $0.clientSecret = "s3cret"; $0.rateLimit = 300 }
            done.signal()
        }
        done.wait()
    }

    override class func tearDown() {
        let done = DispatchSemaphore(value: 0)
        Task { try? await emulator.shutdown(); done.signal() }
        done.wait()
    }

    var emulator: EmulatorHarness { Self.emulator }

    func testClientCredentialsGrantIssuesABearerTokenWithItsLifetime() async throws {
        let reply = try await emulator.login(id: "id-1", secret: "s3cret")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.object["token_type"] as? String, "bearer")
        XCTAssertEqual(reply.object["expires_in"] as? Int, 86400)
        XCTAssertEqual((reply.object["access_token"] as? String)?.count, 64)
    }

    func testBadSecretUnknownClientAndWrongGrantGetOAuthStyleErrors() async throws {
        let badSecret = try await emulator.login(id: "id-1", secret: "nope")
        XCTAssertEqual(badSecret.status, 401)
        XCTAssertEqual(badSecret.object["error"] as? String, "invalid_client")
        XCTAssertEqual(badSecret.object["error_description"] as? String, "authentication failed")
        let unknown = try await emulator.login(id: "someone", secret: "s3cret")
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.object["description"] as? String, "client not found")
        let grant = try await emulator.login(id: "id-1", secret: "s3cret", form: "grant_type=password")
        XCTAssertEqual(grant.status, 400)
        XCTAssertEqual(grant.object["error"] as? String, "unsupported_grant_type")
        let noAuth = try await emulator.request(.POST, "/oauth/token", rawBody: "grant_type=client_credentials")
        XCTAssertEqual(noAuth.status, 401)
    }

    func testAPIWithoutOrWithAnUnknownTokenIs401WithTheCorrelationIdAsContextId() async throws {
        let missing = try await emulator.request(.GET, "/api/v2/groups")
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.object["code"] as? String, "authentication.required")
        let correlation = try XCTUnwrap(missing.headers.first(name: "ININ-Correlation-Id"))
        XCTAssertEqual(missing.object["contextId"] as? String, correlation)
        let unknown = try await emulator.request(.GET, "/api/v2/groups", token: "forged")
        XCTAssertEqual(unknown.status, 401)
        XCTAssertEqual(unknown.object["code"] as? String, "bad.credentials")
    }

    func testEveryAnswerCarriesCorrelationAndRateLimitHeaders() async throws {
        let token = try await emulator.token(id: "id-1", secret: "s3cret")
        let first = try await emulator.request(.GET, "/api/v2/groups", token: token)
        let second = try await emulator.request(.GET, "/api/v2/groups/none", token: token)
        for reply in [first, second] {
            XCTAssertNotNil(reply.headers.first(name: "ININ-Correlation-Id"))
            XCTAssertEqual(reply.headers.first(name: "inin-ratelimit-allowed"), "300")
            XCTAssertNotNil(Int(reply.headers.first(name: "inin-ratelimit-reset") ?? ""))
        }
        XCTAssertEqual(first.headers.first(name: "inin-ratelimit-count"), "1")
        XCTAssertEqual(second.headers.first(name: "inin-ratelimit-count"), "2")
        XCTAssertNotEqual(first.headers.first(name: "ININ-Correlation-Id"), second.headers.first(name: "ININ-Correlation-Id"))
    }

    func testUnknownPathsAndMethodsAreJSONErrors() async throws {
        let token = try await emulator.token(id: "id-1", secret: "s3cret")
        let path = try await emulator.request(.GET, "/api/v2/nothing", token: token)
        XCTAssertEqual(path.status, 404)
        XCTAssertEqual(path.object["code"] as? String, "not.found")
        let method = try await emulator.request(.PATCH, "/api/v2/groups", token: token)
        XCTAssertEqual(method.status, 405)
        XCTAssertTrue((method.object["message"] as? String ?? "").contains("GET or POST"))
    }
}

final class TokenExpiryAndRateLimitTests: XCTestCase {
    func testTokensExpireAfterTheirLifetime() async throws {
        let emulator = try await EmulatorHarness.start { $0.tokenTTL = 1 }
        let token = try await emulator.token()
        let fresh = try await emulator.request(.GET, "/api/v2/groups", token: token)
        XCTAssertEqual(fresh.status, 200)
        try await Task.sleep(for: .milliseconds(1100))
        let expired = try await emulator.request(.GET, "/api/v2/groups", token: token)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.object["code"] as? String, "credentials.expired")
        try await emulator.shutdown()
    }

    func testRateLimitPerTokenAnswersTheNormalized429() async throws {
        let emulator = try await EmulatorHarness.start { $0.rateLimit = 3 }
        let token = try await emulator.token()
        for _ in 0..<3 {
            let ok = try await emulator.request(.GET, "/api/v2/groups", token: token)
            XCTAssertEqual(ok.status, 200)
        }
        let limited = try await emulator.request(.GET, "/api/v2/groups", token: token)
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.object["code"] as? String, "too.many.requests.retry.after")
        let retryAfter = try XCTUnwrap(Int(limited.headers.first(name: "Retry-After") ?? ""))
        XCTAssertTrue((1...60).contains(retryAfter))
        XCTAssertTrue((limited.object["message"] as? String ?? "").contains("[\(retryAfter)]"))
        // Another token has its own budget.
        let other = try await emulator.token()
        let fine = try await emulator.request(.GET, "/api/v2/groups", token: other)
        XCTAssertEqual(fine.status, 200)
        try await emulator.shutdown()
    }
}
