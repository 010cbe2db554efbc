extension PureCloudEmulator {
    /// Operations that change the org, by the SDK names the stats use.
    static let writeOperations: Set<String> = ["post_groups", "put_group", "delete_group", "post_group_members", "delete_group_members"]

    /// Requests answered so far (token requests included), and how many of them were writes:
    /// what a rehearsal reports as the requests its script sent.
    public func requestTotals() -> (requests: Int, writes: Int) {
        guard case let .int(requests)? = stats.snapshot()["requests"] else { return (0, 0) }
        let writes = Self.writeOperations.reduce(0) { $0 + stats.count($1) }
        return (requests, writes)
    }
}
