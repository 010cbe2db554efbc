import Foundation
import Synchronization

/// `POST /_emulator/faults`: faults a test arranges for the next requests of one operation,
/// where `--fault-rate` only gives random ones. Body:
///
///     {"operation": "post_group_members", "count": 1, "status": 502, "after_work": true}
///     {"operation": "post_group_members", "count": 1, "drop": true, "after_work": true}
///     {"operation": "post_group_members", "count": 1, "other_writer_adds": ["user-id", ...]}
///
/// `status` answers a 5xx (after the work was done with `after_work`, as a gateway that lost the
/// answer); `drop` closes the connection instead; `other_writer_adds` adds those users to the
/// request's group just before it is handled, as another writer would, so a write that carries
/// the old version gets 409. Faults are used up in order; `DELETE /_emulator/faults` clears them.
final class ScriptedFaults: Sendable {
    struct Fault: Sendable {
        var status: Int?
        var drop = false
        var afterWork = false
        var otherWriterAdds: [String] = []
    }

    private let queued = Mutex<[String: [Fault]]>([:])

    func add(_ request: EmulatorRequest) throws {
        let body = try BodyReader(model: "ScriptedFault", request: request)
        let operation = try body.string("operation", required: true)!
        guard PureCloudEmulator.servedOperations.contains(operation) else {
            throw APIFailure.badRequest("ScriptedFault.operation '\(operation)' is not an operation the emulator serves")
        }
        let count = try body.int("count") ?? 1
        guard (1...10_000).contains(count) else { throw APIFailure.badRequest("ScriptedFault.count must be from 1 to 10000") }
        var fault = Fault()
        fault.status = try body.int("status")
        if let status = fault.status, !(500...599).contains(status) { throw APIFailure.badRequest("ScriptedFault.status must be a 5xx") }
        fault.drop = try body.bool("drop") ?? false
        fault.afterWork = try body.bool("after_work") ?? false
        fault.otherWriterAdds = try body.strings("other_writer_adds") ?? []
        queued.withLock { $0[operation, default: []] += Array(repeating: fault, count: count) }
    }

    func clear() { queued.withLock { $0 = [:] } }

    /// The next fault arranged for `operation`, used up.
    func next(_ operation: String) -> Fault? {
        queued.withLock { all in
            guard var list = all[operation], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            all[operation] = list
            return first
        }
    }
}
