/// The Users API operations pclua needs to name people, as data (../shared/api/users-api-contract.md
/// §1-3; names and parameters as in the official SDKs' `UsersApi`).
public enum UsersAPI {
    /// Largest page size of `get_users` (contract §1: the Terraform provider pages with 500).
    public static let maximumPageSize = 500
    /// Page size and `values` count of a search the client relies on (contract §2: not published,
    /// "plan for <= 100"); resolution batches by this.
    public static let maximumSearchPageSize = 100
    public static let maximumValuesPerCriterion = 100
    /// Most ids one `get_users` call takes (the emulator's documented limit; the platform's is not published).
    public static let maximumIdsPerRequest = 100

    static let userId = Parameter("user_id", "userId", .path, .string, required: true, "User ID")
    static let userIds = Parameter("id", "id", .query, .stringList, maximumCount: maximumIdsPerRequest, "A list of user IDs to fetch by bulk")
    static let sortOrder = Parameter(
        "sort_order", "sortOrder", .query, .string, default: "ASC", allowed: ["ascending", "descending"],
        tolerated: ["ASC", "DESC", "asc", "desc"], "Ascending or descending sort order")
    static let listState = Parameter(
        "state", "state", .query, .string, default: "active", allowed: ["active", "inactive", "deleted", "any"],
        "Only list users in this state")
    static let oneState = Parameter(
        "state", "state", .query, .string, default: "active", allowed: ["active", "deleted"],
        "Search for a user with this state (inactive users are returned by default; deleted ones only with deleted)")

    public static let definition = APIDefinition(
        name: "UsersApi", variable: "users", summary: "Users: listing by state, get by id, search by email or name", operations: operations)

    public static let operations: [Operation] = [
        Operation(
            name: "get_user", method: .get, effect: .read, path: "/api/v2/users/{userId}", summary: "Get user",
            parameters: [userId, CommonParameters.userExpand, oneState], body: nil, response: "User",
            permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_users", method: .get, effect: .read, path: "/api/v2/users", summary: "Get the list of available users",
            parameters: [CommonParameters.pageSize, CommonParameters.pageNumber, userIds, CommonParameters.jabberIds,
                         sortOrder, CommonParameters.userExpand, listState],
            body: nil, response: "UserEntityListing", permissions: [], deprecated: false, paging: .entityListing,
            iteratorPageSize: maximumPageSize, iterator: "each_user"),
        Operation(
            name: "get_users_search", method: .get, effect: .read, path: "/api/v2/users/search",
            summary: "Search users using the q64 value returned from a previous search",
            parameters: [Parameter("q64", "q64", .query, .string, required: true, "q64"),
                         Parameter("expand", "expand", .query, .stringList, "Search results to expand")],
            body: nil, response: "UsersSearchResponse", permissions: ["directory:user:view"], deprecated: false, paging: .searchResults),
        Operation(
            name: "post_users_search", method: .post, effect: .read, path: "/api/v2/users/search", summary: "Search users",
            parameters: [], body: BodyParameter(name: "body", model: "UserSearchRequest", required: true),
            response: "UsersSearchResponse", permissions: ["directory:user:view"], deprecated: false, paging: .searchResults,
            iteratorPageSize: maximumSearchPageSize, iterator: "each_search_result", nextPageOperation: "get_users_search"),
    ]
}
