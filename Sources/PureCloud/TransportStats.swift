import Synchronization

/// What a client's transport did, for reports: requests sent, retries, waits.
public struct TransportCounts: Sendable, Equatable {
    /// API requests sent (token requests are `tokensFetched`), retries included; `writes` of them
    /// changed the org (or asked to: create, update, delete, member add and remove).
    public var requests = 0
    public var writes = 0
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
