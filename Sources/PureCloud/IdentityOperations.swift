/// Who a token belongs to, as data (../shared/api/identity-contract.md, read from the official
/// Python SDK 269.0.0's `TokensApi`, `OrganizationApi` and their models). pclua asks once per
/// client, before its first request, so that every run knows and names the org it talks to.
///
/// Contract notes (what was found, and the choices where it is silent):
/// - `GET /api/v2/tokens/me` answers `TokenInfo`: `organization` and `homeOrganization` as
///   NamedEntity `{id, name}`, `OAuthClient` (capital `OAuth` on the wire) `{id, name, ...}`,
///   `authorizedScope`. Its one query parameter is `preserveIdleTTL`. The grant type's values are
///   spelt with dashes in the SDK's model (`CLIENT-CREDENTIALS`, `SAML2-BEARER`), not underscores.
/// - `GET /api/v2/organizations/me` answers `Organization` (`id`, `name`, `thirdPartyOrgName`,
///   `domain`, ...): the fallback when `tokens/me` is refused; it does not name the OAuth client.
/// - The permissions either needs for a client-credentials token are not published: pclua treats a
///   403 on `tokens/me` as "ask `organizations/me`", and a refusal of both as "org unknown" (said on
///   the start line; `--expect-org` then stops the run, since it cannot be checked).
/// - Whether `homeOrganization` can differ from `organization` for client credentials is not
///   known: `organization` is the org written to; both are shown when they differ.
/// The two operations as the transport sends them, before the first request of a client.
enum IdentityOperations {
    static var tokensMe: Operation { TokensAPI.operations[0] }
    static var organizationsMe: Operation { OrganizationAPI.operations[0] }
    static let names: Set<String> = ["get_tokens_me", "get_organizations_me"]
}

public enum TokensAPI {
    public static let definition = APIDefinition(
        name: "TokensApi", variable: "tokens", summary: "Tokens: who the current token belongs to (org, OAuth client, scopes)",
        operations: operations)

    public static let operations: [Operation] = [
        Operation(
            name: "get_tokens_me", method: .get, effect: .read, path: "/api/v2/tokens/me", summary: "Fetch information about the current token",
            parameters: [Parameter("preserve_idle_ttl", "preserveIdleTTL", .query, .boolean,
                                   "Whether the idle timeout of the token is reset (true) or left as it is (false)")],
            body: nil, response: "TokenInfo", permissions: [], deprecated: false, paging: nil),
    ]
}

public enum OrganizationAPI {
    public static let definition = APIDefinition(
        name: "OrganizationApi", variable: "organization", summary: "Organization: the org of the current token", operations: operations)

    public static let operations: [Operation] = [
        Operation(
            name: "get_organizations_me", method: .get, effect: .read, path: "/api/v2/organizations/me", summary: "Get organization",
            parameters: [], body: nil, response: "Organization", permissions: [], deprecated: false, paging: nil),
    ]
}

extension Models {
    static let identityModels: [Model] = [
        Model(name: "NamedEntity", fields: [
            Field("id", .string, readOnly: true, "The globally unique identifier for the object."),
            Field("name", .string, "The name of the object."),
        ], summary: "An id and a name"),
        Model(name: "TokenInfo", fields: [
            Field("organization", .model("NamedEntity"), readOnly: true, "The current organization"),
            Field("homeOrganization", .model("NamedEntity"), readOnly: true, "The token's home organization"),
            Field("authorizedScope", .array(.string), readOnly: true, "The list of scopes authorized for the OAuth client"),
            Field("clonedUser", .map, readOnly: true, "Only present when a user is a clone of trustee user in the trustor org."),
            Field("dateTokenIdles", .dateTime, readOnly: true, "When the token idles out"),
            Field("OAuthClient", .model("OrgOAuthClient"), readOnly: true, "The OAuth client the token was issued to"),
        ], summary: "Who the current token belongs to"),
        Model(name: "OrgOAuthClient", fields: [
            Field("id", .string, readOnly: true, "The globally unique identifier for the object."),
            Field("name", .string, required: true, "The name of the OAuth client."),
            Field("dateCreated", .dateTime), Field("dateModified", .dateTime),
            Field("createdBy", .model("NamedEntity")), Field("modifiedBy", .model("NamedEntity")),
            Field("authorizedGrantType", .enumeration(["CODE", "TOKEN", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS"]), required: true,
                  "The OAuth Grant/Client type supported by this client."),
            Field("scope", .array(.string), "The scopes requested by this client"),
            Field("roleDivisions", .array(.map), "Roles and divisions of the client credentials grant"),
            Field("state", .enumeration(["active", "disabled", "inactive"]), "The state of the OAuth client"),
            Field("dateToDelete", .dateTime),
            Field("organization", .model("NamedEntity"), required: true, "The OAuth client's organization"),
        ], summary: "An OAuth client, as tokens/me names it"),
        Model(name: "Organization", fields: [
            Field("id", .string, readOnly: true, "The globally unique identifier for the object."),
            Field("name", .string), Field("defaultLanguage", .string), Field("defaultCountryCode", .string),
            Field("thirdPartyOrgName", .string, "The organization's short name, used in login URLs"),
            Field("thirdPartyURI", .string), Field("domain", .string),
            Field("version", .integer, "The current version of the organization."),
            Field("state", .enumeration(["active", "inactive", "deleted"])), Field("defaultSiteId", .string),
            Field("supportURI", .string), Field("voicemailEnabled", .boolean), Field("productPlatform", .string),
            Field("features", .map, "The state of features available for the organization."),
            Field("selfUri", .string, readOnly: true, "The URI for this object"),
        ], summary: "The organization of the current token"),
    ]
}
