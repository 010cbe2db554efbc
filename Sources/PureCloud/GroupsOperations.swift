/// The Groups API's 14 operations as data (../shared/api/groups-api-contract.md §1).
public enum GroupsAPI {
    /// The platform documents at most 50 member ids per add or remove (contract §3).
    public static let maximumMembersPerRequest = 50
    /// Largest page size known to work for groups (contract §3); used by the iterators.
    public static let maximumPageSize = 500

    static let groupId = Parameter("group_id", "groupId", .path, .string, required: true, "Group ID")
    static let pageSize = CommonParameters.pageSize
    static let pageNumber = CommonParameters.pageNumber
    static let sortOrder = CommonParameters.sortOrder
    static let groupIds = Parameter("id", "id", .query, .stringList, maximumCount: 100, "id's")
    static let jabberIds = CommonParameters.jabberIds
    static let userExpand = CommonParameters.userExpand

    public static let definition = APIDefinition(
        name: "GroupsApi", variable: "api", summary: "Groups: listing, search, create, update, delete, members", operations: operations)

    public static let operations: [Operation] = [
        Operation(
            name: "delete_group", method: .delete, effect: .write(.repeatable), path: "/api/v2/groups/{groupId}", summary: "Delete group",
            parameters: [groupId], body: nil, response: nil, permissions: ["directory:group:delete"], deprecated: false, paging: nil),
        Operation(
            name: "delete_group_members", method: .delete, effect: .write(.repeatable), path: "/api/v2/groups/{groupId}/members", summary: "Remove members",
            parameters: [groupId, Parameter("ids", "ids", .query, .commaSeparated, required: true, maximumCount: maximumMembersPerRequest,
                                            "Comma separated list of userIds to remove. A maximum of 50 members are allowed per request.")],
            body: nil, response: nil, permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_fieldconfig", method: .get, effect: .read, path: "/api/v2/fieldconfig", summary: "Fetch field config for an entity type",
            parameters: [Parameter("type", "type", .query, .string, required: true, allowed: ["person", "group", "org", "externalContact"], "Field type")],
            body: nil, response: "FieldConfig", permissions: [], deprecated: true, paging: nil),
        Operation(
            name: "get_group", method: .get, effect: .read, path: "/api/v2/groups/{groupId}", summary: "Get group",
            parameters: [groupId], body: nil, response: "Group", permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_group_individuals", method: .get, effect: .read, path: "/api/v2/groups/{groupId}/individuals",
            summary: "Get all individuals associated with the group (direct members, not paged)",
            parameters: [groupId], body: nil, response: "UserEntityListing", permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_group_members", method: .get, effect: .read, path: "/api/v2/groups/{groupId}/members",
            summary: "Get group members, including individuals, owners, and dynamically included people",
            parameters: [groupId, pageSize, pageNumber, sortOrder, userExpand], body: nil, response: "UserEntityListing",
            permissions: [], deprecated: false, paging: .entityListing, iteratorPageSize: 100, iterator: "each_group_member"),
        Operation(
            name: "get_group_profile", method: .get, effect: .read, path: "/api/v2/groups/{groupId}/profile", summary: "Get group profile",
            parameters: [groupId, Parameter("fields", "fields", .query, .commaSeparated,
                                            "Comma separated fields to return. Allowable values can be found by querying /api/v2/fieldconfig?type=group")],
            body: nil, response: "GroupProfile", permissions: [], deprecated: true, paging: nil),
        Operation(
            name: "get_groups", method: .get, effect: .read, path: "/api/v2/groups", summary: "Get a group list",
            parameters: [pageSize, pageNumber, groupIds, jabberIds, sortOrder], body: nil, response: "GroupEntityListing",
            permissions: [], deprecated: false, paging: .entityListing, iteratorPageSize: maximumPageSize, iterator: "each_group"),
        Operation(
            name: "get_groups_search", method: .get, effect: .read, path: "/api/v2/groups/search", summary: "Search groups using the q64 value returned from a previous search",
            parameters: [Parameter("q64", "q64", .query, .string, required: true, "q64"),
                         Parameter("expand", "expand", .query, .stringList, "Search results to expand")],
            body: nil, response: "GroupsSearchResponse", permissions: [], deprecated: false, paging: .searchResults),
        Operation(
            name: "get_profiles_groups", method: .get, effect: .read, path: "/api/v2/profiles/groups", summary: "Get group profile listing",
            parameters: [pageSize, pageNumber, groupIds, jabberIds, sortOrder], body: nil, response: "GroupProfileEntityListing",
            permissions: [], deprecated: true, paging: .entityListing, iteratorPageSize: maximumPageSize, iterator: "each_profile_group"),
        Operation(
            name: "post_group_members", method: .post, effect: .write(.repeatable), path: "/api/v2/groups/{groupId}/members", summary: "Add members",
            parameters: [groupId], body: BodyParameter(name: "body", model: "GroupMembersUpdate", required: true),
            response: nil, permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "post_groups", method: .post, effect: .write(.onlyIfNotProcessed), path: "/api/v2/groups", summary: "Create a group",
            parameters: [], body: BodyParameter(name: "body", model: "GroupCreate", required: true), response: "Group",
            permissions: ["directory:group:add"], deprecated: false, paging: nil),
        Operation(
            name: "post_groups_search", method: .post, effect: .read, path: "/api/v2/groups/search", summary: "Search groups",
            parameters: [], body: BodyParameter(name: "body", model: "GroupSearchRequest", required: true),
            response: "GroupsSearchResponse", permissions: [], deprecated: false, paging: .searchResults, iteratorPageSize: 100,
            iterator: "each_search_result", nextPageOperation: "get_groups_search"),
        Operation(
            name: "put_group", method: .put, effect: .write(.repeatable), path: "/api/v2/groups/{groupId}", summary: "Update group",
            parameters: [groupId], body: BodyParameter(name: "body", model: "GroupUpdate", required: false), response: "Group",
            permissions: ["directory:group:edit"], deprecated: false, paging: nil),
    ]
}
