import Foundation
import XCTest

/// LuaKit is the only Swift target that reaches the Lua C API (issue 22, docs/ARCHITECTURE.md "The
/// Lua boundary"): a file elsewhere that imports CLua or CLuaShim could raise a Lua error (a
/// longjmp) over Swift frames, or use a dependency Package.swift does not declare (SwiftPM lets a
/// target import the modules of its dependencies' dependencies), so the compiler alone does not
/// catch it.
final class LuaSealTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// `import CLua`, `@_implementationOnly import CLuaShim`, `import struct CLua.x`...
    static func importsLuaAPI(_ line: Substring) -> Bool {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
        while let first = words.first, first.hasPrefix("@") { words = words.dropFirst() }
        guard words.first == "import", words.count >= 2 else { return false }
        let module = (words.count >= 3 ? words[words.startIndex + 2] : words[words.startIndex + 1]).split(separator: ".").first ?? ""
        return module == "CLua" || module == "CLuaShim"
    }

    func testOnlyLuaKitImportsTheLuaCAPI() throws {
        let files = try XCTUnwrap(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
        var offenders: [String] = [], scanned = 0, inLuaKit = 0
        for case let url as URL in files where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(Self.sources.path.count + 1))
            let text = try String(contentsOf: url, encoding: .utf8)
            let imports = text.split(separator: "\n").contains { Self.importsLuaAPI($0) }
            scanned += 1
            if relative.hasPrefix("LuaKit/") {
                if imports { inLuaKit += 1 }
            } else if imports {
                offenders.append(relative)
            }
        }
        // The scan saw the tree (a wrong path would pass vacuously).
        XCTAssertGreaterThan(scanned, 100)
        XCTAssertGreaterThan(inLuaKit, 0)
        XCTAssertEqual(offenders.sorted(), [], "only Sources/LuaKit may import CLua or CLuaShim: add a LuaKit API instead")
    }
}
