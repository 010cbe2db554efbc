#include "CLuaShim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pclua_dispatch_fn host_dispatch = NULL;
static pclua_release_fn host_release = NULL;

void pclua_set_host_callbacks(pclua_dispatch_fn dispatch, pclua_release_fn release) {
    host_dispatch = dispatch;
    host_release = release;
}

/* ---- host functions --------------------------------------------------------------------- */

#define HOST_BOX_MT "pclua.hostbox"

static int host_box_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot && *slot && host_release) {
        host_release(*slot);
        *slot = NULL;
    }
    return 0;
}

static int host_trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    if (!slot || !*slot || !host_dispatch) {
        lua_pushliteral(L, "host function called after it was released");
        return lua_error(L);
    }
    int n = host_dispatch(L, *slot);
    if (n < 0) return lua_error(L); /* the only place a host call raises: in C, not in Swift */
    return n;
}

void pclua_pushhost(lua_State *L, void *box, const char *name) {
    (void)name;
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = box;
    if (luaL_newmetatable(L, HOST_BOX_MT)) {
        lua_pushcfunction(L, host_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, host_trampoline, 1);
}

/* ---- protected calls -------------------------------------------------------------------- */

#define LAST_TRACEBACK_KEY "pclua.lasttraceback"
#define LAST_TOSTRING_KEY "pclua.lasttostring"

static int message_handler(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING) {
        luaL_traceback(L, L, lua_tostring(L, 1), 1);
        return 1;
    }
    /* Keep tables and userdata (ApiError) as they are, so the host can read their fields; keep a
     * traceback beside them. */
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, LAST_TRACEBACK_KEY);
    /* lua.c's msghandler calls __tostring here, while the stack that raised is still there (a
     * __tostring may look at it); keep its text for the host to print. */
    if (!lua_isnoneornil(L, 1) && luaL_callmeta(L, 1, "__tostring")) {
        if (lua_type(L, -1) == LUA_TSTRING) lua_setfield(L, LUA_REGISTRYINDEX, LAST_TOSTRING_KEY);
        else lua_pop(L, 1);
    }
    if (lua_isnoneornil(L, 1) && lua_gettop(L) >= 1) {
        luaL_traceback(L, L, "(error object is a nil value)", 1); /* lua.c's text */
        return 1;
    }
    lua_settop(L, 1);
    return 1;
}

int pclua_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LAST_TRACEBACK_KEY);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LAST_TOSTRING_KEY);
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

const char *pclua_last_tostring(lua_State *L, size_t *length) {
    lua_getfield(L, LUA_REGISTRYINDEX, LAST_TOSTRING_KEY);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, length) : NULL;
    lua_pop(L, 1); /* the string stays alive in the registry */
    return s;
}

const char *pclua_last_traceback(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, LAST_TRACEBACK_KEY);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays alive in the registry */
    return s;
}

static int openlibs_protected(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}

int pclua_openlibs(lua_State *L) {
    lua_pushcfunction(L, openlibs_protected);
    return lua_pcall(L, 0, 0, 0);
}

int pclua_loadbuffer(lua_State *L, const char *buff, size_t size, const char *name) {
    return luaL_loadbufferx(L, buff, size, name, "t");
}

/* ---- interrupts (lua.c's laction/lstop) ------------------------------------------------- */

#define INTERRUPTED_KEY "pclua.interrupted"

static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    /* Marks this error as the interrupt, so a script's own error("interrupted!...") is not. */
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, INTERRUPTED_KEY);
    luaL_error(L, "interrupted!");
}

int pclua_take_interrupted(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, INTERRUPTED_KEY);
    int interrupted = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (interrupted) {
        lua_pushnil(L);
        lua_setfield(L, LUA_REGISTRYINDEX, INTERRUPTED_KEY);
    }
    return interrupted;
}

void pclua_interrupt(lua_State *L) {
    lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void pclua_clear_interrupt(lua_State *L) {
    lua_sethook(L, NULL, 0, 0);
}

/* ---- protected helpers ------------------------------------------------------------------ */

static int tostring_protected(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int pclua_tostring(lua_State *L, int index, const char **out, size_t *length) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, tostring_protected);
    lua_pushvalue(L, index);
    int status = lua_pcall(L, 1, 1, 0);
    *out = lua_tolstring(L, -1, length); /* on error, the message; the caller pops either way */
    return status;
}

/* ---- macros as functions ---------------------------------------------------------------- */

void pclua_pop(lua_State *L, int n) { lua_pop(L, n); }
void pclua_newtable(lua_State *L) { lua_newtable(L); }
int pclua_upvalueindex(int i) { return lua_upvalueindex(i); }
int pclua_registryindex(void) { return LUA_REGISTRYINDEX; }
const char *pclua_tostringx(lua_State *L, int index, size_t *len) { return lua_tolstring(L, index, len); }
int pclua_isnoneornil(lua_State *L, int index) { return lua_isnoneornil(L, index); }
lua_Number pclua_tonumber(lua_State *L, int index, int *isnum) { return lua_tonumberx(L, index, isnum); }
lua_Integer pclua_tointeger(lua_State *L, int index, int *isnum) { return lua_tointegerx(L, index, isnum); }
void pclua_pushlightuserdata(lua_State *L, void *p) { lua_pushlightuserdata(L, p); }
void *pclua_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }

int pclua_getmetafield_raw(lua_State *L, int obj, const char *field) {
    if (!lua_getmetatable(L, obj)) return LUA_TNIL;
    lua_pushstring(L, field);
    int type = lua_rawget(L, -2);
    if (type == LUA_TNIL) {
        lua_pop(L, 2);
        return LUA_TNIL;
    }
    lua_remove(L, -2);
    return type;
}

/* ---- print -------------------------------------------------------------------------------- */

static pclua_output_hook_fn before_output = NULL;

void pclua_set_output_hook(pclua_output_hook_fn hook) { before_output = hook; }

/* lua5.4's print (lbaselib.c), a C function like the original (so debug.getinfo, string.dump,
 * tracebacks and hooks see what they see under lua5.4), with one addition: the host's hook runs
 * first, so a progress line on the terminal is cleared before the text. The hook is process-wide
 * and needs no state, so print works in finalizers while a state closes. */
static int print_function(lua_State *L) {
    int n = lua_gettop(L);
    if (before_output) before_output();
    for (int i = 1; i <= n; i++) {
        size_t length;
        const char *s = luaL_tolstring(L, i, &length);
        if (i > 1) lua_writestring("\t", 1);
        lua_writestring(s, length);
        lua_pop(L, 1);
    }
    lua_writeline();
    return 0;
}

static int install_print_protected(lua_State *L) {
    lua_pushcfunction(L, print_function);
    lua_setglobal(L, "print");
    return 0;
}

int pclua_install_print(lua_State *L) {
    lua_pushcfunction(L, install_print_protected);
    return lua_pcall(L, 0, 0, 0);
}

/* ---- os.exit ------------------------------------------------------------------------------- */

static pclua_exit_hook_fn exit_hook = NULL;

void pclua_set_exit_hook(pclua_exit_hook_fn hook) { exit_hook = hook; }

/* loslib.c's os.exit, with the host's hook between the status and the exit: a run that stops
 * there still reports what it changed, and the hook may change the status it ends with. */
static int exit_function(lua_State *L) {
    int status;
    if (lua_isboolean(L, 1)) status = lua_toboolean(L, 1) ? EXIT_SUCCESS : EXIT_FAILURE;
    else status = (int)luaL_optinteger(L, 1, EXIT_SUCCESS);
    if (exit_hook) status = exit_hook(status);
    if (lua_toboolean(L, 2)) lua_close(L);
    if (L) exit(status); /* 'if' to avoid warnings for unreachable 'return' */
    return 0;
}

static int install_exit_protected(lua_State *L) {
    if (lua_getglobal(L, "os") == LUA_TTABLE) {
        lua_pushcfunction(L, exit_function);
        lua_setfield(L, -2, "exit");
    }
    return 0;
}

int pclua_install_exit(lua_State *L) {
    lua_pushcfunction(L, install_exit_protected);
    return lua_pcall(L, 0, 0, 0);
}
