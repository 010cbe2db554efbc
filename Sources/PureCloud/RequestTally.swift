import Synchronization

/// Counts the requests sent on behalf of one job, when several jobs share a client and run side
/// by side (the client's own counter adds them all up). A job counts by running its work inside
/// `counting`; the transport adds each request to every tally of the task (and its child tasks).
public final class RequestTally: Sendable {
    private let count = Atomic<Int>(0)
    @TaskLocal static var active: [RequestTally] = []

    public init() {}

    public var value: Int { count.load(ordering: .relaxed) }

    /// Runs `body` with every request it sends counted here (and in the tallies around it).
    public func counting<T>(_ body: () async throws -> T) async rethrows -> T {
        try await RequestTally.$active.withValue(RequestTally.active + [self], operation: body)
    }

    static func recordRequest() {
        for tally in active { tally.count.add(1, ordering: .relaxed) }
    }
}
