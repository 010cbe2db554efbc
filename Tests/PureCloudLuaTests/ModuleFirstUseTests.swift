import EmulatorTestSupport
import LuaKit
import PureCloud
import PureCloudEmulator
import PureCloudLua
import XCTest

/// `purecloud` is built on its first use (CLuaShim's lazy.c): whatever that use is, and on
/// whichever thread, the script then sees the whole module and its calls work.
final class ModuleFirstUseTests: ModuleTestCase {
    /// Each way a script may touch the module first, then a call that reaches the org.
    func testEveryKindOfFirstUseBuildsTheWholeModule() throws {
        let firstUses = [
            "local _ = purecloud.null",
            "purecloud.mine = 1 assert(purecloud.mine == 1)",
            "for _ in pairs(purecloud) do end",
            "assert(#purecloud == 0)",
            "assert(tostring(purecloud):match('^table: '))",
            "assert(require('purecloud') == purecloud and purecloud.GroupsApi)",
            // A coroutine's thread builds it: nothing of another thread's stack is touched.
            "assert(coroutine.wrap(function() return purecloud.GroupsApi end)())",
            "local co = coroutine.create(function() coroutine.yield(purecloud.version) end) assert(select(2, coroutine.resume(co)))",
        ]
        for use in firstUses {
            let state = try makeState()
            try lua("""
                assert(rawget(purecloud, "GroupsApi") == nil, "not built before its first use")
                \(use)
                assert(type(rawget(purecloud, "GroupsApi")) == "table", "built by: " .. \(luaQuoted(use)))
                assert(getmetatable(purecloud) == nil)
                local page = purecloud.GroupsApi.new():get_groups{ page_size = 1 }
                assert(page.entities and #page.entities == 1)
                """, in: state)
        }
    }

    /// A task's call made inside a coroutine that was created before the module's first use
    /// still passes its wait on (the coroutine functions are pclua's from the start).
    func testACoroutineMadeBeforeTheFirstUseRunsATasksCalls() throws {
        try lua("""
            local co = coroutine.wrap(function()
              return purecloud.GroupsApi.new():get_groups{ page_size = 2 }
            end)
            local results = purecloud.map({ 1 }, function() return #co().entities end)
            assert(results[1] == 2, tostring(results[1]))
            """)
    }

    /// The lazy metatable's functions, taken out and called on another table, build nothing.
    func testTheFirstUseMachineryCannotBeTurnedOnAnotherTable() throws {
        try lua("""
            local mt = getmetatable(purecloud)
            local other = {}
            assert(mt.__index(other, "null") == nil and next(other) == nil and getmetatable(other) == nil)
            mt.__newindex(other, "k", 1)
            assert(other.k == 1)
            -- The builder itself, reached through the debug library: it builds once, into a table.
            local _, control = debug.getupvalue(mt.__index, 1)
            local build = control.build
            assert(not pcall(build, 42))
            assert(rawget(purecloud, "null") == nil, "still not built")
            assert(purecloud.null and getmetatable(purecloud) == nil)
            local ok, err = pcall(build, {})
            assert(not ok and tostring(err):find("built once"), tostring(err))
            """)
    }

    /// The first use runs inside the script's call: the script's own hooks stay set, and a first
    /// use that fails for the script's reasons (here its hook raises) leaves the module to be
    /// built by a later use.
    func testAFirstUseKeepsTheScriptsHooksAndAFailedOneIsTriedAgain() throws {
        try lua("""
            local count = 0
            local function counter() count = count + 1 end
            debug.sethook(counter, "", 100)
            local _ = purecloud.version
            assert(debug.gethook() == counter, "the script's hook was kept")
            debug.sethook()
            """)
        try lua("""
            local refused = false
            debug.sethook(function()
              if not refused and debug.getinfo(2, "S").source:find("prelude") then refused = true; error("the hook says no") end
            end, "l")
            local ok, err = pcall(function() return purecloud.null end)
            debug.sethook()
            assert(not ok and tostring(err):find("the hook says no"), tostring(err))
            assert(getmetatable(purecloud) ~= nil and next(purecloud) == nil, "empty and lazy again")
            assert(purecloud.null and purecloud.GroupsApi.new():get_groups{ page_size = 1 }.entities[1])
            """)
    }

    /// First used when the script has filled Lua's heap: the module is built outside Lua's limit
    /// (host mode), or the script gets "not enough memory"; the process goes on either way.
    func testAFirstUseWithAFullHeapIsAnErrorOrWorksNeverACrash() throws {
        let state = try LuaState(memoryLimit: 16 << 20)
        var settings = SessionSettings()
        settings.environment = try Environment.baseURL(baseURL)
        settings.credentials = .clientCredentials(id: EmulatorConfiguration.defaultClientId, secret: Secret(EmulatorConfiguration.defaultClientSecret))
        PurecloudModule.install(into: state, session: PurecloudSession(settings: settings, log: EventLog(level: .warn, format: .text) { _ in }))
        try lua("""
            local hog = {}
            local ok, err = pcall(function() for i = 1, 1e9 do hog[i] = ("x"):rep(64) .. i end end)
            assert(not ok and tostring(err):find("not enough memory"), tostring(err))
            local built, why = pcall(function() return purecloud.null end)
            assert(built or tostring(why):find("not enough memory"), tostring(why))
            hog = nil
            collectgarbage()
            """, in: state)
    }

    private func luaQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
