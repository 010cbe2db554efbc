import Foundation
@testable import PureCloud
import XCTest

/// Unit tests of pure logic: no network involved, so no emulator either.
final class EnvironmentTests: XCTestCase {
    func testDomainsRegionKeysAndBaseURLsResolveToTheirHosts() throws {
        for name in ["mypurecloud.ie", "api.mypurecloud.ie", "eu_west_1", "eu-west-1", "EU_WEST_1"] {
            let environment = try Environment.named(name)
            XCTAssertEqual(environment.apiBase, "https://api.mypurecloud.ie", name)
            XCTAssertEqual(environment.tokenURL, "https://login.mypurecloud.ie/oauth/token", name)
        }
        XCTAssertEqual(try Environment.named("localhost:8787").tokenURL, "http://localhost:8787/oauth/token")
        XCTAssertEqual(try Environment.baseURL("https://api.usw2.pure.cloud/").tokenURL, "https://login.usw2.pure.cloud/oauth/token")
        XCTAssertEqual(try Environment.baseURL("http://127.0.0.1:9000").tokenURL, "http://127.0.0.1:9000/oauth/token")
    }

    func testPlainHTTPIsRefusedExceptForLoopbackAndNonsenseIsExplained() {
        XCTAssertThrowsError(try Environment.baseURL("http://api.mypurecloud.com")) { XCTAssertTrue("\($0)".contains("refusing plain http")) }
        XCTAssertThrowsError(try Environment.baseURL("ftp://x")) { XCTAssertTrue("\($0)".contains("not an http(s) URL")) }
        XCTAssertThrowsError(try Environment.baseURL("https://api.x.com/api/v2")) { XCTAssertTrue("\($0)".contains("must not have a path")) }
        XCTAssertThrowsError(try Environment.named("mypurecloud.mars")) { XCTAssertTrue("\($0)".contains("mypurecloud.ie")) }
        // A typo gets a suggestion, not the whole list of regions.
        XCTAssertThrowsError(try Environment.named("mypurecloud.iee")) {
            XCTAssertEqual("\($0)", "unknown environment 'mypurecloud.iee' (did you mean mypurecloud.ie?)")
        }
        // The hosts an admin copies from the browser map to their region.
        for host in ["login.mypurecloud.ie", "apps.mypurecloud.ie", "https://login.mypurecloud.ie", "https://apps.mypurecloud.ie/directory/"] {
            XCTAssertEqual(try Environment.named(host).apiBase, "https://api.mypurecloud.ie", host)
        }
        XCTAssertThrowsError(try Environment.named("localhost")) { XCTAssertTrue("\($0)".contains("needs the emulator's port"), "\($0)") }
        XCTAssertThrowsError(try Environment.named("localhost:")) { XCTAssertTrue("\($0)".contains("needs the emulator's port"), "\($0)") }
    }
}

final class RequestBuildingTests: XCTestCase {
    func op(_ name: String) -> PureCloud.Operation { OperationTable.operation(name)! }

    func testPathSegmentsAreEncodedSoAnIdCannotEscapeItsSegment() throws {
        let request = try RequestBuilder.build(op("get_group"), arguments: ["group_id": .string("../a/b c")])
        XCTAssertEqual(request.target, "/api/v2/groups/%2E%2E%2Fa%2Fb%20c")
    }

    func testListsAreCommaJoinedAndQueryValuesEncoded() throws {
        let request = try RequestBuilder.build(op("get_groups"), arguments: [
            "page_size": .int(500), "id": .array([.string("a"), .string("b&c")]), "sort_order": .string("ASC"),
        ])
        XCTAssertEqual(request.target, "/api/v2/groups?pageSize=500&id=a,b%26c&sortOrder=ASC")
        XCTAssertFalse(request.isWrite)
    }

    func testBodiesAreShapedByTheirModel() throws {
        let request = try RequestBuilder.build(op("post_groups"), arguments: ["body": .object([
            ("visibility", .string("public")), ("name", .string("Ops")), ("type", .string("official")),
            ("rulesVisible", .bool(true)), ("ownerIds", .object([])), ("id", .string("read-only, dropped")),
        ])])
        XCTAssertEqual(String(decoding: request.body!, as: UTF8.self),
                       #"{"name":"Ops","type":"official","rulesVisible":true,"visibility":"public","ownerIds":[]}"#)
        XCTAssertTrue(request.isWrite)
    }

    func testMistakesAreNamedWithSuggestions() {
        func message(_ op: String, _ arguments: [String: JSONValue]) -> String {
            do { _ = try RequestBuilder.build(self.op(op), arguments: arguments); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("get_groups", ["page_sise": .int(1)]), "get_groups: unknown option 'page_sise' (did you mean 'page_size'?)")
        XCTAssertEqual(message("post_group_members", ["group_id": .string("g"), "body": .object([("memberIds", .array(Array(repeating: .string("u"), count: 51)))])]),
                       "GroupMembersUpdate.memberIds holds 51 items; at most 50 are allowed per request")
        XCTAssertEqual(message("put_group", ["group_id": .string("g"), "body": .object([("version", .int(1)), ("visibility", .string("Public"))])]),
                       "GroupUpdate.visibility must be one of public, owners, members (got 'Public'); did you mean 'public'?")
        XCTAssertEqual(message("get_group", [:]), "get_group: missing required argument 'group_id'")
    }
}

final class PacingTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func at(_ seconds: Double) -> Date { now.addingTimeInterval(seconds) }

    func testBurstsWhileMoreThanAQuarterIsLeftThenSpreadsTheRestThenWaitsForTheReset() {
        let pacer = RatePacer()
        XCTAssertEqual(pacer.reserve(now: now), 0, "nothing known yet: one request goes")
        XCTAssertGreaterThan(pacer.reserve(now: now), 0, "and the others wait for its answer")
        pacer.completed(count: 10, allowed: 100, resetSeconds: 50, now: now)
        XCTAssertEqual(pacer.reserve(now: now), 0, "90 of 100 left")
        pacer.completed(count: 80, allowed: 100, resetSeconds: 40, now: at(10))
        XCTAssertEqual(pacer.reserve(now: at(10)), 0, "the first after a while goes")
        pacer.completed(count: 81, allowed: 100, resetSeconds: 40, now: at(10))
        XCTAssertEqual(pacer.reserve(now: at(10)), 40.0 / 19, accuracy: 0.01, "19 left for 40 s: one every 2.1 s")
        pacer.completed(count: 100, allowed: 100, resetSeconds: 30, now: at(20))
        XCTAssertEqual(pacer.reserve(now: at(20)), 30, accuracy: 0.01, "used up: wait for the reset")
        pacer.observeRetryAfter(7, now: at(20))
        XCTAssertEqual(pacer.reserve(now: at(20)), 7, accuracy: 0.01, "a 429's Retry-After wins")
    }

    /// With requests in flight the answers lag behind: the pacer must count what it let go, or a
    /// job with several requests in flight runs past the limit into 429s.
    func testRequestsInFlightCountAgainstTheWindowSoManySendersNeverOvershoot() {
        let pacer = RatePacer()
        XCTAssertEqual(pacer.reserve(now: now), 0)
        pacer.completed(count: 10, allowed: 100, resetSeconds: 50, now: now)
        // Greedy senders, no answer coming back, for most of the window.
        var step = 0.0
        while step < 49 {
            while pacer.reserve(now: at(step)) == 0 {}
            step += 0.25
        }
        XCTAssertEqual(pacer.inFlight, 90, "exactly what is left of the window goes out, never more")
        XCTAssertEqual(pacer.reserve(now: at(49)), 0.1, accuracy: 0.001, "used up while answers are awaited: look again soon")
        // Answers out of order: the highest count is the latest.
        pacer.completed(count: 100, allowed: 100, resetSeconds: 1, now: at(49))
        pacer.completed(count: 60, allowed: 100, resetSeconds: 1, now: at(49.2))
        XCTAssertGreaterThan(pacer.reserve(now: at(49.3)), 0, "a late answer with a lower count does not free the window")
    }

    func testAfterTheResetHalfTheLastAllowanceGoesBeforeTheNewWindowIsKnownAndLateAnswersAreIgnored() {
        let pacer = RatePacer()
        XCTAssertEqual(pacer.reserve(now: now), 0)
        pacer.completed(count: 100, allowed: 100, resetSeconds: 10, now: now)
        XCTAssertEqual(pacer.reserve(now: now), 10, accuracy: 0.01)
        var sent = 0
        while pacer.reserve(now: at(11)) == 0 { sent += 1 }
        XCTAssertEqual(sent, 50, "half of the last window's allowance before the new window's first answer")
        // An answer of the old window, sent just before its end, says it resets in a second.
        pacer.completed(count: 100, allowed: 100, resetSeconds: 1, now: at(10.2))
        XCTAssertEqual(pacer.inFlight, 49)
        XCTAssertEqual(pacer.reserve(now: at(11)), 0, "a late answer of the old window does not close the new one")
        XCTAssertGreaterThan(pacer.reserve(now: at(11)), 0, "50 in flight again")
        pacer.completed(count: 20, allowed: 100, resetSeconds: 60, now: at(11.5))
        XCTAssertEqual(pacer.reserve(now: at(11.5)), 0, "the new window is known: 20 used, 49 in flight, 31 left")
        XCTAssertEqual(pacer.inFlight, 50)
    }

    func testAServerWithoutRateLimitHeadersIsNotPaced() {
        let pacer = RatePacer()
        XCTAssertEqual(pacer.reserve(now: now), 0)
        pacer.completed(count: nil, allowed: nil, resetSeconds: nil, now: now)
        for _ in 0..<1000 { XCTAssertEqual(pacer.reserve(now: now), 0) }
    }

    func testBackoffStaysWithinItsCapWithJitter() {
        let policy = RetryPolicy()
        for attempt in 1...12 {
            let wait = policy.backoff(afterAttempt: attempt)
            let ceiling = min(policy.maxDelay, policy.baseDelay * pow(2, Double(attempt - 1)))
            XCTAssertTrue((ceiling / 2...ceiling).contains(wait), "attempt \(attempt): \(wait)")
        }
    }
}

final class JSONShapeTests: XCTestCase {
    func testWholeDocumentsPassAndCutOrForeignBodiesDoNot() {
        for whole in [#"{"a":[1,{"b":"}]\"["}]}"#, " [ ] \n", #"{"entities":[],"next":"x\\"}"#] {
            XCTAssertTrue(JSONShape.isComplete(Array(whole.utf8)), whole)
        }
        for broken in [#"{"entities":[{"id":"a","na"#, "<html><body>Gateway</body></html>", #"{"a":1}}"#, #"{"a":1} x"#,
                       #"{"a":[1}"#, #"{"a":"open}"#, "", "42"] {
            XCTAssertFalse(JSONShape.isComplete(Array(broken.utf8)), broken)
        }
    }
}
