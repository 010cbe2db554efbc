import Foundation
import Synchronization

/// Access tokens minted by `POST /oauth/token`, and their expiry.
final class TokenIssuer: Sendable {
    private let tokens = Mutex<[String: Date]>([:])
    let clientId: String
    let clientSecret: String
    let ttl: Int

    init(clientId: String, clientSecret: String, ttl: Int) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.ttl = ttl
    }

    enum Check { case valid, missing, unknown, expired }

    func all() -> [String] { tokens.withLock { Array($0.keys) } }

    func check(_ token: String?) -> Check {
        guard let token else { return .missing }
        return tokens.withLock { tokens in
            guard let expiry = tokens[token] else { return .unknown }
            return expiry > Date() ? .valid : .expired
        }
    }

    /// The OAuth client-credentials grant (contract §9.1). Errors are OAuth-style bodies, not ErrorBody.
    func issue(authorization: String?, form: String) -> (status: Int, body: JSON) {
        func oauthError(_ status: Int, _ error: String, _ description: String) -> (Int, JSON) {
            (status, object(["error": .string(error), "description": .string(description), "error_description": .string(description)]))
        }
        let fields = QueryParameters(form)
        guard let grant = fields.first("grant_type") else {
            return oauthError(400, "invalid_request", "grant_type is required")
        }
        guard grant == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "grant type '\(grant)' is not supported; use client_credentials")
        }
        guard let authorization, authorization.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else {
            return oauthError(401, "invalid_client", "client authentication is required (HTTP Basic with the client id and secret)")
        }
        let id = String(pair[..<colon]), secret = String(pair[pair.index(after: colon)...])
        guard id == clientId else { return oauthError(400, "invalid_client", "client not found") }
        guard secret == clientSecret else { return oauthError(401, "invalid_client", "authentication failed") }
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        tokens.withLock { $0[token] = Date().addingTimeInterval(TimeInterval(ttl)) }
        return (200, object(["access_token": .string(token), "token_type": .string("bearer"), "expires_in": .int(ttl)]))
    }
}
