import Foundation

/// The emulator's data file (docs/emulator.md) as the client side reads and writes it: what a
/// snapshot of a real org produces, what `pclua diff` and `pclua rehearse` compare. Written from the
/// documented format and sharing no code with the emulator, so each side checks the other.
public struct OrgData: Sendable, Equatable {
    public struct User: Sendable, Equatable {
        public var id: String
        public var name: String
        public var email: String?
        public var username: String?
        public var state: String
        public var division: JSONValue?

        public init(id: String, name: String, email: String? = nil, username: String? = nil, state: String = "active", division: JSONValue? = nil) {
            self.id = id
            self.name = name
            self.email = email
            self.username = username
            self.state = state
            self.division = division
        }
    }

    public struct Group: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Every other field of the group, as the API serves it (description, type, visibility, ...).
        public var fields: [String: JSONValue]
        /// Direct members (`/individuals`), then owners, as user ids.
        public var members: [String]
        public var owners: [String]

        public init(id: String, name: String, fields: [String: JSONValue] = [:], members: [String] = [], owners: [String] = []) {
            self.id = id
            self.name = name
            self.fields = fields
            self.members = members
            self.owners = owners
        }
    }

    /// The org the file is a copy of (`tokens/me`'s organization when the snapshot was taken);
    /// nil in files written before snapshots recorded it. `pclua restore` refuses another org's file.
    public struct Organization: Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public var organization: Organization?
    public var users: [User]
    public var groups: [Group]

    public init(organization: Organization? = nil, users: [User] = [], groups: [Group] = []) {
        self.organization = organization
        self.users = users
        self.groups = groups
    }

    /// The group fields a data file carries besides id, name, members and owners, in the order
    /// they are written. Others that a server may send (memberCount, selfUri, images) are derived
    /// or not settable, so a snapshot leaves them out.
    /// What a data file means when it leaves these out (docs/emulator.md).
    public static let groupDefaults: [String: JSONValue] = [
        "type": .string("official"), "visibility": .string("public"), "rulesVisible": .bool(true), "state": .string("active"),
    ]

    public static let groupFields = [
        "description", "type", "visibility", "rulesVisible", "rolesEnabled", "includeOwners", "callsEnabled",
        "email", "addresses", "state", "version", "dateModified",
    ]
}

/// A data file that cannot be read, with the file and the place in it.
public struct OrgDataError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Reading

extension OrgData {
    /// Reads a data file; every mistake names the file and the entry.
    public static func load(path: String) throws -> OrgData {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw OrgDataError("cannot read \(path): no such file") }
        guard !isFolder.boolValue else { throw OrgDataError("cannot read \(path): it is a folder") }
        guard access(path, R_OK) == 0 else { throw OrgDataError("cannot read \(path): permission denied") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw OrgDataError("cannot read \(path)") }
        defer { try? handle.close() }
        let bytes = (try? handle.readToEnd()) ?? Data()
        guard !bytes.isEmpty else { throw OrgDataError("\(path) is empty: a snapshot or an emulator data file is expected") }
        guard let json = JSONValue.parse(bytes) else { throw OrgDataError("\(path) is not JSON") }
        return try OrgData(json: json, source: path)
    }

    public init(json: JSONValue, source: String) throws {
        guard case .object = json, json["users"]?.arrayValue != nil, json["groups"]?.arrayValue != nil else {
            throw OrgDataError("\(source) is not an org data file: it needs \"users\" and \"groups\" arrays (pclua snapshot writes one)")
        }
        func list(_ key: String) throws -> [JSONValue] {
            guard let value = json[key] else { return [] }
            guard let items = value.arrayValue else { throw OrgDataError("\(source): \"\(key)\" must be an array") }
            return items
        }
        func text(_ entry: JSONValue, _ key: String, _ place: String, required: Bool = false) throws -> String? {
            switch entry[key] {
            case nil, .null?:
                if required { throw OrgDataError("\(source): \(place) has no \"\(key)\"") }
                return nil
            case let .string(s)?: return s
            case let other?: throw OrgDataError("\(source): \(place).\(key) must be a string, not \(other.typeName)")
            }
        }
        func ids(_ entry: JSONValue, _ key: String, _ place: String) throws -> [String] {
            guard let value = entry[key], value != .null else { return [] }
            guard let items = value.arrayValue else { throw OrgDataError("\(source): \(place).\(key) must be an array of user ids") }
            return try items.enumerated().map { index, item in
                // Owners may be written as ids or as the API's user stubs ({ "id": ... }).
                if let id = item.stringValue ?? item["id"]?.stringValue { return id }
                throw OrgDataError("\(source): \(place).\(key)[\(index + 1)] is not a user id")
            }
        }

        if let named = json["organization"], named != .null {
            guard let id = try text(named, "id", "organization", required: true), let name = try text(named, "name", "organization", required: true),
                  !id.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw OrgDataError("\(source): \"organization\" needs an id and a name")
            }
            organization = Organization(id: id, name: name)
        }
        users = try list("users").enumerated().map { index, entry in
            let place = "users[\(index + 1)]"
            guard case .object = entry else { throw OrgDataError("\(source): \(place) is not an object") }
            return User(
                id: try text(entry, "id", place, required: true)!, name: try text(entry, "name", place) ?? "",
                email: try text(entry, "email", place), username: try text(entry, "username", place),
                state: try text(entry, "state", place) ?? "active", division: entry["division"])
        }
        groups = try list("groups").enumerated().map { index, entry in
            let place = "groups[\(index + 1)]"
            guard case let .object(members) = entry else { throw OrgDataError("\(source): \(place) is not an object") }
            // The documented defaults of the data file, so a hand-written file and the state the
            // emulator loads from it compare equal.
            var fields = OrgData.groupDefaults
            for member in members where OrgData.groupFields.contains(member.key) && member.value != .null {
                fields[member.key] = member.value
            }
            return Group(
                id: try text(entry, "id", place) ?? "", name: try text(entry, "name", place, required: true)!,
                fields: fields, members: try ids(entry, "members", place), owners: try ids(entry, "owners", place))
        }
    }
}

// MARK: - Writing

extension OrgData.User {
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(id)), ("name", .string(name))]
        if let email { members.append(("email", .string(email))) }
        if let username { members.append(("username", .string(username))) }
        members.append(("state", .string(state)))
        if let division { members.append(("division", division)) }
        return .object(members)
    }
}

extension OrgData.Organization {
    var json: JSONValue { .object([("id", .string(id)), ("name", .string(name))]) }
}

extension OrgData.Group {
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(id)), ("name", .string(name))]
        for key in OrgData.groupFields { if let value = fields[key] { members.append((key, value)) } }
        members.append(("members", .array(self.members.map(JSONValue.string))))
        members.append(("owners", .array(owners.map(JSONValue.string))))
        return .object(members)
    }
}

extension OrgData {
    /// The data file's JSON: users, then groups, fields in a stable order so two snapshots of the
    /// same org are the same bytes.
    public var json: JSONValue {
        .object((organization.map { [("organization", $0.json)] } ?? []) + [("users", .array(users.map(\.json))), ("groups", .array(groups.map(\.json)))])
    }

    /// The same JSON as bytes, one user or group a line, encoded entry by entry: a snapshot of
    /// 100,000 users never holds the whole document as a tree.
    public func encodedLines() -> [UInt8] {
        var out: [UInt8] = []
        func section<Entry>(_ name: String, _ entries: [Entry], _ json: (Entry) -> JSONValue, last: Bool) {
            out.append(contentsOf: "  \"\(name)\": [".utf8)
            for (index, entry) in entries.enumerated() {
                out.append(contentsOf: (index == 0 ? "\n    " : ",\n    ").utf8)
                json(entry).encode(into: &out)
            }
            out.append(contentsOf: (entries.isEmpty ? "]" : "\n  ]").utf8)
            out.append(contentsOf: (last ? "\n" : ",\n").utf8)
        }
        out.append(contentsOf: "{\n".utf8)
        if let organization {
            out.append(contentsOf: "  \"organization\": ".utf8)
            organization.json.encode(into: &out)
            out.append(contentsOf: ",\n".utf8)
        }
        section("users", users, \.json, last: false)
        section("groups", groups, \.json, last: true)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// Writes the file atomically with mode 0600 (it holds personal data): a temporary file beside
    /// it, flushed, then renamed over the target, so a reader never sees half a file and an
    /// interrupted run leaves the old file (or none) in place.
    public func write(to path: String) throws {
        try AtomicFile.write(encodedLines(), to: path)
    }
}

extension JSONValue {
    /// The encoding with one array element per line at the top two levels: still JSON, but a
    /// data file of 100,000 users can be read and diffed with ordinary tools.
    public func encodedLines() -> [UInt8] {
        guard case let .object(sections) = self else { return encoded() }
        var out: [UInt8] = [UInt8(ascii: "{"), 0x0A]
        for (index, section) in sections.enumerated() {
            out.append(contentsOf: "  ".utf8)
            JSONValue.encodeString(section.key, into: &out)
            out.append(contentsOf: ": ".utf8)
            if case let .array(items) = section.value, !items.isEmpty {
                out.append(contentsOf: "[\n".utf8)
                for (i, item) in items.enumerated() {
                    out.append(contentsOf: "    ".utf8)
                    item.encode(into: &out)
                    out.append(contentsOf: (i + 1 < items.count ? ",\n" : "\n").utf8)
                }
                out.append(contentsOf: "  ]".utf8)
            } else {
                section.value.encode(into: &out)
            }
            out.append(contentsOf: (index + 1 < sections.count ? ",\n" : "\n").utf8)
        }
        out.append(contentsOf: "}\n".utf8)
        return out
    }
}
