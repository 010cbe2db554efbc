import Synchronization

/// Counts of what clients asked, so tests can assert "the second run sent no membership writes".
final class EmulatorStats: Sendable {
    private struct Counts {
        var byOperation: [String: Int] = [:]
        var byStatus: [Int: Int] = [:]
        var dropped = 0
        var total = 0
        /// API requests being served now, and the most at once (clients that send side by side).
        var inFlight = 0
        var maxInFlight = 0
    }

    private let counts = Mutex(Counts())

    func record(operation: String, status: Int) {
        counts.withLock {
            $0.total += 1
            $0.byOperation[operation, default: 0] += 1
            $0.byStatus[status, default: 0] += 1
        }
    }

    func begin() {
        counts.withLock {
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
    }

    func end() {
        counts.withLock { $0.inFlight -= 1 }
    }

    func recordDrop(operation: String) {
        counts.withLock {
            $0.total += 1
            $0.dropped += 1
            $0.byOperation[operation, default: 0] += 1
        }
    }

    func snapshot() -> JSON {
        counts.withLock { c in
            object([
                "requests": .int(c.total),
                "dropped": .int(c.dropped),
                "maxInFlight": .int(c.maxInFlight),
                "byOperation": .object(c.byOperation.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }),
                "byStatus": .object(c.byStatus.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) }),
            ])
        }
    }

    func count(_ operation: String) -> Int {
        counts.withLock { $0.byOperation[operation] ?? 0 }
    }

    func count(status: Int) -> Int {
        counts.withLock { $0.byStatus[status] ?? 0 }
    }

    var maxInFlight: Int { counts.withLock { $0.maxInFlight } }

    func reset() {
        counts.withLock { $0 = Counts() }
    }
}
