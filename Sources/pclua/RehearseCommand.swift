import ArgumentParser
import Foundation
import PureCloud
import PureCloudEmulator

/// `pclua rehearse --snapshot org.json [--plan-out plan.json] script.lua [args...]`: the script runs
/// in full against an in-process emulator loaded from the snapshot, sealed like any `--emulator-data`
/// run, and its effect on the copy is printed as a plan (the same plan `pclua diff` prints).
enum RehearseCommand {
    static let usage = """
        usage: pclua rehearse --snapshot org.json [--plan-out plan.json] [--limit N] [--rate-limit N]
                              [pclua and lua options] script.lua [args...]
          --snapshot FILE    the org to rehearse on (pclua snapshot writes one; any emulator data file works)
          --plan-out FILE    also write the plan as JSON (mode 0600)
          --limit N          people listed per group and direction in the printed plan (default 10, 0: all)
          --rate-limit N     requests a minute the real org allows, for the time estimate (default 300)
        The script's output and exit status are kept; the plan follows its output. See docs/rehearse.md.
        """

    struct Options {
        var snapshot: String?
        var planOut: String?
        var limit = 10
        var rateLimit = OrgPlan.defaultRatePerMinute
    }

    /// Reads rehearse's own flags (they come first), then hands the rest to lua.c's command line.
    static func main(_ argv: [[UInt8]], from start: Int) async {
        var options = Options()
        var index = start
        func value(_ name: String) -> String? {
            guard index + 1 < argv.count else { return nil }
            index += 1
            return String(decoding: argv[index], as: UTF8.self)
        }
        while index < argv.count {
            let text = String(decoding: argv[index], as: UTF8.self)
            let (name, inline) = text.hasPrefix("--") && text.contains("=")
                ? (String(text.prefix { $0 != "=" }), String(text.drop { $0 != "=" }.dropFirst())) : (text, nil)
            switch name {
            case "--snapshot": options.snapshot = inline ?? value(name)
            case "--plan-out": options.planOut = inline ?? value(name)
            case "--limit", "--rate-limit":
                guard let raw = inline ?? value(name), let number = Int(raw), number >= (name == "--limit" ? 0 : 1), number <= 1_000_000 else {
                    fail("\(name) needs a whole number (\(name == "--limit" ? "0 or more" : "1 or more"))")
                }
                if name == "--limit" { options.limit = number } else { options.rateLimit = number }
            case "-h", "--help":
                emit(usage)
                exit(ExitStatus.success)
            default:
                break
            }
            if ["--snapshot", "--plan-out", "--limit", "--rate-limit"].contains(name) {
                index += 1
                continue
            }
            break
        }
        guard let snapshot = options.snapshot else { fail("--snapshot FILE is required (pclua snapshot --out FILE makes one)") }
        let before: OrgData
        do { before = try OrgData.load(path: snapshot) } catch { fail("\(error)") }

        let line: LuaCommandLine
        let command: RunCommand
        do {
            line = try LuaCommandLine.parse(argv, from: index)
            command = try RunCommand.parse(line.longFlags)
        } catch {
            fail("\(error)")
        }
        guard line.script != nil || line.hasChunk else { fail("give the script to rehearse (or -e 'chunk')") }
        if command.emulator || command.baseUrl != nil || command.environment != nil || command.profile != nil
            || command.clientId != nil || command.clientSecret != nil || command.accessToken != nil || command.emulatorData != nil {
            fail("a rehearsal runs on its snapshot only; leave out --emulator, --emulator-data, --base-url, --environment, --profile and credentials")
        }

        var status = ExitStatus.success
        do {
            try await command.run(line, rehearsal: RunCommand.Rehearsal(snapshot: snapshot) { emulator in
                report(before: before, emulator: emulator, options: options)
            })
        } catch let code as ExitCode {
            status = code.rawValue
        } catch {
            printError("pclua rehearse: \(error)")
            status = ExitStatus.scriptError
        }
        exit(status)
    }

    /// Called once the script has ended, however it ended, with the emulator it ran against.
    static func report(before: OrgData, emulator: PureCloudEmulator, options: Options) {
        let after: OrgData
        do {
            guard let json = JSONValue.parse(Array(emulator.exportedState().utf8)) else { throw OrgDataError("the emulator's state is not JSON") }
            after = try OrgData(json: json, source: "the rehearsal's final state")
        } catch {
            printError("pclua rehearse: cannot read the final state: \(error)")
            return
        }
        let plan = OrgDiff.plan(before: before, after: after)
        let (requests, writes) = emulator.requestTotals()
        var text = "\n--- Rehearsal plan (nothing was sent to the real org) ---\n" + plan.text(limit: options.limit, ratePerMinute: options.rateLimit)
        text += "The script sent \(requests) requests (\(writes) writes) to the copy; at \(options.rateLimit) a minute the real run takes about "
            + "\(OrgPlan.duration(requests, options.rateLimit)).\n"
        fflush(nil)  // every C stream: the script's io.write output first, then the plan
        emit(text, terminator: "")
        if let path = options.planOut {
            var json = plan.json(ratePerMinute: options.rateLimit)
            if case var .object(members) = json {
                members.append(("rehearsal", .object([("requests", .int(Int64(requests))), ("writes", .int(Int64(writes)))])))
                json = .object(members)
            }
            do { try AtomicFile.write(json.encodedLines(), to: path) } catch { printError("pclua rehearse: \(error)") }
        }
    }

    static func fail(_ message: String) -> Never {
        printError("pclua rehearse: \(message)")
        exit(ExitStatus.usage)
    }
}
