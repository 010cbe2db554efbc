import ArgumentParser
import Foundation
import PureCloudEmulator

struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a local emulator of the Genesys Cloud Groups and Users APIs.",
        discussion: """
            Prints the listening URL and the accepted client credentials, then serves until interrupted.
            Point pclua at it with --base-url, or with environment localhost:PORT. See docs/emulator.md.
            """)

    @Option(help: "Port to listen on (0 picks a free one).") var port = 8787
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Load the org from this JSON file (format in docs/emulator.md).") var data: String?
    @Option(help: "Number of users of the generated demo org.") var seedUsers = 200
    @Option(help: "Number of groups of the generated demo org.") var seedGroups = 20
    @Option(help: "OAuth client id accepted by /oauth/token.") var clientId = EmulatorConfiguration.defaultClientId
    @Option(help: "OAuth client secret accepted by /oauth/token.") var clientSecret = EmulatorConfiguration.defaultClientSecret
    @Option(help: "Seconds an access token stays valid.") var tokenTtl = 86400
    @Option(help: "Requests per minute per token (0 = no limit).") var rateLimit = 300
    @Option(help: "Seconds in one rate-limit window (60 on the platform; shorter for quick tests).") var rateWindow = 60
    @Option(help: "Share of API requests answered with a random 502/503/504 (0...1).") var faultRate = 0.0
    @Option(help: "Share of API requests whose connection is dropped without an answer (0...1).") var dropRate = 0.0
    @Option(help: "Milliseconds added before every answer.") var latencyMs = 0
    @Option(help: "Seed that makes the sequence of faults reproducible.") var faultSeed: UInt64 = 1
    @Option(help: ArgumentHelp("The org's name, as tokens/me and organizations/me give it (default: the data file's, else \"\(PureCloudEmulator.defaultOrganizationName)\").", valueName: "name")) var orgName: String?
    @Option(help: ArgumentHelp("The org's id (default: the data file's, else the demo org's).", valueName: "id")) var orgId: String?
    @Option(help: ArgumentHelp("The OAuth client's name, as tokens/me gives it.", valueName: "name")) var clientName = EmulatorConfiguration.defaultClientName
    @Option(help: ArgumentHelp("Answer this operation with 403 missing.permissions (SDK name, e.g. get_tokens_me; repeatable).", valueName: "operation")) var forbid: [String] = []
    @Option(help: ArgumentHelp("Seconds before a user created or changed through /_emulator/users is seen by user search (the platform's search is eventually consistent).", valueName: "seconds")) var indexDelay = 0.0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1, got \(faultRate)") }
        guard (0...1).contains(dropRate) else { throw ValidationError("--drop-rate must be between 0 and 1, got \(dropRate)") }
        guard faultRate + dropRate <= 1 else { throw ValidationError("--fault-rate plus --drop-rate must not exceed 1") }
        guard tokenTtl >= 1 else { throw ValidationError("--token-ttl must be at least 1 second, got \(tokenTtl)") }
        guard rateWindow >= 1 else { throw ValidationError("--rate-window must be at least 1 second, got \(rateWindow)") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 (off) or more, got \(rateLimit)") }
        guard indexDelay.isFinite, (0...86400).contains(indexDelay) else { throw ValidationError("--index-delay must be between 0 and 86400 seconds, got \(indexDelay)") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative, got \(latencyMs)") }
        guard seedUsers >= 0, seedGroups >= 0 else { throw ValidationError("--seed-users and --seed-groups must not be negative") }
        guard !clientId.isEmpty, !clientSecret.isEmpty else { throw ValidationError("--client-id and --client-secret must not be empty") }
        for (flag, value) in [("--org-name", orgName), ("--org-id", orgId), ("--client-name", clientName)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(flag) must not be empty") }
        }
        for operation in forbid where !PureCloudEmulator.servedOperations.contains(operation) {
            throw ValidationError("--forbid \(operation): not an operation the emulator serves; use one of \(PureCloudEmulator.servedOperations.sorted().joined(separator: ", "))")
        }
    }

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.clientId = clientId
        configuration.clientSecret = clientSecret
        configuration.tokenTTL = tokenTtl
        configuration.rateLimit = rateLimit
        configuration.rateWindowSeconds = rateWindow
        configuration.faultRate = faultRate
        configuration.dropRate = dropRate
        configuration.latencyMilliseconds = latencyMs
        configuration.faultSeed = faultSeed
        configuration.indexDelaySeconds = indexDelay
        configuration.organizationName = orgName
        configuration.organizationId = orgId
        configuration.clientName = clientName
        configuration.forbiddenOperations = Set(forbid)
        configuration.data = data.map { .file($0) } ?? .demo(users: seedUsers, groups: seedGroups)
        let emulator: PureCloudEmulator
        do { emulator = try PureCloudEmulator(configuration: configuration) } catch {
            printError("pclua emulator: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let users = emulator.userCount, groups = emulator.groupCount, organization = emulator.organization
        do {
            try await emulator.run { boundPort in
                // The secret is printed here on purpose: it is the emulator's own, documented default
                // or one the operator just typed, and a client needs it to log in. The command to
                // try is quoted for the shell, so a secret with `!`, `$` or a space pastes as it is.
                let command = ShellWord.join(["pclua", "--base-url", "http://\(host):\(boundPort)", "--client-id", clientId,
                                              "--client-secret", clientSecret, "-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities)"])
                emit("""
                    pclua emulator listening on http://\(host):\(boundPort)
                      org: \(organization.name) (id \(organization.id)), \(users) users, \(groups) groups
                      client id: \(clientId)   client secret: \(clientSecret)
                      try: \(command)
                    """)
            }
        } catch {
            printError("pclua emulator: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
