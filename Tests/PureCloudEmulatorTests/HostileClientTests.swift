import Foundation
@testable import PureCloudEmulator
import XCTest

/// A client that sends what no SDK would: numbers that do not fit, page numbers near the int
/// limits, regexes with catastrophic backtracking. The emulator must answer 400 naming the field
/// and go on serving everyone else; before, each of these trapped (killing this test process) or
/// froze every endpoint.
final class HostileClientTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 10, groups: 20) }

    /// Numbers that arrive as doubles because they do not fit an Int, or that are fractional.
    static let badNumbers = ["1e19", "-1e300", "9223372036854775808", "-9223372036854775809", "1.5", "4e17", "2147483648"]

    func testOverflowingNumbersInEveryNumericBodyFieldAre400sNamingTheField() async throws {
        let group = try await createGroup("Hostile numbers")
        let member = try await userIds(1)[0]
        for number in Self.badNumbers {
            let put = try await send(.PUT, "/api/v2/groups/\(group)", #"{"name":"Hostile numbers","version":\#(number)}"#)
            XCTAssertEqual(put.status, 400, "version \(number): \(put.text)")
            XCTAssertTrue(put.text.contains("GroupUpdate.version"), put.text)

            let add = try await send(.POST, "/api/v2/groups/\(group)/members", #"{"memberIds":["\#(member)"],"version":\#(number)}"#)
            XCTAssertEqual(add.status, 400, "members version \(number): \(add.text)")
            XCTAssertTrue(add.text.contains("GroupMembersUpdate.version"), add.text)

            for field in ["pageSize", "pageNumber"] {
                let search = try await send(.POST, "/api/v2/groups/search", #"{"\#(field)":\#(number),"query":[{"type":"MATCH_ALL"}]}"#)
                XCTAssertEqual(search.status, 400, "search \(field) \(number): \(search.text)")
                XCTAssertTrue(search.text.contains("GroupSearchRequest.\(field)"), search.text)
            }
        }
        // Nothing was changed by any of them, and the emulator still serves.
        let after = try await get("/api/v2/groups/\(group)")
        XCTAssertEqual(after.object["version"] as? Int, 1)
        XCTAssertEqual(after.object["memberCount"] as? Int, 0)
    }

    func testOverflowingNumbersInEveryNumericQueryParameterAre400sNamingTheParameter() async throws {
        let group = try await createGroup("Hostile query")
        let paths = ["/api/v2/groups", "/api/v2/profiles/groups", "/api/v2/groups/\(group)/members"]
        for path in paths {
            for name in ["pageSize", "pageNumber"] {
                for number in Self.badNumbers + ["99999999999999999999", "-1", "0"] {
                    let reply = try await get("\(path)?\(name)=\(number)")
                    XCTAssertEqual(reply.status, 400, "\(path) \(name)=\(number): \(reply.text)")
                    XCTAssertTrue(reply.text.contains(name), reply.text)
                }
            }
        }
    }

    func testHugePageNumbersInSearchAndInsideQ64TokensAre400s() async throws {
        // The largest accepted page is answered (empty) without overflowing the paging arithmetic.
        let last = try await send(.POST, "/api/v2/groups/search", #"{"pageSize":100,"pageNumber":2147483647,"query":[{"type":"MATCH_ALL"}]}"#)
        XCTAssertEqual(last.status, 200, last.text)
        XCTAssertEqual((last.object["results"] as? [Any])?.count, 0)

        for number in ["400000000000000000", "9223372036854775807", "4e17"] {
            let search = try await send(.POST, "/api/v2/groups/search", #"{"pageNumber":\#(number),"query":[{"type":"MATCH_ALL"}]}"#)
            XCTAssertEqual(search.status, 400, "pageNumber \(number): \(search.text)")
            // The same request smuggled in a page token, which the emulator decodes itself.
            let token = Q64.encode(try JSON.parse(Data(#"{"pageNumber":\#(number),"pageSize":25,"query":[{"type":"MATCH_ALL"}],"types":["groups"]}"#.utf8)))
            let paged = try await get("/api/v2/groups/search?q64=\(token)")
            XCTAssertEqual(paged.status, 400, "q64 pageNumber \(number): \(paged.text)")
            XCTAssertTrue(paged.text.contains("GroupSearchRequest.pageNumber"), paged.text)
        }
        let alive = try await get("/api/v2/groups")
        XCTAssertEqual(alive.status, 200)
    }

    func testCatastrophicRegexIsRefusedAndDoesNotHoldOtherRequests() async throws {
        _ = try await createGroup(String(repeating: "a", count: 48))
        let emulator = self.emulator, token = self.token
        let started = Date()
        let slow = Task {
            try await emulator.request(.POST, "/api/v2/groups/search",
                                       json: #"{"query":[{"type":"REGEX","fields":["name"],"value":"(a*)*b"}]}"#, token: token)
        }
        // While the regex runs, other requests are answered promptly.
        try await Task.sleep(for: .milliseconds(100))
        for _ in 0..<3 {
            let before = Date()
            let list = try await get("/api/v2/groups?pageSize=1")
            XCTAssertEqual(list.status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(before), 1.5, "a listing waited behind a regex search")
        }
        let refused = try await slow.value
        XCTAssertEqual(refused.status, 400, refused.text)
        XCTAssertTrue(refused.text.contains("regular expression"), refused.text)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the regex search was not cut off")
    }

    func testAnOrdinaryRegexStillMatches() async throws {
        _ = try await createGroup("Regex Target 42")
        let reply = try await send(.POST, "/api/v2/groups/search", #"{"query":[{"type":"REGEX","fields":["name"],"value":"^regex target [0-9]+$"}]}"#)
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual((reply.object["results"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["Regex Target 42"])
    }

    func testMethodNotAllowedNamesTheAllowedMethods() async throws {
        let reply = try await send(.DELETE, "/api/v2/groups")
        XCTAssertEqual(reply.status, 405)
        XCTAssertEqual(reply.headers.first(name: "Allow"), "GET, POST")
        let token = try await emulator.request(.GET, "/oauth/token")
        XCTAssertEqual(token.status, 405)
        XCTAssertEqual(token.headers.first(name: "Allow"), "POST")
    }
}
