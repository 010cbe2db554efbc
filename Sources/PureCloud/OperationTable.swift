/// The APIs as data: every fact the client, the Lua binding, validation, REPL help and
/// completion need about an operation lives in the table and nowhere else. Each API is one entry
/// (`GroupsAPI.definition`, `UsersAPI.definition`); a third API is a third entry, not new code.
public struct APIDefinition: Sendable {
    /// The SDK's class name, also the Lua constructor's: `purecloud.GroupsApi.new()`.
    public let name: String
    /// What a variable holding one is usually called in examples (`api`, `users`).
    public let variable: String
    public let summary: String
    public let operations: [Operation]

    public func operation(_ name: String) -> Operation? { operations.first { $0.name == name } }
}

/// Every API the client speaks. Operation names are unique across APIs (the SDKs' names already
/// are: `get_groups_search`, `get_users_search`), so an operation can be found by name alone.
public enum OperationTable {
    public static let apis: [APIDefinition] = [GroupsAPI.definition, UsersAPI.definition, TokensAPI.definition, OrganizationAPI.definition]

    public static let byName: [String: Operation] = Dictionary(uniqueKeysWithValues: apis.flatMap(\.operations).map { ($0.name, $0) })

    public static func operation(_ name: String) -> Operation? { byName[name] }

    public static func api(_ name: String) -> APIDefinition? { apis.first { $0.name == name } }

    /// The searches whose next pages `name` fetches (`get_groups_search` continues `post_groups_search`).
    public static func operations(continuedBy name: String) -> [Operation] {
        apis.flatMap(\.operations).filter { $0.nextPageOperation == name }
    }

    /// The API an operation belongs to.
    public static func api(of operation: String) -> APIDefinition? { apis.first { $0.operation(operation) != nil } }
}

/// One operation (sources: ../shared/api/groups-api-contract.md §1, users-api-contract.md §1-3).
public struct Operation: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    /// SDK name, e.g. `get_group`; the Lua method has the same name.
    public let name: String
    public let method: Method
    /// Whether it changes the org, and when a write may be sent again: stated per operation,
    /// never guessed from the method or the name (`post_groups_search` is a POST that reads).
    public let effect: Effect
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
    /// The Lua iterator that walks every item of this paged operation (`each_group`).
    public var iterator: String? = nil
    /// For a search: the operation that fetches the next pages by their q64 token.
    public var nextPageOperation: String? = nil

    public enum Paging: Sendable {
        /// `entities` + `pageNumber`/`pageCount` (GET /groups, /members, /profiles/groups).
        case entityListing
        /// `results` + `pageNumber`/`pageCount` + `nextPage` q64 URI (search).
        case searchResults
    }

    public enum Effect: Sendable, Equatable {
        /// Reads only: sent again after any failure a retry can help.
        case read
        /// Changes the org: dry run holds it back, the audit log records it, and `RetrySafety`
        /// says after which failures it may be sent again.
        case write(RetrySafety)
    }

    /// Whether the operation changes the org (dry run holds these back; the audit log records them).
    public var isWrite: Bool { effect != .read }

    /// Which failures the operation may be sent again after: a read after any, a write as its
    /// entry in the table says.
    public var retrySafety: RetrySafety {
        if case let .write(safety) = effect { return safety }
        return .repeatable
    }

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
        /// `true` or `false` on the wire (`preserveIdleTTL`).
        case boolean
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

/// Parameters several APIs share, with the same wire names, kinds and limits.
enum CommonParameters {
    static let pageSize = Parameter("page_size", "pageSize", .query, .integer, default: "25", range: 1...500, "Page size")
    static let pageNumber = Parameter("page_number", "pageNumber", .query, .integer, default: "1", range: 1...Int(Int32.max), "Page number")
    static let sortOrder = Parameter(
        "sort_order", "sortOrder", .query, .string, default: "ascending", allowed: ["ascending", "descending"],
        tolerated: ["ASC", "DESC", "asc", "desc"], "Ascending or descending sort order")
    static let jabberIds = Parameter("jabber_id", "jabberId", .query, .stringList, maximumCount: 100, "A list of jabberIds to fetch by bulk (cannot be used with the id parameter)")
    static let userExpandValues = ["routingStatus", "presence", "integrationPresence", "conversationSummary", "outOfOffice",
                                   "geolocation", "station", "authorization", "lasttokenissued", "authorization.unusedRoles",
                                   "team", "workPlanBidRanks", "externalContactsSettings", "groups", "customAttributes",
                                   "profileSkills", "certifications", "locations", "skills", "languages", "languagePreference",
                                   "employerInfo", "biography", "dateLastLogin", "dateWelcomeSent"]
    static let userExpand = Parameter("expand", "expand", .query, .stringList, allowed: userExpandValues, "Which fields, if any, to expand")
}
