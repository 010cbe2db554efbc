import Foundation
import PureCloudEmulator
import XCTest

/// The shipped scripts read the CSV files admins really have: Excel's `;`, a byte-order mark,
/// Windows line ends, upper-case emails, and headers written as people write them ("E-Mail ",
/// "From Group", "User").
final class SpreadsheetHeaderTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) { c.data = .demo(users: 60, groups: 4) }

    func file(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-\(name)")
        try Data(("\u{FEFF}" + text).utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testHeadersAsPeopleWriteThemAndExcelSemicolons() throws {
        let groups = try self.groups()
        let users = Dictionary(uniqueKeysWithValues: (try state()["users"] as! [[String: Any]]).map { ($0["id"] as! String, $0["email"] as! String) })
        // Two groups where three members of the first are not in the second (and at most half move).
        func movers(_ from: [String: Any], _ to: [String: Any]) -> [String] {
            let toMembers = Set(to["members"] as! [String])
            return Array((from["members"] as! [String]).filter { !toMembers.contains($0) }.prefix(3))
        }
        let pairs = groups.flatMap { a in groups.map { (a, $0) } }
        let (from, to) = try XCTUnwrap(pairs.first { ($0.0["name"] as! String) != ($0.1["name"] as! String) && movers($0.0, $0.1).count == 3
                                                     && ($0.0["members"] as! [String]).count >= 6 })
        let fromName = from["name"] as! String, toName = to["name"] as! String
        let moving = movers(from, to)

        // sync-group with its own members, by upper-case email, under an "E-Mail " header: nothing to do.
        let members = (from["members"] as! [String]).map { users[$0]!.uppercased() + ";someone\r\n" }.joined()
        let sync = try pclua(["scripts/sync-group.lua", fromName, try file("members.csv", "E-Mail ;Name\r\n" + members)])
        XCTAssertEqual(sync.status, 0, sync.stderr)
        XCTAssertTrue(sync.stdout.contains("0 added, 0 removed"), sync.stdout)

        // migrate-members with "User;From Group;To Group": the three really move.
        let moves = moving.map { "\(users[$0]!.uppercased());\(fromName);\(toName)\r\n" }.joined()
        let migrate = try pclua(["scripts/migrate-members.lua", try file("moves.csv", "User;From Group;To Group\r\n" + moves)])
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        let after = Dictionary(uniqueKeysWithValues: try self.groups().map { ($0["name"] as! String, Set($0["members"] as! [String])) })
        for id in moving {
            XCTAssertTrue(after[toName]!.contains(id))
            XCTAssertFalse(after[fromName]!.contains(id))
        }
    }
}
