/// The Groups API as data: every fact the client, the Lua binding, validation, REPL help and
/// completion need about the 14 operations lives here and nowhere else
/// (source: ../shared/api/groups-api-contract.md §1).
public struct Operation: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    /// SDK name, e.g. `get_group`; the Lua method has the same name.
    public let name: String
    public let method: Method
    /// Path template with `{wireName}` placeholders.
    public let path: String
    public let summary: String
    public let parameters: [Parameter]
    /// The request body's model, if the operation takes one.
    public let body: BodyParameter?
    /// The success response's model, or nil for an empty answer (202, 200 without body).
    public let response: String?
    public let permissions: [String]
    public let deprecated: Bool
    /// When the listing is paged this way, the iterator helpers know how to walk it.
    public let paging: Paging?
    /// Page size the iterators ask for: the largest known to be served (500 for groups, contract
    /// §3), or a safe 100 where the maximum is not published (members, search).
    public var iteratorPageSize: Int? = nil

    public enum Paging: Sendable {
        /// `entities` + `pageNumber`/`pageCount` (GET /groups, /members, /profiles/groups).
        case entityListing
        /// `results` + `pageNumber`/`pageCount` + `nextPage` q64 URI (search).
        case searchResults
    }

    /// Whether the operation changes the org (dry run holds these back; the audit log records them).
    public var isWrite: Bool { method != .get && !name.hasSuffix("_search") }

    /// The arguments Lua takes positionally, in order: required parameters, then a required body.
    public var positional: [String] {
        parameters.filter(\.required).map(\.name) + (body?.required == true ? [body!.name] : [])
    }

    /// Option keys of the trailing options table: optional parameters, then an optional body.
    public var optionKeys: [String] {
        parameters.filter { !$0.required }.map(\.name) + (body.map { $0.required ? [] : [$0.name] } ?? [])
    }
}

public struct Parameter: Sendable {
    public enum Location: Sendable { case path, query }
    public enum Kind: Sendable, Equatable {
        case string
        case integer
        /// A list; `joined` sends `a,b` in one value (the Python SDK, Go SDK and CLI do this and
        /// the platform accepts it, contract §1.3).
        case stringList
        /// One string on the wire that the API reads as a comma-separated list (`ids`, `fields`);
        /// a Lua array is accepted and joined.
        case commaSeparated
    }

    /// snake_case name used in Lua and by the SDKs.
    public let name: String
    /// camelCase name on the wire.
    public let wireName: String
    public let location: Location
    public let kind: Kind
    public let required: Bool
    public let defaultValue: String?
    public let allowed: [String]?
    /// Values accepted besides `allowed`, sent as they are (e.g. `ASC` for `sortOrder`).
    public let tolerated: [String]
    public let range: ClosedRange<Int>?
    /// Most values a list may hold.
    public let maximumCount: Int?
    public let summary: String

    init(_ name: String, _ wireName: String, _ location: Location, _ kind: Kind, required: Bool = false,
         default defaultValue: String? = nil, allowed: [String]? = nil, tolerated: [String] = [],
         range: ClosedRange<Int>? = nil, maximumCount: Int? = nil, _ summary: String) {
        self.name = name
        self.wireName = wireName
        self.location = location
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.tolerated = tolerated
        self.range = range
        self.maximumCount = maximumCount
        self.summary = summary
    }
}

public struct BodyParameter: Sendable {
    public let name: String
    public let model: String
    public let required: Bool
}

public enum GroupsAPI {
    /// The platform documents at most 50 member ids per add or remove (contract §3).
    public static let maximumMembersPerRequest = 50
    /// Largest page size known to work for groups (contract §3); used by the iterators.
    public static let maximumPageSize = 500

    static let groupId = Parameter("group_id", "groupId", .path, .string, required: true, "Group ID")
    static let pageSize = Parameter("page_size", "pageSize", .query, .integer, default: "25", range: 1...500, "Page size")
    static let pageNumber = Parameter("page_number", "pageNumber", .query, .integer, default: "1", range: 1...Int(Int32.max), "Page number")
    static let sortOrder = Parameter(
        "sort_order", "sortOrder", .query, .string, default: "ascending", allowed: ["ascending", "descending"],
        tolerated: ["ASC", "DESC", "asc", "desc"], "Ascending or descending sort order")
    static let groupIds = Parameter("id", "id", .query, .stringList, maximumCount: 100, "id's")
    static let jabberIds = Parameter("jabber_id", "jabberId", .query, .stringList, maximumCount: 100, "A list of jabberIds to fetch by bulk (cannot be used with the id parameter)")
    static let userExpand = Parameter(
        "expand", "expand", .query, .stringList,
        allowed: ["routingStatus", "presence", "integrationPresence", "conversationSummary", "outOfOffice",
                  "geolocation", "station", "authorization", "lasttokenissued", "authorization.unusedRoles",
                  "team", "workPlanBidRanks", "externalContactsSettings", "groups", "customAttributes",
                  "profileSkills", "certifications", "locations", "skills", "languages", "languagePreference",
                  "employerInfo", "biography", "dateLastLogin", "dateWelcomeSent"],
        "Which fields, if any, to expand")

    public static let operations: [Operation] = [
        Operation(
            name: "delete_group", method: .delete, path: "/api/v2/groups/{groupId}", summary: "Delete group",
            parameters: [groupId], body: nil, response: nil, permissions: ["directory:group:delete"], deprecated: false, paging: nil),
        Operation(
            name: "delete_group_members", method: .delete, path: "/api/v2/groups/{groupId}/members", summary: "Remove members",
            parameters: [groupId, Parameter("ids", "ids", .query, .commaSeparated, required: true, maximumCount: maximumMembersPerRequest,
                                            "Comma separated list of userIds to remove. A maximum of 50 members are allowed per request.")],
            body: nil, response: nil, permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_fieldconfig", method: .get, path: "/api/v2/fieldconfig", summary: "Fetch field config for an entity type",
            parameters: [Parameter("type", "type", .query, .string, required: true, allowed: ["person", "group", "org", "externalContact"], "Field type")],
            body: nil, response: "FieldConfig", permissions: [], deprecated: true, paging: nil),
        Operation(
            name: "get_group", method: .get, path: "/api/v2/groups/{groupId}", summary: "Get group",
            parameters: [groupId], body: nil, response: "Group", permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_group_individuals", method: .get, path: "/api/v2/groups/{groupId}/individuals",
            summary: "Get all individuals associated with the group (direct members, not paged)",
            parameters: [groupId], body: nil, response: "UserEntityListing", permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "get_group_members", method: .get, path: "/api/v2/groups/{groupId}/members",
            summary: "Get group members, including individuals, owners, and dynamically included people",
            parameters: [groupId, pageSize, pageNumber, sortOrder, userExpand], body: nil, response: "UserEntityListing",
            permissions: [], deprecated: false, paging: .entityListing, iteratorPageSize: 100),
        Operation(
            name: "get_group_profile", method: .get, path: "/api/v2/groups/{groupId}/profile", summary: "Get group profile",
            parameters: [groupId, Parameter("fields", "fields", .query, .commaSeparated,
                                            "Comma separated fields to return. Allowable values can be found by querying /api/v2/fieldconfig?type=group")],
            body: nil, response: "GroupProfile", permissions: [], deprecated: true, paging: nil),
        Operation(
            name: "get_groups", method: .get, path: "/api/v2/groups", summary: "Get a group list",
            parameters: [pageSize, pageNumber, groupIds, jabberIds, sortOrder], body: nil, response: "GroupEntityListing",
            permissions: [], deprecated: false, paging: .entityListing, iteratorPageSize: maximumPageSize),
        Operation(
            name: "get_groups_search", method: .get, path: "/api/v2/groups/search", summary: "Search groups using the q64 value returned from a previous search",
            parameters: [Parameter("q64", "q64", .query, .string, required: true, "q64"),
                         Parameter("expand", "expand", .query, .stringList, "Search results to expand")],
            body: nil, response: "GroupsSearchResponse", permissions: [], deprecated: false, paging: .searchResults),
        Operation(
            name: "get_profiles_groups", method: .get, path: "/api/v2/profiles/groups", summary: "Get group profile listing",
            parameters: [pageSize, pageNumber, groupIds, jabberIds, sortOrder], body: nil, response: "GroupProfileEntityListing",
            permissions: [], deprecated: true, paging: .entityListing, iteratorPageSize: maximumPageSize),
        Operation(
            name: "post_group_members", method: .post, path: "/api/v2/groups/{groupId}/members", summary: "Add members",
            parameters: [groupId], body: BodyParameter(name: "body", model: "GroupMembersUpdate", required: true),
            response: nil, permissions: [], deprecated: false, paging: nil),
        Operation(
            name: "post_groups", method: .post, path: "/api/v2/groups", summary: "Create a group",
            parameters: [], body: BodyParameter(name: "body", model: "GroupCreate", required: true), response: "Group",
            permissions: ["directory:group:add"], deprecated: false, paging: nil),
        Operation(
            name: "post_groups_search", method: .post, path: "/api/v2/groups/search", summary: "Search groups",
            parameters: [], body: BodyParameter(name: "body", model: "GroupSearchRequest", required: true),
            response: "GroupsSearchResponse", permissions: [], deprecated: false, paging: .searchResults, iteratorPageSize: 100),
        Operation(
            name: "put_group", method: .put, path: "/api/v2/groups/{groupId}", summary: "Update group",
            parameters: [groupId], body: BodyParameter(name: "body", model: "GroupUpdate", required: false), response: "Group",
            permissions: ["directory:group:edit"], deprecated: false, paging: nil),
    ]

    public static let byName: [String: Operation] = Dictionary(uniqueKeysWithValues: operations.map { ($0.name, $0) })

    public static func operation(_ name: String) -> Operation? { byName[name] }
}
