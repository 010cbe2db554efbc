import Foundation
import LuaKit
import XCTest

/// Issue 20.2 and 20.3 at the LuaKit level: the checked reader of values crossing into Swift, the
/// state's memory limit, and errors that keep their kind.
final class LuaCheckedTests: XCTestCase {
    struct Refusal: LuaPersonMessage, CustomStringConvertible {
        var description: String { "the plan was refused" }
    }

    struct Unconfigured: LuaPersonMessage, CustomStringConvertible {
        var description: String { "no credentials" }
        var isConfiguration: Bool { true }
    }

    /// A state with `check(value)`, which reads its argument as a whole number from 1 to 100 and
    /// `opts(t)`, which reads an option table { n = 1...10, x = 0.5...2, name = string, retry = { tries } }.
    func makeState(memoryLimit: Int? = nil) throws -> LuaState {
        let state = try LuaState(memoryLimit: memoryLimit)
        state.setGlobal("check") { call in
            call.push(function: "check") { c in
                c.push(try LuaArguments(c, function: "check").integer(1, in: 1...100) ?? -1)
                return 1
            }
        }
        state.setGlobal("opts") { call in
            call.push(function: "opts") { c in
                let options = try LuaOptionTable(c, index: 1, function: "opts", position: 1, known: ["n", "x", "name", "retry"])
                let n = try options.integer("n", in: 1...10) ?? 0
                let x = try options.number("x", in: 0.5...2) ?? 0
                let name = try options.string("name", maxBytes: 16) ?? ""
                let tries = try options.table("retry", known: ["tries"])?.integer("tries", in: 1...3) ?? 0
                c.push("\(n) \(x) \(name) \(tries)")
                return 1
            }
        }
        state.setGlobal("refuse") { call in call.push(function: "refuse") { _ in throw Refusal() } }
        state.setGlobal("unconfigured") { call in call.push(function: "unconfigured") { _ in throw Unconfigured() } }
        state.setGlobal("grow") { call in
            // A host function that allocates (a large table) while Lua's heap is at its limit.
            call.push(function: "grow") { c in
                c.newTable(arrayCapacity: 100_000)
                return 1
            }
        }
        return state
    }

    func results(_ code: String, in state: LuaState) throws -> [String] {
        let base = state.top
        let count = try state.run(code, name: "=test")
        defer { state.main.settop(base) }
        return (0..<count).map { state.main.string(at: base + 1 + $0) ?? "?" }
    }

    func testNumbersAreCheckedBeforeAnyConversion() throws {
        let state = try makeState()
        let cases: [(String, String)] = [
            ("1e300", "bad argument #1 to 'check' (a whole number from 1 to 100 expected, got 1e+300)"),
            ("0/0", "got -nan)"), ("math.huge", "got inf)"), ("-math.huge", "got -inf)"),
            ("math.mininteger", "got -9223372036854775808)"), ("math.maxinteger", "got 9223372036854775807)"),
            ("2.5", "got 2.5)"), ("0", "got 0)"), ("'7'", "got a string)"), ("{}", "got a table)"),
            ("2^63", "got 9.2233720368548e+18)"),
        ]
        for (value, expected) in cases {
            let message = try results("local ok, err = pcall(check, \(value)) return tostring(ok), err", in: state)
            XCTAssertEqual(message.first, "false", value)
            XCTAssertTrue(message.last?.hasSuffix(expected) == true, "\(value): \(message)")
        }
        XCTAssertEqual(try results("return tostring(check(7.0)), tostring(check(100))", in: state), ["7", "100"])
    }

    func testOptionTablesNameTheOptionAndItsRange() throws {
        let state = try makeState()
        let cases: [(String, String)] = [
            ("{ n = 1e300 }", "opts: 'n' must be a whole number from 1 to 10, got 1e+300"),
            ("{ x = 0/0 }", "opts: 'x' must be a number from 0.5 to 2.0, got -nan"),
            ("{ retry = { tries = 4 } }", "opts: 'retry.tries' must be a whole number from 1 to 3, got 4"),
            ("{ retry = { trys = 1 } }", "opts: unknown option 'trys' in 'retry'"),
            ("{ retry = 5 }", "opts: 'retry' must be a table, got 5"),
            ("{ name = string.rep('x', 17) }", "opts: 'name' must be a string of at most 16 bytes, got a string of 17 bytes"),
            ("{ name = '\\xff' }", "opts: 'name' must be UTF-8 text, got a string with bytes that are not UTF-8"),
            ("{ [string.rep('k', 1e6)] = 1 }", "opts: unknown option 'kkkkkkkkkk"),
            ("{ [1] = 1 }", "opts: option keys must be strings, got 1"),
        ]
        for (table, expected) in cases {
            let message = try results("local ok, err = pcall(opts, \(table)) return tostring(ok), err", in: state)
            XCTAssertEqual(message.first, "false", table)
            XCTAssertTrue(message.last?.contains(expected) == true, "\(table): \(message)")
            XCTAssertLessThan(message.last?.utf8.count ?? 0, 400, "a long key is cut in the message")
        }
        XCTAssertEqual(try results("return opts{ n = 2.0, x = 1, name = 'a', retry = { tries = 3 } }", in: state), ["2 1.0 a 3"])
    }

    func testAScriptThatFillsMemoryGetsLuasCatchableError() throws {
        let state = try makeState(memoryLimit: 64 << 20)
        XCTAssertEqual(state.memoryLimit, 64 << 20)
        let outcome = try results("""
            local keep = {}
            local ok, err = pcall(function() while true do keep[#keep + 1] = string.rep("x", 1 << 20) .. #keep end end)
            -- at the limit, a host function may still allocate (host mode), and Lua goes on
            local grown = type(grow())
            keep = nil
            collectgarbage()
            return tostring(ok), err, grown, tostring(#string.rep("y", 1 << 20))
            """, in: state)
        XCTAssertEqual(outcome, ["false", "not enough memory", "table", "1048576"])
        XCTAssertLessThan(state.memoryInUse, 64 << 20)
    }

    func testErrorsKeepTheirKindThroughPcallsNotByTheirText() throws {
        let state = try makeState()
        // A message for a person, caught and raised again by a script's pcall.
        XCTAssertThrowsError(try state.run("local ok, err = pcall(refuse) error(err, 0)", name: "=test")) { error in
            guard case let .person(message, _, configuration) = error as? LuaError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasSuffix("the plan was refused"), message)
            XCTAssertFalse(configuration)
        }
        XCTAssertThrowsError(try state.run("unconfigured()", name: "=test")) { error in
            guard case .person(_, _, true) = error as? LuaError else { return XCTFail("\(error)") }
        }
        // The same text raised by the script itself is the script's error.
        XCTAssertThrowsError(try state.run("error('test:1: the plan was refused', 0)", name: "=test")) { error in
            guard case .runtime = error as? LuaError else { return XCTFail("\(error)") }
        }
        // The interrupt, caught by a pcall and raised again (as the iterators do), is the interrupt;
        // a script's own "interrupted!" is not.
        XCTAssertThrowsError(try state.run("error('interrupted!', 0)", name: "=test")) { error in
            guard case .runtime = error as? LuaError else { return XCTFail("\(error)") }
        }
        state.setGlobal("stop") { call in
            call.push(function: "stop") { c in c.state.interrupt(); return 0 }
        }
        XCTAssertThrowsError(try state.run("local ok, err = pcall(function() stop() for i = 1, 10 do end end) error(err, 0)", name: "=test")) { error in
            guard case .interrupted = error as? LuaError else { return XCTFail("\(error)") }
        }
    }
}
