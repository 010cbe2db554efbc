import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PureCloudEmulator
import XCTest

/// Issue 19.4: a listed person is never removed because a lookup failed; emails compare by simple
/// case folding (a Kelvin sign is not a `k`).
final class SyncSafetyTests: EmulatorBackedTestCase {
    static let group = "0a000000-0000-4000-a000-000000000001"
    static func id(_ n: Int) -> String { String(format: "b0000000-0000-4000-a000-%012d", n) }

    override class func configure(_ c: inout EmulatorConfiguration) {
        let users = (1...10).map { ["id": id($0), "name": "Person \($0)", "email": "person\($0)@corp.example"] }
            + [["id": id(11), "name": "Kay Elvin", "email": "kelvin@corp.example"]]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sync-safety-\(UUID()).json")
        try! JSONSerialization.data(withJSONObject: [
            "users": users, "groups": [["id": group, "name": "Ops", "members": (1...10).map(id)]],
        ]).write(to: file)
        c.data = .file(file.path)
        c.indexDelaySeconds = 60
    }

    /// The emulator's user hook, as the admin UI would change a user.
    func patchUser(_ id: String, _ body: [String: Any]) throws -> Int {
        var request = URLRequest(url: URL(string: baseURL + "/_emulator/users/" + id)!)
        request.httpMethod = "PATCH"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let done = DispatchSemaphore(value: 0)
        let status = Box()
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status.value = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        return status.value
    }

    private final class Box: @unchecked Sendable { var value = 0 }

    func members() throws -> Set<String> {
        Set((try groups().first { $0["id"] as? String == Self.group })?["members"] as? [String] ?? [])
    }

    func testASyncKeepsAMemberAnUnresolvedEntryMightName() throws {
        // Person 8's email changed minutes ago: search still knows the old one.
        XCTAssertEqual(try patchUser(Self.id(8), ["email": "renamed8@corp.example"]), 200)
        let listed = (1...7).map { "person\($0)@corp.example" } + ["renamed8@corp.example"]
        let run = try pclua(["-e", """
            local r = purecloud.GroupsApi.new():sync_members('\(Self.group)', { '\(listed.joined(separator: "', '"))' }, { skip_unknown = true })
            print(#r.failed, r.removed, #(r.held_back or {}))
            """])
        XCTAssertEqual(run.status, 4, "a failed entry: \(run.stderr)")
        XCTAssertEqual(run.stdout, "1\t2\t1\n", "persons 9 and 10 removed, person 8 kept: \(run.stderr)")
        let now = try members()
        XCTAssertTrue(now.contains(Self.id(8)), "a listed person was removed")
        XCTAssertFalse(now.contains(Self.id(9)) || now.contains(Self.id(10)))
    }

    func testAKelvinSignIsNotAK() throws {
        let run = try pclua(["-e", """
            local r = purecloud.UsersApi.new():resolve{ '\u{212A}elvin@corp.example', 'KELVIN@corp.example' }
            print(#r.not_found, r.not_found[1] == '\u{212A}elvin@corp.example', r.ids['KELVIN@corp.example'])
            """])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "1\ttrue\t\(Self.id(11))\n")
    }
}
