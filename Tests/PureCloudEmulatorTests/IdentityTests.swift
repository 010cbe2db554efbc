import Foundation
import PureCloudEmulator
import XCTest

/// tokens/me and organizations/me (shared/api/identity-contract.md): the org an emulator plays is
/// named by flags, or by the data file, and survives an export and a reload.
final class IdentityTests: SharedEmulatorTestCase {
    override class func configure(_ configuration: inout EmulatorConfiguration) {
        configuration.organizationName = "Acme Staging"
        configuration.clientName = "nightly sync"
        configuration.forbiddenOperations = ["get_organizations_me"]
    }

    func testTokensMeNamesTheOrgAndTheClient() async throws {
        let reply = try await get("/api/v2/tokens/me")
        XCTAssertEqual(reply.status, 200, reply.text)
        assertNoNull(reply.body)
        let organization = reply.object["organization"] as? [String: Any]
        XCTAssertEqual(organization?["name"] as? String, "Acme Staging")
        XCTAssertEqual(organization?["id"] as? String, "5e1f3c2a-9d4b-4e6f-8a7c-0b1d2e3f4a5b", "the demo org's id, as --org-id was not given")
        let client = reply.object["OAuthClient"] as? [String: Any]
        XCTAssertEqual(client?["name"] as? String, "nightly sync")
        XCTAssertEqual(client?["id"] as? String, EmulatorConfiguration.defaultClientId)
    }

    func testAForbiddenOperationIsA403AndCounted() async throws {
        let reply = try await get("/api/v2/organizations/me")
        XCTAssertEqual(reply.status, 403)
        XCTAssertEqual(reply.object["code"] as? String, "missing.permissions")
        let unauthenticated = try await emulator.request(.GET, "/api/v2/tokens/me")
        XCTAssertEqual(unauthenticated.status, 401, "identity needs a token like any operation")
    }

    func testTheDataFilesOrgIsServedAndExported() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"organization": {"id": "0f8e3c1a-7b2d-4c5e-9f60-123456789abc", "name": "From The File"}, "users": [], "groups": []}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let harness = try await EmulatorHarness.start { $0.data = .file(path) }
        let token = try await harness.token()
        let org = try await harness.request(.GET, "/api/v2/organizations/me", token: token).object
        XCTAssertEqual(org["name"] as? String, "From The File")
        XCTAssertEqual(org["id"] as? String, "0f8e3c1a-7b2d-4c5e-9f60-123456789abc")
        let state = try await harness.state()
        XCTAssertEqual((state["organization"] as? [String: Any])?["name"] as? String, "From The File")
        try await harness.shutdown()

        try #"{"organization": {"id": " ", "name": "x"}, "users": [], "groups": []}"#.write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = EmulatorConfiguration()
        configuration.data = .file(path)
        XCTAssertThrowsError(try PureCloudEmulator(configuration: configuration)) { error in
            XCTAssertTrue("\(error)".contains("organization needs a non-empty id and name"), "\(error)")
        }
    }
}
