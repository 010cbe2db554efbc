import Synchronization

/// What a client's transport did, for reports: requests sent, retries, waits.
public struct TransportCounts: Sendable, Equatable {
    public var requests = 0
    public var retries = 0
    public var rateLimited = 0
    public var tokensFetched = 0
    public var paceWaits = 0
    public var secondsWaited = 0.0
}

final class TransportStats: Sendable {
    private let counts = Mutex(TransportCounts())

    func update(_ body: (inout TransportCounts) -> Void) { counts.withLock { body(&$0) } }

    var snapshot: TransportCounts { counts.withLock { $0 } }
}
