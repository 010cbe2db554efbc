/// The handlers of every API the emulator serves; a route picks one.
struct APIHandlers: Sendable {
    let groups: GroupsHandlers
    let users: UsersHandlers
    let identity: IdentityHandlers
}

/// Maps a method and path to one of the operations (named as in the official SDKs: 14 of
/// `GroupsApi`, 4 of `UsersApi`, `get_tokens_me`, `get_organizations_me`), the token endpoint, or the emulator's own `/_emulator/*` endpoints.
enum Route {
    case token
    case emulatorState
    case emulatorStats
    case emulatorResetStats
    case emulatorCreateUser
    case emulatorPatchUser(String)
    case emulatorAddFault
    case emulatorClearFaults
    case api(operation: String, run: @Sendable (APIHandlers, EmulatorRequest) throws -> (status: Int, body: JSON?))

    static func resolve(method: String, path: String) throws -> Route {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).removingPercentEncoding ?? String($0) }
        func methods(_ table: [String: Route]) throws -> Route {
            if let route = table[method] { return route }
            var failure = APIFailure(status: 405, code: "method.not.allowed",
                                     message: "\(method) is not allowed on \(path); use \(table.keys.sorted().joined(separator: " or "))")
            failure.allow = table.keys.sorted()
            throw failure
        }
        switch segments.count {
        case 2 where segments == ["oauth", "token"]:
            return try methods(["POST": .token])
        case 2 where segments[0] == "_emulator":
            switch segments[1] {
            case "state": return try methods(["GET": .emulatorState])
            case "stats": return try methods(["GET": .emulatorStats, "DELETE": .emulatorResetStats])
            case "users": return try methods(["POST": .emulatorCreateUser])
            case "faults": return try methods(["POST": .emulatorAddFault, "DELETE": .emulatorClearFaults])
            default: break
            }
        case 3 where segments[0] == "_emulator" && segments[1] == "users":
            return try methods(["PATCH": .emulatorPatchUser(segments[2])])
        default: break
        }
        guard segments.count >= 3, segments[0] == "api", segments[1] == "v2" else { throw notFound(path) }
        let rest = Array(segments.dropFirst(2))
        switch rest.count {
        case 1 where rest[0] == "groups":
            return try methods([
                "GET": .api(operation: "get_groups") { h, r in (200, try h.groups.listGroups(r, profiles: false)) },
                "POST": .api(operation: "post_groups") { h, r in (200, try h.groups.createGroup(r)) },
            ])
        case 1 where rest[0] == "users":
            return try methods(["GET": .api(operation: "get_users") { h, r in (200, try h.users.listUsers(r)) }])
        case 2 where rest == ["users", "search"]:
            return try methods([
                "GET": .api(operation: "get_users_search") { h, r in (200, try h.users.searchByToken(r)) },
                "POST": .api(operation: "post_users_search") { h, r in (200, try h.users.search(r)) },
            ])
        case 2 where rest == ["tokens", "me"]:
            return try methods(["GET": .api(operation: "get_tokens_me") { h, _ in (200, h.identity.tokenInfo()) }])
        case 2 where rest == ["organizations", "me"]:
            return try methods(["GET": .api(operation: "get_organizations_me") { h, _ in (200, h.identity.organization()) }])
        case 2 where rest[0] == "users":
            let id = rest[1]
            return try methods(["GET": .api(operation: "get_user") { h, r in (200, try h.users.getUser(id, r)) }])
        case 1 where rest[0] == "fieldconfig":
            return try methods(["GET": .api(operation: "get_fieldconfig") { h, r in (200, try h.groups.fieldConfig(r)) }])
        case 2 where rest == ["profiles", "groups"]:
            return try methods(["GET": .api(operation: "get_profiles_groups") { h, r in (200, try h.groups.listGroups(r, profiles: true)) }])
        case 2 where rest == ["groups", "search"]:
            return try methods([
                "GET": .api(operation: "get_groups_search") { h, r in (200, try h.groups.searchByToken(r)) },
                "POST": .api(operation: "post_groups_search") { h, r in (200, try h.groups.search(r)) },
            ])
        case 2 where rest[0] == "groups":
            let id = rest[1]
            return try methods([
                "GET": .api(operation: "get_group") { h, _ in (200, try h.groups.getGroup(id)) },
                "PUT": .api(operation: "put_group") { h, r in (200, try h.groups.updateGroup(id, r)) },
                "DELETE": .api(operation: "delete_group") { h, _ in try h.groups.deleteGroup(id); return (200, nil) },
            ])
        case 3 where rest[0] == "groups":
            let id = rest[1]
            switch rest[2] {
            case "members":
                return try methods([
                    "GET": .api(operation: "get_group_members") { h, r in (200, try h.groups.listMembers(id, r)) },
                    "POST": .api(operation: "post_group_members") { h, r in _ = try h.groups.addMembers(id, r); return (202, nil) },
                    "DELETE": .api(operation: "delete_group_members") { h, r in _ = try h.groups.removeMembers(id, r); return (202, nil) },
                ])
            case "individuals":
                return try methods(["GET": .api(operation: "get_group_individuals") { h, _ in (200, try h.groups.listIndividuals(id)) }])
            case "profile":
                return try methods(["GET": .api(operation: "get_group_profile") { h, _ in (200, try h.groups.getProfile(id)) }])
            default: break
            }
        default: break
        }
        throw notFound(path)
    }

    /// Every operation `resolve` can route to (SDK names), for flags that name one (`--forbid`).
    static let servedOperations: Set<String> = [
        "delete_group", "delete_group_members", "get_fieldconfig", "get_group", "get_group_individuals", "get_group_members",
        "get_group_profile", "get_groups", "get_groups_search", "get_profiles_groups", "post_group_members", "post_groups",
        "post_groups_search", "put_group", "get_users", "get_user", "get_users_search", "post_users_search",
        "get_tokens_me", "get_organizations_me",
    ]

    static func notFound(_ path: String) -> APIFailure {
        APIFailure(status: 404, code: "not.found", message: "The requested resource was not found: \(path)")
    }
}
