#include "shim_internal.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pclua_dispatch_fn host_dispatch = NULL;
static pclua_release_fn host_release = NULL;
static pclua_continue_fn host_continue = NULL;

void pclua_set_host_callbacks(pclua_dispatch_fn dispatch, pclua_release_fn release, pclua_continue_fn resume) {
    host_dispatch = dispatch;
    host_release = release;
    host_continue = resume;
}

/* ---- host functions --------------------------------------------------------------------- */

#define HOST_BOX_MT "pclua.hostbox"

/* The userdata behind a host function. A script can reach it (debug.getupvalue) and the box's
 * metatable (debug.getregistry), and hand either any value: the metatable, the size and a check
 * word derived from the slot's own address must all agree before the box pointer is believed. */
typedef struct {
    uintptr_t check;
    void *box;
} HostSlot;

static uintptr_t slot_check(const HostSlot *slot) { return (uintptr_t)slot ^ (uintptr_t)0x9E3779B97F4A7C15ull; }

static HostSlot *to_slot(lua_State *L, int index) {
    HostSlot *slot = (HostSlot *)luaL_testudata(L, index, HOST_BOX_MT);
    if (slot == NULL || lua_rawlen(L, index) != sizeof(HostSlot) || slot->check != slot_check(slot)) return NULL;
    return slot;
}

static int host_box_gc(lua_State *L) {
    HostSlot *slot = to_slot(L, 1); /* anything else handed to this __gc is left alone */
    if (slot && slot->box && host_release) {
        void *box = slot->box;
        slot->box = NULL;
        host_release(box);
    }
    return 0;
}

static int host_continuation(lua_State *L, int status, lua_KContext ctx);

/* What Swift returned, carried out in C: the results, an error raised (the only place a host call
 * raises), or the task suspended until what it waits for has ended (tasks.c). Swift has returned
 * before any of these, so neither the longjmp of an error nor that of a yield crosses its frames;
 * the state is back in Lua mode. */
static int host_outcome(lua_State *L, int n) {
    if (n == PCLUA_SUSPEND) return pclua_suspend(L, host_continuation);
    if (n < 0) {
        int kind = PCLUA_RAISE - n;
        if (kind > PCLUA_KIND_SCRIPT) pclua_mark_error(L, kind);
        return lua_error(L);
    }
    return n;
}

static int host_trampoline(lua_State *L) {
    HostSlot *slot = to_slot(L, lua_upvalueindex(1));
    if (slot == NULL) return luaL_error(L, "host function's upvalue was replaced (debug.setupvalue); it can no longer be called");
    if (!slot->box || !host_dispatch) return luaL_error(L, "host function called after it was released");
    int previous = pclua_enter_mode(L, 0); /* Swift pushes: host mode (state.c) */
    int n = host_dispatch(L, slot->box);
    pclua_leave_mode(L, previous);
    return host_outcome(L, n);
}

/* A suspended host call resumed by the scheduler: the same call (its closure, its arguments on the
 * stack) goes on in the Swift continuation it left under the id it waited for (`ctx`). */
static int host_continuation(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    HostSlot *slot = to_slot(L, lua_upvalueindex(1));
    if (slot == NULL || !slot->box || !host_continue) return luaL_error(L, "host function's continuation was lost (its upvalue was replaced)");
    int previous = pclua_enter_mode(L, 0);
    int n = host_continue(L, slot->box, (lua_Integer)ctx);
    pclua_leave_mode(L, previous);
    return host_outcome(L, n);
}

void pclua_pushhost(lua_State *L, void *box, const char *name) {
    (void)name;
    HostSlot *slot = (HostSlot *)lua_newuserdatauv(L, sizeof(HostSlot), 0);
    slot->check = slot_check(slot);
    slot->box = box;
    if (luaL_newmetatable(L, HOST_BOX_MT)) {
        lua_pushcfunction(L, host_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, host_trampoline, 1);
}

/* ---- errors that keep their kind ---------------------------------------------------------- */

#define ERROR_KINDS_KEY "pclua.errorkinds"
#define ERROR_KIND_KEY "pclua.errorkind"
#define MARKS_KEPT 64
static const char marks_count_key = 0;

void pclua_mark_error(lua_State *L, int kind) {
    int value = lua_gettop(L);
    if (kind <= PCLUA_KIND_SCRIPT || lua_type(L, value) == LUA_TNIL || lua_type(L, value) == LUA_TNUMBER) return;
    if (lua_getfield(L, LUA_REGISTRYINDEX, ERROR_KINDS_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 8);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, ERROR_KINDS_KEY);
    }
    lua_rawgetp(L, -1, &marks_count_key);
    lua_Integer count = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (count >= MARKS_KEPT) { /* bounded: the oldest marks go (a script catching errors in a loop) */
        lua_pop(L, 1);
        lua_createtable(L, 0, 8);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, ERROR_KINDS_KEY);
        count = 0;
    }
    lua_pushvalue(L, value);
    lua_pushinteger(L, kind);
    lua_rawset(L, -3);
    lua_pushinteger(L, count + 1);
    lua_rawsetp(L, -2, &marks_count_key);
    lua_pop(L, 1);
}

static int kind_of(lua_State *L, int index) {
    index = lua_absindex(L, index);
    int type = lua_type(L, index);
    if (type == LUA_TNIL || type == LUA_TNUMBER || type == LUA_TNONE) return PCLUA_KIND_SCRIPT;
    if (lua_getfield(L, LUA_REGISTRYINDEX, ERROR_KINDS_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        return PCLUA_KIND_SCRIPT;
    }
    lua_pushvalue(L, index);
    lua_rawget(L, -2);
    int kind = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return kind;
}

int pclua_error_kind(lua_State *L, int index) { return kind_of(L, index); }

int pclua_error_kind_lua(lua_State *L) {
    lua_pushinteger(L, kind_of(L, 1));
    return 1;
}

int pclua_mark_error_lua(lua_State *L) {
    lua_Integer kind = luaL_checkinteger(L, 2);
    lua_settop(L, 1);
    if (kind > PCLUA_KIND_SCRIPT && kind <= PCLUA_KIND_LAST) pclua_mark_error(L, (int)kind);
    return 1;
}

int pclua_last_error_kind(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, ERROR_KIND_KEY);
    int kind = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return kind;
}

/* ---- protected calls -------------------------------------------------------------------- */

#define LAST_TRACEBACK_KEY "pclua.lasttraceback"
#define LAST_TOSTRING_KEY "pclua.lasttostring"

static int message_handler(lua_State *L) {
    /* The kind the error was raised with (a host function's, the interrupt's), looked up by the
     * value itself while it is still the one raised, for the host to read after the call. */
    lua_pushinteger(L, kind_of(L, 1));
    lua_setfield(L, LUA_REGISTRYINDEX, ERROR_KIND_KEY);
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

int pclua_pcall_host(lua_State *L, int nargs, int nresults) {
    int previous = pclua_enter_mode(L, 0);
    int status = lua_pcall(L, nargs, nresults, 0);
    pclua_leave_mode(L, previous);
    return status;
}

int pclua_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LAST_TRACEBACK_KEY);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LAST_TOSTRING_KEY);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, ERROR_KIND_KEY);
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    int status = pclua_protected(L, nargs, nresults, base);
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
    pclua_wrap_c_loaders(L);  /* cmodules.c */
    return 0;
}

int pclua_openlibs(lua_State *L) {
    lua_pushcfunction(L, openlibs_protected);
    return pclua_protected(L, 0, 0, 0);
}

int pclua_loadbuffer(lua_State *L, const char *buff, size_t size, const char *name) {
    return luaL_loadbufferx(L, buff, size, name, "t");
}

/* ---- interrupts (lua.c's laction/lstop) ------------------------------------------------- */

static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    /* lua.c's "interrupted!", marked as the interrupt, so that a script's own
     * error("interrupted!...") is not one, and the interrupt caught and raised again by a pcall
     * (the iterators') still is. */
    luaL_where(L, 1);
    lua_pushliteral(L, "interrupted!");
    lua_concat(L, 2);
    pclua_mark_error(L, PCLUA_KIND_INTERRUPT);
    lua_error(L);
}

void pclua_interrupt(lua_State *L) {
    pclua_note_interrupt(L, 1);
    lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void pclua_clear_interrupt(lua_State *L) {
    pclua_note_interrupt(L, 0);
    lua_sethook(L, NULL, 0, 0);
}

/* The interrupt sets the hook on the main thread only (as lua.c); a task runs on a thread of its
 * own, set by the Lua thread itself before each resume (never from another thread, whose
 * coroutine could be gone): every 1000 instructions it looks at the state's interrupt flag.
 * Coroutines a task makes inherit the hook. A hook of the script's own (debug.sethook) stays. */
static void task_hook(lua_State *L, lua_Debug *ar) {
    if (pclua_interrupt_requested(L)) interrupt_hook(L, ar);
}

void pclua_watch_interrupts(lua_State *task) {
    if (lua_gethook(task) == NULL) lua_sethook(task, task_hook, LUA_MASKCOUNT, 1000);
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
    int status = pclua_protected(L, 1, 1, 0);
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

/* ---- os.exit ------------------------------------------------------------------------------- */

static pclua_exit_hook_fn exit_hook = NULL;

void pclua_set_exit_hook(pclua_exit_hook_fn hook) { exit_hook = hook; }

/* loslib.c's os.exit, with the host's hook between the status and the exit: a run that stops
 * there still reports what it changed, and the hook may change the status it ends with. */
static int exit_function(lua_State *L) {
    int status;
    if (lua_isboolean(L, 1)) status = lua_toboolean(L, 1) ? EXIT_SUCCESS : EXIT_FAILURE;
    else status = (int)luaL_optinteger(L, 1, EXIT_SUCCESS);
    pclua_note_exit_status(status);
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
