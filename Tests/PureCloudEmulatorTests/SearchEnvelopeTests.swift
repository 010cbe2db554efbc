import Foundation
import PureCloudEmulator
import XCTest

/// Group and user search read one request envelope with one parser: the same problem is the
/// same 400 in both, naming the member by its path.
final class SearchEnvelopeTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    func testTheSameProblemIsTheSame400InBothSearches() async throws {
        let cases: [(body: String, member: String, problem: String)] = [
            (#"{"pageSize":0,"query":[{"type":"MATCH_ALL"}]}"#, "pageSize", "must be an integer between 1 and 100, got 0"),
            (#"{"pageSize":"ten","query":[{"type":"MATCH_ALL"}]}"#, "pageSize", "must be an integer, got string"),
            (#"{"pageNumber":1.5,"query":[{"type":"MATCH_ALL"}]}"#, "pageNumber", "must be an integer between 1 and 2147483647, got 1.5"),
            (#"{"sortOrder":"UP","query":[{"type":"MATCH_ALL"}]}"#, "sortOrder", "must be one of ASC, DESC, SCORE, got 'UP'"),
            (#"{"sort":{},"query":[{"type":"MATCH_ALL"}]}"#, "sort", "must be an array"),
            (#"{"sort":[{"sortOrder":"UP"}],"query":[{"type":"MATCH_ALL"}]}"#, "sort[1].sortOrder", "must be one of ASC, DESC, SCORE, got 'UP'"),
            (#"{"sortBy":"shoeSize","query":[{"type":"MATCH_ALL"}]}"#, "sortBy", "must be one of "),
            (#"{"sort":[{"sortBy":"shoeSize"}],"query":[{"type":"MATCH_ALL"}]}"#, "sort[1].sortBy", "must be one of "),
            (#"{"pageSize":10}"#, "query", "is required"),
            (#"{"query":[]}"#, "query", "must not be empty"),
            (#"{"query":{}}"#, "query", "must be an array of criteria"),
            (#"{"query":["x"]}"#, "query[1]", "must be an object"),
            (#"{"query":[{"fields":["name"],"value":"x"}]}"#, "query[1].type", "is required"),
            (#"{"query":[{"type":"FUZZY","fields":["name"],"value":"x"}]}"#, "query[1].type", "must be one of "),
            (#"{"query":[{"type":"EXACT","fields":["name","shoeSize"],"value":"x"}]}"#, "query[1].fields[2]", "must be one of "),
            (#"{"query":[{"type":"EXACT","fields":["name"],"value":1}]}"#, "query[1].value", "must be a string, got number"),
            (#"{"query":[{"type":"EXACT","fields":["name"]}]}"#, "query[1].value or values", "is required for EXACT"),
            (#"{"query":[{"type":"EXACT","value":"x"}]}"#, "query[1].fields", "is required for EXACT"),
            (#"{"query":[{"type":"EXACT","fields":["name"],"value":"x","operator":"XOR"}]}"#, "query[1].operator", "must be one of AND, OR, NOT, got 'XOR'"),
            (#"{"query":[{"group":[{"type":"EXACT","fields":["name"]}]}]}"#, "query[1].type", "is required"),
            (#"{"query":[{"type":"MATCH_ALL","group":[{"type":"EXACT","fields":["name"]}]}]}"#, "query[1].group[1].value or values", "is required for EXACT"),
        ]
        for (path, model) in [("/api/v2/groups/search", "GroupSearchRequest"), ("/api/v2/users/search", "UserSearchRequest")] {
            for (body, member, problem) in cases {
                let reply = try await send(.POST, path, body)
                XCTAssertEqual(reply.status, 400, "\(path) \(body): \(reply.text)")
                XCTAssertEqual(reply.object["code"] as? String, "bad.request", "\(path) \(body)")
                let message = reply.object["message"] as? String ?? ""
                XCTAssertTrue(message.hasPrefix("\(model).\(member) \(problem)"), "\(path) \(body): \(message)")
            }
        }
    }

    func testEachSearchKeepsItsOwnRules() async throws {
        let regex = #"{"query":[{"type":"REGEX","fields":["name"],"value":"^Mix"}]}"#
        let groups = try await send(.POST, "/api/v2/groups/search", regex)
        XCTAssertEqual(groups.ids, ["g1"], groups.text)
        let users = try await send(.POST, "/api/v2/users/search", regex)
        XCTAssertEqual(users.status, 400)
        XCTAssertTrue(users.message.hasPrefix("UserSearchRequest.query[1].type REGEX is not evaluated by the emulator"), users.message)
        let many = (1...101).map { "\"x\($0)\"" }.joined(separator: ",")
        let values = #"{"query":[{"type":"EXACT","fields":["name"],"values":[\#(many)]}]}"#
        let groupValues = try await send(.POST, "/api/v2/groups/search", values)
        XCTAssertEqual(groupValues.status, 200, "group search does not limit values: \(groupValues.text)")
        let userValues = try await send(.POST, "/api/v2/users/search", values)
        XCTAssertEqual(userValues.message, "UserSearchRequest.query[1].values must hold at most 100 values per criterion, got 101")
        let expand = try await send(.POST, "/api/v2/users/search", #"{"expand":["groups","shoeSize"],"query":[{"type":"MATCH_ALL"}]}"#)
        XCTAssertTrue(expand.message.hasPrefix("UserSearchRequest.expand[2] must be one of "), expand.message)
    }
}
