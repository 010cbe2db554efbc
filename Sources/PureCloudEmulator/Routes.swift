import HTTPTypes

/// The handlers of every API the emulator serves; a route picks one.
struct APIHandlers: Sendable {
    let groups: GroupsHandlers
    let users: UsersHandlers
    let identity: IdentityHandlers
}

/// What a handler answers: a status and a body, if any.
typealias HandlerAnswer = (status: Int, body: JSON?)

/// One method on one path, in Hummingbird's path syntax (`:id` stands for one segment, which the
/// handler reads percent-decoded as `EmulatorRequest.id`), and what the emulator does with it.
struct Route: Sendable {
    enum Action: Sendable {
        /// An API operation, named as in the official SDKs: faults, latency, the token check, the
        /// rate limit, `--forbid` and the stats apply (Responder.swift).
        case operation(String, @Sendable (APIHandlers, EmulatorRequest) throws -> HandlerAnswer)
        /// `POST /oauth/token`: faults and latency apply, as in front of the platform.
        case token
        /// The emulator's own `/_emulator/*` endpoints: no token, no limits, no faults, not counted.
        case hook(@Sendable (PureCloudEmulator, EmulatorRequest) throws -> HandlerAnswer)
    }

    let method: HTTPRequest.Method
    let path: String
    let action: Action

    static func api(_ method: HTTPRequest.Method, _ path: String, _ operation: String,
                    _ run: @escaping @Sendable (APIHandlers, EmulatorRequest) throws -> HandlerAnswer) -> Route {
        Route(method: method, path: path, action: .operation(operation, run))
    }

    static func hook(_ method: HTTPRequest.Method, _ path: String,
                     _ run: @escaping @Sendable (PureCloudEmulator, EmulatorRequest) throws -> HandlerAnswer) -> Route {
        Route(method: method, path: path, action: .hook(run))
    }

    var operation: String? {
        if case let .operation(name, _) = action { name } else { nil }
    }
}

extension PureCloudEmulator {
    /// Every endpoint the emulator answers, declared once: Hummingbird's router is built from this
    /// list (Routing.swift), and so are the 405s' `Allow` headers and `servedOperations`. The
    /// operations are the 14 of the SDKs' `GroupsApi`, 4 of `UsersApi`, `get_tokens_me` and
    /// `get_organizations_me`.
    static let routes: [Route] = [
        .api(.get, "/api/v2/groups", "get_groups") { h, r in (200, try h.groups.listGroups(r, profiles: false)) },
        .api(.post, "/api/v2/groups", "post_groups") { h, r in (200, try h.groups.createGroup(r)) },
        .api(.get, "/api/v2/groups/search", "get_groups_search") { h, r in (200, try h.groups.searchByToken(r)) },
        .api(.post, "/api/v2/groups/search", "post_groups_search") { h, r in (200, try h.groups.search(r)) },
        .api(.get, "/api/v2/groups/:id", "get_group") { h, r in (200, try h.groups.getGroup(r.id)) },
        .api(.put, "/api/v2/groups/:id", "put_group") { h, r in (200, try h.groups.updateGroup(r.id, r)) },
        .api(.delete, "/api/v2/groups/:id", "delete_group") { h, r in try h.groups.deleteGroup(r.id); return (200, nil) },
        .api(.get, "/api/v2/groups/:id/members", "get_group_members") { h, r in (200, try h.groups.listMembers(r.id, r)) },
        .api(.post, "/api/v2/groups/:id/members", "post_group_members") { h, r in _ = try h.groups.addMembers(r.id, r); return (202, nil) },
        .api(.delete, "/api/v2/groups/:id/members", "delete_group_members") { h, r in _ = try h.groups.removeMembers(r.id, r); return (202, nil) },
        .api(.get, "/api/v2/groups/:id/individuals", "get_group_individuals") { h, r in (200, try h.groups.listIndividuals(r.id)) },
        .api(.get, "/api/v2/groups/:id/profile", "get_group_profile") { h, r in (200, try h.groups.getProfile(r.id)) },
        .api(.get, "/api/v2/profiles/groups", "get_profiles_groups") { h, r in (200, try h.groups.listGroups(r, profiles: true)) },
        .api(.get, "/api/v2/fieldconfig", "get_fieldconfig") { h, r in (200, try h.groups.fieldConfig(r)) },

        .api(.get, "/api/v2/users", "get_users") { h, r in (200, try h.users.listUsers(r)) },
        .api(.get, "/api/v2/users/search", "get_users_search") { h, r in (200, try h.users.searchByToken(r)) },
        .api(.post, "/api/v2/users/search", "post_users_search") { h, r in (200, try h.users.search(r)) },
        .api(.get, "/api/v2/users/:id", "get_user") { h, r in (200, try h.users.getUser(r.id, r)) },

        .api(.get, "/api/v2/tokens/me", "get_tokens_me") { h, _ in (200, h.identity.tokenInfo()) },
        .api(.get, "/api/v2/organizations/me", "get_organizations_me") { h, _ in (200, h.identity.organization()) },

        Route(method: .post, path: "/oauth/token", action: .token),

        .hook(.get, "/_emulator/state") { e, _ in (200, e.org.withState { $0.exported() }) },
        .hook(.get, "/_emulator/stats") { e, _ in (200, e.stats.snapshot()) },
        .hook(.delete, "/_emulator/stats") { e, _ in e.stats.reset(); return (204, nil) },
        .hook(.post, "/_emulator/users") { e, r in (201, try e.handlers.users.createUser(r)) },
        .hook(.patch, "/_emulator/users/:id") { e, r in (200, try e.handlers.users.patchUser(r.id, r)) },
        .hook(.post, "/_emulator/faults") { e, r in try e.scriptedFaults.add(r); return (204, nil) },
        .hook(.delete, "/_emulator/faults") { e, _ in e.scriptedFaults.clear(); return (204, nil) },
    ]

    /// The operations it serves, by SDK name (for flags and hooks that name one: `--forbid`,
    /// `POST /_emulator/faults`).
    public static let servedOperations: Set<String> = Set(routes.compactMap(\.operation))
}
