import Foundation
import PureCloudEmulator

struct EmulatorCommand {
    static let subcommand = Subcommand(
        command: .emulator, usage: "pclua emulator [--port <n>] [--data <file>] [options]",
        abstract: "Serve a local emulator of the Genesys Cloud Groups and Users APIs.",
        discussion: """
            Prints the listening URL and the accepted client credentials, then serves until interrupted. \
            Point pclua at it with --base-url, or with environment localhost:PORT. See docs/emulator.md.
            """,
        run: { flags in try await EmulatorCommand(flags).run() })

    let port, seedUsers, seedGroups, tokenTtl, rateLimit, rateWindow, latencyMs: Int
    let host, clientId, clientSecret, clientName: String
    let data, orgName, orgId: String?
    let faultRate, dropRate, indexDelay: Double
    let faultSeed: UInt64
    let forbid: [String]

    /// The flags, each checked against its declared range by the parser; what no single range says
    /// is checked here.
    init(_ flags: CommandFlags) throws {
        port = flags.count(.port)
        host = flags.text(.host) ?? "127.0.0.1"
        data = flags.text(.emulatorFile)
        seedUsers = flags.count(.seedUsers)
        seedGroups = flags.count(.seedGroups)
        clientId = flags.text(.acceptedClientId) ?? EmulatorConfiguration.defaultClientId
        clientSecret = flags.text(.acceptedClientSecret) ?? EmulatorConfiguration.defaultClientSecret
        clientName = flags.text(.clientName) ?? EmulatorConfiguration.defaultClientName
        tokenTtl = flags.count(.tokenTTL)
        rateLimit = flags.count(.requestsPerMinute)
        rateWindow = flags.count(.rateWindow)
        faultRate = flags.fraction(.faultRate)
        dropRate = flags.fraction(.dropRate)
        latencyMs = flags.count(.latency)
        faultSeed = UInt64(clamping: flags.count(.faultSeed))  // declared 0 and up
        orgName = flags.text(.orgName)
        orgId = flags.text(.orgId)
        forbid = flags.texts(.forbid)
        indexDelay = flags.seconds(.indexDelay)
        guard faultRate + dropRate <= 1 else { throw CommandFlags.UsageError(description: "--fault-rate plus --drop-rate must not exceed 1") }
        for (flag, value) in [("--org-name", orgName), ("--org-id", orgId), ("--client-name", clientName)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw CommandFlags.UsageError(description: "\(flag) must not be blank") }
        }
        for operation in forbid where !PureCloudEmulator.servedOperations.contains(operation) {
            throw CommandFlags.UsageError(description: "--forbid \(operation): not an operation the emulator serves; use one of \(PureCloudEmulator.servedOperations.sorted().joined(separator: ", "))")
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
