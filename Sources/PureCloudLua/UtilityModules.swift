import LuaKit
import PureCloud

/// `purecloud.csv` and `purecloud.log`: what migration scripts need besides the API.
enum UtilityModules {
    static func installCSV(_ call: LuaCall, session: PurecloudSession) {
        call.newTable()
        call.setFunctions(csvFunctions, in: -1)
    }

    /// csv.rows, csv.read and csv.write, their arguments declared (checked before the bodies run).
    static var csvFunctions: [HostFunctionSpec] { [
        HostFunctionSpec("csv.rows", parameters: [.string("path"), .optional(.table("options"))]) { c in try rows(c) },
        HostFunctionSpec("csv.read", parameters: [.string("path"), .optional(.table("options"))]) { c in try read(c) },
        HostFunctionSpec("csv.write", parameters: [.string("path"), .table("rows"), .table("header"), .optional(.table("options"))]) { c in
            try write(c)
        },
    ] }

    /// for row, line in purecloud.csv.rows(path) do ... end   (lazy)
    static func rows(_ c: LuaCall) throws -> Int32 {
        let path = c.string(at: 1) ?? ""  // a string: checked by the spec
        let table = try CSVTable(path: path, delimiter: try delimiterOption(c, index: 2, function: "csv.rows"))
        c.push(function: "csv.rows iterator") { c in
            guard let (row, line) = try table.next() else { return 0 }
            pushRow(row, c)
            c.push(line)
            return 2
        }
        return 1
    }

    /// local rows, header, info = purecloud.csv.read(path)   (all rows; a malformed file fails
    /// before any is returned). info.lines[i] is the line row i starts on; info.blank_lines the
    /// lines skipped because all their fields are empty.
    static func read(_ c: LuaCall) throws -> Int32 {
        let path = c.string(at: 1) ?? ""  // a string: checked by the spec
        let table = try CSVTable(path: path, delimiter: try delimiterOption(c, index: 2, function: "csv.read"))
        var rows: [[(String, String)]] = []
        var lines: [Int] = []
        while let (row, line) = try table.next() {
            rows.append(row)
            lines.append(line)
        }
        c.newTable(arrayCapacity: Int32(min(rows.count, 1 << 24)))
        c.push(anchor: ModuleAnchors.arrayMT)
        c.setMetatable(-2)
        for (index, row) in rows.enumerated() {
            pushRow(row, c)
            c.setIndex(-2, index + 1)
        }
        pushArray(table.columns, c)
        c.newTable(recordCapacity: 2)
        pushArray(lines, c)
        c.setField(-2, "lines")
        pushArray(table.blankLines, c)
        c.setField(-2, "blank_lines")
        return 3
    }

    /// purecloud.csv.write(path, rows, header, { delimiter = ";", bom = true })
    static func write(_ c: LuaCall) throws -> Int32 {
        let path = c.string(at: 1) ?? ""  // a string, and tables at 2 and 3: checked by the spec
        // Text only: a name or value that is not UTF-8 is refused, not repaired (repaired, a
        // column name would no longer find its values, and the file would not read back).
        let arguments = LuaArguments(c, function: "csv.write")
        let header = try csvHeader(c, arguments)
        guard !header.isEmpty else { throw LuaArgumentError(position: 3, function: "csv.write", message: "the header is empty") }
        let rows = try csvRows(c, arguments, header: header)
        var bom = false
        if c.type(at: 4) == .table {
            bom = try OptionReader(c, index: 4, function: "csv.write", position: 4, known: ModuleSurface.optionNames("purecloud.csv.write")).boolean("bom") ?? false
        }
        let delimiter = try delimiterOption(c, index: 4, function: "csv.write", known: ModuleSurface.optionNames("purecloud.csv.write")) ?? ","
        try CSVTable.write(path: path, header: header, rows: rows, delimiter: delimiter, bom: bom)
        c.push(rows.count)
        return 1
    }

    /// csv.write's header: its column names, as UTF-8 text.
    static func csvHeader(_ c: LuaCall, _ arguments: LuaArguments) throws -> [String] {
        var header: [String] = []
        let columns = try arguments.arrayCount(3, maximum: 100_000, what: "column names")
        for index in 0..<columns {
            c.getIndex(3, index + 1)
            defer { c.pop() }
            do throws(LuaValueProblem) {
                guard let name = try c.checkedString(at: -1, maxBytes: 64 * 1024) else { throw LuaValueProblem(expected: "a string", got: "nil") }
                header.append(name)
            } catch {
                throw LuaArgumentError(position: 3, function: "csv.write", message: "column \(index + 1)'s name must be \(error.expected), got \(error.got)")
            }
        }
        return header
    }

    /// csv.write's rows, each as the header's values (absent: empty).
    static func csvRows(_ c: LuaCall, _ arguments: LuaArguments, header: [String]) throws -> [[String]] {
        let count = try arguments.arrayCount(2, maximum: 10_000_000, what: "rows")
        var rows: [[String]] = []
        rows.reserveCapacity(count)
        for index in 1...max(1, count) where count > 0 {
            c.getIndex(2, index)
            defer { c.pop() }
            guard c.type(at: -1) == .table else { throw ConfigurationError("csv.write: row \(index) is a \(c.typeName(at: -1)), not a table") }
            rows.append(try header.map { name in
                c.getField(-1, name)
                defer { c.pop() }
                switch c.type(at: -1) {
                case .nil: return ""
                case .string:
                    guard let text = try? c.checkedString(at: -1, maxBytes: Int.max) else {
                        throw ConfigurationError("csv.write: row \(index), column '\(LuaText.shown(name))': the value is not UTF-8 text")
                    }
                    return text
                case .number: return c.isInteger(at: -1) ? String(c.integer(at: -1) ?? 0) : String(c.number(at: -1) ?? 0)
                case .boolean: return c.boolean(at: -1) ? "true" : "false"
                default: throw ConfigurationError("csv.write: row \(index), column '\(LuaText.shown(name))': a \(c.typeName(at: -1)) cannot be written to CSV")
                }
            })
        }
        return rows
    }

    /// `{ delimiter = ";" }` at `index` (`,` `;` or a tab), or nil when not given.
    static func delimiterOption(_ c: LuaCall, index: Int32, function: String, known: [String] = ModuleSurface.optionNames("purecloud.csv.rows")) throws -> UnicodeScalar? {
        guard c.type(at: index) == .table else { return nil }  // or nil: checked by the spec
        guard let text = try OptionReader(c, index: index, function: function, position: Int(index), known: known).string("delimiter") else { return nil }
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first, CSVTable.delimiters.contains(scalar) else {
            throw ConfigurationError("\(function): 'delimiter' must be \",\", \";\" or \"\\t\" (tab), got '\(text)'")
        }
        return scalar
    }

    /// An array of strings or numbers, marked as an array (so it prints and encodes as one).
    static func pushArray(_ values: [String], _ c: LuaCall) { pushArray(values.count, c) { c.push(values[$0]) } }
    static func pushArray(_ values: [Int], _ c: LuaCall) { pushArray(values.count, c) { c.push(values[$0]) } }

    private static func pushArray(_ count: Int, _ c: LuaCall, item: (Int) -> Void) {
        c.newTable(arrayCapacity: Int32(min(count, 1 << 24)))
        c.push(anchor: ModuleAnchors.arrayMT)
        c.setMetatable(-2)
        for index in 0..<count {
            item(index)
            c.setIndex(-2, index + 1)
        }
    }

    static func pushRow(_ row: [(String, String)], _ c: LuaCall) {
        c.newTable(recordCapacity: Int32(row.count))
        for (name, value) in row {
            c.push(value)
            c.setField(-2, name)
        }
    }

    /// purecloud.log.info("message", { key = value, ... }): the run's log (level and format from
    /// --log-level and --log-format), on stderr.
    static func installLog(_ call: LuaCall, session: PurecloudSession) {
        call.newTable()
        call.setFunctions(logFunctions(session), in: -1)
        call.push(session.log.level.name)
        call.setField(-2, "level")
        call.push(session.log.format.rawValue)  // "text" or "json": a script's own stderr lines follow it
        call.setField(-2, "format")
    }

    /// log.debug, log.info, log.warn and log.error.
    static func logFunctions(_ session: PurecloudSession) -> [HostFunctionSpec] {
        LogLevel.allCases.map { level in
            // The message may be any value (shown as tostring shows it), or missing.
            HostFunctionSpec("log.\(level.name)", parameters: [.unchecked("message"), .optional(.table("fields"))]) { c in
                guard session.log.enabled(level) else { return 0 }
                session.clearProgress()  // a log line never shares the progress line's screen line
                let message = c.type(at: 1) == .string ? (c.string(at: 1) ?? "") : c.describe(at: 1)
                var fields: [(String, JSONValue)] = []
                if c.type(at: 2) == .table,
                   case let .object(members) = try LuaJSON(c, anchors: session.anchors).value(at: 2, path: "log fields") {
                    fields = members.map { ($0.key, $0.value) }
                }
                session.log.log(level, message, fields)
                return 0
            }
        }
    }
}
