extension PureCloudEmulator {
    /// Operations that change the org, by the SDK names the stats use.
    static let writeOperations: Set<String> = ["post_groups", "put_group", "delete_group", "post_group_members", "delete_group_members"]

    /// API requests answered so far (token requests apart), how many of them were writes, and
    /// the token requests: what a rehearsal reports as what its script sent, counted as the
    /// client counts them (`api:stats()`).
    public func requestTotals() -> (requests: Int, writes: Int, tokens: Int) {
        guard case let .int(all)? = stats.snapshot()["requests"] else { return (0, 0, 0) }
        let writes = Self.writeOperations.reduce(0) { $0 + stats.count($1) }
        let tokens = stats.count("oauth_token")
        return (all - tokens, writes, tokens)
    }
}
