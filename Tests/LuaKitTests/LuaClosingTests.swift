import Foundation
import LuaKit
import XCTest

/// Issue 20.1: finalizers run while a state closes, and they may call back into Swift then.
final class LuaClosingTests: XCTestCase {
    /// A finalizer that records what a host function gave it in a file (the state is gone when
    /// the test reads it).
    private func finalizer(calling function: String, into path: String) -> String {
        """
        setmetatable({}, { __gc = function()
          local ok, result = pcall(\(function))
          local f = io.open(\(String(reflecting: path)), "w")
          f:write(tostring(ok), " ", tostring(result))
          f:close()
        end })
        """
    }

    private func scratchFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("luaclosing-\(UUID().uuidString)").path
    }

    func testHostFunctionsWorkInFinalizersWhenTheHostClosesTheState() throws {
        let path = scratchFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = try LuaState()
        var calls = 0
        state.setGlobal("host") { call in
            call.push(function: "host") { c in
                calls += 1
                c.push("answered")
                return 1
            }
        }
        try state.run(finalizer(calling: "host", into: path), name: "=test")
        state.close()
        XCTAssertTrue(state.isClosed)
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "true answered")
        state.close()  // twice is harmless
    }

    func testAHostFunctionWhoseStateIsGoneRaisesInsteadOfCrashing() throws {
        let path = scratchFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var calls = 0
        do {
            let state = try LuaState()
            state.setGlobal("host") { call in
                call.push(function: "host") { _ in
                    calls += 1
                    return 0
                }
            }
            try state.run(finalizer(calling: "host", into: path), name: "=test")
        }  // the last reference goes here: deinit closes the state, the finalizer runs then
        XCTAssertEqual(calls, 0, "the Swift side was gone; the call must not reach it")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("false "), text)
        XCTAssertTrue(text.contains("'host' was called after its Lua state was closed"), text)
    }

    func testPrintIsACFunctionThatCallsTheOutputHookFirst() throws {
        let state = try LuaState()
        try state.installPrint(before: countOutputHook)
        let before = outputHookCalls.value
        let results = try state.run("local info = debug.getinfo(print); print(); return info.what, info.source", name: "=test")
        XCTAssertEqual(results, 2)
        XCTAssertEqual(state.main.string(at: -2), "C")
        XCTAssertEqual(state.main.string(at: -1), "=[C]")
        XCTAssertEqual(outputHookCalls.value - before, 1)
    }
}

private final class Counter: @unchecked Sendable { var value = 0 }
private let outputHookCalls = Counter()
private func countOutputHook() { outputHookCalls.value += 1 }
