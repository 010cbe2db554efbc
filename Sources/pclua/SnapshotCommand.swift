import Dispatch
import Foundation
import PureCloud

/// `pclua snapshot --out org.json`: a read-only copy of an org in the emulator's data format, for
/// `pclua rehearse`, `pclua emulator --data`, `--emulator-data` and `pclua diff`.
struct SnapshotCommand {
    static let subcommand = Subcommand(
        command: .snapshot, usage: "pclua snapshot --out <file> [options]",
        abstract: "Copy an org (users, groups, members) into a data file the emulator loads; reads only.",
        discussion: "Users (active and inactive), groups with every field and owner, and each group's direct members, with the fewest requests the API allows (pages of 500, one members listing per group), paced like any job. The file is written atomically with mode 0600: it holds personal data. Credentials come from the same places as for a script. See docs/rehearse.md.",
        run: { flags in try await SnapshotCommand(flags).run() })

    let out: String
    let groups: String?
    let quiet: Bool
    let connection: ConnectionFlags

    init(_ flags: CommandFlags) throws {
        out = flags.text(.out) ?? ""  // required: the parser has checked it is there
        groups = flags.text(.groups)
        quiet = flags.isOn(.progress)
        connection = try ConnectionFlags(flags)
    }

    func run() async throws {
        let log = connection.log
        let json = log.format == .json
        func report(_ message: String) {  // "pclua snapshot: ..." as text, or a JSON line
            OperatorMessage.error(message, json: json, prefix: "pclua snapshot")
        }
        let client: APIClient
        // --expect-org holds here too: a snapshot of the wrong org would later restore the wrong org.
        do { client = APIClient(configuration: try connection.clientConfiguration(log: log), log: log,
                                run: RunContext(log: log, expectedOrg: connection.expectedOrg)) } catch {
            report("\(error)")
            throw ExitCode(ExitStatus.usage)
        }
        var job = SnapshotJob(client: client, groupPattern: groups)
        let progress = ProgressLine(enabled: !quiet, log: log)
        job.progress = { what, done, total in progress.update("snapshot: \(what)", done: done, total: total) }
        let started = Date()
        let work = Task { try await job.run() }
        let signals = InterruptWatch { work.cancel() }
        defer { signals.stop() }
        let org: OrgData
        do {
            org = try await work.value
        } catch {
            progress.finish()
            if signals.fired {
                report("interrupted; \(out) was not written")
                throw ExitCode(ExitStatus.interrupted)
            }
            report("\(error); \(out) was not written")
            if let failure = error as? APIError, failure.operation == "authenticate", [400, 401].contains(failure.status) {
                throw ExitCode(ExitStatus.authentication)
            }
            if let failure = error as? APIError, ["org.mismatch", "org.unknown"].contains(failure.code) { throw ExitCode(ExitStatus.wrongOrg) }
            throw ExitCode(ExitStatus.scriptError)
        }
        progress.finish()
        do { try org.write(to: out) } catch {
            report("\(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let memberships = org.groups.reduce(0) { $0 + $1.members.count }
        let seconds = (Date().timeIntervalSince(started) * 10).rounded() / 10
        let of = org.organization.map { "org '\($0.name)' (id \($0.id)): " } ?? "an org that would not say which (restore then needs --allow-unknown-org): "
        OperatorMessage.say("\(of)\(org.users.count) users, \(org.groups.count) groups, \(memberships) memberships "
            + "in \(client.transport.counts.requests) requests, \(seconds) s; written to \(out) (mode 0600)", level: .info, json: json, prefix: "pclua snapshot")
        if signals.fired { throw ExitCode(ExitStatus.interrupted) }
    }
}

/// Ctrl-C and SIGTERM for commands that run no Lua: the handler cancels the work, which then ends
/// the way cancelled work ends (nothing half written).
final class InterruptWatch: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var flag = false

    var fired: Bool { lock.withLock { flag } }

    init(_ onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                lock.withLock { flag = true }
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}
