import Foundation
import NIOHTTP1
import PureCloudEmulator
import XCTest

/// Ids as the platform reads them: GUIDs matched ignoring case and surrounding blanks, wherever a
/// client names a user or a group (docs/emulator.md).
final class IdMatchingTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    func members(_ group: String) async throws -> [String] {
        try await get("/api/v2/groups/\(group)/members?pageSize=100").ids.sorted()
    }

    func testUserAndGroupIdsInPathsAndIdListsIgnoreCaseAndBlanks() async throws {
        let user = try await get("/api/v2/users/A01")
        XCTAssertEqual(user.status, 200, user.text)
        XCTAssertEqual(user.object["id"] as? String, "a01", "the id as stored")
        let listed = try await get("/api/v2/users?id=A02,%20a03%20,SAME1")
        XCTAssertEqual(Set(listed.ids), ["a02", "a03", "same1"])
        let group = try await get("/api/v2/groups/G1")
        XCTAssertEqual(group.status, 200, group.text)
        XCTAssertEqual(group.object["id"] as? String, "g1")
        let groups = try await get("/api/v2/groups?id=%20G1")
        XCTAssertEqual(groups.ids, ["g1"])
        let patched = try await emulator.request(.PATCH, "/_emulator/users/SAME2", json: #"{"username":"sam-two"}"#)
        XCTAssertEqual(patched.status, 200, patched.text)
    }

    func testMemberAndOwnerListsIgnoreCaseAndBlanks() async throws {
        let id = try await createGroup("Case Blind", owners: [" A05 "])
        let created = try await get("/api/v2/groups/\(id.uppercased())")
        XCTAssertEqual(created.status, 200, created.text)
        let owners = (created.object["owners"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertEqual(owners, ["a05"])
        let added = try await send(.POST, "/api/v2/groups/\(id.uppercased())/members", #"{"memberIds":[" A06","a07","A07"],"version":1}"#)
        XCTAssertEqual(added.status, 202, added.text)
        let afterAdd = try await members(id)
        XCTAssertEqual(afterAdd, ["a05", "a06", "a07"], "stored ids, each once (the owner is listed too)")
        let removed = try await send(.DELETE, "/api/v2/groups/\(id)/members?ids=A06,%20A07%20")
        XCTAssertEqual(removed.status, 202, removed.text)
        let afterRemove = try await members(id)
        XCTAssertEqual(afterRemove, ["a05"])
        let deleted = try await send(.DELETE, "/api/v2/groups/\(id.uppercased())")
        XCTAssertEqual(deleted.status, 200, deleted.text)
        let gone = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(gone.status, 404)
    }

    func testCreatingAUserWhoseIdDiffersOnlyInCaseIsAConflict() async throws {
        let clash = try await emulator.request(.POST, "/_emulator/users", json: #"{"id":"A08","name":"Clash"}"#)
        XCTAssertEqual(clash.status, 409, clash.text)
        let user = try await get("/api/v2/users/a08")
        XCTAssertEqual(user.object["name"] as? String, "Active 08", "the existing user is unchanged")
    }
}

/// What `/_emulator/users` refuses: a user the API could never show or name (docs/emulator.md).
final class UserHookValidationTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    func hook(_ method: HTTPMethod, _ path: String, _ json: String) async throws -> EmulatorHarness.Reply {
        try await emulator.request(method, path, json: json)
    }

    func testBlankNamesAndIdsWithSlashOrBlanksAreRefused() async throws {
        for (json, words) in [(#"{"id":"n1","name":"  "}"#, "User.name must not be empty"),
                              (#"{"id":"n/1","name":"Slash"}"#, "must not contain '/' or whitespace"),
                              (#"{"id":"n 1","name":"Blank"}"#, "must not contain '/' or whitespace")] {
            let reply = try await hook(.POST, "/_emulator/users", json)
            XCTAssertEqual(reply.status, 400, json)
            XCTAssertTrue(reply.message.contains(words), reply.text)
        }
        let patched = try await hook(.PATCH, "/_emulator/users/a01", #"{"name":""}"#)
        XCTAssertEqual(patched.status, 400, patched.text)
        let state = try await emulator.state()
        let ids = (state["users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertFalse(ids.contains { $0.hasPrefix("n") }, "nothing was created")
        let a01 = try await get("/api/v2/users/a01")
        XCTAssertEqual(a01.object["name"] as? String, "Active 01")
    }

    func testAnEmailAlreadyUsedIgnoringCaseIsAConflict() async throws {
        let created = try await hook(.POST, "/_emulator/users", #"{"id":"dup1","name":"Dup","email":"ACTIVE20@corp.example"}"#)
        XCTAssertEqual(created.status, 409, created.text)
        XCTAssertTrue(created.message.contains("a20"), created.text)
        let patched = try await hook(.PATCH, "/_emulator/users/a21", #"{"email":"active20@CORP.example"}"#)
        XCTAssertEqual(patched.status, 409, patched.text)
        let own = try await hook(.PATCH, "/_emulator/users/a22", #"{"email":"ACTIVE22@corp.example"}"#)
        XCTAssertEqual(own.status, 200, "a user may keep its own email in another case: \(own.text)")
    }
}

/// A q64 token that cannot be read gets the platform's ErrorBody, also when it is too long for the
/// HTTP parser (over 80 KB), which used to get an empty 400.
final class BadSearchTokenTests: SharedEmulatorTestCase {
    func testUndecodableAndOversizedTokensGetAnErrorBody() async throws {
        for path in ["/api/v2/groups/search", "/api/v2/users/search"] {
            let garbled = try await get("\(path)?q64=not-a-token")
            XCTAssertEqual(garbled.status, 400, garbled.text)
            XCTAssertEqual(garbled.object["code"] as? String, "bad.request")
            XCTAssertTrue(garbled.message.contains("not a valid search token"), garbled.text)
            let oversized = try await get("\(path)?q64=\(String(repeating: "A", count: 100_000))")
            XCTAssertEqual(oversized.status, 400)
            XCTAssertEqual(oversized.object["code"] as? String, "bad.request", oversized.text)
            XCTAssertTrue(oversized.message.contains("over 80 KB"), oversized.text)
        }
        let after = try await get("/api/v2/groups")
        XCTAssertEqual(after.status, 200, "the emulator still serves")
    }
}
