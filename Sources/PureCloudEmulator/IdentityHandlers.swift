/// The org an emulator plays, and the OAuth client it accepts: what `tokens/me` and
/// `organizations/me` answer (shared/api/identity-contract.md). The org's id and name are part of
/// the data file, so a snapshot of a real org rehearses as that org.
struct EmulatedOrganization: Sendable, Equatable, Codable {
    var id: String
    var name: String

    /// The demo org's, and that of a data file written before files named their org.
    static let demo = EmulatedOrganization(id: "5e1f3c2a-9d4b-4e6f-8a7c-0b1d2e3f4a5b", name: "Demo Org")
}

/// `GET /api/v2/tokens/me` (TokenInfo) and `GET /api/v2/organizations/me` (Organization).
struct IdentityHandlers: Sendable {
    let org: Org
    let clientId: String
    let clientName: String

    func tokenInfo() -> JSON {
        let organization = org.withState { $0.organization }
        let named = object(["id": .string(organization.id), "name": .string(organization.name)])
        return object([
            "organization": named,
            "homeOrganization": named,
            "authorizedScope": .array([.string("groups"), .string("users:readonly")]),
            "OAuthClient": object([
                "id": .string(clientId), "name": .string(clientName),
                "authorizedGrantType": .string("CLIENT-CREDENTIALS"),
                "scope": .array([.string("groups"), .string("users:readonly")]),
                "state": .string("active"),
                "organization": named,
            ]),
        ])
    }

    func organization() -> JSON {
        let organization = org.withState { $0.organization }
        return object([
            "id": .string(organization.id), "name": .string(organization.name),
            "defaultLanguage": .string("en-us"), "defaultCountryCode": .string("US"),
            "thirdPartyOrgName": .string(Self.shortName(organization.name)),
            "domain": .string(Self.shortName(organization.name)),
            "version": .int(1), "state": .string("active"), "voicemailEnabled": .bool(false),
            "productPlatform": .string("PureCloud"),
            "features": object([:]),
            "selfUri": .string("/api/v2/organizations/\(organization.id)"),
        ])
    }

    /// The org's short name as the platform spells it in login URLs: lower case, letters and digits.
    static func shortName(_ name: String) -> String {
        let kept = name.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" }
        let text = String(kept).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return text.isEmpty ? "org" : text
    }
}
