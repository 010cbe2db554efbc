import Foundation
import PureCloudEmulator
import XCTest

/// A small org with users in every state, written as a data file: 32 active (two share the name
/// "Sam Same", one is in another division), 12 inactive, 7 deleted; one group holds one user of
/// each state.
enum UsersOrg {
    static let activeCount = 32, inactiveCount = 12, deletedCount = 7

    static func file() -> String {
        var users: [String] = []
        for n in 1...30 {
            let number = String(format: "%02d", n)
            users.append(#"{"id":"a\#(number)","name":"Active \#(number)","email":"Active\#(number)@Corp.Example"}"#)
        }
        users.append(#"{"id":"same1","name":"Sam Same","email":"sam.one@corp.example","division":{"id":"div-sales","name":"Sales"}}"#)
        users.append(#"{"id":"same2","name":"Sam Same","email":"sam.two@corp.example","username":"sam2"}"#)
        for n in 1...inactiveCount {
            let number = String(format: "%02d", n)
            users.append(#"{"id":"i\#(number)","name":"Inactive \#(number)","email":"inactive\#(number)@corp.example","state":"inactive"}"#)
        }
        for n in 1...deletedCount {
            let number = String(format: "%02d", n)
            users.append(#"{"id":"d\#(number)","name":"Deleted \#(number)","email":"deleted\#(number)@corp.example","state":"deleted"}"#)
        }
        let groups = #"[{"id":"g1","name":"Mixed","members":["a01","i01","d01"]}]"#
        return #"{"users":[\#(users.joined(separator: ","))],"groups":\#(groups)}"#
    }

    static func write() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("users-org-\(UUID()).json").path
        try! file().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension EmulatorHarness.Reply {
    var entities: [[String: Any]] { object["entities"] as? [[String: Any]] ?? [] }
    var results: [[String: Any]] { object["results"] as? [[String: Any]] ?? [] }
    var ids: [String] { (object["entities"] == nil ? results : entities).compactMap { $0["id"] as? String } }
    var message: String { object["message"] as? String ?? "" }
}

final class UserListingTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    func testListingIsActiveByDefaultAndPagesByStateWithRelativeURIs() async throws {
        var seen: [[String: Any]] = []
        var target: String? = "/api/v2/users?pageSize=10"
        var pages = 0
        while let next = target, pages < 10 {
            let reply = try await get(next)
            XCTAssertEqual(reply.status, 200, reply.text)
            XCTAssertEqual(reply.object["total"] as? Int, UsersOrg.activeCount)
            XCTAssertEqual(reply.object["pageCount"] as? Int, 4)
            assertNoNull(reply.body)
            seen += reply.entities
            target = reply.object["nextUri"] as? String
            pages += 1
        }
        XCTAssertEqual(pages, 4)
        XCTAssertEqual(seen.count, UsersOrg.activeCount)
        XCTAssertEqual(Set(seen.compactMap { $0["id"] as? String }).count, UsersOrg.activeCount)
        XCTAssertTrue(seen.allSatisfy { $0["state"] as? String == "active" })
        let names = seen.compactMap { $0["name"] as? String }
        XCTAssertEqual(names, names.sorted { $0.lowercased() < $1.lowercased() }, "sorted by name")
        XCTAssertEqual(Array(seen.filter { $0["name"] as? String == "Sam Same" }.compactMap { $0["id"] as? String }), ["same1", "same2"], "ties by id")

        let inactive = try await get("/api/v2/users?pageSize=5&state=inactive")
        XCTAssertEqual(inactive.object["total"] as? Int, UsersOrg.inactiveCount)
        XCTAssertEqual(inactive.object["pageCount"] as? Int, 3)
        XCTAssertEqual(inactive.object["nextUri"] as? String, "/api/v2/users?pageSize=5&pageNumber=2&state=inactive", "the state is carried to the next page")
        XCTAssertNil(inactive.object["previousUri"])
        let lastInactive = try await get("/api/v2/users?pageSize=5&pageNumber=3&state=inactive")
        XCTAssertEqual(lastInactive.ids, ["i11", "i12"])
        XCTAssertNil(lastInactive.object["nextUri"])
        let deleted = try await get("/api/v2/users?state=deleted&pageSize=500")
        XCTAssertEqual(deleted.ids.count, UsersOrg.deletedCount)
        XCTAssertTrue(deleted.entities.allSatisfy { $0["state"] as? String == "deleted" })
        let any = try await get("/api/v2/users?state=any&pageSize=500")
        XCTAssertEqual(any.object["total"] as? Int, UsersOrg.activeCount + UsersOrg.inactiveCount + UsersOrg.deletedCount)
        let defaultSize = try await get("/api/v2/users")
        XCTAssertEqual(defaultSize.object["pageSize"] as? Int, 25)
        XCTAssertEqual(defaultSize.entities.count, 25)
    }

    func testUsersCarryUsernameDivisionAndEmail() async throws {
        let reply = try await get("/api/v2/users?id=same1,same2,a01")
        let byId = Dictionary(uniqueKeysWithValues: reply.entities.map { ($0["id"] as! String, $0) })
        XCTAssertEqual(byId["a01"]?["username"] as? String, "Active01@Corp.Example", "username defaults to the email")
        XCTAssertEqual(byId["same2"]?["username"] as? String, "sam2")
        XCTAssertEqual((byId["same1"]?["division"] as? [String: Any])?["name"] as? String, "Sales")
        XCTAssertEqual((byId["a01"]?["division"] as? [String: Any])?["name"] as? String, "Home")
        XCTAssertEqual(byId["a01"]?["selfUri"] as? String, "/api/v2/users/a01")
    }

    func testBadStatePageSizeAndSortOrderAre400sNamingTheParameter() async throws {
        for (target, expected) in [("state=gone", "gone"), ("pageSize=501", "pageSize"), ("pageSize=0", "pageSize"),
                                   ("sortOrder=sideways", "sideways"), ("expand=shoeSize", "shoeSize"), ("pageNumber=99999999999999999999", "pageNumber")] {
            let reply = try await get("/api/v2/users?\(target)")
            XCTAssertEqual(reply.status, 400, target)
            XCTAssertTrue(reply.message.contains(expected), "\(target): \(reply.text)")
        }
        let big = try await get("/api/v2/users?pageSize=500&state=any")
        XCTAssertEqual(big.status, 200)
    }

    func testIdListsRepeatedOrCommaJoinedHonourTheStateAndAreCapped() async throws {
        let joined = try await get("/api/v2/users?id=a02,a01,nobody")
        XCTAssertEqual(joined.ids, ["a01", "a02"], "unknown ids are left out, the rest sorted by name")
        let repeated = try await get("/api/v2/users?id=a02&id=a01")
        XCTAssertEqual(repeated.ids, ["a01", "a02"])
        let mixed = try await get("/api/v2/users?id=a01,i01,d01")
        XCTAssertEqual(mixed.ids, ["a01"], "the state filter (active by default) applies to id lists")
        let any = try await get("/api/v2/users?id=a01,i01,d01&state=any")
        XCTAssertEqual(Set(any.ids), ["a01", "i01", "d01"])
        let hundred = (1...100).map { "x\($0)" }.joined(separator: ",")
        let ok = try await get("/api/v2/users?id=\(hundred)")
        XCTAssertEqual(ok.status, 200)
        let tooMany = try await get("/api/v2/users?id=\(hundred),x101")
        XCTAssertEqual(tooMany.status, 400)
        XCTAssertTrue(tooMany.message.contains("100"), tooMany.text)
        let both = try await get("/api/v2/users?id=a01&jabberId=a01@emulator.pclua")
        XCTAssertEqual(both.status, 400)
        let jabber = try await get("/api/v2/users?jabberId=a03@emulator.pclua")
        XCTAssertEqual(jabber.ids, ["a03"])
    }

    func testSortOrderDescendingReversesAndExpandGroupsIsFilledIn() async throws {
        let ascending = try await get("/api/v2/users?pageSize=500")
        let descending = try await get("/api/v2/users?pageSize=500&sortOrder=DESC")
        XCTAssertEqual(descending.ids, ascending.ids.reversed())
        let descendingWord = try await get("/api/v2/users?pageSize=500&sortOrder=descending")
        XCTAssertEqual(descendingWord.ids, descending.ids)
        let expanded = try await get("/api/v2/users?id=a01&expand=groups")
        XCTAssertEqual((expanded.entities.first?["groups"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["g1"])
    }

    func testGetByIdReturnsInactiveButDeletedOnlyWithStateDeleted() async throws {
        let active = try await get("/api/v2/users/a01")
        XCTAssertEqual(active.status, 200)
        XCTAssertEqual(active.object["email"] as? String, "Active01@Corp.Example")
        assertNoNull(active.body)
        let inactive = try await get("/api/v2/users/i01")
        XCTAssertEqual(inactive.status, 200)
        XCTAssertEqual(inactive.object["state"] as? String, "inactive")
        let deleted = try await get("/api/v2/users/d01")
        XCTAssertEqual(deleted.status, 404)
        XCTAssertEqual(deleted.object["code"] as? String, "general.resource.not.found")
        let deletedAsked = try await get("/api/v2/users/d01?state=deleted")
        XCTAssertEqual(deletedAsked.status, 200)
        XCTAssertEqual(deletedAsked.object["state"] as? String, "deleted")
        let activeAsDeleted = try await get("/api/v2/users/a01?state=deleted")
        XCTAssertEqual(activeAsDeleted.status, 404)
        let unknown = try await get("/api/v2/users/nobody")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.object["code"] as? String, "general.resource.not.found")
        let badState = try await get("/api/v2/users/a01?state=gone")
        XCTAssertEqual(badState.status, 400)
    }

    func testGroupListingsShowMembersOfEveryStateButDeletedUsersCannotBeAdded() async throws {
        let members = try await get("/api/v2/groups/g1/members?pageSize=100")
        XCTAssertEqual(Set(members.ids), ["a01", "i01", "d01"])
        let individuals = try await get("/api/v2/groups/g1/individuals")
        XCTAssertEqual(Set(individuals.ids), ["a01", "i01", "d01"])
        let add = try await send(.POST, "/api/v2/groups/g1/members", #"{"memberIds":["a02","d02","ghost"]}"#)
        XCTAssertEqual(add.status, 400)
        XCTAssertTrue(add.message.contains("d02") && add.message.contains("ghost") && add.message.contains("deleted"), add.text)
        let after = try await get("/api/v2/groups/g1/individuals")
        XCTAssertEqual(after.ids.count, 3, "nothing of a refused request is applied")
        let inactive = try await send(.POST, "/api/v2/groups/g1/members", #"{"memberIds":["i02"]}"#)
        XCTAssertEqual(inactive.status, 202, "inactive users can be added")
        let remove = try await send(.DELETE, "/api/v2/groups/g1/members?ids=d01,i02")
        XCTAssertEqual(remove.status, 202, "a deleted member can be removed")
    }

    func testUsersEndpointsAreCountedByOperationAndNeedAToken() async throws {
        _ = try await emulator.request(.DELETE, "/_emulator/stats")
        _ = try await get("/api/v2/users")
        _ = try await get("/api/v2/users/a01")
        let search = try await send(.POST, "/api/v2/users/search", #"{"pageSize":1,"query":[{"type":"MATCH_ALL"}]}"#)
        _ = try await get(search.object["nextPage"] as? String ?? "")
        let stats = try await emulator.request(.GET, "/_emulator/stats").object
        let byOperation = stats["byOperation"] as? [String: Int] ?? [:]
        for operation in ["get_users", "get_user", "post_users_search", "get_users_search"] {
            XCTAssertEqual(byOperation[operation], 1, "\(operation): \(byOperation)")
        }
        let anonymous = try await emulator.request(.GET, "/api/v2/users")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertNotNil(anonymous.headers.first(name: "ININ-Correlation-Id"))
    }
}

final class UserSearchTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    func search(_ body: String) async throws -> EmulatorHarness.Reply {
        try await send(.POST, "/api/v2/users/search", body)
    }

    func testExactEmailValuesMatchAnyIgnoringCaseAndSkipDeletedUsers() async throws {
        let reply = try await search(#"{"pageSize":100,"query":[{"type":"EXACT","fields":["email"],"values":["ACTIVE01@corp.example","active02@CORP.EXAMPLE","inactive01@corp.example","deleted01@corp.example","nobody@corp.example"]}]}"#)
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(Set(reply.ids), ["a01", "a02", "i01"], "inactive users are found, deleted ones are not")
        XCTAssertEqual(reply.object["total"] as? Int, 3)
        XCTAssertEqual(reply.object["types"] as? [String], ["users"])
        assertNoNull(reply.body)
        let single = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"active05@corp.example"}]}"#)
        XCTAssertEqual(single.ids, ["a05"])
        let partial = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"active05"}]}"#)
        XCTAssertEqual(partial.ids, [], "EXACT is not a prefix match")
    }

    func testAChangedEmailIsSearchedByItsNewValueAtOnceWithoutAnIndexDelay() async throws {
        let before = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"active29@corp.example"}]}"#)
        XCTAssertEqual(before.ids, ["a29"])
        let patched = try await emulator.request(.PATCH, "/_emulator/users/a29", json: #"{"email":"Renamed29@corp.example"}"#)
        XCTAssertEqual(patched.status, 200)
        let old = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"active29@corp.example"}]}"#)
        XCTAssertEqual(old.ids, [])
        let new = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"renamed29@CORP.example"}]}"#)
        XCTAssertEqual(new.ids, ["a29"])
    }

    func testDeletedUsersOnlyWhenACriterionOnStateAsksForThem() async throws {
        let deleted = try await search(#"{"query":[{"type":"EXACT","fields":["email"],"value":"deleted01@corp.example"},{"type":"EXACT","fields":["state"],"value":"deleted"}]}"#)
        XCTAssertEqual(deleted.ids, ["d01"])
        let activeOnly = try await search(#"{"pageSize":100,"query":[{"type":"EXACT","fields":["state"],"values":["ACTIVE"]}]}"#)
        XCTAssertEqual(activeOnly.object["total"] as? Int, UsersOrg.activeCount)
    }

    func testContainsStartsWithOtherFieldsAndCriteriaAreAnded() async throws {
        let contains = try await search(#"{"pageSize":100,"query":[{"type":"CONTAINS","fields":["name"],"value":"ACTIVE 1"}]}"#)
        XCTAssertEqual(Set(contains.ids), Set((10...19).map { "a\($0)" } + ["i10", "i11", "i12"]), "Inactive 1x contains 'active 1' too")
        let both = try await search(#"{"pageSize":100,"query":[{"type":"CONTAINS","fields":["name"],"value":"active 1"},{"type":"STARTS_WITH","fields":["email"],"values":["in"]}]}"#)
        XCTAssertEqual(Set(both.ids), ["i10", "i11", "i12"])
        let starts = try await search(#"{"query":[{"type":"STARTS_WITH","fields":["name","email"],"values":["sam.t","zzz"]}]}"#)
        XCTAssertEqual(starts.ids, ["same2"])
        let username = try await search(#"{"query":[{"type":"EXACT","fields":["username"],"value":"SAM2"}]}"#)
        XCTAssertEqual(username.ids, ["same2"])
        let division = try await search(#"{"query":[{"type":"EXACT","fields":["division.id"],"value":"div-sales"}]}"#)
        XCTAssertEqual(division.ids, ["same1"])
        let byName = try await search(#"{"query":[{"type":"EXACT","fields":["name"],"value":"sam same"}]}"#)
        XCTAssertEqual(byName.ids, ["same1", "same2"], "two users of one name are both returned")
        let byId = try await search(#"{"query":[{"type":"EXACT","fields":["id"],"values":["a07","i07"]}]}"#)
        XCTAssertEqual(Set(byId.ids), ["a07", "i07"])
        let not = try await search(#"{"pageSize":100,"query":[{"type":"STARTS_WITH","fields":["name"],"value":"active"},{"type":"CONTAINS","fields":["name"],"value":"0","operator":"NOT"}]}"#)
        XCTAssertEqual(not.object["total"] as? Int, 18, "Active 01..30 less the 12 names holding a 0")
    }

    func testTheNextPageByQ64AndSorting() async throws {
        let first = try await search(#"{"pageSize":10,"sortOrder":"DESC","sortBy":"email","query":[{"type":"CONTAINS","fields":["email"],"value":"@corp.example"}]}"#)
        XCTAssertEqual(first.status, 200, first.text)
        let total = try XCTUnwrap(first.object["total"] as? Int)
        XCTAssertEqual(total, UsersOrg.activeCount + UsersOrg.inactiveCount)
        XCTAssertEqual(first.object["pageCount"] as? Int, 5)
        XCTAssertEqual(first.object["previousPage"] as? String, first.object["currentPage"] as? String)
        var collected = first.results
        var next = try XCTUnwrap(first.object["nextPage"] as? String)
        XCTAssertTrue(next.hasPrefix("/api/v2/users/search?q64=H4sI"), next)
        for page in 2...5 {
            let reply = try await get(next)
            XCTAssertEqual(reply.status, 200, reply.text)
            XCTAssertEqual(reply.object["pageNumber"] as? Int, page)
            XCTAssertEqual(reply.object["pageSize"] as? Int, 10)
            collected += reply.results
            next = reply.object["nextPage"] as? String ?? ""
        }
        let emails = collected.compactMap { ($0["email"] as? String)?.lowercased() }
        XCTAssertEqual(emails.count, total)
        XCTAssertEqual(Set(emails).count, total)
        XCTAssertEqual(emails, emails.sorted(by: >))
        let expanded = try await get(next + "&expand=groups")
        XCTAssertEqual(expanded.status, 200)
        XCTAssertEqual(expanded.results.count, 0, "past the last page")
    }

    func testLimitsAndBadCriteriaAre400sNamingTheProblem() async throws {
        let hundred = (1...100).map { "\"u\($0)@x.test\"" }.joined(separator: ",")
        let ok = try await search(#"{"pageSize":100,"query":[{"type":"EXACT","fields":["email"],"values":[\#(hundred)]}]}"#)
        XCTAssertEqual(ok.status, 200, ok.text)
        let cases: [(String, String)] = [
            (#"{"query":[{"type":"EXACT","fields":["email"],"values":[\#(hundred),"one@too.many"]}]}"#, "at most 100 values"),
            (#"{"pageSize":101,"query":[{"type":"MATCH_ALL"}]}"#, "pageSize"),
            (#"{"pageSize":1e300,"query":[{"type":"MATCH_ALL"}]}"#, "pageSize"),
            (#"{"pageNumber":0,"query":[{"type":"MATCH_ALL"}]}"#, "pageNumber"),
            (#"{"pageNumber":1e300,"query":[{"type":"MATCH_ALL"}]}"#, "pageNumber"),
            (#"{"query":[{"type":"FUZZY","fields":["email"],"value":"x"}]}"#, "FUZZY"),
            (#"{"query":[{"type":"outdated_sdk_version","fields":["email"],"value":"x"}]}"#, "outdated_sdk_version"),
            (#"{"query":[{"type":"REGEX","fields":["email"],"value":"x"}]}"#, "REGEX"),
            (#"{"query":[{"type":"EXACT","fields":["shoeSize"],"value":"x"}]}"#, "shoeSize"),
            (#"{"query":[{"type":"EXACT","fields":["email"],"value":42}]}"#, "value must be a string"),
            (#"{"query":[{"type":"EXACT","fields":["email"],"values":[42]}]}"#, "values"),
            (#"{"query":[{"type":"EXACT","fields":["email"]}]}"#, "value"),
            (#"{"query":[{"fields":["email"],"value":"x"}]}"#, "type is required"),
            (#"{"pageSize":10}"#, "query is required"),
            (#"{"query":[]}"#, "must not be empty"),
            (#"{"sortBy":"shoeSize","query":[{"type":"MATCH_ALL"}]}"#, "shoeSize"),
        ]
        for (body, expected) in cases {
            let reply = try await search(body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertEqual(reply.object["code"] as? String, "bad.request", body)
            XCTAssertTrue(reply.message.contains(expected), "\(body.prefix(120)): \(reply.text.prefix(300))")
        }
        let badToken = try await get("/api/v2/users/search?q64=notatoken")
        XCTAssertEqual(badToken.status, 400)
        let noToken = try await get("/api/v2/users/search")
        XCTAssertEqual(noToken.status, 400)
    }
}

/// The `/_emulator/users` test hooks, `--index-delay`, and the data file's round trip.
final class UserHooksTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.data = .file(UsersOrg.write())
        c.indexDelaySeconds = 1
    }

    func findByEmail(_ email: String) async throws -> [String] {
        try await send(.POST, "/api/v2/users/search", #"{"query":[{"type":"EXACT","fields":["email"],"value":"\#(email)"}]}"#).ids
    }

    func testANewUserIsFoundByIdAtOnceButBySearchOnlyAfterTheIndexDelay() async throws {
        let created = try await emulator.request(.POST, "/_emulator/users", json: #"{"id":"new1","name":"Nora New","email":"nora@corp.example"}"#)
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.object["username"] as? String, "nora@corp.example")
        XCTAssertEqual((created.object["division"] as? [String: Any])?["name"] as? String, "Home")
        let byId = try await get("/api/v2/users/new1")
        XCTAssertEqual(byId.status, 200)
        let listed = try await get("/api/v2/users?id=new1")
        XCTAssertEqual(listed.ids, ["new1"])
        let searchedAtOnce = try await findByEmail("nora@corp.example")
        XCTAssertEqual(searchedAtOnce, [], "not yet indexed")
        let loaded = try await findByEmail("active01@corp.example")
        XCTAssertEqual(loaded, ["a01"], "users loaded at start-up are indexed")
        try await Task.sleep(for: .milliseconds(1100))
        let searchedLater = try await findByEmail("nora@corp.example")
        XCTAssertEqual(searchedLater, ["new1"])
    }

    func testPatchChangesAUserAndCountsAsAChange() async throws {
        let patched = try await emulator.request(.PATCH, "/_emulator/users/a03", json: #"{"state":"inactive","email":"a3@corp.example","division":{"id":"d2","name":"Ops"}}"#)
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.object["state"] as? String, "inactive")
        XCTAssertEqual(patched.object["username"] as? String, "Active03@Corp.Example", "the username is not changed with the email")
        let listed = try await get("/api/v2/users?id=a03&state=inactive")
        XCTAssertEqual(listed.ids, ["a03"])
        let found = try await findByEmail("a3@corp.example")
        XCTAssertEqual(found, [], "a change is not yet seen by search")
        let deletedBefore = try await get("/api/v2/users?state=deleted&pageSize=500")
        XCTAssertFalse(deletedBefore.ids.contains("a04"))
        let deleted = try await emulator.request(.PATCH, "/_emulator/users/a04", json: #"{"state":"deleted"}"#)
        XCTAssertEqual(deleted.status, 200)
        let deletedAfter = try await get("/api/v2/users?state=deleted&pageSize=500")
        XCTAssertTrue(deletedAfter.ids.contains("a04"), "the listing follows the change")
        let activeAfter = try await get("/api/v2/users?pageSize=500")
        XCTAssertFalse(activeAfter.ids.contains("a04"))
        let gone = try await get("/api/v2/users/a04")
        XCTAssertEqual(gone.status, 404)
        let unknown = try await emulator.request(.PATCH, "/_emulator/users/ghost", json: #"{"state":"deleted"}"#)
        XCTAssertEqual(unknown.status, 404)
        let badState = try await emulator.request(.PATCH, "/_emulator/users/a05", json: #"{"state":"asleep"}"#)
        XCTAssertEqual(badState.status, 400)
        let duplicate = try await emulator.request(.POST, "/_emulator/users", json: #"{"id":"a05","name":"Again"}"#)
        XCTAssertEqual(duplicate.status, 409)
        let noName = try await emulator.request(.POST, "/_emulator/users", json: #"{"id":"x"}"#)
        XCTAssertEqual(noName.status, 400)
    }

    func testStateWrittenToAFileLoadsBackIdentical() async throws {
        // Give the org every field the emulator serves: a group made through the API with all options.
        let owner = "a01"
        let created = try await send(.POST, "/api/v2/groups", #"{"name":"Round Trip","description":"every field","type":"social","visibility":"members","rulesVisible":false,"rolesEnabled":true,"includeOwners":false,"callsEnabled":true,"email":"rt@corp.example","ownerIds":["\#(owner)"],"addresses":[{"address":"+3212345678","extension":"12","type":"GROUPRING","mediaType":"PHONE"}]}"#)
        XCTAssertEqual(created.status, 200, created.text)
        let id = try XCTUnwrap(created.object["id"] as? String)
        let added = try await send(.POST, "/api/v2/groups/\(id)/members", #"{"memberIds":["a02","i02"],"version":1}"#)
        XCTAssertEqual(added.status, 202)
        let put = try await send(.PUT, "/api/v2/groups/\(id)", #"{"version":2,"state":"inactive"}"#)
        XCTAssertEqual(put.status, 200, put.text)
        _ = try await emulator.request(.PATCH, "/_emulator/users/same1", json: #"{"username":"sam-one"}"#)

        let saved = try await emulator.request(.GET, "/_emulator/state")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("round-trip-\(UUID()).json").path
        try Data(saved.body).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = EmulatorConfiguration()
        configuration.data = .file(path)
        let reloaded = try PureCloudEmulator(configuration: configuration)
        XCTAssertEqual(reloaded.exportedState(), saved.text, "state -> file -> load -> state")

        let groups = saved.object["groups"] as? [[String: Any]] ?? []
        let group = try XCTUnwrap(groups.first { $0["id"] as? String == id })
        for field in ["version", "dateModified", "state", "rolesEnabled", "includeOwners", "callsEnabled", "email",
                      "description", "type", "visibility", "rulesVisible", "owners", "members", "addresses"] {
            XCTAssertNotNil(group[field], "\(field) is saved")
        }
        XCTAssertEqual(group["version"] as? Int, 3)
        XCTAssertEqual(group["state"] as? String, "inactive")
        let sam = (saved.object["users"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "same1" }
        XCTAssertEqual(sam?["username"] as? String, "sam-one")
        XCTAssertEqual((sam?["division"] as? [String: Any])?["id"] as? String, "div-sales")
        // The group as a client sees it is the same from the reloaded org.
        let running = try await reloaded.start()
        let other = EmulatorHarness(running: running)
        let otherToken = try await other.token()
        let before = try await get("/api/v2/groups/\(id)")
        let after = try await other.request(.GET, "/api/v2/groups/\(id)", token: otherToken)
        XCTAssertEqual(after.text, before.text)
        try await other.shutdown()
    }
}

final class SeededUsersTests: XCTestCase {
    func testTheDemoOrgsUsersHaveAUsernameAndTheHomeDivisionAndAnOldFileStillLoads() async throws {
        var configuration = EmulatorConfiguration()
        configuration.data = .demo(users: 3, groups: 1)
        let demo = try PureCloudEmulator(configuration: configuration)
        let state = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(demo.exportedState().utf8)) as? [String: Any])
        for user in state["users"] as? [[String: Any]] ?? [] {
            XCTAssertEqual(user["username"] as? String, user["email"] as? String)
            XCTAssertEqual((user["division"] as? [String: Any])?["name"] as? String, "Home")
        }
        let old = FileManager.default.temporaryDirectory.appendingPathComponent("old-\(UUID()).json")
        try #"{"users":[{"id":"u1","name":"Ann","email":"ann@x.test","state":"inactive"},{"id":"u2","name":"No Mail"}],"groups":[{"name":"Ops","members":["u1"]}]}"#
            .write(to: old, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: old) }
        configuration.data = .file(old.path)
        let loaded = try PureCloudEmulator(configuration: configuration)
        XCTAssertTrue(loaded.exportedState().contains(#""username":"ann@x.test","state":"inactive","division":{"id":"#), loaded.exportedState())
        XCTAssertTrue(loaded.exportedState().contains(#"{"id":"u2","name":"No Mail","state":"active","#), "no email is made up: \(loaded.exportedState())")
    }
}

/// The users endpoints sit behind the same rate limit and fault injection as the groups.
final class UsersLimitAndFaultTests: XCTestCase {
    func testTheRateLimitCountsUsersRequests() async throws {
        let emulator = try await EmulatorHarness.start { $0.rateLimit = 2; $0.data = .demo(users: 5, groups: 0) }
        let token = try await emulator.token()
        let first = try await emulator.request(.GET, "/api/v2/users", token: token)
        let second = try await emulator.request(.POST, "/api/v2/users/search", json: #"{"query":[{"type":"MATCH_ALL"}]}"#, token: token)
        XCTAssertEqual([first.status, second.status], [200, 200])
        let third = try await emulator.request(.GET, "/api/v2/users/nobody", token: token)
        XCTAssertEqual(third.status, 429)
        XCTAssertNotNil(third.headers.first(name: "Retry-After"))
        try await emulator.shutdown()
    }

    func testFaultsHitUsersRequests() async throws {
        let emulator = try await EmulatorHarness.start { $0.faultRate = 1; $0.data = .demo(users: 5, groups: 0) }
        for target in ["/api/v2/users", "/api/v2/users/search"] {
            let reply = try await emulator.request(target.hasSuffix("search") ? .POST : .GET, target, json: target.hasSuffix("search") ? #"{"query":[{"type":"MATCH_ALL"}]}"# : nil, token: "any")
            XCTAssertTrue([502, 503, 504].contains(reply.status), "\(target): \(reply.status)")
        }
        try await emulator.shutdown()
    }
}
