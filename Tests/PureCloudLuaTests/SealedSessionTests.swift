import EmulatorTestSupport
import LuaKit
import PureCloud
import PureCloudEmulator
import PureCloudLua
import XCTest

/// A rehearsal's session is sealed to its emulator: whatever the script asks for, no request goes
/// anywhere else (issue 11 item 3). The class emulator plays the rehearsal's; a second one plays
/// the real org that must never be reached.
final class SealedSessionTests: ModuleTestCase {
    nonisolated(unsafe) static var elsewhere: (PureCloudEmulator, RunningEmulator)?

    override class func setUp() {
        super.setUp()
        elsewhere = ClassEmulator.start { _ in }
    }

    override class func tearDown() {
        ClassEmulator.stop(elsewhere?.1)
        super.tearDown()
    }

    var other: RunningEmulator { Self.elsewhere!.1 }

    func otherRequests() -> Int {
        let emulator = Self.elsewhere!.0
        return ["get_groups", "get_group", "post_groups", "oauth_token", "get_users", "unknown"].reduce(0) { $0 + emulator.requestCount($1) }
    }

    func sealedState() throws -> (LuaState, LockedLines) {
        var settings = SessionSettings()
        settings.environment = try Environment.baseURL(baseURL)
        settings.credentials = .clientCredentials(id: EmulatorConfiguration.defaultClientId, secret: Secret(EmulatorConfiguration.defaultClientSecret))
        try settings.seal()
        let lines = LockedLines()
        let state = try LuaState()
        PurecloudModule.install(into: state, session: PurecloudSession(settings: settings, log: EventLog(level: .warn, format: .text) { lines.append($0) }))
        return (state, lines)
    }

    func testNothingAScriptCallsLeavesTheSealedEmulator() throws {
        let before = try requestCount("get_groups"), otherBefore = otherRequests()
        let (state, lines) = try sealedState()
        let port = other.baseURL.split(separator: ":").last!
        try lua("""
            local elsewhere = "localhost:\(port)"
            local token = purecloud.authenticate_with_client_credentials("\(EmulatorConfiguration.defaultClientId)", "\(EmulatorConfiguration.defaultClientSecret)", elsewhere)
            purecloud.configure{ access_token = token }
            assert(#purecloud.GroupsApi.new():get_groups{}.entities > 0)
            purecloud.configure{ environment = elsewhere, client_id = "x", client_secret = "y" }
            assert(#purecloud.GroupsApi.new():get_groups{}.entities > 0)
            local a = purecloud.GroupsApi.new{ base_url = "\(other.baseURL)", client_id = "x", client_secret = "y" }
            local u = purecloud.UsersApi.new{ environment = elsewhere, access_token = "t" }
            assert(#a:get_groups{}.entities > 0)
            assert(u:get_users{}.entities ~= nil)
            assert(tostring(a):find("\(baseURL)", 1, true), tostring(a))
            """, in: state)
        XCTAssertEqual(otherRequests() - otherBefore, 0, "the other emulator received no request")
        XCTAssertEqual(try requestCount("get_groups") - before, 3, "they all went to the sealed one")
        let warnings = lines.all.filter { $0.contains("sealed rehearsal") }
        XCTAssertEqual(warnings.count, 4, lines.all.joined(separator: "\n"))
        XCTAssertFalse(lines.all.joined().contains("client_secret = \"y\""))
    }

    func testAnUnsealedSessionStillConnectsWhereItIsTold() throws {
        let otherBefore = otherRequests()
        try lua("""
            local a = purecloud.GroupsApi.new{ base_url = "\(other.baseURL)", client_id = "\(EmulatorConfiguration.defaultClientId)", client_secret = "\(EmulatorConfiguration.defaultClientSecret)" }
            assert(#a:get_groups{}.entities > 0)
            """)
        XCTAssertGreaterThan(otherRequests() - otherBefore, 0, "the control: without the seal the request goes out")
    }
}
