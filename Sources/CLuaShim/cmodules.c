/* C modules (lpeg, cjson, lfs...) call the Lua C API by name, as lua5.4 lets them: the pclua
 * executable exports it (Sources/pclua/exports.map). A build with the Swift standard library
 * linked statically cannot: Swift's static link hides every symbol that comes from an archive,
 * Debian's liblua5.4.a included, so `require "lpeg"` would fail with "undefined symbol: lua_gettop".
 * Then, and only when a C module is about to be loaded, Debian's liblua5.4.so.0 is opened into
 * the global scope for the module to bind to, after checking that it is the very release this
 * executable was linked with (lua_ident, which names it to the patch level): the two copies then
 * share one struct layout and one set of rules over the same state. Another release is not
 * opened, and the module fails to load as it would have. */
#include "shim_internal.h"
#include <dlfcn.h>
#include <string.h>

/* Decided once per process, by the first C module (the Lua thread loads them; a task is a
 * coroutine of the same thread). */
static int api_visible = -1;  /* unknown, no, yes */

static int ensure_api_visible(void) {
    if (api_visible >= 0) return api_visible;
    api_visible = 0;
    void *shared = dlopen("liblua5.4.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (shared == NULL) return 0;
    const char *ident = (const char *)dlsym(shared, "lua_ident");
    if (ident == NULL || strcmp(ident, lua_ident) != 0) {
        dlclose(shared);
        return 0;
    }
    /* Same release: promote it to the global scope (dlopen again with RTLD_GLOBAL). */
    if (dlopen("liblua5.4.so.0", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL) == NULL) return 0;
    api_visible = 1;
    return 1;
}

/* The original searcher or loadlib (upvalue 1), called with the same arguments once the API is visible. */
static int with_api(lua_State *L) {
    ensure_api_visible();
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* Replaces the function on top of the stack with its wrapper; false (and the value popped)
 * when it is not a function. */
static int wrap_top(lua_State *L) {
    if (lua_type(L, -1) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushcclosure(L, with_api, 1);
    return 1;
}

/* package.loadlib and the two C searchers (package.searchers[3] and [4]), only when the
 * executable does not export the API itself. */
void pclua_wrap_c_loaders(lua_State *L) {
    if (dlsym(RTLD_DEFAULT, "lua_gettop") != NULL) return;
    lua_getglobal(L, "package");
    if (lua_type(L, -1) == LUA_TTABLE) {
        int package = lua_gettop(L);
        lua_getfield(L, package, "loadlib");
        if (wrap_top(L)) lua_setfield(L, package, "loadlib");
        lua_getfield(L, package, "searchers");
        if (lua_type(L, -1) == LUA_TTABLE) {
            int searchers = lua_gettop(L);
            for (lua_Integer i = 3; i <= 4; i++) {
                lua_geti(L, searchers, i);
                if (wrap_top(L)) lua_seti(L, searchers, i);
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}
