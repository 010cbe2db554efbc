import XCTest
@testable import PureCloud

/// The client's JSON reader: what a server sends cannot trap it, and what it accepts reads right.
final class JSONParserTests: XCTestCase {
    func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }

    func testValuesEscapesAndOrder() {
        XCTAssertEqual(parse(#" {"b": [1, -2.5, true, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00"} "#),
                       .object([("a", .string("x\"\\/\né😀")), ("b", .array([.int(1), .double(-2.5), .bool(true), .null]))]))
        XCTAssertEqual(parse(#"{"k": 1, "k": 2}"#), .object([("k", .int(2))]), "the last of duplicate keys wins")
        XCTAssertEqual(parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(parse("9223372036854775808"), .double(9223372036854775808), "too big for Int64: a double, not a trap")
        XCTAssertEqual(parse("1e19"), .double(1e19))
        XCTAssertEqual(parse("[]"), .array([]))
        XCTAssertEqual(parse("{}"), .object([]))
    }

    func testWhatIsNotJSON() {
        for bad in ["", "1e400", "-1e400", "01", "1.", ".5", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"\\x\"", "\"\\ud83d\"", "tru", "nul",
                    "[1] x", "\"a\nb\"", "<html>", "{\"a\":", "\"unterminated"] {
            XCTAssertNil(parse(bad), bad)
        }
        XCTAssertNil(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]), "invalid UTF-8 inside a string")
        XCTAssertNil(parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)), "nesting is limited, not a stack overflow")
        XCTAssertNotNil(parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)))
    }
}
