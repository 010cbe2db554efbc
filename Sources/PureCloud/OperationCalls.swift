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
        OperationCall("delete_group", ["group_id": .string(groupId)])
    }

    /// Remove members: DELETE /api/v2/groups/{groupId}/members
    public static func deleteGroupMembers(groupId: String, ids: [String]) -> OperationCall {
        OperationCall("delete_group_members", ["group_id": .string(groupId), "ids": .array(ids.map(JSONValue.string))])
    }

    /// Fetch field config for an entity type: GET /api/v2/fieldconfig
    public static func getFieldconfig(type: String) -> OperationCall {
        OperationCall("get_fieldconfig", ["type": .string(type)])
    }

    /// Get group: GET /api/v2/groups/{groupId}
    public static func getGroup(groupId: String) -> OperationCall {
        OperationCall("get_group", ["group_id": .string(groupId)])
    }

    /// Get all individuals associated with the group (direct members, not paged): GET /api/v2/groups/{groupId}/individuals
    public static func getGroupIndividuals(groupId: String) -> OperationCall {
        OperationCall("get_group_individuals", ["group_id": .string(groupId)])
    }

    /// Get group members, including individuals, owners, and dynamically included people: GET /api/v2/groups/{groupId}/members
    public static func getGroupMembers(groupId: String, pageSize: Int? = nil, pageNumber: Int? = nil, sortOrder: String? = nil, expand: [String]? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["group_id"] = .string(groupId)
        if let pageSize { arguments["page_size"] = .int(Int64(pageSize)) }
        if let pageNumber { arguments["page_number"] = .int(Int64(pageNumber)) }
        if let sortOrder { arguments["sort_order"] = .string(sortOrder) }
        if let expand { arguments["expand"] = .array(expand.map(JSONValue.string)) }
        return OperationCall("get_group_members", arguments)
    }

    /// Get group profile: GET /api/v2/groups/{groupId}/profile
    public static func getGroupProfile(groupId: String, fields: [String]? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["group_id"] = .string(groupId)
        if let fields { arguments["fields"] = .array(fields.map(JSONValue.string)) }
        return OperationCall("get_group_profile", arguments)
    }

    /// Get a group list: GET /api/v2/groups
    public static func getGroups(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        if let pageSize { arguments["page_size"] = .int(Int64(pageSize)) }
        if let pageNumber { arguments["page_number"] = .int(Int64(pageNumber)) }
        if let id { arguments["id"] = .array(id.map(JSONValue.string)) }
        if let jabberId { arguments["jabber_id"] = .array(jabberId.map(JSONValue.string)) }
        if let sortOrder { arguments["sort_order"] = .string(sortOrder) }
        return OperationCall("get_groups", arguments)
    }

    /// Search groups using the q64 value returned from a previous search: GET /api/v2/groups/search
    public static func getGroupsSearch(q64: String, expand: [String]? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["q64"] = .string(q64)
        if let expand { arguments["expand"] = .array(expand.map(JSONValue.string)) }
        return OperationCall("get_groups_search", arguments)
    }

    /// Get group profile listing: GET /api/v2/profiles/groups
    public static func getProfilesGroups(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        if let pageSize { arguments["page_size"] = .int(Int64(pageSize)) }
        if let pageNumber { arguments["page_number"] = .int(Int64(pageNumber)) }
        if let id { arguments["id"] = .array(id.map(JSONValue.string)) }
        if let jabberId { arguments["jabber_id"] = .array(jabberId.map(JSONValue.string)) }
        if let sortOrder { arguments["sort_order"] = .string(sortOrder) }
        return OperationCall("get_profiles_groups", arguments)
    }

    /// Add members: POST /api/v2/groups/{groupId}/members
    public static func postGroupMembers(groupId: String, body: JSONValue) -> OperationCall {
        OperationCall("post_group_members", ["group_id": .string(groupId), "body": body])
    }

    /// Create a group: POST /api/v2/groups
    public static func postGroups(body: JSONValue) -> OperationCall {
        OperationCall("post_groups", ["body": body])
    }

    /// Search groups: POST /api/v2/groups/search
    public static func postGroupsSearch(body: JSONValue) -> OperationCall {
        OperationCall("post_groups_search", ["body": body])
    }

    /// Update group: PUT /api/v2/groups/{groupId}
    public static func putGroup(groupId: String, body: JSONValue? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["group_id"] = .string(groupId)
        if let body { arguments["body"] = body }
        return OperationCall("put_group", arguments)
    }

    // MARK: UsersApi

    /// Get user: GET /api/v2/users/{userId}
    public static func getUser(userId: String, expand: [String]? = nil, state: String? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["user_id"] = .string(userId)
        if let expand { arguments["expand"] = .array(expand.map(JSONValue.string)) }
        if let state { arguments["state"] = .string(state) }
        return OperationCall("get_user", arguments)
    }

    /// Get the list of available users: GET /api/v2/users
    public static func getUsers(pageSize: Int? = nil, pageNumber: Int? = nil, id: [String]? = nil, jabberId: [String]? = nil, sortOrder: String? = nil, expand: [String]? = nil, state: String? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        if let pageSize { arguments["page_size"] = .int(Int64(pageSize)) }
        if let pageNumber { arguments["page_number"] = .int(Int64(pageNumber)) }
        if let id { arguments["id"] = .array(id.map(JSONValue.string)) }
        if let jabberId { arguments["jabber_id"] = .array(jabberId.map(JSONValue.string)) }
        if let sortOrder { arguments["sort_order"] = .string(sortOrder) }
        if let expand { arguments["expand"] = .array(expand.map(JSONValue.string)) }
        if let state { arguments["state"] = .string(state) }
        return OperationCall("get_users", arguments)
    }

    /// Search users using the q64 value returned from a previous search: GET /api/v2/users/search
    public static func getUsersSearch(q64: String, expand: [String]? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        arguments["q64"] = .string(q64)
        if let expand { arguments["expand"] = .array(expand.map(JSONValue.string)) }
        return OperationCall("get_users_search", arguments)
    }

    /// Search users: POST /api/v2/users/search
    public static func postUsersSearch(body: JSONValue) -> OperationCall {
        OperationCall("post_users_search", ["body": body])
    }

    // MARK: TokensApi

    /// Fetch information about the current token: GET /api/v2/tokens/me
    public static func getTokensMe(preserveIdleTtl: Bool? = nil) -> OperationCall {
        var arguments: [String: JSONValue] = [:]
        if let preserveIdleTtl { arguments["preserve_idle_ttl"] = .bool(preserveIdleTtl) }
        return OperationCall("get_tokens_me", arguments)
    }

    // MARK: OrganizationApi

    /// Get organization: GET /api/v2/organizations/me
    public static func getOrganizationsMe() -> OperationCall {
        OperationCall("get_organizations_me", [:])
    }
}
