import Foundation

/// Reads parts of an org as they are now, in the data file's form, for the way back: chosen
/// groups (fields, owners, direct members) and chosen people (in any state), side by side under
/// the client's pacer. A group that is gone is simply absent.
struct OrgReader: Sendable {
    let client: APIClient

    /// The groups with these ids (gone ones left out), and the people their listings name.
    func groups(_ ids: [String]) async throws -> OrgData {
        let unique = ids.uniqued { $0.lowercased() }
        let width = max(1, client.configuration.concurrency)
        let read = try await MembershipBatchJob.eachSideBySide(unique.count, width: width) { index -> (OrgData.Group, [OrgData.User])? in
            let id = unique[index]
            let group: JSONValue
            do {
                guard let found = try await client.call("get_group", ["group_id": .string(id)]) else { return nil }
                group = found
            } catch let error as APIError where error.status == 404 {
                return nil
            }
            let listing = try await client.call("get_group_individuals", ["group_id": .string(id)])
            let entities = listing?["entities"]?.arrayValue ?? []
            return (Self.group(group, members: entities.compactMap { $0["id"]?.stringValue }), entities.compactMap(SnapshotJob.user))
        }
        var org = OrgData()
        var people: [String: OrgData.User] = [:]
        for case let (group, users)? in read {
            org.groups.append(group)
            for user in users { people[user.id.lowercased()] = user }
        }
        org.users = Array(people.values)
        return org
    }

    /// A group answer (get_group, a listing entity) as the data file keeps it.
    static func group(_ entity: JSONValue, members: [String]) -> OrgData.Group {
        var fields = OrgData.groupDefaults
        if case let .object(all) = entity {
            for member in all where OrgData.groupFields.contains(member.key) && member.value != .null { fields[member.key] = member.value }
        }
        return OrgData.Group(id: entity["id"]?.stringValue ?? "", name: entity["name"]?.stringValue ?? "", fields: fields,
                             members: members, owners: (entity["owners"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["id"]?.stringValue })
    }

    /// These people in any state (deleted included); ids that are nobody's are left out.
    func users(_ ids: [String]) async throws -> [OrgData.User] {
        let batches = ids.uniqued { $0.lowercased() }.chunked(UsersAPI.maximumIdsPerRequest)
        let width = max(1, client.configuration.concurrency)
        let pages = try await MembershipBatchJob.eachSideBySide(batches.count, width: width) { index in
            let page = try await client.call("get_users", [
                "id": .array(batches[index].map(JSONValue.string)), "state": .string("any"),
                "page_size": .int(Int64(UsersAPI.maximumIdsPerRequest)),
            ])
            return (page?["entities"]?.arrayValue ?? []).compactMap(SnapshotJob.user)
        }
        return pages.flatMap { $0 }
    }

    /// Every group of the org, listed by pages of 500 (fields and owners, no members).
    func groupListing() async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var number: Int64 = 1
        while true {
            let page = try await client.call("get_groups", ["page_size": .int(500), "page_number": .int(number)])
            let entities = page?["entities"]?.arrayValue ?? []
            all += entities
            if number >= page?["pageCount"]?.intValue ?? 0 || entities.isEmpty { return all }
            number += 1
        }
    }
}
