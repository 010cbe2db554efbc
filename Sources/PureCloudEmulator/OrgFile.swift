import Foundation

/// The data-file format of `--data FILE`, also what `GET /_emulator/state` returns, so a state
/// can be saved and loaded again. docs/emulator.md describes it.
struct OrgFile: Codable {
    struct User: Codable {
        var id: String
        var name: String
        var email: String?
        /// Defaults to the email.
        var username: String?
        var state: String?
        /// Defaults to the Home division.
        var division: EmulatedDivision?
    }

    /// Every field the emulator serves for a group is here, so a saved state loads back unchanged;
    /// all but `name` are optional, so files written before a field existed still load.
    struct Group: Codable {
        var id: String?
        var name: String
        var description: String?
        var type: String?
        var visibility: String?
        var rulesVisible: Bool?
        var state: String?
        var version: Int?
        var dateModified: String?
        var rolesEnabled: Bool?
        var includeOwners: Bool?
        var callsEnabled: Bool?
        var email: String?
        var addresses: [EmulatedContact]?
        var members: [String]?
        var owners: [String]?
    }

    /// The org the file is a copy of (snapshots write it); files without one are the demo org's.
    var organization: EmulatedOrganization?
    var users: [User]
    var groups: [Group]
}

enum OrgLoadError: Error, CustomStringConvertible {
    case unreadable(String, String)
    case invalid(String, String)

    var description: String {
        switch self {
        case let .unreadable(path, why): return "cannot read data file \(path): \(why)"
        case let .invalid(path, why): return "data file \(path) is not a valid org: \(why)"
        }
    }
}

extension OrgState {
    static func load(path: String) throws -> OrgState {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw OrgLoadError.unreadable(path, (error as NSError).localizedDescription)
        }
        let file: OrgFile
        do { file = try JSONDecoder().decode(OrgFile.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            let place = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OrgLoadError.invalid(path, "missing '\(key.stringValue)'" + (place.isEmpty ? " (an org data file has \"users\" and \"groups\")" : " at \(place)"))
        } catch let DecodingError.typeMismatch(_, context) {
            throw OrgLoadError.invalid(path, "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw OrgLoadError.invalid(path, "not JSON of the documented shape (\(error))")
        }
        return try OrgState(file: file, source: path)
    }

    init(file: OrgFile, source: String) throws {
        self.init()
        if let named = file.organization {
            guard !named.id.trimmingCharacters(in: .whitespaces).isEmpty, !named.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw OrgLoadError.invalid(source, "organization needs a non-empty id and name")
            }
            organization = named
        }
        users.reserveCapacity(file.users.count)
        userOrder.reserveCapacity(file.users.count)
        let now = isoTimestamp()
        for user in file.users {
            if userIdsByKey[Self.idKey(user.id)] != nil { throw OrgLoadError.invalid(source, "user id \(user.id) appears twice (ids are compared ignoring case)") }
            let state = user.state ?? "active"
            guard GroupEnums.state.contains(state) else { throw OrgLoadError.invalid(source, "user \(user.id) has state '\(state)'; use one of \(GroupEnums.state.joined(separator: ", "))") }
            // A user without an email keeps none (some real ones have none), so a snapshot loads unchanged.
            let email = user.email
            insert(user: EmulatedUser(id: user.id, name: user.name, email: email, username: user.username ?? email, state: state, division: user.division ?? .home))
        }
        var names = Set<String>()
        for (index, entry) in file.groups.enumerated() {
            let where_ = "group #\(index + 1) (\(entry.name))"
            guard names.insert(entry.name.lowercased()).inserted else { throw OrgLoadError.invalid(source, "\(where_): the name is used twice") }
            let type = entry.type ?? "official", visibility = entry.visibility ?? "public"
            guard GroupEnums.type.contains(type) else { throw OrgLoadError.invalid(source, "\(where_): type '\(type)' is not one of \(GroupEnums.type.joined(separator: ", "))") }
            guard GroupEnums.visibility.contains(visibility) else { throw OrgLoadError.invalid(source, "\(where_): visibility '\(visibility)' is not one of \(GroupEnums.visibility.joined(separator: ", "))") }
            var group = EmulatedGroup(
                id: entry.id ?? UUID().uuidString.lowercased(), name: entry.name, description: entry.description,
                type: type, visibility: visibility, rulesVisible: entry.rulesVisible ?? true,
                rolesEnabled: entry.rolesEnabled, includeOwners: entry.includeOwners, callsEnabled: entry.callsEnabled,
                email: entry.email, dateModified: entry.dateModified ?? now)
            group.state = entry.state ?? "active"
            guard GroupEnums.state.contains(group.state) else { throw OrgLoadError.invalid(source, "\(where_): state '\(group.state)' is not one of \(GroupEnums.state.joined(separator: ", "))") }
            group.version = entry.version ?? 1
            // Versions are int32 on the platform; a larger one would overflow when a write bumps it.
            guard (1...Int(Int32.max)).contains(group.version) else {
                throw OrgLoadError.invalid(source, "\(where_): version \(group.version) is not between 1 and \(Int32.max)")
            }
            for contact in entry.addresses ?? [] {
                guard GroupEnums.contactType.contains(contact.type), GroupEnums.contactMediaType.contains(contact.mediaType) else {
                    throw OrgLoadError.invalid(source, "\(where_): address type must be one of \(GroupEnums.contactType.joined(separator: ", ")) and mediaType \(GroupEnums.contactMediaType.joined(separator: ", "))")
                }
            }
            group.addresses = entry.addresses ?? []
            if groupIdsByKey[Self.idKey(group.id)] != nil { throw OrgLoadError.invalid(source, "\(where_): id \(group.id) is used twice (ids are compared ignoring case)") }
            for id in (entry.members ?? []) + (entry.owners ?? []) where users[userId(id)] == nil {
                throw OrgLoadError.invalid(source, "\(where_): member or owner \(id) is not a user in the file")
            }
            _ = group.addIndividuals((entry.members ?? []).map(userId))
            group.ownerIds = GroupsHandlers.unique((entry.owners ?? []).map(userId))
            insert(group: group)
        }
    }

    /// A deterministic demo org: the same counts always give the same ids, names and memberships.
    static func demo(users userCount: Int, groups groupCount: Int) -> OrgState {
        var rng = SplitMix64(seed: 20_261_127)
        var state = OrgState()
        state.users.reserveCapacity(userCount)
        state.userOrder.reserveCapacity(userCount)
        let first = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "John",
                     "Radia", "Edsger", "Hedy", "Donald", "Katherine", "Niklaus", "Sophie", "Tim", "Joan", "Guido"]
        let last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen",
                    "Backus", "Perlman", "Dijkstra", "Lamarr", "Knuth", "Johnson", "Wirth", "Wilson", "Berners-Lee", "Clarke", "van Rossum"]
        func uuid() -> String {
            let a = rng.next(), b = rng.next()
            let hex = String(format: "%016llx%016llx", a, b)
            let c = Array(hex)
            return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
        }
        for index in 0..<userCount {
            let f = first[index % first.count], l = last[(index / first.count) % last.count]
            let number = String(format: "%05d", index + 1)
            var user = EmulatedUser(
                id: uuid(), name: "\(f) \(l) \(number)",
                email: "\(f.lowercased()).\(l.lowercased().replacingOccurrences(of: " ", with: ""))\(number)@example.com",
                username: nil, state: "active")
            user.username = user.email
            state.insert(user: user)
        }
        let teams = ["Sales", "Support", "Billing", "Onboarding", "Escalations", "Retention", "Outbound", "Quality",
                     "Workforce", "Chat", "Email", "Social", "Partners", "Operations", "Training", "Night Shift"]
        // A fixed date: the demo org, data file included, is the same on every start.
        let now = "2026-01-01T00:00:00.000Z"
        for index in 0..<groupCount {
            let team = teams[index % teams.count]
            let round = index / teams.count + 1
            var group = EmulatedGroup(
                id: uuid(), name: "\(team) \(String(format: "%03d", round))",
                description: "Demo group \(index + 1) of the emulator", type: index % 5 == 4 ? "social" : "official",
                visibility: index % 7 == 6 ? "members" : "public", rulesVisible: true, dateModified: now)
            if userCount > 0 {
                let size = min(userCount, 10 + Int(rng.next() % 41))
                var picked: [String] = []
                let start = Int(rng.next() % UInt64(userCount))
                for offset in 0..<size { picked.append(state.userOrder[(start + offset * 7) % userCount]) }
                _ = group.addIndividuals(picked)
                group.ownerIds = [state.userOrder[(start + 3) % userCount]]
            }
            state.insert(group: group)
        }
        return state
    }

    /// The org in the data-file format: every field the emulator serves, so loading it gives back
    /// the same org (derived fields such as `memberCount` and `selfUri` are left out).
    func exported() -> JSON {
        object([
            "organization": object(["id": .string(organization.id), "name": .string(organization.name)]),
            "users": .array(userOrder.compactMap { users[$0] }.map { u in
                object([
                    "id": .string(u.id), "name": .string(u.name), "email": u.email.json, "username": u.username.json,
                    "state": .string(u.state),
                    "division": object(["id": .string(u.division.id), "name": .string(u.division.name)]),
                ])
            }),
            "groups": .array(groupOrder.compactMap { groups[$0] }.map { g in
                object([
                    "id": .string(g.id), "name": .string(g.name), "description": g.description.json,
                    "type": .string(g.type), "visibility": .string(g.visibility), "rulesVisible": .bool(g.rulesVisible),
                    "state": .string(g.state), "version": .int(g.version), "dateModified": .string(g.dateModified),
                    "rolesEnabled": g.rolesEnabled.json, "includeOwners": g.includeOwners.json,
                    "callsEnabled": g.callsEnabled.json, "email": g.email.json,
                    "addresses": g.addresses.isEmpty ? nil : .array(g.addresses.map { c in
                        object(["address": .string(c.address), "extension": c.extension.json, "type": .string(c.type), "mediaType": .string(c.mediaType)])
                    }),
                    "members": .array(g.individualIds.map(JSON.string)), "owners": .array(g.ownerIds.map(JSON.string)),
                ])
            }),
        ])
    }
}
