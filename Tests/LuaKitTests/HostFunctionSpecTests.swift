import LuaKit
import XCTest

/// The declarative binder (issue 22): a spec's declared arguments are checked, with real liblua,
/// before its body runs, and a mistake reads as lua5.4's own `bad argument` errors.
final class HostFunctionSpecTests: XCTestCase {
    /// How many times a body ran: a refused call must not reach it.
    final class Runs { var count = 0 }

    /// A table `m` with: csv.read(path [, options]), count(n: 1...100), whole(n), ratio(x: 0...1),
    /// flag(b), call(fn, ...) (returns how many arguments it got), first(value), items(list),
    /// only(name) (refuses more), and obj:named(name) (a method whose object must be a table).
    func makeState(_ runs: Runs) throws -> LuaState {
        let state = try LuaState()
        let specs: [HostFunctionSpec] = [
            HostFunctionSpec("csv.read", parameters: [.string("path"), .optional(.table("options"))]) { c in
                runs.count += 1
                c.push(c.string(at: 1) ?? "?")
                return 1
            },
            HostFunctionSpec("m.count", parameters: [.integer("n", in: 1...100)]) { c in
                runs.count += 1
                c.push(c.integer(at: 1) ?? -1)
                return 1
            },
            HostFunctionSpec("m.whole", parameters: [.integer("n")]) { c in runs.count += 1; c.push(c.integer(at: 1) ?? -1); return 1 },
            HostFunctionSpec("m.ratio", parameters: [.optional(.number("x", in: 0...1))]) { _ in runs.count += 1; return 0 },
            HostFunctionSpec("m.flag", parameters: [.boolean("b")]) { _ in runs.count += 1; return 0 },
            HostFunctionSpec("m.call", parameters: [.function("fn")]) { c in runs.count += 1; c.push(Int(c.top)); return 1 },
            HostFunctionSpec("m.first", parameters: [.any("value")]) { _ in runs.count += 1; return 0 },
            HostFunctionSpec("m.items", parameters: [.array("list", maximum: 3, what: "items")]) { _ in runs.count += 1; return 0 },
            HostFunctionSpec("m.only", parameters: [.string("name", expected: "group name (string)")], refusesExtraArguments: true) { _ in
                runs.count += 1
                return 0
            },
            HostFunctionSpec("named", parameters: [.string("name")], receiver: { c in
                guard c.type(at: 1) == .table else {
                    throw LuaArgumentError(position: 1, function: "named", message: "object expected, got \(c.typeName(at: 1)); call it with a colon")
                }
            }) { c in runs.count += 1; c.push(c.string(at: 2) ?? "?"); return 1 },
        ]
        state.setGlobal("m") { call in
            call.newTable()
            call.setFunctions(specs, in: -1)
        }
        return state
    }

    /// The message `code` raises (without its "test:1: " position), or "ok".
    func outcome(_ code: String, in state: LuaState) throws -> String {
        let base = state.top
        defer { state.main.settop(base) }
        _ = try state.run("local ok, err = pcall(function() \(code) end) return ok and 'ok' or tostring(err)", name: "=test")
        let text = state.main.string(at: -1) ?? "?"
        return text.hasPrefix("test:1: ") ? String(text.dropFirst(8)) : text
    }

    func testMistakesReadAsLuasOwnAndTheBodyDoesNotRun() throws {
        let runs = Runs()
        let state = try makeState(runs)
        let cases: [(String, String)] = [
            ("m.read(nil)", "bad argument #1 to 'csv.read' (string expected, got nil)"),
            ("m.read()", "bad argument #1 to 'csv.read' (string expected, got no value)"),
            ("m.read(42)", "bad argument #1 to 'csv.read' (string expected, got number)"),
            ("m.read(setmetatable({}, { __name = 'my.Thing' }))", "bad argument #1 to 'csv.read' (string expected, got my.Thing)"),
            ("m.read('a.csv', ';')", "bad argument #2 to 'csv.read' (table expected, got string)"),
            ("m.count(1e300)", "bad argument #1 to 'm.count' (a whole number from 1 to 100 expected, got 1e+300)"),
            ("m.count(0/0)", "bad argument #1 to 'm.count' (a whole number from 1 to 100 expected, got -nan)"),
            ("m.count(101)", "bad argument #1 to 'm.count' (a whole number from 1 to 100 expected, got 101)"),
            ("m.count()", "bad argument #1 to 'm.count' (a whole number from 1 to 100 expected, got no value)"),
            ("m.whole(1e300)", "bad argument #1 to 'm.whole' (number has no integer representation)"),
            ("m.whole(2^63)", "bad argument #1 to 'm.whole' (number has no integer representation)"),
            ("m.whole(1.5)", "bad argument #1 to 'm.whole' (number has no integer representation)"),
            ("m.whole('7')", "bad argument #1 to 'm.whole' (number expected, got string)"),
            ("m.ratio(2)", "bad argument #1 to 'm.ratio' (a number from 0.0 to 1.0 expected, got 2)"),
            ("m.ratio(true)", "bad argument #1 to 'm.ratio' (a number from 0.0 to 1.0 expected, got true)"),
            ("m.flag(1)", "bad argument #1 to 'm.flag' (boolean expected, got number)"),
            ("m.call('print')", "bad argument #1 to 'm.call' (function expected, got string)"),
            ("m.first()", "bad argument #1 to 'm.first' (value expected)"),
            ("m.items('x')", "bad argument #1 to 'm.items' (an array of items expected, got a string)"),
            ("m.items({ 1, 2, 3, 4 })", "bad argument #1 to 'm.items' (at most 3 items expected, got 4)"),
            ("m.only(1)", "bad argument #1 to 'm.only' (group name (string) expected, got number)"),
            ("m.only('a', {})", "bad argument #2 to 'm.only' (no more arguments expected, got table)"),
            ("m.only('a', nil, 3)", "bad argument #3 to 'm.only' (no more arguments expected, got number)"),
            ("m.named('x')", "bad argument #1 to 'named' (object expected, got string; call it with a colon)"),
            ("m:named(5)", "bad argument #1 to 'named' (string expected, got number)"),
        ]
        for (code, expected) in cases {
            XCTAssertEqual(try outcome(code, in: state), expected, code)
        }
        XCTAssertEqual(runs.count, 0, "a body ran although its arguments were refused")
    }

    func testWellFormedCallsReachTheBodyWithTheirArguments() throws {
        let runs = Runs()
        let state = try makeState(runs)
        let base = state.top
        let count = try state.run("""
            return m.read('a.csv'), m.read('b.csv', nil), m.read('c.csv', {}, 'extra'), m.count(7.0), m.whole(-3),
                   m.call(print, 1, 2, 3), m:named('n'), m.only('a', nil)
            """, name: "=test")
        defer { state.main.settop(base) }
        let values = (1...count).map { state.main.describe(at: base + $0) }
        XCTAssertEqual(values, ["a.csv", "b.csv", "c.csv", "7", "-3", "4", "n"], "\(values)")
        XCTAssertEqual(try outcome("m.ratio(); m.ratio(nil); m.ratio(0.5); m.flag(false); m.first(nil); m.items({ 'a', 'b' })", in: state), "ok")
        XCTAssertEqual(runs.count, 14)
    }

    func testSpecsAreInstalledUnderTheLastPartOfTheirName() throws {
        let runs = Runs()
        let state = try makeState(runs)
        XCTAssertEqual(try outcome("assert(m.read and m.count and m.named and m['csv.read'] == nil)", in: state), "ok")
        // A single spec pushed alone is checked the same way.
        state.setGlobal("alone") { call in
            call.push(HostFunctionSpec("alone", parameters: [.table("t")]) { _ in 0 })
        }
        XCTAssertEqual(try outcome("alone(1)", in: state), "bad argument #1 to 'alone' (table expected, got number)")
    }
}
