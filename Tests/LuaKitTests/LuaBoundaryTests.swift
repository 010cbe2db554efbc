import CLua
import Foundation
import LuaKit
import XCTest

struct Refused: Error, CustomStringConvertible {
    var description: String { "refused by Swift" }
}

/// A Swift error that arrives in Lua as a table, like ApiError.
struct TableError: LuaRaisable {
    let code: String
    func pushLuaValue(_ call: LuaCall) {
        call.newTable()
        call.push(code)
        call.setField(-2, "code")
    }
}

final class LuaBoundaryTests: XCTestCase {
    func makeState() throws -> LuaState {
        let state = try LuaState()
        state.setGlobal("fail") { call in
            call.push(function: "fail") { _ in throw Refused() }
        }
        state.setGlobal("fail_table") { call in
            call.push(function: "fail_table") { c in throw TableError(code: c.string(at: 1) ?? "none") }
        }
        state.setGlobal("add") { call in
            call.push(function: "add") { c in
                guard let a = c.integer(at: 1), let b = c.integer(at: 2) else {
                    throw LuaArgumentError(position: 1, function: "add", message: "number expected, got \(c.typeName(at: 1))")
                }
                c.push(a + b)
                return 1
            }
        }
        return state
    }

    func testExpressionsReturnTheirValues() throws {
        let state = try makeState()
        let count = try state.run("return add(2, 3), 'x'", name: "=test")
        XCTAssertEqual(count, 2)
        XCTAssertEqual(state.main.integer(at: -2), 5)
        XCTAssertEqual(state.main.string(at: -1), "x")
    }

    func testSwiftErrorsAreCatchableInNestedPcallsAndCoroutines() throws {
        let state = try makeState()
        try state.run("""
            local ok, err = pcall(function() return pcall(fail) end)
            assert(ok == true and err == false, "inner pcall catches")
            local ok2, err2 = pcall(fail)
            assert(not ok2 and err2:find("refused by Swift"), tostring(err2))
            local co = coroutine.create(function() coroutine.yield(1); fail() end)
            assert(select(2, coroutine.resume(co)) == 1)
            local ok3, err3 = coroutine.resume(co)
            assert(not ok3 and err3:find("refused by Swift"), tostring(err3))
            local wrapped = coroutine.wrap(function() return pcall(fail_table, "in.coroutine") end)
            local ok4, err4 = wrapped()
            assert(not ok4 and err4.code == "in.coroutine")
            """, name: "=test")
    }

    func testTableErrorsKeepTheirTypeUpToTheHost() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.run("fail_table('top.level')", name: "=test")) { error in
            guard case let .runtime(_, traceback, value?) = error as? LuaError else { return XCTFail("\(error)") }
            state.main.push(value)
            state.main.getField(-1, "code")
            XCTAssertEqual(state.main.string(at: -1), "top.level")
            state.main.pop(2)
            XCTAssertTrue(traceback?.contains("stack traceback") == true)
        }
    }

    func testArgumentErrorsReadLikeLuasOwnAndPointAtTheLine() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.run("local x = 1\nadd(nil, 2)", name: "@script.lua")) { error in
            XCTAssertEqual("\(error)", "script.lua:2: bad argument #1 to 'add' (number expected, got nil)")
        }
    }

    func testAHundredThousandCallsLeaveTheStackBalanced() throws {
        let state = try makeState()
        let before = state.top
        try state.run("""
            local n = 0
            for i = 1, 100000 do
              n = add(n, 1)
              if i % 3 == 0 then pcall(fail) end
            end
            assert(n == 100000)
            """, name: "=test")
        XCTAssertEqual(state.top, before)
    }

    func testIncompleteInputIsToldApartFromASyntaxError() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.load("function f()", name: "=stdin")) { error in
            guard case let .syntax(_, incomplete) = error as? LuaError else { return XCTFail() }
            XCTAssertTrue(incomplete)
        }
        XCTAssertThrowsError(try state.load("x = = 1", name: "=stdin")) { error in
            guard case let .syntax(message, incomplete) = error as? LuaError else { return XCTFail() }
            XCTAssertFalse(incomplete)
            XCTAssertTrue(message.contains("unexpected symbol"))
        }
    }

    func testBinaryChunksAreRefused() throws {
        let state = try makeState()
        // A truncated chunk would fail anyway; the point is that text-only mode refuses it first.
        XCTAssertThrowsError(try state.load("\u{1B}Lua", name: "=bin")) { error in
            XCTAssertTrue("\(error)".contains("attempt to load a binary chunk"), "\(error)")
        }
    }

    func testInterruptStopsARunawayLoop() throws {
        let state = try makeState()
        let target = state.interruptTarget
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { target.interrupt() }
        XCTAssertThrowsError(try state.run("while true do end", name: "=loop")) { error in
            guard case .interrupted = error as? LuaError else { return XCTFail("\(error)") }
        }
        // The state still works afterwards.
        XCTAssertEqual(try state.run("return add(1, 1)", name: "=after"), 1)
    }
}
