import Foundation

/// The emulator's own test hooks for users (`POST /_emulator/users`, `PATCH /_emulator/users/{id}`):
/// the platform creates and changes users through APIs the emulator does not serve, and tests need
/// to make a user appear, go inactive or be deleted while a client runs. Both count as changes for
/// `--index-delay` (search serves the previous record meanwhile). No token is needed, as for the
/// other `/_emulator/*` endpoints.
extension UsersHandlers {
    /// Body: a user as in the data file (`id` optional: a fresh one is made). Answers 201 with the
    /// user as the API shows it.
    func createUser(_ request: EmulatorRequest) throws -> JSON {
        let body = try BodyReader(model: "User", request: request)
        let id = try body.string("id")?.trimmingCharacters(in: .whitespaces) ?? UUID().uuidString.lowercased()
        guard !id.isEmpty else { throw APIFailure.badRequest("User.id must not be blank") }
        // The id becomes a path segment (GET /users/{id}): a '/' or a blank inside it could never be named there.
        guard !id.contains(where: { $0 == "/" || $0.isWhitespace }) else {
            throw APIFailure.badRequest("User.id must not contain '/' or whitespace: '\(id)'")
        }
        let name = try Self.userName(body.string("name", required: true)!)
        let email = try body.string("email")
        var user = EmulatedUser(
            id: id, name: name, email: email, username: try body.string("username") ?? email,
            state: try body.enumValue("state", allowed: GroupEnums.state) ?? "active",
            division: try Self.division(body) ?? .home)
        user.changedAt = monotonicSeconds()
        return try org.withState { state in
            if let existing = state.userIdsByKey[OrgState.idKey(id)] {
                throw APIFailure(status: 409, code: "general.conflict", message: "A user with ID \(existing) already exists (ids are compared ignoring case)")
            }
            try Self.requireFreeEmail(email, except: nil, state)
            state.insert(user: user)
            return Self.render(user, expand: [], state: state)
        }
    }

    /// Body: the fields to change (`name`, `email`, `username`, `state`, `division`). Answers 200
    /// with the user as the API shows it.
    func patchUser(_ id: String, _ request: EmulatorRequest) throws -> JSON {
        let body = try BodyReader(model: "User", request: request)
        let name = try body.string("name").map(Self.userName), email = try body.string("email"), username = try body.string("username")
        let newState = try body.enumValue("state", allowed: GroupEnums.state)
        let division = try Self.division(body)
        return try org.withState { state in
            guard var user = state.users[state.userId(id)] else {
                throw APIFailure(status: 404, code: "general.resource.not.found", message: "Unable to find a user with ID \(id)")
            }
            try Self.requireFreeEmail(email, except: user.id, state)
            // Search keeps serving the record it has indexed until --index-delay after the last
            // change; a record changed again before it was indexed never was (so a user created
            // and changed within the delay stays unseen).
            let now = monotonicSeconds()
            // Records whose user has since been indexed are served no more: drop them, so search
            // keeps looking at a handful.
            let delay = indexDelay
            state.usersAsIndexed = state.usersAsIndexed.filter { entry in
                state.users[entry.key]?.changedAt.map { now - $0 < delay } ?? false
            }
            if indexDelay > 0, user.changedAt.map({ now - $0 >= indexDelay }) ?? true {
                state.usersAsIndexed[user.id] = user
            }
            if let name { user.name = name }
            if let email { user.email = email }
            if let username { user.username = username }
            if let newState { user.state = newState }
            if let division { user.division = division }
            user.changedAt = now
            state.insert(user: user)
            return Self.render(user, expand: [], state: state)
        }
    }

    /// A user's name as given; blank is refused (every user the platform lists has a name).
    static func userName(_ name: String) throws -> String {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw APIFailure.badRequest("User.name must not be empty") }
        return name
    }

    /// Emails are unique in the org, ignoring case (deleted users' included): the platform signs
    /// users in by email, and scripts resolve users by it, so two holders would make that ambiguous.
    static func requireFreeEmail(_ email: String?, except id: String?, _ state: OrgState) throws {
        guard let email else { return }
        let wanted = email.lowercased()
        if let holder = state.users.values.first(where: { $0.id != id && $0.email?.lowercased() == wanted }) {
            throw APIFailure(status: 409, code: "general.conflict", message: "The email \(email) is already used by user \(holder.id) (emails are compared ignoring case)")
        }
    }

    static func division(_ body: BodyReader) throws -> EmulatedDivision? {
        guard let value = body.value("division") else { return nil }
        guard case let .object(members) = value else { throw APIFailure.badRequest("User.division must be an object with id and name") }
        let reader = BodyReader(model: "Division", fields: members)
        return EmulatedDivision(id: try reader.string("id", required: true)!, name: try reader.string("name", required: true)!)
    }
}
