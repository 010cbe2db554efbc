import Foundation
@testable import PureCloudEmulator
import XCTest

final class SearchTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 10, groups: 64) }

    func testPostSearchPagesAndTheNextPageByQ64() async throws {
        let first = try await send(.POST, "/api/v2/groups/search", #"{"pageSize":10,"query":[{"type":"STARTS_WITH","fields":["name"],"value":"s"}]}"#)
        XCTAssertEqual(first.status, 200, first.text)
        let total = try XCTUnwrap(first.object["total"] as? Int)
        XCTAssertGreaterThan(total, 10)
        XCTAssertEqual(first.object["types"] as? [String], ["groups"])
        XCTAssertEqual(first.object["pageCount"] as? Int, (total + 9) / 10)
        let next = try XCTUnwrap(first.object["nextPage"] as? String)
        XCTAssertTrue(next.hasPrefix("/api/v2/groups/search?q64=H4sI"), "q64 is base64 of gzip: \(next)")
        XCTAssertEqual(first.object["previousPage"] as? String, first.object["currentPage"] as? String, "as on the platform, page 1's previous page is itself")
        let second = try await get(next)
        XCTAssertEqual(second.status, 200, second.text)
        XCTAssertEqual(second.object["pageNumber"] as? Int, 2)
        let a = Set((first.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        let b = Set((second.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        XCTAssertTrue(a.isDisjoint(with: b))
        for result in (first.object["results"] as? [[String: Any]] ?? []) {
            XCTAssertTrue((result["name"] as? String ?? "").lowercased().hasPrefix("s"))
        }
    }

    func testExactContainsOperatorsAndSorting() async throws {
        let exact = try await send(.POST, "/api/v2/groups/search", #"{"query":[{"type":"EXACT","fields":["name"],"value":"sales 001"}]}"#)
        XCTAssertEqual((exact.object["results"] as? [[String: Any]])?.map { $0["name"] as? String }, ["Sales 001"])
        let notSales = try await send(.POST, "/api/v2/groups/search", #"{"pageSize":100,"sortOrder":"DESC","sortBy":"name","query":[{"type":"CONTAINS","fields":["name"],"value":"00"},{"type":"CONTAINS","fields":["name"],"value":"sales","operator":"NOT"}]}"#)
        let names = (notSales.object["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(names.count, 60)
        XCTAssertFalse(names.contains { $0.hasPrefix("Sales") })
        XCTAssertEqual(names, names.sorted(by: >))
    }

    func testBadSearchesAre400sNamingTheProblem() async throws {
        let cases: [(String, String)] = [
            (#"{"query":[{"type":"FUZZY","fields":["name"],"value":"x"}]}"#, "FUZZY"),
            (#"{"query":[{"type":"EXACT","fields":["shoeSize"],"value":"x"}]}"#, "shoeSize"),
            (#"{"pageSize":1000,"query":[{"type":"MATCH_ALL"}]}"#, "pageSize"),
            (#"{"pageSize":10}"#, "query is required"),
        ]
        for (body, expected) in cases {
            let reply = try await send(.POST, "/api/v2/groups/search", body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertTrue(reply.text.contains(expected), "\(body): \(reply.text)")
        }
        let badToken = try await get("/api/v2/groups/search?q64=notatoken")
        XCTAssertEqual(badToken.status, 400)
    }
}

final class FaultTests: XCTestCase {
    func testFaultRateOneAnswersOnly5xxWithJSONBodies() async throws {
        let emulator = try await EmulatorHarness.start { $0.faultRate = 1 }
        let login = try await emulator.login(id: EmulatorConfiguration.defaultClientId, secret: EmulatorConfiguration.defaultClientSecret)
        XCTAssertTrue([502, 503, 504].contains(login.status), "the token endpoint fails too")
        for _ in 0..<12 {
            // Gateway faults come before authentication, as from a real load balancer.
            let reply = try await emulator.request(.GET, "/api/v2/groups", token: "any")
            XCTAssertTrue([502, 503, 504].contains(reply.status), "\(reply.status)")
            XCTAssertNotNil(reply.object["code"])
        }
        try await emulator.shutdown()
    }

    func testDropRateOneClosesTheConnectionWithoutAnAnswer() async throws {
        let emulator = try await EmulatorHarness.start { $0.dropRate = 1 }
        var dropped = false
        do {
            // The token endpoint drops too; build the request by hand.
            _ = try await emulator.request(.GET, "/api/v2/groups", token: "x")
        } catch {
            dropped = true
        }
        XCTAssertTrue(dropped, "expected the connection to close without a response")
        try await emulator.shutdown()
    }

    func testTheSameSeedGivesTheSameFaults() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let emulator = try await EmulatorHarness.start { $0.faultRate = 0.5; $0.faultSeed = seed }
            var token: String?
            while token == nil {
                let reply = try await emulator.login(id: EmulatorConfiguration.defaultClientId, secret: EmulatorConfiguration.defaultClientSecret)
                token = reply.object["access_token"] as? String
            }
            var out: [Int] = []
            for _ in 0..<20 { out.append(try await emulator.request(.GET, "/api/v2/groups", token: token).status) }
            try await emulator.shutdown()
            return out
        }
        let a = try await statuses(seed: 42), b = try await statuses(seed: 42), c = try await statuses(seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertTrue(a.contains(200) && a.contains { $0 >= 500 })
    }

    func testLatencyDelaysEveryAnswer() async throws {
        let emulator = try await EmulatorHarness.start { $0.latencyMilliseconds = 300 }
        let started = Date()
        _ = try await emulator.login(id: EmulatorConfiguration.defaultClientId, secret: EmulatorConfiguration.defaultClientSecret)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3)
        try await emulator.shutdown()
    }
}

final class DataFileTests: XCTestCase {
    func testADataFileLoadsAndStateExportsItBack() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID()).json")
        try #"{"users":[{"id":"u1","name":"Ann","email":"ann@x.test"},{"id":"u2","name":"Bob"}],"groups":[{"id":"g1","name":"Ops","members":["u1"],"owners":["u2"]}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let emulator = try await EmulatorHarness.start { $0.data = .file(file.path) }
        let token = try await emulator.token()
        let group = try await emulator.request(.GET, "/api/v2/groups/g1", token: token)
        XCTAssertEqual(group.object["memberCount"] as? Int, 2)
        let state = try await emulator.state()
        let groups = try XCTUnwrap(state["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.first?["members"] as? [String], ["u1"])
        XCTAssertEqual(groups.first?["owners"] as? [String], ["u2"])
        XCTAssertEqual((state["users"] as? [[String: Any]])?.count, 2)
        try await emulator.shutdown()
    }

    func testABadDataFileIsRefusedWithTheReason() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json")
        try #"{"users":[{"id":"u1","name":"Ann"}],"groups":[{"name":"Ops","members":["u9"]}]}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EmulatorConfiguration()
        configuration.data = .file(file.path)
        XCTAssertThrowsError(try PureCloudEmulator(configuration: configuration)) { error in
            XCTAssertTrue("\(error)".contains("u9"), "\(error)")
        }
        configuration.data = .file("/nonexistent/org.json")
        XCTAssertThrowsError(try PureCloudEmulator(configuration: configuration)) { error in
            XCTAssertTrue("\(error)".contains("cannot read"), "\(error)")
        }
    }

    func testTheDemoOrgIsDeterministic() async throws {
        let a = try await EmulatorHarness.start { $0.data = .demo(users: 30, groups: 5) }
        let b = try await EmulatorHarness.start { $0.data = .demo(users: 30, groups: 5) }
        let stateA = try await a.request(.GET, "/_emulator/state").text
        let stateB = try await b.request(.GET, "/_emulator/state").text
        XCTAssertEqual(stateA, stateB)
        try await a.shutdown()
        try await b.shutdown()
    }
}

final class JSONWriterTests: XCTestCase {
    func testObjectMembersHoldingNullAreLeftOutAndArraysKeepTheirNulls() throws {
        let parsed = try JSON.parse(Data(#"{"a":null,"b":[1,null],"c":{"d":null}}"#.utf8))
        XCTAssertEqual(String(decoding: parsed.serialized(), as: UTF8.self), #"{"b":[1,null],"c":{}}"#)
    }
}
