@testable import PureCloud
import XCTest

/// Numbers a server sends are checked before any conversion: each of these trapped or turned into
/// retries without a wait before (issue 11, cases 5 and 7).
final class ServerNumbersTests: XCTestCase {
    func testRetryAfterIgnoresWhatIsNotANonNegativeWholeNumberAndClampsWhatIsHuge() {
        XCTAssertEqual(ServerNumbers.retryAfter("7"), 7)
        XCTAssertEqual(ServerNumbers.retryAfter(" 0 "), 0)
        for ignored in ["-1", "soon", "1.5", "", "Wed, 21 Oct 2015 07:28:00 GMT", "+3"] {
            XCTAssertNil(ServerNumbers.retryAfter(ignored), ignored)
        }
        XCTAssertEqual(ServerNumbers.retryAfter("9223372036854775807"), ServerNumbers.maximumSeconds)
        XCTAssertEqual(ServerNumbers.retryAfter("99999999999999999999999"), ServerNumbers.maximumSeconds)
    }

    func testTokenLifetimesMustBePositiveAndAreClamped() {
        XCTAssertEqual(ServerNumbers.lifetime(nil), .absent)
        XCTAssertEqual(ServerNumbers.lifetime(.int(3600)), .seconds(3600))
        XCTAssertEqual(ServerNumbers.lifetime(.int(Int64.max)), .seconds(Double(ServerNumbers.maximumSeconds)))
        XCTAssertEqual(ServerNumbers.lifetime(.double(1e300)), .seconds(Double(ServerNumbers.maximumSeconds)))
        for bad: JSONValue in [.int(0), .int(-5), .double(.nan), .string("soon"), .bool(true)] {
            guard case .invalid = ServerNumbers.lifetime(bad) else { return XCTFail("\(bad) accepted") }
        }
    }

    func testRateLimitHeadersOutOfRangeAreIgnored() {
        XCTAssertEqual(ServerNumbers.count("300"), 300)
        XCTAssertNil(ServerNumbers.count("-9223372036854775808"))
        XCTAssertNil(ServerNumbers.count("1e9"))
        XCTAssertEqual(ServerNumbers.seconds("42.5"), 42.5)
        for ignored in ["nan", "inf", "-1", "1e300"] { XCTAssertNil(ServerNumbers.seconds(ignored), ignored) }
    }

    func testBackoffWithInfiniteSettingsDoesNotTrap() {
        var policy = RetryPolicy()
        policy.baseDelay = .infinity
        policy.maxDelay = .infinity
        XCTAssertGreaterThan(policy.backoff(afterAttempt: 3), 0)
        policy.baseDelay = .nan
        policy.maxDelay = .nan
        XCTAssertTrue(policy.backoff(afterAttempt: 1).isFinite)
        XCTAssertEqual(ServerNumbers.format(1e300), "1e+300")
        XCTAssertEqual(ServerNumbers.format(600), "600")
    }
}
