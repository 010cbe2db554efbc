import CSV
import Foundation

/// A CSV file read as rows keyed by its header (CSV.swift does the parsing). CSV.swift is lenient
/// (an unterminated quote runs silently to the end of the file), so the quoting is checked first
/// and every row's field count against the header, and mistakes name the file, line and column.
final class CSVTable {
    let path: String
    let header: [String]
    private let reader: CSVReader
    /// Line on which the next row starts (1-based; rows may span lines inside quotes).
    private var nextLine = 2

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read CSV file \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw Problem(description: "\(path): the file is not UTF-8 text")
        }
        try Self.checkQuoting(data, path: path)
        do {
            reader = try CSVReader(stream: InputStream(data: data), hasHeaderRow: true)
        } catch {
            throw Problem(description: "\(path): line 1: cannot read a header row")
        }
        var names = reader.headerRow ?? []
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }  // a byte-order mark from Excel
        names = names.map { $0.trimmingCharacters(in: .whitespaces) }
        if names.isEmpty || names == [""] { throw Problem(description: "\(path): line 1: the header row is empty") }
        for (index, name) in names.enumerated() {
            if name.isEmpty { throw Problem(description: "\(path): line 1, column \(index + 1): the header has an empty column name") }
            if names[..<index].contains(name) { throw Problem(description: "\(path): line 1, column \(index + 1): column '\(name)' appears twice in the header") }
        }
        header = names
    }

    /// The next row and the line it starts on, or nil at the end of the file. Blank lines are skipped.
    func next() throws -> (row: [(String, String)], line: Int)? {
        while let fields = reader.next() {
            let line = nextLine
            nextLine += 1 + fields.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
            if let error = reader.error { throw Problem(description: "\(path): line \(line): \(error)") }
            if fields == [""] { continue }
            guard fields.count == header.count else {
                let column = min(fields.count, header.count) + 1
                throw Problem(description: "\(path): line \(line), column \(column): the row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(header.count) (\(header.joined(separator: ",")))")
            }
            return (Array(zip(header, fields)), line)
        }
        if let error = reader.error { throw Problem(description: "\(path): line \(nextLine): \(error)") }
        return nil
    }

    /// RFC 4180 quoting: a quote opens only at the start of a field, and every opened quote closes.
    static func checkQuoting(_ data: Data, path: String) throws {
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
                    if let following, following != UInt8(ascii: ","), following != 10, following != 13 {
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
            fieldStart = !inQuotes && (byte == UInt8(ascii: ",") || byte == 10 || byte == 13)
            if byte == 10 { line += 1; column = 1 } else { column += 1 }
        }
        if inQuotes {
            throw Problem(description: "\(path): line \(openedAt.0), column \(openedAt.1): a quoted field is never closed")
        }
    }

    /// Writes rows under a header; values must already be text.
    static func write(path: String, header: [String], rows: [[String]]) throws {
        guard let stream = OutputStream(toFileAtPath: path, append: false) else {
            throw Problem(description: "cannot write CSV file \(path)")
        }
        // (streamStatus, not streamError: Foundation on Linux traps on the latter)
        stream.open()
        defer { stream.close() }
        guard stream.streamStatus == .open else { throw Problem(description: "cannot write CSV file \(path): it cannot be opened for writing") }
        do {
            let writer = try CSVWriter(stream: stream)
            try writer.write(row: header)
            for row in rows { try writer.write(row: row) }
            writer.beginNewRow()  // CSV.swift writes a newline before each row: end the last line
            try writer.write(field: "")
        } catch {
            throw Problem(description: "cannot write CSV file \(path): the write failed (disk full or no permission?)")
        }
    }
}
