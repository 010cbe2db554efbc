/// How the emulator's entities look on the wire (contract §2). Absent fields are left out.
enum Render {
    static func group(_ g: EmulatedGroup) -> JSON {
        object([
            "id": .string(g.id),
            "name": .string(g.name),
            "description": g.description.json,
            "dateModified": .string(g.dateModified),
            "memberCount": .int(g.memberCount),
            "state": .string(g.state),
            "version": .int(g.version),
            "type": .string(g.type),
            "addresses": g.addresses.isEmpty ? nil : .array(g.addresses.map(contact)),
            "rulesVisible": .bool(g.rulesVisible),
            "visibility": .string(g.visibility),
            "rolesEnabled": g.rolesEnabled.json,
            "includeOwners": g.includeOwners.json,
            "callsEnabled": g.callsEnabled.json,
            "email": g.email.json,
            "owners": g.ownerIds.isEmpty ? nil : .array(g.ownerIds.map { userStub($0) }),
            "selfUri": .string("/api/v2/groups/\(g.id)"),
        ])
    }

    static func contact(_ c: EmulatedContact) -> JSON {
        object([
            "address": .string(c.address),
            "extension": c.extension.json,
            "display": .string(c.address),
            "type": .string(c.type),
            "mediaType": .string(c.mediaType),
        ])
    }

    static func userStub(_ id: String) -> JSON {
        object(["id": .string(id), "selfUri": .string("/api/v2/users/\(id)")])
    }

    /// A user as the members listings show it. Expansions the emulator can answer meaningfully
    /// are filled in; the others are accepted and left out (docs/emulator.md).
    static func user(_ u: EmulatedUser, expand: Set<String>, groupIds: [String] = []) -> JSON {
        object([
            "id": .string(u.id),
            "name": .string(u.name),
            "division": object(["id": .string(u.division.id), "name": .string(u.division.name), "selfUri": .string("/api/v2/authorization/divisions/\(u.division.id)")]),
            "chat": object(["jabberId": .string(userJabberId(u.id))]),
            "email": u.email.json,
            "state": .string(u.state),
            "username": u.username.json,
            "version": .int(1),
            "presence": expand.contains("presence") ? object([
                "presenceDefinition": object(["id": .string("6a3af858-942f-489d-9700-5f9bcdcdae9b"), "systemPresence": .string("Available")]),
                "modifiedDate": .string("2026-01-01T00:00:00.000Z"),
            ]) : nil,
            "routingStatus": expand.contains("routingStatus") ? object([
                "userId": .string(u.id), "status": .string("OFF_QUEUE"), "startTime": .string("2026-01-01T00:00:00.000Z"),
            ]) : nil,
            "groups": expand.contains("groups") ? .array(groupIds.map { object(["id": .string($0), "selfUri": .string("/api/v2/groups/\($0)")]) }) : nil,
            "selfUri": .string("/api/v2/users/\(u.id)"),
        ])
    }

    static func profile(_ g: EmulatedGroup) -> JSON {
        object([
            "id": .string(g.id),
            "name": .string(g.name),
            "state": .string(g.state),
            "dateModified": .string(g.dateModified),
            "version": .int(g.version),
            "selfUri": .string("/api/v2/groups/\(g.id)/profile"),
        ])
    }

    /// The emulator's made-up chat address of a user (`jabberId` filter of GET /users).
    static func userJabberId(_ id: String) -> String {
        id + userJabberIdSuffix
    }

    static let userJabberIdSuffix = "@emulator.pclua"
}
