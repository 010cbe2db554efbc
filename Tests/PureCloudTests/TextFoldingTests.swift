import PureCloud
import XCTest

final class TextFoldingTests: XCTestCase {
    func testSimpleCaseFoldingWithoutCompatibilityMappings() {
        XCTAssertEqual(TextFolding.fold("Ana.LIMA@Example.COM"), "ana.lima@example.com")
        XCTAssertEqual(TextFolding.fold("ÉLODIE Ødegård"), "élodie ødegård")
        XCTAssertEqual(TextFolding.fold("\u{212A}elvin"), "\u{212A}elvin", "a Kelvin sign does not become k")
        XCTAssertEqual(TextFolding.fold("Ma\u{017F}s"), "ma\u{017F}s", "a long s does not become s")
        XCTAssertNotEqual(TextFolding.key(" \u{212A}elvin@x.io "), TextFolding.key("kelvin@x.io"))
        XCTAssertEqual(TextFolding.key("  Kelvin@X.io "), "kelvin@x.io")
    }
}
