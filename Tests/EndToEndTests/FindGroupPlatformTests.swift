import Foundation
import XCTest

/// `api:find_group` against a platform that answers otherwise than the emulator (a server written
/// for the case, `HostileServer`): nothing in the contract says whether an EXACT search of a name
/// ignores case, or whether two groups may share a name but for case and spaces.
final class FindGroupPlatformTests: XCTestCase {
    func server(search: String, listing: String) throws -> HostileServer {
        let server = try HostileServer { request in
            switch request.path {
            case "/api/v2/groups/search": return .answer(status: 200, headers: [("Content-Type", "application/json")], body: search)
            case "/api/v2/groups": return .answer(status: 200, headers: [("Content-Type", "application/json")], body: listing)
            case "/api/v2/tokens/me": return .answer(status: 200, headers: [("Content-Type", "application/json")], body: HostileServerTests.identityJSON)
            default: return .answer(status: 404, headers: [("Content-Type", "application/json")], body: #"{"status":404,"code":"not.found","message":"no"}"#)
            }
        }
        addTeardownBlock { server.stop() }
        return server
    }

    func find(_ server: HostileServer, _ name: String) throws -> PcluaProcess.Outcome {
        try PcluaProcess.run(["--base-url", server.baseURL, "--access-token", "t", "-e",
                              "local g, message = purecloud.GroupsApi.new():find_group('\(name)') print(g and g.id or message)"])
    }

    static func listing(_ groups: [(String, String)]) -> String {
        let entities = groups.map { #"{"id":"\#($0.0)","name":"\#($0.1)","version":1}"# }.joined(separator: ",")
        return #"{"entities":[\#(entities)],"pageSize":500,"pageNumber":1,"total":\#(groups.count),"pageCount":1}"#
    }

    func testTwoGroupsOfOneNameButForCaseAndSpacesAreAnErrorNamingBoth() throws {
        let server = try server(search: #"{"total":2,"results":[{"id":"g-1","name":"Sales"},{"id":"g-2","name":"sales "}]}"#, listing: Self.listing([]))
        let outcome = try find(server, "SALES")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.messages, "\(PcluaProcess.binary.path): (command line):1: find_group: 2 groups are named 'SALES': g-1 ('Sales'), g-2 ('sales '); give the id of the one you mean\n")
        XCTAssertEqual(server.count("/api/v2/groups"), 0, "the search said it: no listing")
    }

    func testASearchThatMissesAnotherCaseIsMadeGoodByTheListing() throws {
        // A platform whose EXACT search minds case finds nothing for "sales emea".
        let server = try server(search: #"{"total":0,"results":[]}"#, listing: Self.listing([("g-1", "Sales EMEA"), ("g-2", "Sales APAC")]))
        let found = try find(server, "sales emea")
        XCTAssertEqual(found.stdout, "g-1\n", found.stderr)
        let missing = try find(server, "Sales EMAE")
        XCTAssertEqual(missing.stdout, "no group is named 'Sales EMAE'; did you mean 'Sales EMEA'?\n", missing.stderr)
    }
}
