import Foundation
import PureCloudEmulator
import XCTest

/// `--index-delay`: within the delay after a change, user search serves the user's previous record,
/// as the platform's index does; it never serves a user created within the delay.
final class UserIndexDelayTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(UsersOrg.write())
        c.indexDelaySeconds = 1
    }

    func search(_ criterion: String) async throws -> [[String: Any]] {
        let reply = try await send(.POST, "/api/v2/users/search", #"{"query":[\#(criterion)]}"#)
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.results
    }

    func testAChangedUserIsFoundUnderItsOldRecordUntilTheDelayHasPassed() async throws {
        let patched = try await emulator.request(.PATCH, "/_emulator/users/a10", json: #"{"email":"ten@corp.example","name":"Renamed Ten"}"#)
        XCTAssertEqual(patched.status, 200, patched.text)
        let again = try await emulator.request(.PATCH, "/_emulator/users/a10", json: #"{"state":"deleted"}"#)
        XCTAssertEqual(again.status, 200, again.text)
        let byOldEmail = try await search(#"{"type":"EXACT","fields":["email"],"value":"active10@corp.example"}"#)
        XCTAssertEqual(byOldEmail.compactMap { $0["id"] as? String }, ["a10"], "the index still holds the old record")
        XCTAssertEqual(byOldEmail.first?["name"] as? String, "Active 10", "and serves it")
        XCTAssertEqual(byOldEmail.first?["state"] as? String, "active")
        let byOldName = try await search(#"{"type":"STARTS_WITH","fields":["name"],"value":"Active 1"}"#)
        XCTAssertTrue(byOldName.contains { $0["id"] as? String == "a10" }, "also without the lookup table")
        let byNewEmail = try await search(#"{"type":"EXACT","fields":["email"],"value":"ten@corp.example"}"#)
        XCTAssertEqual(byNewEmail.count, 0)
        let byId = try await get("/api/v2/users/a10?state=deleted")
        XCTAssertEqual(byId.object["name"] as? String, "Renamed Ten", "GET by id is current")

        try await Task.sleep(for: .milliseconds(1100))
        let oldLater = try await search(#"{"type":"EXACT","fields":["email"],"value":"active10@corp.example"}"#)
        XCTAssertEqual(oldLater.count, 0)
        let newLater = try await search(#"{"type":"EXACT","fields":["email"],"value":"ten@corp.example"}"#)
        XCTAssertEqual(newLater.count, 0, "now indexed as deleted, left out without a state criterion")
        let deleted = try await search(#"{"type":"EXACT","fields":["email"],"value":"ten@corp.example"},{"type":"EXACT","fields":["state"],"value":"deleted"}"#)
        XCTAssertEqual(deleted.first?["name"] as? String, "Renamed Ten")
    }
}
