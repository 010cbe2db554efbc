// Generated from the operation table (OperationTable.swift, *Operations.swift) by
// Tests/PureCloudTests/OperationCallsTests.swift; do not edit. After changing the table:
// PCLUA_GENERATE=1 swift test --skip-build --filter OperationCallsTests

/// One typed function per operation of the table, as the official SDKs are generated: the
/// jobs name operations and their arguments through these, so a misspelt operation or
/// argument is a compile error, and OperationCallsTests fails when they and the table disagree.
extension OperationCall {
    // MARK: GroupsApi

    /// Delete group: DELETE /api/v2/groups/{groupId}
    public static func deleteGroup(groupId: String) -> OperationCall {
        OperationCall("delete_group", given: ["group_id": .given(groupId)])
    }

    /// Remove members: DELETE /api/v2/groups/{groupId}/members
    public static func deleteGroupMembers(groupId: String, ids: [String]) -> OperationCall {
        OperationCall("delete_group_members", given: ["group_id": .given(groupId), "ids": .given(ids)])
    }

    /// Fetch field config for an entity type: GET /api/v2/fieldconfig
    public static func getFieldconfig(type: String) -> OperationCall {
        OperationCall("get_fieldconfig", given: ["type": .given(type)])
    }

    /// Get group: GET /api/v2/groups/{groupId}
    public static func getGroup(groupId: String) -> OperationCall {
        OperationCall("get_group", given: ["group_id": .given(groupId)])
    }

    /// Get all individuals associated with the group (direct members, not paged): GET /api/v2/groups/{groupId}/individuals
    public static func getGroupIndividuals(groupId: String) -> OperationCall {
        OperationCall("get_group_individuals", given: ["group_id": .given(groupId)])
    }

    /// Get group members, including individuals, owners, and dynamically included people: GET /api/v2/groups/{groupId}/members
    public static func getGroupMembers(groupId: String, pageSize: Int? = nil, pageNumber: Int? = nil, sortOrder: String? = nil, expand: [String]? = nil) -> OperationCall {
        OperationCall("get_group_members", given: ["group_id": .given(groupId), "page_size": .given(pageSize), "page_number": .given(pageNumber), "sort_order": .given(sortOrder), "expand": .given(expand)])
    }

    /// Get group profile: GET /api/v2/groups/{groupId}/profile
    public static func getGroupProfile(groupId: String, fields: [String]? = nil) -> OperationCall {
        OperationCall("get_group_profile", given: ["group_id": .given(groupId), "fields": .given(fields)])
    }

    /// Get a group list: GET /api/v2/groups
    public static func getGroups(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil) -> OperationCall {
        OperationCall("get_groups", given: ["page_size": .given(pageSize), "page_number": .given(pageNumber), "id": .given(id), "jabber_id": .given(jabberId), "sort_order": .given(sortOrder)])
    }

    /// Search groups using the q64 value returned from a previous search: GET /api/v2/groups/search
    public static func getGroupsSearch(q64: String, expand: [String]? = nil) -> OperationCall {
        OperationCall("get_groups_search", given: ["q64": .given(q64), "expand": .given(expand)])
    }

    /// Get group profile listing: GET /api/v2/profiles/groups
    public static func getProfilesGroups(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil) -> OperationCall {
        OperationCall("get_profiles_groups", given: ["page_size": .given(pageSize), "page_number": .given(pageNumber), "id": .given(id), "jabber_id": .given(jabberId), "sort_order": .given(sortOrder)])
    }

    /// Add members: POST /api/v2/groups/{groupId}/members
    public static func postGroupMembers(groupId: String, body: JSONValue) -> OperationCall {
        OperationCall("post_group_members", given: ["group_id": .given(groupId), "body": .given(body)])
    }

    /// Create a group: POST /api/v2/groups
    public static func postGroups(body: JSONValue) -> OperationCall {
        OperationCall("post_groups", given: ["body": .given(body)])
    }

    /// Search groups: POST /api/v2/groups/search
    public static func postGroupsSearch(body: JSONValue) -> OperationCall {
        OperationCall("post_groups_search", given: ["body": .given(body)])
    }

    /// Update group: PUT /api/v2/groups/{groupId}
    public static func putGroup(groupId: String, body: JSONValue? = nil) -> OperationCall {
        OperationCall("put_group", given: ["group_id": .given(groupId), "body": .given(body)])
    }

    // MARK: UsersApi

    /// Get user: GET /api/v2/users/{userId}
    public static func getUser(userId: String, expand: [String]? = nil, state: String? = nil) -> OperationCall {
        OperationCall("get_user", given: ["user_id": .given(userId), "expand": .given(expand), "state": .given(state)])
    }

    /// Get the list of available users: GET /api/v2/users
    public static func getUsers(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil, expand: [String]? = nil, state: String? = nil) -> OperationCall {
        OperationCall("get_users", given: ["page_size": .given(pageSize), "page_number": .given(pageNumber), "id": .given(id), "jabber_id": .given(jabberId), "sort_order": .given(sortOrder), "expand": .given(expand), "state": .given(state)])
    }

    /// Search users using the q64 value returned from a previous search: GET /api/v2/users/search
    public static func getUsersSearch(q64: String, expand: [String]? = nil) -> OperationCall {
        OperationCall("get_users_search", given: ["q64": .given(q64), "expand": .given(expand)])
    }

    /// Search users: POST /api/v2/users/search
    public static func postUsersSearch(body: JSONValue) -> OperationCall {
        OperationCall("post_users_search", given: ["body": .given(body)])
    }

    // MARK: TokensApi

    /// Fetch information about the current token: GET /api/v2/tokens/me
    public static func getTokensMe(preserveIdleTtl: Bool? = nil) -> OperationCall {
        OperationCall("get_tokens_me", given: ["preserve_idle_ttl": .given(preserveIdleTtl)])
    }

    // MARK: OrganizationApi

    /// Get organization: GET /api/v2/organizations/me
    public static func getOrganizationsMe() -> OperationCall {
        OperationCall("get_organizations_me", given: [:])
    }
}
