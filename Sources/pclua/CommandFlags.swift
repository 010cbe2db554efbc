import PureCloud

/// One command-line parser for every subcommand, made from the declaration of every setting
/// (PureCloud/Settings.swift): which flags a command takes, which take a value, their checks and
/// messages, which are required. `pclua run`'s long flags (LuaCommandLine hands them over),
/// `rehearse`, `snapshot`, `undo`, `restore`, `diff`, `emulator` and `definitions` are all read
/// here, so a flag is spelt, checked and explained the same way wherever it is taken.
///
/// The forms are getopt_long's: `--flag value`, `--flag=value`, `--flag` for an on/off flag, `--`
/// before arguments that start with a dash. A flag given twice keeps the last value, unless it
/// is declared repeatable; a flag that says which org (or which file a command works from) given
/// twice with two values is refused: one of them was a mistake, and guessing which could write to
/// the wrong org.
struct CommandFlags {
    /// A command line the declaration does not allow, said as the person wrote it.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// `--help` (or `-h` for a subcommand): the caller prints the command's help page.
    struct HelpRequested: Error {}

    private(set) var values: [Setting.ID: [SettingValue]] = [:]
    private(set) var positionals: [String] = []

    /// The flags `commands` take, by name; the first command's declaration wins when two declare
    /// the same flag (`rehearse` takes `run`'s flags besides its own).
    static func declared(_ commands: [Setting.Command]) -> [String: Setting] {
        var byName: [String: Setting] = [:]
        for command in commands {
            for setting in Settings.flags(of: command) {
                if let flag = setting.flag, byName[flag] == nil { byName[flag] = setting }
            }
        }
        return byName
    }

    /// Reads `arguments` (the words after the subcommand's name) for `commands`, expecting the
    /// named positional arguments (`diff`'s `before` and `after`) and nothing else.
    /// `checkRequired` false leaves the required flags to the caller (a rehearsal first says why
    /// it refuses what was given).
    static func parse(_ arguments: [String], for commands: [Setting.Command], positionals names: [String] = [],
                      checkRequired: Bool = true) throws -> CommandFlags {
        // `pclua script.lua` has no flags to read: the declaration's defaults are read when asked for.
        let requires = checkRequired && Settings.all.contains { setting in commands.contains(where: setting.required.contains) }
        if arguments.isEmpty && names.isEmpty && !requires { return CommandFlags() }
        let known = declared(commands)
        var parsed = CommandFlags()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyPositionals || !word.hasPrefix("-") || word == "-" {
                guard parsed.positionals.count < names.count else { throw UsageError(description: "unexpected argument '\(Setting.shown(word))'") }
                parsed.positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            if word == "--help" || word == "-h" { throw HelpRequested() }
            let name = String(word.prefix { $0 != "=" })
            guard name.hasPrefix("--"), let setting = known[name] else { throw unknown(name, among: Array(known.keys)) }
            let inline = word.count > name.count ? String(word.dropFirst(name.count + 1)) : nil
            let value: SettingValue
            do {
                if setting.isOnOff {
                    if let inline { _ = try setting.read(inline, as: name) }  // says it takes no value
                    value = .on(true)
                } else if let inline {
                    value = try setting.read(inline, as: name)
                } else {
                    guard index < arguments.count else { throw UsageError(description: "\(name) needs a value (\(name) <\(setting.valueName ?? "value")>)") }
                    value = try setting.read(arguments[index], as: name)
                    index += 1
                }
            } catch let problem as SettingProblem {
                throw UsageError(description: problem.description)
            }
            if let earlier = parsed.values[setting.id]?.last, earlier != value, !setting.repeatable, setting.choosesOrg || !setting.required.isEmpty {
                throw UsageError(description: "\(name) is given twice, with two values; give it once")
            }
            parsed.values[setting.id, default: []] = setting.repeatable ? parsed.values[setting.id, default: []] + [value] : [value]
        }
        for setting in known.values.sorted(by: { ($0.flag ?? "") < ($1.flag ?? "") }) where checkRequired && commands.contains(where: setting.required.contains) {
            if parsed.values[setting.id] == nil, let flag = setting.flag {
                throw UsageError(description: "\(flag) <\(setting.valueName ?? "value")> is required")
            }
        }
        if parsed.positionals.count < names.count {
            throw UsageError(description: "<\(names[parsed.positionals.count])> is required")
        }
        return parsed
    }

    static func unknown(_ name: String, among known: [String]) -> UsageError {
        let guess = Validator.closest(String(name.drop { $0 == "-" }), among: known.map { String($0.dropFirst(2)) })
        return UsageError(description: "unknown option \(Setting.shown(name))" + (guess.map { " (did you mean --\($0)?)" } ?? ""))
    }

    // The values, as their declaration types them; a setting not given has its declared default.

    /// The flag was given.
    func has(_ id: Setting.ID) -> Bool { values[id] != nil }
    /// An on/off flag was given (`--dry-run`, `--quiet`).
    func isOn(_ id: Setting.ID) -> Bool { values[id]?.last?.isOn ?? false }
    func text(_ id: Setting.ID) -> String? { values[id]?.last?.text }
    /// Every value of a repeatable flag, in order.
    func texts(_ id: Setting.ID) -> [String] { values[id]?.compactMap(\.text) ?? [] }
    func choice(_ id: Setting.ID) -> String { text(id) ?? Settings[id].defaultValue?.text ?? "" }
    func count(_ id: Setting.ID) -> Int { optionalCount(id) ?? 0 }
    /// A whole number, nil when neither given nor declared with a default (`--max-removals`).
    func optionalCount(_ id: Setting.ID) -> Int? { values[id]?.last?.integer ?? Settings[id].defaultValue?.integer }
    func seconds(_ id: Setting.ID) -> Double { values[id]?.last?.seconds ?? Settings.defaultSeconds(id) }
    func fraction(_ id: Setting.ID) -> Double { values[id]?.last?.fraction ?? Settings[id].defaultValue?.fraction ?? 0 }
}
