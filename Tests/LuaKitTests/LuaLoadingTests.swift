import CLua
import Foundation
import LuaKit
import XCTest

/// Loading as lua.c loads: bytes unchanged, files through lauxlib (BOM, `#` line), text only;
/// and only the interrupt hook's own error counts as an interrupt.
final class LuaLoadingTests: XCTestCase {
    func testChunksGivenAsBytesAreNotReencoded() throws {
        let state = try LuaState()
        try state.load(bytes: Array("return #\"".utf8) + [0xE1, 0xFF] + Array("\"".utf8), name: "=bytes")
        try state.protectedCall(nargs: 0, nresults: 1)
        XCTAssertEqual(state.main.integer(at: -1), 2)
    }

    func testFilesSkipABomAndAHashLineAndKeepLineNumbers() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bom-\(UUID()).lua")
        try (Data([0xEF, 0xBB, 0xBF]) + Data("#!/usr/bin/env pclua\nerror('here')\n".utf8)).write(to: file)
        let state = try LuaState()
        try state.loadFile(path: Array(file.path.utf8))
        XCTAssertThrowsError(try state.protectedCall(nargs: 0, nresults: 0)) { error in
            XCTAssertTrue("\(error)".hasSuffix(":2: here"), "\(error)")
        }
    }

    func testMissingFilesAndBinaryChunksAreRefused() throws {
        let state = try LuaState()
        XCTAssertThrowsError(try state.loadFile(path: Array("/nonexistent/x.lua".utf8))) { error in
            XCTAssertEqual((error as? LuaFileError)?.message, "cannot open /nonexistent/x.lua: No such file or directory")
        }
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("bin-\(UUID()).luac")
        try Data("\u{1B}Lua".utf8).write(to: binary)
        XCTAssertThrowsError(try state.loadFile(path: Array(binary.path.utf8))) { error in
            XCTAssertTrue("\(error)".contains("attempt to load a binary chunk (mode is 't')"), "\(error)")
        }
    }

    func testAnErrorThatSaysInterruptedIsAnOrdinaryError() throws {
        let state = try LuaState()
        XCTAssertThrowsError(try state.run("error('interrupted!', 0)", name: "=user")) { error in
            guard case let .runtime(message, _, _) = error as? LuaError else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "interrupted!")
        }
        let target = state.interruptTarget
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { target.interrupt() }
        XCTAssertThrowsError(try state.run("while true do end", name: "=loop")) { error in
            guard case .interrupted = error as? LuaError else { return XCTFail("\(error)") }
        }
        // An interrupt the code caught itself does not make a later error an interrupt.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { target.interrupt() }
        XCTAssertEqual(try state.run("return pcall(function() while true do end end)", name: "=caught"), 2)
        XCTAssertThrowsError(try state.run("error('later', 0)", name: "=later")) { error in
            guard case let .runtime(message, _, _) = error as? LuaError else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "later")
        }
    }
}
