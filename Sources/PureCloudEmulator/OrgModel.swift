import Foundation

/// A user of the emulated org: the fields a Groups or Users client reads (contract: users-api §3).
struct EmulatedUser: Sendable {
    var id: String
    var name: String
    var email: String?
    /// The login name; the data file's default is the email.
    var username: String?
    var state: String
    var division: EmulatedDivision = .home
    /// When the user was created or last changed through the emulator's test hooks (seconds on a
    /// monotonic clock), or nil for users loaded at start-up. `--index-delay` hides a user from
    /// search until this is old enough.
    var changedAt: Double? = nil
}

/// The division a user belongs to (users are divisioned, groups are not: contract §6).
struct EmulatedDivision: Sendable, Equatable, Codable {
    var id: String
    var name: String

    /// Every org has a Home division; users without one in the data file are in it.
    static let home = EmulatedDivision(id: "a7d0d6a6-6d4a-4a6c-9a0e-000000000001", name: "Home")
}

/// Seconds on a monotonic clock, for `--index-delay` (wall-clock jumps must not reveal or hide users).
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// A phone contact of a group (GroupContact in the contract).
struct EmulatedContact: Sendable, Equatable, Codable {
    var address: String
    var `extension`: String?
    var type: String
    var mediaType: String
}

/// A group as the emulator keeps it. Membership is stored as ordered id lists plus sets for
/// constant-time checks, because a migration test asks "is u a member" thousands of times.
struct EmulatedGroup: Sendable {
    var id: String
    var name: String
    var description: String?
    var type: String
    var visibility: String
    var rulesVisible: Bool
    var rolesEnabled: Bool?
    var includeOwners: Bool?
    var callsEnabled: Bool?
    var email: String?
    var state: String = "active"
    var version: Int = 1
    var dateModified: String
    var addresses: [EmulatedContact] = []
    /// Direct members ("individuals"), in the order they were added.
    var individualIds: [String] = []
    var individualSet: Set<String> = []
    var ownerIds: [String] = []

    /// `/members` lists individuals and owners (contract §3: "includes individuals, owners, and
    /// dynamically included people"); the emulator has no dynamic rules.
    var memberIds: [String] {
        var seen = individualSet
        var all = individualIds
        for owner in ownerIds where !seen.contains(owner) {
            seen.insert(owner)
            all.append(owner)
        }
        return all
    }

    var memberCount: Int {
        individualIds.count + ownerIds.reduce(0) { $0 + (individualSet.contains($1) ? 0 : 1) }
    }

    mutating func addIndividuals(_ ids: [String]) -> Int {
        var added = 0
        for id in ids where !individualSet.contains(id) {
            individualSet.insert(id)
            individualIds.append(id)
            added += 1
        }
        return added
    }

    mutating func removeIndividuals(_ ids: Set<String>) -> Int {
        let before = individualIds.count
        individualIds.removeAll { ids.contains($0) }
        individualSet.subtract(ids)
        return before - individualIds.count
    }
}

/// Enumerations the emulator checks requests against (contract §2).
enum GroupEnums {
    static let type = ["official", "social"]
    static let visibility = ["public", "owners", "members"]
    /// GroupUpdate's published enum says `ownerIds`, most likely a typo for `owners`; both are accepted.
    static let updateVisibility = ["public", "owners", "members", "ownerIds"]
    static let state = ["active", "inactive", "deleted"]
    /// `state` on GET /users: the three states, or every user.
    static let userListState = ["active", "inactive", "deleted", "any"]
    /// `state` on GET /users/{id} (the published enum).
    static let userGetState = ["active", "deleted"]
    static let contactType = ["GROUPRING", "GROUPPHONE"]
    static let contactMediaType = ["PHONE"]
    static let fieldConfigType = ["person", "group", "org", "externalContact"]
    static let userExpand = [
        "routingStatus", "presence", "integrationPresence", "conversationSummary", "outOfOffice",
        "geolocation", "station", "authorization", "lasttokenissued", "authorization.unusedRoles",
        "team", "workPlanBidRanks", "externalContactsSettings", "groups", "customAttributes",
        "profileSkills", "certifications", "locations", "skills", "languages", "languagePreference",
        "employerInfo", "biography", "dateLastLogin", "dateWelcomeSent",
    ]
    static let searchCriteriaType = [
        "EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM", "TERMS", "REQUIRED_FIELDS", "MATCH_ALL",
    ]
    static let searchOperator = ["AND", "OR", "NOT"]
    static let searchSortOrder = ["ASC", "DESC", "SCORE"]
}

/// ISO-8601 with milliseconds in UTC, the form Genesys sends (`2026-11-27T10:00:00.000Z`).
/// Written by hand because Foundation's formatters are not Sendable and are slow in a hot path.
func isoTimestamp(_ date: Date = Date()) -> String {
    let seconds = date.timeIntervalSince1970
    var time = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&time, &parts)
    let millis = Int((seconds - seconds.rounded(.down)) * 1000)
    return String(
        format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
        Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
        Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
}
