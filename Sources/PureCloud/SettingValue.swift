/// A setting's value once read and checked against its declaration (Settings.swift).
public enum SettingValue: Sendable, Equatable {
    case on(Bool)
    case text(String)
    case integer(Int)
    case seconds(Double)
    /// A share, from 0 to 1.
    case fraction(Double)

    public var isOn: Bool { if case let .on(value) = self { value } else { false } }
    public var text: String? { if case let .text(value) = self { value } else { nil } }
    public var integer: Int? { if case let .integer(value) = self { value } else { nil } }
    public var seconds: Double? { if case let .seconds(value) = self { value } else { nil } }
    public var fraction: Double? { if case let .fraction(value) = self { value } else { nil } }
}

/// A value that does not fit its setting, said with the name it was given by
/// (`--concurrency must be from 1 to 64, got 0`).
public struct SettingProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension Setting {
    /// On or off: a flag without a value on the command line.
    public var isOnOff: Bool { if case .flag = value { true } else { false } }

    /// Longest text a setting takes (names, paths, URLs, ids, secrets and tokens are far shorter).
    public static let maximumTextBytes = 64 * 1024

    /// The value it has when nobody sets it; nil for text, and for a count without a default
    /// (`--max-removals`: no limit).
    public var defaultValue: SettingValue? {
        switch value {
        case let .flag(on): .on(on)
        case .text: nil
        case let .choice(_, chosen): .text(chosen)
        case let .count(_, number): number.map(SettingValue.integer)
        case let .seconds(_, number): .seconds(number)
        case let .fraction(number): .fraction(number)
        }
    }

    /// The one checked reader of a setting's value from text (the command line, an environment
    /// variable): a whole number or a number of seconds only within the declared range (no
    /// conversion of a value outside it, NaN or an infinity), one of the choices, or text that is
    /// neither empty nor huge. `name` is what the person wrote (`--timeout`). A flag has no value.
    public func read(_ text: String, as name: String) throws(SettingProblem) -> SettingValue {
        switch value {
        case .flag:
            throw SettingProblem(description: "\(name) takes no value, got '\(Self.shown(text))'")
        case .text, .choice:
            return try check(.text(text), as: name)
        case let .count(range, _):
            guard let number = Int(text) else {
                throw SettingProblem(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(Self.shown(text))'")
            }
            return try check(.integer(number), as: name)
        case let .seconds(range, _):
            guard let number = Double(text), number.isFinite else {
                throw SettingProblem(description: "\(name) must be a number between \(Self.bounds(range)), got '\(Self.shown(text))'")
            }
            return try check(.seconds(number), as: name)
        case .fraction:
            guard let number = Double(text), number.isFinite else {
                throw SettingProblem(description: "\(name) must be a number from 0 to 1, got '\(Self.shown(text))'")
            }
            return try check(.fraction(number), as: name)
        }
    }

    /// The same checks for a value a parser has already typed (Lua's numbers): in its declared range, one of the choices, text neither empty nor huge.
    public func check(_ given: SettingValue, as name: String) throws(SettingProblem) -> SettingValue {
        switch (value, given) {
        case (.flag, .on):
            return given
        case let (.text, .text(text)):
            guard !text.isEmpty else { throw SettingProblem(description: "\(name) needs a value") }
            guard text.utf8.count <= Self.maximumTextBytes else {
                throw SettingProblem(description: "\(name) takes at most \(Self.maximumTextBytes) bytes, got \(text.utf8.count)")
            }
            return given
        case let (.choice(choices, _), .text(text)):
            guard choices.contains(text) else {
                throw SettingProblem(description: "\(name) must be \(Self.either(choices)), got '\(Self.shown(text))'")
            }
            return given
        case let (.count(range, _), .integer(number)):
            guard range.contains(number) else {
                throw SettingProblem(description: "\(name) must be from \(range.lowerBound) to \(range.upperBound), got \(number)")
            }
            return given
        case let (.seconds(range, _), .seconds(number)):
            guard number.isFinite, range.contains(number) else {
                throw SettingProblem(description: "\(name) must be between \(Self.bounds(range)), got \(ServerNumbers.format(number))")
            }
            return given
        case let (.fraction, .fraction(number)):
            guard number.isFinite, (0...1).contains(number) else {
                throw SettingProblem(description: "\(name) must be from 0 to 1, got \(ServerNumbers.format(number))")
            }
            return given
        default:
            throw SettingProblem(description: "\(name) takes \(valueSummary), got \(given)")
        }
    }

    /// What the setting takes, for help and the docs: `integer 1..64, default 8`.
    public var valueSummary: String {
        switch value {
        case let .flag(on): "boolean, default \(on)"
        case .text: "string"
        case let .choice(choices, chosen): Self.either(choices) + ", default \(chosen)"
        case let .count(range, number): "integer \(range.lowerBound)..\(range.upperBound)" + (number.map { ", default \($0)" } ?? "")
        case let .seconds(range, number):
            "seconds \(ServerNumbers.format(range.lowerBound))..\(ServerNumbers.format(range.upperBound)), default \(ServerNumbers.format(number))"
        case let .fraction(number): "number 0..1, default \(ServerNumbers.format(number))"
        }
    }

    /// A number as the messages and help show it: `0.001`, `86400`, `1e+300`.
    public static func format(_ number: Double) -> String { ServerNumbers.format(number) }

    static func bounds(_ range: ClosedRange<Double>) -> String {
        "\(ServerNumbers.format(range.lowerBound)) and \(ServerNumbers.format(range.upperBound)) seconds"
    }

    /// `debug, info, warn or error`.
    public static func either(_ choices: [String]) -> String {
        choices.count < 2 ? choices.joined() : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
    }

    /// A value quoted in a message, cut when it is long.
    public static func shown(_ text: String) -> String {
        text.utf8.count > 60 ? String(text.prefix(60)) + "... (\(text.utf8.count) bytes)" : text
    }
}
