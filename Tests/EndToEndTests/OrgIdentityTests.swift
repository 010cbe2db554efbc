import Foundation
import PureCloudEmulator
import XCTest

/// Issue 19.1: a run knows which org it talks to, names it before anything is sent, stops when it
/// is not the expected one, and takes its credentials from the command line first.
final class OrgIdentityTests: EmulatorBackedTestCase {
    static let orgId = "0f8e3c1a-7b2d-4c5e-9f60-123456789abc"

    override class func configure(_ c: inout EmulatorConfiguration) {
        c.organizationName = "Acme Staging"
        c.organizationId = orgId
        c.clientName = "nightly sync"
    }

    let write = "local api = purecloud.GroupsApi.new(); local g = api:post_groups{ name = 'Org check ' .. os.time() .. math.random(1e6), type = 'official', visibility = 'public', rulesVisible = true }; api:delete_group(g.id); print('wrote')"

    func testARunThatCanWriteNamesTheOrgOnceBeforeItsFirstRequest() throws {
        let before = emulator.requestCount("get_tokens_me")
        let run = try pclua(["-e", write + "; for _ = 1, 3 do api:get_groups{} end"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "wrote\n")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1, run.stderr)
        let line = lines.first ?? ""
        XCTAssertTrue(line.hasPrefix("pclua: run "), line)
        for part in ["'Acme Staging'", "(id \(Self.orgId))", "at \(baseURL)", "OAuth client 'nightly sync'"] {
            XCTAssertTrue(line.contains(part), "\(part) missing from: \(line)")
        }
        let runId = line.split(separator: " ")[2]
        XCTAssertTrue(runId.range(of: #"^\d{8}-\d{6}-[0-9a-f]{6}$"#, options: .regularExpression) != nil, String(runId))
        XCTAssertEqual(emulator.requestCount("get_tokens_me") - before, 1, "asked once per client, never per call")

        // --quiet keeps it off a terminal only: stderr here is a pipe, as in cron.
        let quiet = try pclua(["--quiet", "-e", write])
        XCTAssertTrue(quiet.stderr.contains("talks to org 'Acme Staging'"), quiet.stderr)
        // A dry run cannot write: no line, but the start line is in the info log.
        let dry = try pclua(["--dry-run", "--log-level", "info", "-e", write])
        XCTAssertFalse(dry.stderr.contains("talks to org"), dry.stderr)
        XCTAssertTrue(dry.stderr.contains("INFO run started") && dry.stderr.contains("org_id=\(Self.orgId)"), dry.stderr)
    }

    func testJSONLogsCarryTheRunIdOnEveryLineAndTheOrgOnTheStartLine() throws {
        let run = try pclua(["--log-format", "json", "--log-level", "debug", "-e", write])
        XCTAssertEqual(run.status, 0, run.stderr)
        let records = run.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(records.count, run.stderr.split(separator: "\n").count, "every line is JSON: \(run.stderr)")
        let runIds = Set(records.compactMap { $0["run_id"] as? String })
        XCTAssertEqual(runIds.count, 1, "one run id on every line: \(run.stderr)")
        XCTAssertTrue(records.allSatisfy { $0["run_id"] != nil })
        let start = records.first { $0["message"] as? String == "run started" }
        XCTAssertEqual(start?["org_id"] as? String, Self.orgId)
        XCTAssertEqual(start?["org_name"] as? String, "Acme Staging")
        XCTAssertEqual(start?["environment"] as? String, baseURL)
        XCTAssertEqual(start?["client"] as? String, "nightly sync")
        let firstRequest = records.firstIndex { ($0["message"] as? String)?.contains("post_groups") == true }
        let startIndex = records.firstIndex { $0["message"] as? String == "run started" }
        XCTAssertNotNil(startIndex)
        XCTAssertLessThan(startIndex ?? .max, firstRequest ?? .max, "named before the first write")
    }

    func testExpectOrgStopsBeforeAnyRequestWhenTheOrgIsAnother() throws {
        let groupsBefore = try groups().count
        let writesBefore = emulator.requestCount("post_groups") + emulator.requestCount("get_groups")
        let wrong = try pclua(["--expect-org", "Acme Production", "-e", write])
        XCTAssertEqual(wrong.status, 6, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("not 'Acme Production'") && wrong.stderr.contains("'Acme Staging'"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("nothing was sent"), wrong.stderr)
        XCTAssertEqual(wrong.stdout, "")
        XCTAssertEqual(emulator.requestCount("post_groups") + emulator.requestCount("get_groups"), writesBefore)
        XCTAssertEqual(try groups().count, groupsBefore)

        // The environment sets it for cron; the command line wins over it.
        let fromEnvironment = try pclua(["-e", write], environment: credentials.merging(["PCLUA_EXPECT_ORG": "Other Org"]) { $1 })
        XCTAssertEqual(fromEnvironment.status, 6, fromEnvironment.stderr)
        let flagWins = try pclua(["--expect-org", " \(Self.orgId.uppercased()) ", "-e", write],
                                 environment: credentials.merging(["PCLUA_EXPECT_ORG": "Other Org"]) { $1 })
        XCTAssertEqual(flagWins.status, 0, "an id in any case and spacing names the org: \(flagWins.stderr)")
        let byName = try pclua(["--expect-org", "acme staging", "-e", write])
        XCTAssertEqual(byName.status, 0, byName.stderr)
        // A pcall cannot get past it: every call of the client stops.
        let caught = try pclua(["--expect-org", "Elsewhere", "-e", "local api = purecloud.GroupsApi.new(); print(pcall(api.get_groups, api, {})); print(pcall(api.get_groups, api, {}))"])
        XCTAssertEqual(caught.stdout.components(separatedBy: "org.mismatch").count - 1, 2, caught.stdout)
    }

    func testAnExplicitProfileIsUsedWholeAndTheEnvironmentsCredentialsAreNamedNotUsed() throws {
        let home = try ShellRun.scratchDirectory()
        let gc = home.appendingPathComponent(".gc")
        try FileManager.default.createDirectory(at: gc, withIntermediateDirectories: true)
        try """
            [staging]
            environment = "localhost:\(port)"
            client_credentials = "\(EmulatorConfiguration.defaultClientId)"
            client_secret = "\(EmulatorConfiguration.defaultClientSecret)"
            """.write(to: gc.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        chmod(gc.appendingPathComponent("config.toml").path, 0o600)
        // The environment names another org (nothing listens there) with its own secret.
        let environment = [
            "HOME": home.path, "PURECLOUD_CLIENT_ID": "org-a-client", "PURECLOUD_SECRET": "org-a-secret-value",
            "PURECLOUD_ENVIRONMENT": "localhost:9",
        ]
        let run = try PcluaProcess.run(["--profile", "staging", "-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities > 0)"], environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "true\n")
        XCTAssertTrue(run.stderr.contains("--profile staging is used as a whole; ignored the environment variables PURECLOUD_ENVIRONMENT, PURECLOUD_CLIENT_ID, PURECLOUD_SECRET"), run.stderr)
        XCTAssertTrue(run.stderr.contains("talks to org 'Acme Staging'"), run.stderr)
        XCTAssertFalse(run.stderr.contains("org-a-secret-value") || run.stderr.contains("org-a-client"), "names only, never values: \(run.stderr)")
    }
}

/// tokens/me refused: organizations/me names the org; both refused: the org is unknown, said so,
/// and --expect-org stops the run rather than guess.
final class OrgIdentityFallbackTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.organizationName = "Acme Staging"
        c.forbiddenOperations = ["get_tokens_me"]
    }

    func testOrganizationsMeNamesTheOrgWhenTokensMeIsRefused() throws {
        let run = try pclua(["-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities > 0)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("talks to org 'Acme Staging'"), run.stderr)
        XCTAssertFalse(run.stderr.contains("OAuth client"), "organizations/me does not name the client: \(run.stderr)")
        let expected = try pclua(["--expect-org", "Acme Staging", "-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities > 0)"])
        XCTAssertEqual(expected.status, 0, expected.stderr)
    }
}

final class OrgIdentityUnknownTests: EmulatorBackedTestCase {
    override class func configure(_ c: inout EmulatorConfiguration) {
        c.forbiddenOperations = ["get_tokens_me", "get_organizations_me"]
    }

    func testAnUnknownOrgIsSaidAndExpectOrgRefusesToGuess() throws {
        let run = try pclua(["-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities > 0)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("an org pclua could not identify (tokens/me and organizations/me were refused: HTTP 403"), run.stderr)
        let before = emulator.requestCount("get_groups")
        let refused = try pclua(["--expect-org", "Acme Staging", "-e", "print(#purecloud.GroupsApi.new():get_groups{}.entities > 0)"])
        XCTAssertEqual(refused.status, 6, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--expect-org Acme Staging cannot be checked"), refused.stderr)
        XCTAssertEqual(emulator.requestCount("get_groups"), before)
    }
}
