import Foundation
import PureCloudEmulator
import XCTest

final class GroupListingTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 50, groups: 45) }

    func testPagesHaveRelativeURIsAndOnlyTheNeighboursThatExist() async throws {
        let first = try await get("/api/v2/groups?pageSize=20")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.object["total"] as? Int, 45)
        XCTAssertEqual(first.object["pageCount"] as? Int, 3)
        XCTAssertEqual(first.object["firstUri"] as? String, "/api/v2/groups?pageSize=20&pageNumber=1")
        XCTAssertEqual(first.object["nextUri"] as? String, "/api/v2/groups?pageSize=20&pageNumber=2")
        XCTAssertEqual(first.object["lastUri"] as? String, "/api/v2/groups?pageSize=20&pageNumber=3")
        XCTAssertNil(first.object["previousUri"])
        let last = try await get("/api/v2/groups?pageSize=20&pageNumber=3")
        XCTAssertEqual((last.object["entities"] as? [Any])?.count, 5)
        XCTAssertNil(last.object["nextUri"])
        XCTAssertEqual(last.object["previousUri"] as? String, "/api/v2/groups?pageSize=20&pageNumber=2")
        let past = try await get("/api/v2/groups?pageSize=20&pageNumber=9")
        XCTAssertEqual(past.status, 200)
        XCTAssertEqual((past.object["entities"] as? [Any])?.count, 0)
        assertNoNull(first.body)
    }

    func testDefaultPageSizeIs25AndEveryGroupAppearsOnce() async throws {
        var seen: [String] = []
        for page in 1...2 {
            let reply = try await get("/api/v2/groups?pageNumber=\(page)")
            XCTAssertEqual(reply.object["pageSize"] as? Int, 25)
            seen += (reply.object["entities"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        XCTAssertEqual(seen.count, 45)
        XCTAssertEqual(Set(seen).count, 45)
    }

    func testSortOrderAcceptsBothSpellingsAndRejectsOthers() async throws {
        func names(_ order: String) async throws -> [String] {
            let reply = try await get("/api/v2/groups?pageSize=500&sortOrder=\(order)")
            return (reply.object["entities"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        let ascending = try await names("ascending")
        let asc = try await names("ASC"), descending = try await names("descending"), desc = try await names("DESC")
        XCTAssertEqual(asc, ascending)
        XCTAssertEqual(descending, ascending.reversed())
        XCTAssertEqual(desc, ascending.reversed())
        let bad = try await get("/api/v2/groups?sortOrder=sideways")
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue((bad.object["message"] as? String ?? "").contains("sideways"))
    }

    func testPageSizeOutsideOneTo500IsA400NamingTheParameter() async throws {
        for size in ["0", "501", "abc"] {
            let reply = try await get("/api/v2/groups?pageSize=\(size)")
            XCTAssertEqual(reply.status, 400, size)
            XCTAssertTrue((reply.object["message"] as? String ?? "").contains("pageSize"), reply.text)
        }
    }

    func testIdFilterAcceptsCommaJoinedAndRepeatedValues() async throws {
        let all = try await get("/api/v2/groups?pageSize=3")
        let ids = (all.object["entities"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let joined = try await get("/api/v2/groups?id=\(ids[0]),\(ids[1])")
        let repeated = try await get("/api/v2/groups?id=\(ids[0])&id=\(ids[1])&id=\(ids[2])")
        XCTAssertEqual(Set((joined.object["entities"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }), Set(ids[0...1]))
        XCTAssertEqual((repeated.object["entities"] as? [Any])?.count, 3)
        XCTAssertTrue((repeated.object["selfUri"] as? String ?? "").contains("id="), "the id filter is carried into page URIs")
        let both = try await get("/api/v2/groups?id=\(ids[0])&jabberId=x")
        XCTAssertEqual(both.status, 400)
    }

    func testProfilesListingAndSingleProfile() async throws {
        let listing = try await get("/api/v2/profiles/groups?pageSize=10")
        XCTAssertEqual(listing.object["total"] as? Int, 45)
        let first = try XCTUnwrap((listing.object["entities"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(first.keys), ["id", "name", "state", "dateModified", "version", "selfUri"])
        let single = try await get("/api/v2/groups/\(first["id"] as! String)/profile?fields=name")
        XCTAssertEqual(single.object["name"] as? String, first["name"] as? String)
        let missing = try await get("/api/v2/groups/nope/profile")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.object["message"] as? String, "Unable to find the group profile")
    }

    func testFieldConfigByTypeAndBadType() async throws {
        let group = try await get("/api/v2/fieldconfig?type=group")
        XCTAssertEqual(group.object["entityType"] as? String, "group")
        let bad = try await get("/api/v2/fieldconfig?type=robot")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.object["code"] as? String, "bad.entity.type")
        let missing = try await get("/api/v2/fieldconfig")
        XCTAssertEqual(missing.status, 400)
    }
}

final class GroupWriteTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 120, groups: 2) }

    func testCreateReturnsTheGroupWithVersionOneAndOwners() async throws {
        let owner = try await userIds(1)[0]
        let reply = try await send(.POST, "/api/v2/groups", #"{"name":"Created","type":"social","visibility":"members","rulesVisible":false,"ownerIds":["\#(owner)"],"description":"d"}"#)
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.object["version"] as? Int, 1)
        XCTAssertEqual(reply.object["state"] as? String, "active")
        XCTAssertEqual(reply.object["memberCount"] as? Int, 1, "owners count as members")
        XCTAssertEqual(((reply.object["owners"] as? [[String: Any]])?.first?["id"]) as? String, owner)
        XCTAssertEqual(reply.object["selfUri"] as? String, "/api/v2/groups/\(reply.object["id"] as! String)")
        assertNoNull(reply.body)
    }

    func testCreateRejectsMissingFieldsBadEnumsWrongTypesAndDuplicateNames() async throws {
        let cases: [(String, String)] = [
            (#"{"type":"official","visibility":"public","rulesVisible":true}"#, "GroupCreate.name is required"),
            (#"{"name":"X","type":"official","visibility":"secret","rulesVisible":true}"#, "secret"),
            (#"{"name":"X","type":"official","visibility":"public","rulesVisible":"yes"}"#, "GroupCreate.rulesVisible must be a boolean"),
            (#"{"name":"X","type":"official","visibility":"public","rulesVisible":true,"ownerIds":["ghost"]}"#, "ghost"),
            (#"not json"#, "not valid JSON"),
        ]
        for (body, expected) in cases {
            let reply = try await send(.POST, "/api/v2/groups", body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertTrue((reply.object["message"] as? String ?? "").contains(expected), "\(body): \(reply.text)")
        }
        _ = try await createGroup("Unique Name")
        let duplicate = try await send(.POST, "/api/v2/groups", #"{"name":"unique name","type":"official","visibility":"public","rulesVisible":true}"#)
        XCTAssertEqual(duplicate.status, 400)
        let wrongType = try await emulator.request(.POST, "/api/v2/groups", token: token, headers: [("Content-Type", "text/plain")], rawBody: "{}")
        XCTAssertEqual(wrongType.status, 415)
    }

    func testPutNeedsTheCurrentVersionAndBumpsIt() async throws {
        let id = try await createGroup("Versioned")
        let missing = try await send(.PUT, "/api/v2/groups/\(id)", #"{"name":"V2"}"#)
        XCTAssertEqual(missing.status, 400)
        let stale = try await send(.PUT, "/api/v2/groups/\(id)", #"{"name":"V2","version":7}"#)
        XCTAssertEqual(stale.status, 409)
        XCTAssertEqual(stale.object["code"] as? String, "general.conflict")
        let ok = try await send(.PUT, "/api/v2/groups/\(id)", #"{"name":"V2","version":1,"visibility":"ownerIds","state":"inactive"}"#)
        XCTAssertEqual(ok.status, 200, ok.text)
        XCTAssertEqual(ok.object["version"] as? Int, 2)
        XCTAssertEqual(ok.object["visibility"] as? String, "owners", "the spec's 'ownerIds' typo is read as owners")
        XCTAssertEqual(ok.object["state"] as? String, "inactive")
        let emptyBody = try await send(.PUT, "/api/v2/groups/\(id)", "null")
        XCTAssertEqual(emptyBody.status, 400, "the Python SDK sends null when put_group has no body")
    }

    func testMembersAddAndRemoveWithVersionsLimitsAndUnknownUsers() async throws {
        let users = try await userIds(60)
        let id = try await createGroup("Members", owners: [users[59]])
        func ids(_ list: ArraySlice<String>) -> String { list.map { "\"\($0)\"" }.joined(separator: ",") }

        let added = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":[\#(ids(users[0..<3]))],"version":1}"#)
        XCTAssertEqual(added.status, 202)
        XCTAssertTrue(added.body.isEmpty)
        var group = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(group.object["version"] as? Int, 2)
        XCTAssertEqual(group.object["memberCount"] as? Int, 4)

        let stale = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":["\#(users[4])"],"version":1}"#)
        XCTAssertEqual(stale.status, 409)
        let tooMany = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":[\#(ids(users[0..<51]))],"version":2}"#)
        XCTAssertEqual(tooMany.status, 400)
        XCTAssertTrue((tooMany.object["message"] as? String ?? "").contains("50"))
        let unknown = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":["\#(users[5])","ghost-1"],"version":2}"#)
        XCTAssertEqual(unknown.status, 400)
        XCTAssertTrue((unknown.object["message"] as? String ?? "").contains("ghost-1"))
        group = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(group.object["version"] as? Int, 2, "a refused update changes nothing")

        let again = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":["\#(users[0])"]}"#)
        XCTAssertEqual(again.status, 202, "version may be omitted; re-adding a member is accepted")
        group = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(group.object["version"] as? Int, 2, "nothing changed, so the version stays")

        let members = try await get("/api/v2/groups/\(id)/members?pageSize=2&expand=presence")
        XCTAssertEqual(members.object["total"] as? Int, 4, "members include the owner")
        XCTAssertNotNil((members.object["entities"] as? [[String: Any]])?.first?["presence"])
        let individuals = try await get("/api/v2/groups/\(id)/individuals")
        XCTAssertEqual(individuals.object["total"] as? Int, 3, "individuals are the direct members only")
        let badExpand = try await get("/api/v2/groups/\(id)/members?expand=shoeSize")
        XCTAssertEqual(badExpand.status, 400)

        let removed = try await send(.DELETE, "/api/v2/groups/\(id)/members?ids=\(users[0]),\(users[1])")
        XCTAssertEqual(removed.status, 202)
        let afterRemove = try await get("/api/v2/groups/\(id)/individuals")
        XCTAssertEqual(((afterRemove.object["entities"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }, [users[2]])
        let noIds = try await send(.DELETE, "/api/v2/groups/\(id)/members")
        XCTAssertEqual(noIds.status, 400)
    }

    func testDeleteThen404() async throws {
        let id = try await createGroup("Doomed")
        let deleted = try await send(.DELETE, "/api/v2/groups/\(id)")
        XCTAssertEqual(deleted.status, 200)
        let gone = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(gone.status, 404)
        XCTAssertEqual(gone.object["code"] as? String, "general.resource.not.found")
        let twice = try await send(.DELETE, "/api/v2/groups/\(id)")
        XCTAssertEqual(twice.status, 404)
    }

    func testConcurrentMemberAddsToOneGroupLoseNothing() async throws {
        let users = try await userIds(100)
        let id = try await createGroup("Concurrent")
        let emulator = self.emulator, token = self.token
        try await withThrowingTaskGroup(of: Int.self) { group in
            for user in users {
                group.addTask {
                    try await emulator.request(.POST, "/api/v2/groups/\(id)/members", json: #"{"memberIds":["\#(user)"]}"#, token: token).status
                }
            }
            for try await status in group { XCTAssertEqual(status, 202) }
        }
        let reply = try await get("/api/v2/groups/\(id)")
        XCTAssertEqual(reply.object["memberCount"] as? Int, 100)
        XCTAssertEqual(reply.object["version"] as? Int, 101)
    }
}
