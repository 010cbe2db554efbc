import Foundation
import PureCloudEmulator
import XCTest

/// One emulator for a whole test class (the suite runs on 2 cores), with a token ready.
class SharedEmulatorTestCase: XCTestCase {
    nonisolated(unsafe) static var shared: [String: (EmulatorHarness, String)] = [:]

    class func configure(_ configuration: inout EmulatorConfiguration) {}

    override class func setUp() {
        let done = DispatchSemaphore(value: 0)
        let key = String(describing: self)
        Task {
            let harness = try! await EmulatorHarness.start { configure(&$0) }
            let token = try! await harness.token()
            shared[key] = (harness, token)
            done.signal()
        }
        done.wait()
    }

    override class func tearDown() {
        let done = DispatchSemaphore(value: 0)
        let key = String(describing: self)
        Task { try? await shared[key]?.0.shutdown(); done.signal() }
        done.wait()
    }

    var emulator: EmulatorHarness { Self.shared[String(describing: type(of: self))]!.0 }
    var token: String { Self.shared[String(describing: type(of: self))]!.1 }

    func get(_ target: String) async throws -> EmulatorHarness.Reply {
        try await emulator.request(.GET, target, token: token)
    }

    func send(_ method: HTTPMethodName, _ target: String, _ json: String? = nil) async throws -> EmulatorHarness.Reply {
        try await emulator.request(.init(rawValue: method.rawValue), target, json: json, token: token)
    }

    enum HTTPMethodName: String { case POST, PUT, DELETE, GET }

    /// Creates a group and returns its id.
    func createGroup(_ name: String, owners: [String] = []) async throws -> String {
        let ownerJSON = owners.isEmpty ? "" : ", \"ownerIds\": [\(owners.map { "\"\($0)\"" }.joined(separator: ","))]"
        let reply = try await send(.POST, "/api/v2/groups", #"{"name": "\#(name)", "type": "official", "visibility": "public", "rulesVisible": true\#(ownerJSON)}"#)
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.object["id"] as? String ?? ""
    }

    func userIds(_ count: Int) async throws -> [String] {
        let state = try await emulator.state()
        return ((state["users"] as? [[String: Any]]) ?? []).prefix(count).compactMap { $0["id"] as? String }
    }
}
