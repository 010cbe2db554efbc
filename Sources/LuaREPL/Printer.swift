import EmbeddedLua

/// How the REPL shows values, written in Lua in printer.lua beside this file (compiled into the
/// executable by the EmbeddedLua target; it walks Lua tables, which Lua does best): tables as
/// readable Lua with sorted keys, arrays in order, nested indentation, limits with a note of what
/// was cut, shared and cyclic tables numbered and referred to, secrets masked, ApiError values
/// as their one line.
enum Printer {
    static var source: [UInt8] { let chunk = pclua_embedded_printer(); return Array(UnsafeBufferPointer(start: chunk.bytes, count: chunk.length)) }
    /// "@Sources/LuaREPL/printer.lua": messages and tracebacks point at the file and line.
    static var chunkName: String { String(cString: pclua_embedded_printer().chunk_name) }
}
