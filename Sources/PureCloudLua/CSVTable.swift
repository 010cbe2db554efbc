import CSV
import Foundation
import LuaKit

/// A CSV file read as rows keyed by its header (CSV.swift does the parsing). CSV.swift is lenient
/// (an unterminated quote runs silently to the end of the file), so the quoting is checked first
/// and every row's field count against the header, and mistakes name the file, line and column.
/// Files as admins have them: `,` `;` or tab separated (detected from the header, or given), a
/// byte-order mark and CRLF line ends from Excel; a file in a legacy code page is named with its
/// first bad line and the way to save it as UTF-8. Columns without a name in the header are ignored
/// while they hold nothing; rows whose fields are all empty are skipped and their lines kept.
final class CSVTable {
    let path: String
    let header: [String]
    let delimiter: UnicodeScalar
    static let delimiters: [UnicodeScalar] = [",", ";", "\t"]
    private let reader: CSVReader
    /// Line on which the next row starts (1-based; rows may span lines inside quotes).
    private var nextLine = 2

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// `delimiter` nil: the one of `,` `;` tab that the header line uses most (`,` when none).
    init(path: String, delimiter given: UnicodeScalar? = nil) throws {
        self.path = path
        let data = try Self.contents(of: path)
        if String(validating: data, as: UTF8.self) == nil {
            throw Problem(description: "\(path): line \(Self.firstBadLine(data)) is not UTF-8 text (the file was probably saved in a legacy code page); in Excel, save it as \"CSV UTF-8 (Comma delimited)\" and try again")
        }
        let delimiter = given ?? Self.detectDelimiter(data)
        self.delimiter = delimiter
        try Self.checkQuoting(data, path: path, delimiter: UInt8(delimiter.value))
        do {
            reader = try CSVReader(stream: InputStream(data: data), hasHeaderRow: true, delimiter: delimiter)
        } catch {
            throw Problem(description: "\(path): line 1: cannot read a header row")
        }
        var names = reader.headerRow ?? []
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }  // a byte-order mark from Excel
        names = names.map { $0.trimmingCharacters(in: .whitespaces) }
        if names.allSatisfy(\.isEmpty) { throw Problem(description: "\(path): line 1: the header row is empty") }
        var seen = Set<String>()  // linear: a header of 20,000 columns is read in a moment
        for (index, name) in names.enumerated() where !name.isEmpty {
            if !seen.insert(name).inserted { throw Problem(description: "\(path): line 1, column \(index + 1): column '\(name)' appears twice in the header") }
        }
        header = names
        // A column without a name (Excel's `;` at the end of every line, from one stray formatted
        // column) is ignored as long as it holds nothing.
        named = names.indices.filter { !names[$0].isEmpty }
        lastNamed = named.last ?? 0
    }

    /// The header's named columns (the others are ignored), and the last of them.
    private let named: [Int]
    private let lastNamed: Int
    /// The names of the columns rows are keyed by, in file order.
    var columns: [String] { named.map { header[$0] } }
    /// Lines skipped because every field on them is empty (`;;;` where rows were deleted, or an
    /// empty line), in file order.
    private(set) var blankLines: [Int] = []

    /// The next row (named columns only) and the line it starts on, or nil at the end of the file.
    /// Blank rows are skipped (`blankLines`).
    func next() throws -> (row: [(String, String)], line: Int)? {
        while let fields = reader.next() {
            let line = nextLine
            nextLine += 1 + fields.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
            if let error = reader.error { throw Problem(description: "\(path): line \(line): \(error)") }
            if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
                blankLines.append(line)
                continue
            }
            // Fields of unnamed columns, and past the header's end, must be empty; a row may stop
            // before trailing unnamed columns.
            guard fields.count > lastNamed && (fields.count <= header.count || fields[header.count...].allSatisfy(\.isEmpty)) else {
                let column = min(fields.count, header.count) + 1
                let separator = delimiter == "\t" ? "tab" : "'\(delimiter)'"
                throw Problem(description: "\(path): line \(line), column \(column): the row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(header.count) (\(header.joined(separator: String(delimiter))); separator \(separator))")
            }
            if let stray = fields.indices.first(where: { ($0 >= header.count || header[$0].isEmpty) && !fields[$0].allSatisfy(\.isWhitespace) }) {
                throw Problem(description: "\(path): line \(line), column \(stray + 1): '\(fields[stray])' is in a column without a name in the header; name the column on line 1, or delete the value")
            }
            return (named.map { (header[$0], fields[$0]) }, line)
        }
        if let error = reader.error { throw Problem(description: "\(path): line \(nextLine): \(error)") }
        return nil
    }

    /// The whole file, read as `io.open` reads it: pipes, FIFOs and /dev/stdin too.
    static func contents(of path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw Problem(description: "cannot read CSV file \(path): \(reason)")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count == 0 {
                return data
            } else if errno == EINTR {
                throw LuaError.interrupted  // Ctrl-C or SIGTERM while a FIFO or stdin had nothing to read
            } else {
                throw Problem(description: "cannot read CSV file \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The line of the first byte sequence that is not UTF-8.
    static func firstBadLine(_ data: Data) -> Int {
        var line = 1
        for raw in data.split(separator: 10, omittingEmptySubsequences: false) {
            if String(validating: raw, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }

    /// The separator the header line uses most, outside quotes (Excel writes `;` where the decimal
    /// mark is a comma, and "Text (Tab delimited)" uses tabs).
    static func detectDelimiter(_ data: Data) -> UnicodeScalar {
        var counts: [UInt8: Int] = [:]
        var inQuotes = false
        for byte in data {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if !inQuotes && (byte == 10 || byte == 13) { break }
            if !inQuotes, delimiters.contains(UnicodeScalar(byte)) { counts[byte, default: 0] += 1 }
        }
        guard let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return "," }
        return UnicodeScalar(best.key)
    }

    /// RFC 4180 quoting: a quote opens only at the start of a field, and every opened quote closes.
    static func checkQuoting(_ data: Data, path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        var line = 1, column = 1, fieldStart = true, inQuotes = false
        var openedAt = (1, 1)
        var iterator = data.makeIterator()
        var pending: UInt8? = nil
        while let byte = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    let following = iterator.next()
                    if following == UInt8(ascii: "\"") { column += 2; continue }
                    inQuotes = false
                    column += 1
                    if let following, following != delimiter, following != 10, following != 13 {
                        throw Problem(description: "\(path): line \(line), column \(column): text after a closing quote; a quote inside a quoted field is written as two quotes")
                    }
                    pending = following
                    continue
                }
            } else if byte == UInt8(ascii: "\"") {
                guard fieldStart else {
                    throw Problem(description: "\(path): line \(line), column \(column): a quote in the middle of an unquoted field; quote the whole field")
                }
                inQuotes = true
                openedAt = (line, column)
            }
            fieldStart = !inQuotes && (byte == delimiter || byte == 10 || byte == 13)
            if byte == 10 { line += 1; column = 1 } else { column += 1 }
        }
        if inQuotes {
            throw Problem(description: "\(path): line \(openedAt.0), column \(openedAt.1): a quoted field is never closed")
        }
    }

    /// Writes rows under a header; values must already be text. `bom` starts the file with a
    /// UTF-8 byte-order mark, without which Excel reads UTF-8 as a legacy code page (accents garbled).
    static func write(path: String, header: [String], rows: [[String]], delimiter: UnicodeScalar = ",", bom: Bool = false) throws {
        guard let stream = OutputStream(toFileAtPath: path, append: false) else {
            throw Problem(description: "cannot write CSV file \(path)")
        }
        // (streamStatus, not streamError: Foundation on Linux traps on the latter)
        stream.open()
        defer { stream.close() }
        guard stream.streamStatus == .open else { throw Problem(description: "cannot write CSV file \(path): it cannot be opened for writing") }
        do {
            if bom {
                let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
                guard stream.write(mark, maxLength: mark.count) == mark.count else { throw Problem(description: "write failed") }
            }
            let writer = try CSVWriter(stream: stream, delimiter: String(delimiter))
            try writer.write(row: header)
            for row in rows { try writer.write(row: row) }
            writer.beginNewRow()  // CSV.swift writes a newline before each row: end the last line
            try writer.write(field: "")
        } catch {
            throw Problem(description: "cannot write CSV file \(path): the write failed (disk full or no permission?)")
        }
    }
}
