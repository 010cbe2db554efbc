import Foundation
import NIOHTTP1
@testable import PureCloudEmulator
import XCTest

/// The router (Routes.swift, Routing.swift): every path shape, the methods it serves, percent-encoded
/// segments, and the operations counted by name.
final class RoutingTests: SharedEmulatorTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .file(UsersOrg.write()) }

    /// Every path the emulator serves, with the methods it serves there (the `Allow` of a 405).
    static let allowed: [(path: String, allow: String)] = [
        ("/api/v2/groups", "GET, POST"),
        ("/api/v2/groups/search", "GET, POST"),
        ("/api/v2/groups/g1", "DELETE, GET, PUT"),
        ("/api/v2/groups/g1/members", "DELETE, GET, POST"),
        ("/api/v2/groups/g1/individuals", "GET"),
        ("/api/v2/groups/g1/profile", "GET"),
        ("/api/v2/profiles/groups", "GET"),
        ("/api/v2/fieldconfig", "GET"),
        ("/api/v2/users", "GET"),
        ("/api/v2/users/search", "GET, POST"),
        ("/api/v2/users/a01", "GET"),
        ("/api/v2/tokens/me", "GET"),
        ("/api/v2/organizations/me", "GET"),
        ("/oauth/token", "POST"),
        ("/_emulator/state", "GET"),
        ("/_emulator/stats", "DELETE, GET"),
        ("/_emulator/users", "POST"),
        ("/_emulator/users/a01", "PATCH"),
        ("/_emulator/faults", "DELETE, POST"),
    ]

    func testEveryPathAnswersAMethodItDoesNotServeWith405NamingTheOnesItDoes() async throws {
        for (path, allow) in Self.allowed {
            let served = allow.components(separatedBy: ", ")
            let others = ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"].filter { !served.contains($0) }
            for method in others {
                let reply = try await emulator.request(HTTPMethod(rawValue: method), path, token: token)
                XCTAssertEqual(reply.status, 405, "\(method) \(path): \(reply.text)")
                XCTAssertEqual(reply.headers.first(name: "Allow"), allow, "\(method) \(path)")
                XCTAssertEqual(reply.object["code"] as? String, "method.not.allowed", "\(method) \(path)")
                XCTAssertEqual(reply.object["message"] as? String,
                               "\(method) is not allowed on \(path); use \(served.joined(separator: " or "))")
            }
        }
        let encoded = try await emulator.request(.PATCH, "/api/v2/groups/g%31/members", token: token)
        XCTAssertEqual(encoded.headers.first(name: "Allow"), "DELETE, GET, POST", "a percent-encoded id is still that route")
    }

    func testUnknownPathsAreTheErrorBody404WhateverTheMethod() async throws {
        for (method, path) in [("GET", "/"), ("GET", "/api/v2"), ("POST", "/api/v2/groups/g1/members/a01"), ("PROPFIND", "/api/v3/groups"),
                               ("GET", "/api/v2/Groups"), ("GET", "/_emulator"), ("DELETE", "/_emulator/users/a01/x")] {
            let reply = try await emulator.request(HTTPMethod(rawValue: method), path, token: token)
            XCTAssertEqual(reply.status, 404, "\(method) \(path): \(reply.text)")
            XCTAssertEqual(reply.object["code"] as? String, "not.found", "\(method) \(path)")
            XCTAssertEqual(reply.object["message"] as? String, "The requested resource was not found: \(path)")
            XCTAssertEqual(reply.object["contextId"] as? String, reply.headers.first(name: "ININ-Correlation-Id"))
        }
    }

    func testPathSegmentsArePercentDecodedOneByOne() async throws {
        let group = try await get("/api/v2/groups/%20G%31%20")
        XCTAssertEqual(group.status, 200, group.text)
        XCTAssertEqual(group.object["id"] as? String, "g1")
        let constant = try await get("/api/v2/%67roups/g1/%69ndividuals")
        XCTAssertEqual(constant.status, 200, "a constant segment may be encoded too: \(constant.text)")
        let user = try await get("/api/v2/users/A%301")
        XCTAssertEqual(user.object["id"] as? String, "a01", user.text)
        let slash = try await get("/api/v2/groups/g1%2Fmembers")
        XCTAssertEqual(slash.status, 404, slash.text)
        XCTAssertEqual(slash.object["message"] as? String, "Unable to find a group with ID g1/members", "%2F stays inside its segment")
        let invalid = try await get("/api/v2/groups/%zz")
        XCTAssertEqual(invalid.object["message"] as? String, "Unable to find a group with ID %zz", "not percent-encoding: taken as written")
        let query = try await get("/api/v2/groups/g1%3Fx=1")
        XCTAssertEqual(query.object["message"] as? String, "Unable to find a group with ID g1?x=1", "%3F is not the start of a query")
        let patched = try await emulator.request(.PATCH, "/_emulator/users/SAME%32", json: #"{"username":"sam-two"}"#)
        XCTAssertEqual(patched.object["id"] as? String, "same2", patched.text)
    }

    func testScriptedFaultsFindTheGroupOfAnEncodedPath() async throws {
        let group = try await createGroup("Encoded Writer")
        let fault = try await emulator.request(.POST, "/_emulator/faults",
                                               json: #"{"operation":"post_group_members","other_writer_adds":["a02"]}"#)
        XCTAssertEqual(fault.status, 204, fault.text)
        let encoded = group.map { "%" + String(format: "%02X", $0.asciiValue ?? 0) }.joined()
        let add = try await send(.POST, "/api/v2/groups/\(encoded)/members", #"{"memberIds":["a03"],"version":1}"#)
        XCTAssertEqual(add.status, 409, "the other writer moved the version first: \(add.text)")
        let members = try await get("/api/v2/groups/\(group)/individuals")
        XCTAssertEqual(members.ids, ["a02"])
    }

    func testEveryServedOperationIsRoutedAndCountedByItsName() async throws {
        XCTAssertEqual(PureCloudEmulator.servedOperations, [
            "get_groups", "post_groups", "get_groups_search", "post_groups_search", "get_group", "put_group", "delete_group",
            "get_group_members", "post_group_members", "delete_group_members", "get_group_individuals", "get_group_profile",
            "get_profiles_groups", "get_fieldconfig", "get_users", "get_user", "get_users_search", "post_users_search",
            "get_tokens_me", "get_organizations_me",
        ])
        let group = try await createGroup("Counted")
        for route in PureCloudEmulator.routes {
            guard let operation = route.operation else { continue }
            let id = route.path.hasPrefix("/api/v2/users") ? "a01" : group
            let path = route.path.replacingOccurrences(of: ":id", with: id)
            let before = try await stats(operation)
            let reply = try await emulator.request(HTTPMethod(rawValue: route.method.rawValue), path, token: token)
            XCTAssertNotEqual(reply.object["code"] as? String, "not.found", "\(operation): \(reply.text)")
            XCTAssertNotEqual(reply.status, 405, "\(operation): \(reply.text)")
            let after = try await stats(operation)
            XCTAssertEqual(after, before + 1, "\(operation) counted under its name")
        }
    }

    func testPathParametersKeepTheirCaseForTheHandler() async throws {
        let group = try await get("/api/v2/groups/G1")
        XCTAssertEqual(group.object["id"] as? String, "g1", "ids are read ignoring case: \(group.text)")
        let individuals = try await get("/api/v2/groups/G1/individuals")
        XCTAssertEqual(individuals.ids, ["a01", "i01", "d01"], individuals.text)
        let user = try await get("/api/v2/users/A01")
        XCTAssertEqual(user.object["id"] as? String, "a01", user.text)
        let patched = try await emulator.request(.PATCH, "/_emulator/users/SAME1", json: #"{"username":"sam-one"}"#)
        XCTAssertEqual(patched.object["id"] as? String, "same1", patched.text)
        let missing = try await get("/api/v2/groups/NoSuchGroup")
        XCTAssertEqual(missing.object["message"] as? String, "Unable to find a group with ID NoSuchGroup", "the id as sent")
        let constant = try await get("/api/v2/GROUPS/g1")
        XCTAssertEqual(constant.status, 404, "constant segments are matched exactly: \(constant.text)")
        XCTAssertEqual(constant.object["code"] as? String, "not.found")
    }

    func testQueryStringsAreNotPartOfThePath() async throws {
        let members = try await get("/api/v2/groups/g1/members?pageSize=1&pageNumber=2&sortOrder=descending")
        XCTAssertEqual(members.status, 200, members.text)
        XCTAssertEqual(members.object["pageSize"] as? Int, 1)
        XCTAssertEqual(members.object["pageNumber"] as? Int, 2)
        let listed = try await get("/api/v2/users?id=a02&id=A01&state=any&next=/api/v2/groups")
        XCTAssertEqual(Set(listed.ids), ["a01", "a02"], listed.text)
        let unknown = try await get("/api/v2/nothing?id=a01")
        XCTAssertEqual(unknown.object["message"] as? String, "The requested resource was not found: /api/v2/nothing")
        let wrong = try await emulator.request(.PATCH, "/api/v2/users?id=a01", token: token)
        XCTAssertEqual(wrong.status, 405, wrong.text)
        XCTAssertEqual(wrong.object["message"] as? String, "PATCH is not allowed on /api/v2/users; use GET")
    }

    func testEmptySegmentsAreSkippedAsBefore() async throws {
        for path in ["/api/v2/groups/", "//api/v2//groups/g1", "/api/v2/groups/g1/individuals/"] {
            let reply = try await get(path)
            XCTAssertEqual(reply.status, 200, "\(path): \(reply.text)")
        }
    }

    func testUnroutedRequestsAreAnsweredBeforeAnyTokenCheckAndCountedAsUnknown() async throws {
        let before = try await stats("unknown")
        let unknown = try await emulator.request(.GET, "/api/v2/nothing")
        XCTAssertEqual(unknown.status, 404, "not a 401: \(unknown.text)")
        let wrong = try await emulator.request(.PUT, "/api/v2/users")
        XCTAssertEqual(wrong.status, 405, "not a 401: \(wrong.text)")
        let head = try await emulator.request(.HEAD, "/api/v2/groups", token: token)
        XCTAssertEqual(head.status, 405, "HEAD is not served")
        XCTAssertEqual(head.headers.first(name: "Allow"), "GET, POST")
        let after = try await stats("unknown")
        XCTAssertEqual(after, before + 3)
    }

    func testTheEmulatorsOwnEndpointsNeedNoTokenAndAreNotCounted() async throws {
        let before = try await emulator.request(.GET, "/_emulator/stats").object["requests"] as? Int
        let state = try await emulator.request(.GET, "/_emulator/state")
        XCTAssertEqual(state.status, 200)
        XCTAssertNotNil(state.object["users"])
        let badFault = try await emulator.request(.POST, "/_emulator/faults", json: #"{"operation":"no_such_operation"}"#)
        XCTAssertEqual(badFault.status, 400, badFault.text)
        XCTAssertEqual(badFault.object["code"] as? String, "bad.request")
        XCTAssertEqual(badFault.object["contextId"] as? String, badFault.headers.first(name: "ININ-Correlation-Id"))
        let cleared = try await emulator.request(.DELETE, "/_emulator/faults")
        XCTAssertEqual(cleared.status, 204)
        let created = try await emulator.request(.POST, "/_emulator/users", json: #"{"id":"hooked","name":"Hook Ed","email":"hook@corp.example"}"#)
        XCTAssertEqual(created.status, 201, created.text)
        let after = try await emulator.request(.GET, "/_emulator/stats").object["requests"] as? Int
        XCTAssertNotNil(before)
        XCTAssertEqual(after, before, "hooks are not API requests")
        let reset = try await emulator.request(.DELETE, "/_emulator/stats")
        XCTAssertEqual(reset.status, 204)
    }

    private func stats(_ operation: String) async throws -> Int {
        let stats = try await emulator.request(.GET, "/_emulator/stats").object
        return (stats["byOperation"] as? [String: Int])?[operation] ?? 0
    }
}
