import Foundation

/// Where the API and the token endpoint are.
public struct Environment: Sendable, Equatable {
    /// e.g. `https://api.mypurecloud.ie` or `http://127.0.0.1:8787`
    public let apiBase: String
    /// e.g. `https://login.mypurecloud.ie/oauth/token`; same origin as the API when it has no `api.` host
    public let tokenURL: String
    /// What the REPL prompt and logs call it: the domain, or the base URL.
    public let displayName: String

    /// The regions of Genesys Cloud: SDK key, AWS-style name, domain (contract §9.2).
    public static let regions: [(key: String, awsName: String, domain: String)] = [
        ("us_east_1", "us-east-1", "mypurecloud.com"),
        ("eu_west_1", "eu-west-1", "mypurecloud.ie"),
        ("ap_southeast_2", "ap-southeast-2", "mypurecloud.com.au"),
        ("ap_northeast_1", "ap-northeast-1", "mypurecloud.jp"),
        ("eu_central_1", "eu-central-1", "mypurecloud.de"),
        ("us_west_2", "us-west-2", "usw2.pure.cloud"),
        ("ca_central_1", "ca-central-1", "cac1.pure.cloud"),
        ("ap_northeast_2", "ap-northeast-2", "apne2.pure.cloud"),
        ("eu_west_2", "eu-west-2", "euw2.pure.cloud"),
        ("ap_south_1", "ap-south-1", "aps1.pure.cloud"),
        ("us_east_2", "us-east-2", "use2.us-gov-pure.cloud"),
        ("sa_east_1", "sa-east-1", "sae1.pure.cloud"),
        ("me_central_1", "me-central-1", "mec1.pure.cloud"),
        ("ap_northeast_3", "ap-northeast-3", "apne3.pure.cloud"),
        ("eu_central_2", "eu-central-2", "euc2.pure.cloud"),
        ("mx_central_1", "mx-central-1", "mxc1.pure.cloud"),
        ("ap_southeast_1", "ap-southeast-1", "apse1.pure.cloud"),
        ("eusc_de_east_1", "eusc-de-east-1", "edee1.eusc-pure.cloud"),
    ]

    public static let `default` = try! Environment.named("mypurecloud.com")

    /// A domain (`mypurecloud.ie`, also as `api.mypurecloud.ie`, or the `login.`/`apps.` host an
    /// admin copies from the browser), a region key (`eu_west_1` or `eu-west-1`), or, as in the
    /// `gc` CLI, `localhost:PORT` for plain http to a local emulator.
    public static func named(_ name: String) throws -> Environment {
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "localhost" || trimmed.hasPrefix("localhost:") || trimmed.hasPrefix("localhost/") {
            guard let port = trimmed.split(separator: ":", maxSplits: 1).dropFirst().first, !port.isEmpty else {
                throw ConfigurationError("environment 'localhost' needs the emulator's port: localhost:8787 (pclua emulator prints it)")
            }
            return try baseURL("http://\(trimmed)")
        }
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") {
            return try baseURL(trimmed)
        }
        if let region = region(named: trimmed) {
            return Environment(apiBase: "https://api.\(region.domain)", tokenURL: "https://login.\(region.domain)/oauth/token", displayName: region.domain)
        }
        let bare = withoutHostPrefix(trimmed)
        let names = regions.flatMap { [$0.domain, $0.key, $0.awsName] }
        if let guess = Validator.closest(bare, among: names) {
            throw ConfigurationError("unknown environment '\(name)' (did you mean \(guess)?)")
        }
        let known = regions.map(\.domain).joined(separator: ", ")
        throw ConfigurationError("unknown environment '\(name)': use a Genesys Cloud domain (\(known)), a region key such as eu_west_1, or localhost:PORT for the emulator")
    }

    /// The region a domain, host or key names: `mypurecloud.ie`, `api.`/`login.`/`apps.mypurecloud.ie`,
    /// `eu_west_1`, `eu-west-1`.
    static func region(named name: String) -> (key: String, awsName: String, domain: String)? {
        let bare = withoutHostPrefix(name.lowercased())
        return regions.first { $0.domain == bare || $0.key == bare || $0.awsName == bare }
    }

    /// `api.X`, `login.X` and `apps.X` all belong to the region of `X`.
    static func withoutHostPrefix(_ host: String) -> String {
        for prefix in ["api.", "login.", "apps."] where host.hasPrefix(prefix) { return String(host.dropFirst(prefix.count)) }
        return host
    }

    /// An explicit base URL. `https://api.X` gets its token from `https://login.X`; any other
    /// base URL gets it from `/oauth/token` on the same origin, as the official SDKs do. Plain
    /// http is refused unless the host is a loopback address: tokens and secrets would travel in clear.
    public static func baseURL(_ text: String) throws -> Environment {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, scheme == "http" || scheme == "https"
        else {
            throw ConfigurationError("base URL '\(text)' is not an http(s) URL such as https://api.mypurecloud.com or http://127.0.0.1:8787")
        }
        let lowerHost = host.lowercased()
        // The login or web-app host of a known region (copied from the browser, path and all)
        // means that region's API.
        if scheme == "https", components.port == nil, lowerHost.hasPrefix("login.") || lowerHost.hasPrefix("apps."),
           let region = region(named: lowerHost) {
            return Environment(apiBase: "https://api.\(region.domain)", tokenURL: "https://login.\(region.domain)/oauth/token", displayName: region.domain)
        }
        if components.path != "" && components.path != "/" {
            throw ConfigurationError("base URL '\(text)' must not have a path; give only scheme, host and port")
        }
        if scheme == "http" && !isLoopback(host) {
            throw ConfigurationError("refusing plain http to \(host): tokens would travel unencrypted; use https, or a loopback address (127.0.0.1, localhost) for the emulator")
        }
        if lowerHost.hasPrefix("api.") {
            var login = components
            login.host = "login." + lowerHost.dropFirst(4)
            return Environment(apiBase: trimmed, tokenURL: (login.string ?? trimmed) + "/oauth/token", displayName: String(lowerHost.dropFirst(4)))
        }
        return Environment(apiBase: trimmed, tokenURL: trimmed + "/oauth/token", displayName: trimmed)
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}

/// A configuration mistake: unknown environment, missing credential, bad option. Exit status 2.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
