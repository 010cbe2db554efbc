#ifndef PCLUA_EMBEDDED_LUA_H
#define PCLUA_EMBEDDED_LUA_H

#include <stddef.h>

/// One of pclua's own Lua files, compiled into the executable (so that `cp pclua ~/bin/` keeps
/// working: nothing is looked up at run time), with the chunk name that points at its source file.
typedef struct {
    const unsigned char *bytes;
    size_t length;
    /// "@Sources/.../name.lua": Lua shows it as the file's path in messages and tracebacks.
    const char *chunk_name;
} pclua_embedded_lua;

/// The `purecloud` module's Lua part: paging iterators, collect, table (Sources/PureCloudLua/prelude.lua).
pclua_embedded_lua pclua_embedded_prelude(void);

/// The REPL's value printer (Sources/LuaREPL/printer.lua).
pclua_embedded_lua pclua_embedded_printer(void);

#endif
