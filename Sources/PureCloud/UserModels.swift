/// The models of the Users API (../shared/api/users-api-contract.md §2-3, shapes from
/// swagger-2018-users-subset.json; the criterion types are the current SDK's, a superset).
extension Models {
    static let userSearchCriterionTypes = [
        "EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM", "TERMS", "REQUIRED_FIELDS", "MATCH_ALL",
        "QUERY_STRING", "RANGE", "LESS_THAN", "LESS_THAN_EQUAL_TO", "GREATER_THAN", "GREATER_THAN_EQUAL_TO",
    ]

    static let userModels: [Model] = [
        Model(name: "User", fields: [
            Field("id", .string, readOnly: true, "The globally unique identifier for the object."),
            Field("name", .string), Field("division", .model("Division"), "The division to which this entity belongs."),
            Field("chat", .model("Chat")), Field("department", .string), Field("email", .string),
            Field("primaryContactInfo", .array(.model("Contact")), readOnly: true, "Auto populated from addresses."),
            Field("addresses", .array(.model("Contact")), "Email addresses and phone numbers for this user"),
            Field("state", .enumeration(state), readOnly: true, "The current state for this user."),
            Field("title", .string), Field("username", .string), Field("manager", .model("User")),
            Field("images", .array(.model("Image"))),
            Field("version", .integer, required: true, "Required when updating a user, this value should be the current version of the user."),
            Field("routingStatus", .map, readOnly: true, "ACD routing status (expand)"),
            Field("presence", .map, readOnly: true, "Active presence (expand)"),
            Field("conversationSummary", .map, readOnly: true, "Summary of conversion statistics (expand)"),
            Field("outOfOffice", .map, readOnly: true, "Determine if out of office is enabled (expand)"),
            Field("geolocation", .map, readOnly: true, "Current geolocation position (expand)"),
            Field("station", .map, readOnly: true, "Effective, default, and last station information (expand)"),
            Field("authorization", .map, readOnly: true, "Roles and permissions assigned to the user (expand)"),
            Field("profileSkills", .array(.string), readOnly: true, "Profile skills possessed by the user (expand)"),
            Field("locations", .array(.map), readOnly: true, "The user placement at each site location. (expand)"),
            Field("groups", .array(.model("Group")), readOnly: true, "The groups the user is a member of (expand)"),
            Field("selfUri", .string, readOnly: true, "The URI for this object"),
        ], summary: "A user"),
        Model(name: "Division", fields: [Field("id", .string), Field("name", .string), Field("selfUri", .string)], summary: "A division"),
        Model(name: "Chat", fields: [Field("jabberId", .string)], summary: "A user's chat address"),
        Model(name: "Contact", fields: [
            Field("address", .string, "Email address or phone number for this contact type"),
            Field("display", .string, readOnly: true, "Formatted version of the address property"),
            Field("mediaType", .enumeration(["PHONE", "EMAIL", "SMS"])),
            Field("type", .enumeration(["PRIMARY", "WORK", "WORK2", "WORK3", "WORK4", "HOME", "MOBILE", "MAIN"])),
            Field("extension", .string, "Use internal extension instead of address. Mutually exclusive with the address field."),
        ], summary: "An address or phone number of a user"),
        listing("UserEntityListing", of: "User"),
        Model(name: "UserSearchRequest", fields: [
            Field("sortOrder", .enumeration(searchSortOrder), "The sort order for results"),
            Field("sortBy", .string, "The field in the resource that you want to sort the results by"),
            Field("pageSize", .integer, "The number of results per page (pclua's iterators ask for 100)"),
            Field("pageNumber", .integer, "The page of resources you want to retrieve"),
            Field("sort", .array(.model("SearchSort")), "Multi-value sort order, list of multiple sort values"),
            Field("expand", .array(.string), "Provides more details about a specified resource"),
            Field("query", .array(.model("UserSearchCriteria")), "The search criteria"),
            Field("enforcePermissions", .boolean, "Filter the results by the caller's directory:user:view grants"),
        ], summary: "The body of post_users_search"),
        Model(name: "UserSearchCriteria", fields: [
            Field("type", .enumeration(userSearchCriterionTypes), required: true, "Search Type"),
            Field("fields", .array(.string), "Field names to search against (email, name, username, state, ...)"),
            Field("value", .string, "A value for the search to match against"),
            Field("values", .array(.string), maximumCount: UsersAPI.maximumValuesPerCriterion, "A list of values for the search to match against (any of them)"),
            Field("startValue", .string, "The start value for range searches"),
            Field("endValue", .string, "The end value for range searches"),
            Field("dateFormat", .string, "Set date format for criteria values when using date range search type"),
            Field("operator", .enumeration(["AND", "OR", "NOT"]), "How to apply this search criteria against other criteria"),
            Field("group", .array(.model("UserSearchCriteria")), "Groups multiple conditions"),
        ], summary: "One criterion of a user search"),
        Model(name: "UsersSearchResponse", fields: [
            Field("total", .integer), Field("pageCount", .integer), Field("pageSize", .integer), Field("pageNumber", .integer),
            Field("previousPage", .string, "Relative URI of the previous page (q64)"),
            Field("currentPage", .string, "Relative URI of this page (q64)"),
            Field("nextPage", .string, "Relative URI of the next page (q64)"),
            Field("types", .array(.string)), Field("results", .array(.model("User"))),
        ], summary: "One page of user search results"),
    ]
}
