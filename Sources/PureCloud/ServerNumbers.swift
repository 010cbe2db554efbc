import Foundation

/// Numbers a server sends (headers, the token answer), read with their range checked first: a
/// hostile or broken server can send `-1`, `9223372036854775807` or `soon`, and converting such a
/// value to an Int or sleeping for it must neither trap nor turn into retries without a wait.
enum ServerNumbers {
    /// The longest wait or lifetime taken at face value (a year); larger ones are clamped to it,
    /// which is still far above every limit the client enforces.
    static let maximumSeconds = 365 * 24 * 3600

    /// `Retry-After` in delay-seconds (RFC 9110 §10.2.3). Negative, fractional and non-numeric
    /// values (including the HTTP-date form, which the platform does not send) are ignored, so the
    /// caller's default wait applies; an all-digit value too large for an Int is clamped.
    static func retryAfter(_ header: String?) -> Int? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return min(Int(text) ?? maximumSeconds, maximumSeconds)
    }

    /// A count from an `inin-ratelimit-*` header, or nil when it is not a plausible one.
    static func count(_ header: String?) -> Int? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let value = Int(text),
              (0...10_000_000).contains(value) else { return nil }
        return value
    }

    /// Seconds from a header (`inin-ratelimit-reset`), or nil when not a finite, non-negative number
    /// of at most an hour (the platform's windows are a minute).
    static func seconds(_ header: String?) -> Double? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let value = Double(text),
              value.isFinite, (0...3600).contains(value) else { return nil }
        return value
    }

    /// `expires_in` of a token answer: a positive number of seconds, clamped to a year; `.invalid`
    /// when present but not a number of at least one second.
    enum Lifetime: Equatable {
        case absent
        case invalid(String)
        case seconds(Double)
    }

    static func lifetime(_ value: JSONValue?) -> Lifetime {
        guard let value, value != .null else { return .absent }
        let number: Double?
        switch value {
        case let .int(i): number = Double(i)
        case let .double(d): number = d
        case let .string(s): number = Double(s.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number, number.isFinite, number >= 1 else { return .invalid(value.text) }
        return .seconds(min(number, Double(maximumSeconds)))
    }
}

extension ServerNumbers {
    /// Seconds for a message: whole when they are, without the trap `Int(_:)` has for huge values.
    static func format(_ seconds: Double) -> String {
        seconds.isFinite && seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}

/// Sleeping for a number of seconds that may come from outside: non-finite or negative is no
/// wait, and the nanosecond conversion cannot overflow.
func sleepSeconds(_ seconds: Double) async throws {
    guard seconds.isFinite, seconds > 0 else { return }
    try await Task.sleep(nanoseconds: UInt64(min(seconds, Double(ServerNumbers.maximumSeconds)) * 1_000_000_000))
}
