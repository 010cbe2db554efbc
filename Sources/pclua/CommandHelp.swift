import PureCloud

/// The help pages of the subcommands, laid out for 80 columns from the declaration: the options
/// list is the command's declared flags with their help lines, value names and defaults, so a page
/// cannot name a flag the parser does not take, or miss one it does (SettingsAgreementTests).
enum CommandHelp {
    static let width = 80
    static let column = 26

    /// `usage:` line, what the command does, how, then its options.
    static func page(usage: String, abstract: String, discussion: String, commands: [Setting.Command]) -> String {
        var text = "usage: \(usage)\n\n" + wrap(abstract, indent: 0) + "\n"
        if !discussion.isEmpty { text += "\n" + wrap(discussion, indent: 0) + "\n" }
        return text + "\noptions:\n" + options(commands) + "\n"
    }

    /// One entry per declared flag of `commands` (the required ones first, then in the order of the
    /// table, each flag once), then --help.
    static func options(_ commands: [Setting.Command]) -> String {
        var seen = Set<String>()
        var lines: [String] = []
        for command in commands {
            let flags = Settings.flags(of: command)
            for setting in flags.filter({ $0.required.contains(command) }) + flags.filter({ !$0.required.contains(command) }) {
                guard let flag = setting.flag, seen.insert(flag).inserted else { continue }
                lines.append(entry(flag + (setting.valueName.map { " <\($0)>" } ?? ""), setting.help + defaultNote(setting)))
            }
        }
        lines.append(entry("--help", "Show this help."))
        return lines.joined(separator: "\n")
    }

    /// `(default: 8)` for a number with a declared default (a text's default is said in its help line).
    static func defaultNote(_ setting: Setting) -> String {
        switch setting.value {
        case let .count(_, number?): " (default: \(number))"
        case let .seconds(_, number): " (default: \(Setting.format(number)))"
        case let .choice(_, chosen): " (default: \(chosen))"
        case let .fraction(number): " (default: \(Setting.format(number)))"
        case .flag, .text, .count: ""
        }
    }

    /// `  --flag <value>    help...`, the help folded at the column (on the next line when the flag is long).
    static func entry(_ name: String, _ help: String) -> String {
        let head = "  " + name
        let body = wrap(help, indent: column)
        let first = body.dropFirst(column)
        if head.count + 2 <= column { return head + String(repeating: " ", count: column - head.count) + first }
        return head + "\n" + body
    }

    /// `text` folded at `width` columns, every line indented by `indent` spaces.
    static func wrap(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty && pad.count + line.count + 1 + word.count > width {
                    lines.append(pad + line)
                    line = String(word)
                } else {
                    line += (line.isEmpty ? "" : " ") + word
                }
            }
            lines.append(line.isEmpty ? "" : pad + line)
        }
        return lines.joined(separator: "\n")
    }
}
