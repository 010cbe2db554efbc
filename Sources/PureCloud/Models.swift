/// The models of the APIs (groups contract §2, users contract §2-3): request models are checked
/// field by field before anything is sent; response models feed REPL help and completion.
public struct Model: Sendable {
    public let name: String
    public let fields: [Field]
    public let summary: String

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    public var required: [Field] { fields.filter(\.required) }
}

public struct Field: Sendable {
    public indirect enum Kind: Sendable {
        case string
        case integer
        case boolean
        case dateTime
        case enumeration([String])
        case array(Kind)
        case model(String)
        /// A free-form object (`params` of FieldList).
        case map
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
    /// Set by the server; a client should not send it.
    public let readOnly: Bool
    public let summary: String
    /// Enum values accepted besides the published ones (GroupUpdate.visibility's `ownerIds` typo).
    public let tolerated: [String]
    /// Most items an array may hold.
    public let maximumCount: Int?

    init(_ name: String, _ kind: Kind, required: Bool = false, readOnly: Bool = false, tolerated: [String] = [],
         maximumCount: Int? = nil, _ summary: String = "") {
        self.maximumCount = maximumCount
        self.name = name
        self.kind = kind
        self.required = required
        self.readOnly = readOnly
        self.summary = summary
        self.tolerated = tolerated
    }

    public var typeDescription: String { Field.describe(kind) }

    static func describe(_ kind: Kind) -> String {
        switch kind {
        case .string: return "string"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .dateTime: return "date-time string"
        case let .enumeration(values): return "one of " + values.joined(separator: ", ")
        case let .array(inner): return "array of " + describe(inner)
        case let .model(name): return name
        case .map: return "table"
        }
    }
}

public enum Models {
    static let visibility = ["public", "owners", "members"]
    static let groupType = ["official", "social"]
    static let state = ["active", "inactive", "deleted"]
    static let searchSortOrder = ["ASC", "DESC", "SCORE"]

    static let groupWritable: [Field] = [
        Field("name", .string, "The group name."),
        Field("description", .string),
        Field("type", .enumeration(groupType), "Type of group."),
        Field("images", .array(.model("Image"))),
        Field("addresses", .array(.model("GroupContact"))),
        Field("rulesVisible", .boolean, "Are membership rules visible to the person requesting to view the group"),
        Field("visibility", .enumeration(visibility), "Who can view this group"),
        Field("rolesEnabled", .boolean, "Allow roles to be assigned to this group"),
        Field("includeOwners", .boolean, "Allow owners to be included as members of the group"),
        Field("callsEnabled", .boolean, "Allow calls to be placed to this group."),
        Field("email", .string),
    ]

    public static let all: [String: Model] = Dictionary(uniqueKeysWithValues: (groupModels + userModels + identityModels).map { ($0.name, $0) })

    static let groupModels: [Model] = [
        Model(name: "GroupCreate", fields: [
            Field("name", .string, required: true, "The group name."),
            Field("description", .string),
            Field("type", .enumeration(groupType), required: true, "Type of group."),
            Field("images", .array(.model("Image"))),
            Field("addresses", .array(.model("GroupContact"))),
            Field("rulesVisible", .boolean, required: true, "Are membership rules visible to the person requesting to view the group"),
            Field("visibility", .enumeration(visibility), required: true, "Who can view this group"),
            Field("rolesEnabled", .boolean), Field("includeOwners", .boolean), Field("callsEnabled", .boolean),
            Field("email", .string),
            Field("ownerIds", .array(.string), "Owners of the group"),
            Field("id", .string, readOnly: true), Field("dateModified", .dateTime, readOnly: true),
            Field("memberCount", .integer, readOnly: true), Field("state", .enumeration(state), readOnly: true),
            Field("version", .integer, readOnly: true), Field("selfUri", .string, readOnly: true),
        ], summary: "The body of post_groups"),
        Model(name: "GroupUpdate", fields: [
            Field("version", .integer, required: true, "Current version for this resource."),
            Field("name", .string), Field("description", .string),
            Field("state", .enumeration(state), "Active, inactive, or deleted state."),
            Field("images", .array(.model("Image"))), Field("addresses", .array(.model("GroupContact"))),
            Field("rulesVisible", .boolean),
            Field("visibility", .enumeration(visibility), tolerated: ["ownerIds"], "Who can view this group"),
            Field("rolesEnabled", .boolean), Field("includeOwners", .boolean), Field("callsEnabled", .boolean),
            Field("email", .string), Field("ownerIds", .array(.string), "Owners of the group"),
            Field("id", .string, readOnly: true), Field("selfUri", .string, readOnly: true),
        ], summary: "The body of put_group"),
        Model(name: "GroupMembersUpdate", fields: [
            Field("memberIds", .array(.string), required: true, maximumCount: GroupsAPI.maximumMembersPerRequest, "A list of the ids of the members to add. A maximum of 50 members are allowed per request."),
            Field("version", .integer, "The current group version."),
        ], summary: "The body of post_group_members"),
        Model(name: "GroupSearchRequest", fields: [
            Field("sortOrder", .enumeration(searchSortOrder), "The sort order for results"),
            Field("sortBy", .string, "The field in the resource that you want to sort the results by"),
            Field("pageSize", .integer, "The number of results per page"),
            Field("pageNumber", .integer, "The page of resources you want to retrieve"),
            Field("sort", .array(.model("SearchSort")), "Multi-value sort order, list of multiple sort values"),
            Field("query", .array(.model("GroupSearchCriteria")), "The search criteria"),
        ], summary: "The body of post_groups_search"),
        Model(name: "GroupSearchCriteria", fields: [
            Field("type", .enumeration(["EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM", "TERMS", "REQUIRED_FIELDS", "MATCH_ALL"]), required: true,
                  "How to apply this search criteria against other criteria"),
            Field("fields", .array(.string), "Field names to search against"),
            Field("value", .string, "A value for the search to match against"),
            Field("values", .array(.string), "A list of values for the search to match against"),
            Field("startValue", .string, "The start value for range searches"),
            Field("endValue", .string, "The end value for range searches"),
            Field("dateFormat", .string, "Set date format for criteria values when using date range search type"),
            Field("operator", .enumeration(["AND", "OR", "NOT"]), "How to apply this search criteria against other criteria"),
            Field("group", .array(.model("GroupSearchCriteria")), "Groups multiple conditions"),
        ], summary: "One criterion of a group search"),
        Model(name: "SearchSort", fields: [
            Field("sortOrder", .enumeration(searchSortOrder)), Field("sortBy", .string),
        ], summary: "One sort key of a search"),
        Model(name: "GroupContact", fields: [
            Field("address", .string, required: true, "Phone number for this contact type"),
            Field("extension", .string, "Extension is set if the number is e164 valid"),
            Field("display", .string, readOnly: true, "Formatted version of the address property"),
            Field("type", .enumeration(["GROUPRING", "GROUPPHONE"]), required: true, "Contact type of the address"),
            Field("mediaType", .enumeration(["PHONE"]), required: true, "Media type of the address"),
        ], summary: "A phone contact of a group"),
        Model(name: "Image", fields: [Field("resolution", .string), Field("imageUri", .string)], summary: "A group image"),
        Model(name: "Group", fields: [
            Field("id", .string, readOnly: true, "The globally unique identifier for the object.")]
            + groupWritable + [
            Field("dateModified", .dateTime, readOnly: true, "Last modified date/time."),
            Field("memberCount", .integer, readOnly: true, "Number of members."),
            Field("state", .enumeration(state), readOnly: true, "Active, inactive, or deleted state."),
            Field("version", .integer, readOnly: true, "Current version for this resource."),
            Field("owners", .array(.model("User")), "Owners of the group"),
            Field("selfUri", .string, readOnly: true, "The URI for this object"),
        ], summary: "A group"),
        Model(name: "GroupProfile", fields: [
            Field("id", .string, readOnly: true), Field("name", .string), Field("state", .enumeration(state)),
            Field("dateModified", .dateTime, readOnly: true), Field("version", .integer, required: true), Field("selfUri", .string, readOnly: true),
        ], summary: "A group profile (deprecated)"),
        listing("GroupEntityListing", of: "Group"),
        listing("GroupProfileEntityListing", of: "GroupProfile"),
        Model(name: "GroupsSearchResponse", fields: [
            Field("total", .integer), Field("pageCount", .integer), Field("pageSize", .integer), Field("pageNumber", .integer),
            Field("previousPage", .string, "Relative URI of the previous page (q64)"),
            Field("currentPage", .string, "Relative URI of this page (q64)"),
            Field("nextPage", .string, "Relative URI of the next page (q64)"),
            Field("types", .array(.string)), Field("results", .array(.model("Group"))),
        ], summary: "One page of group search results"),
        Model(name: "FieldConfig", fields: [
            Field("id", .string, readOnly: true), Field("name", .string),
            Field("entityType", .enumeration(["person", "group", "org", "externalContact"])), Field("state", .string),
            Field("sections", .array(.map)), Field("version", .string), Field("schemaVersion", .string), Field("selfUri", .string, readOnly: true),
        ], summary: "Field configuration of an entity type (deprecated)"),
    ]

    static func listing(_ name: String, of entity: String) -> Model {
        Model(name: name, fields: [
            Field("entities", .array(.model(entity))), Field("pageSize", .integer), Field("pageNumber", .integer),
            Field("total", .integer), Field("firstUri", .string), Field("selfUri", .string), Field("previousUri", .string),
            Field("nextUri", .string), Field("lastUri", .string), Field("pageCount", .integer),
        ], summary: "One page of \(entity) entities")
    }

    /// The request models a script can build with `purecloud.<Model>.new{...}`.
    public static let requestModels = ["GroupCreate", "GroupUpdate", "GroupMembersUpdate", "GroupSearchRequest",
                                       "GroupSearchCriteria", "SearchSort", "GroupContact", "Image",
                                       "UserSearchRequest", "UserSearchCriteria"]
}
