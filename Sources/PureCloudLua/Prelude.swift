import EmbeddedLua

/// The part of the `purecloud` module written in Lua, in prelude.lua beside this file (compiled into
/// the executable by the EmbeddedLua target): paging iterators over the generated methods, made for
/// every API from the operation table's paging facts (`apis[name].paged[operation]` =
/// { iterator, key, page_size, positional, body_model, next_page }), collect and table. Lua is the
/// natural place for generic-for iterators and their closing values; the hot path (JSON -> tables)
/// stays in C.
enum Prelude {
    static var source: [UInt8] { let chunk = pclua_embedded_prelude(); return Array(UnsafeBufferPointer(start: chunk.bytes, count: chunk.length)) }
    /// "@Sources/PureCloudLua/prelude.lua": messages and tracebacks point at the file and line.
    static var chunkName: String { String(cString: pclua_embedded_prelude().chunk_name) }
    /// The name as Lua shows it in messages, which the user's tracebacks leave out.
    static var shownName: String { String(chunkName.dropFirst()) }
}
