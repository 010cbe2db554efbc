import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PureCloudEmulator

/// A small org of named people for the Users API, resolution and guard tests, as a data file.
/// Ids are upper-hex-free UUIDs so that upper-casing them changes them.
enum PeopleFixture {
    static func id(_ n: Int) -> String { String(format: "a0000000-0000-4000-a000-%012d", n) }

    struct Person {
        let id: String, name: String, email: String, state: String
    }

    static let people: [Person] = {
        var out = [
            Person(id: id(1), name: "Ana Lima", email: "ana.lima@example.com", state: "active"),
            Person(id: id(2), name: "Bob Smith", email: "bob.smith@example.com", state: "active"),
            Person(id: id(3), name: "Bob Smith", email: "robert.smith@example.com", state: "active"),
            Person(id: id(4), name: "Carl Inactive", email: "carl@example.com", state: "inactive"),
            Person(id: id(5), name: "Dina Deleted", email: "dina@example.com", state: "deleted"),
            Person(id: id(6), name: "Eve Adams", email: "eve.adams@example.com", state: "active"),
        ]
        for n in 100..<160 {
            out.append(Person(id: id(n), name: "Member \(n)", email: "member\(n)@example.com", state: "active"))
        }
        return out
    }()

    /// Groups whose members are people 100..<100+count, named "Team <count>-<tag>".
    static func dataFile(groups: [(name: String, members: [String])]) throws -> String {
        let org: [String: Any] = [
            "users": people.map { ["id": $0.id, "name": $0.name, "email": $0.email, "state": $0.state] },
            "groups": groups.enumerated().map { index, group in
                ["id": String(format: "b0000000-0000-4000-a000-%012d", index + 1), "name": group.name, "members": group.members] as [String: Any]
            },
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("people-\(UUID()).json")
        try JSONSerialization.data(withJSONObject: org).write(to: url)
        return url.path
    }

    static func groupId(_ index: Int) -> String { String(format: "b0000000-0000-4000-a000-%012d", index) }

    /// Members 100..<100+n.
    static func members(_ n: Int, from start: Int = 100) -> [String] { (start..<start + n).map(id) }

    /// Calls an emulator test hook (`/_emulator/...`) and returns the status.
    @discardableResult
    static func hook(_ baseURL: String, _ method: String, _ path: String, _ body: [String: Any]) throws -> Int {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let done = DispatchSemaphore(value: 0)
        let box = StatusBox()
        URLSession.shared.dataTask(with: request) { _, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        return box.status
    }

    private final class StatusBox: @unchecked Sendable { var status = 0 }
}
