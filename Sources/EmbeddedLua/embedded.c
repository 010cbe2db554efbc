// pclua's Lua files, compiled in with C23's #embed: the .lua files stay files that editors and
// luacheck read, and clang's dependency output names them, so editing one rebuilds this file.
#include "EmbeddedLua.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char prelude[] = {
#embed "../PureCloudLua/prelude.lua"
};

static const unsigned char printer[] = {
#embed "../LuaREPL/printer.lua"
};

pclua_embedded_lua pclua_embedded_prelude(void) {
    return (pclua_embedded_lua){ prelude, sizeof prelude, "@Sources/PureCloudLua/prelude.lua" };
}

pclua_embedded_lua pclua_embedded_printer(void) {
    return (pclua_embedded_lua){ printer, sizeof printer, "@Sources/LuaREPL/printer.lua" };
}
