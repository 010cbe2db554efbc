#ifndef PCLUA_SHIM_H
#define PCLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>

/*
 * The C side of the Lua boundary. Lua raises errors with longjmp, which must never cross a Swift
 * frame, so every place that may raise lives here:
 *  - host functions: Swift code is called through one trampoline; Swift returns a status and the
 *    trampoline (C) raises the error value Swift left on the stack;
 *  - protected helpers run through lua_pcall;
 *  - the interrupt hook raises "interrupted!" from C.
 */

/* Swift's side of a host call: returns the number of results (>= 0), or PCLUA_RAISE after pushing
 * the error value. `box` is the opaque pointer given to pclua_pushhost. */
#define PCLUA_RAISE (-1)
typedef int (*pclua_dispatch_fn)(lua_State *L, void *box);
typedef void (*pclua_release_fn)(void *box);

/* Set once per process, before any host function is pushed. */
void pclua_set_host_callbacks(pclua_dispatch_fn dispatch, pclua_release_fn release);

/* Pushes a Lua function that calls `box` through the dispatcher. The box is released when the
 * function is collected. Can raise only on out-of-memory: call with a protected caller or at set-up. */
void pclua_pushhost(lua_State *L, void *box, const char *name);

/* lua_pcall with a message handler that adds a traceback to string errors and keeps table or
 * userdata errors as they are (their traceback is kept in the registry, see pclua_last_traceback). */
int pclua_pcall(lua_State *L, int nargs, int nresults);
/* The traceback recorded for the last non-string error, or NULL. */
const char *pclua_last_traceback(lua_State *L);

/* Opens the standard libraries under protection. Returns a LUA_* status. */
int pclua_openlibs(lua_State *L);

/* Loads a chunk; returns the lua_load status. For "=stdin"-style names pass the chunk name. */
int pclua_loadbuffer(lua_State *L, const char *buff, size_t size, const char *name);

/* Ask the running code to stop: safe to call from a signal handler (it only sets a hook). */
void pclua_interrupt(lua_State *L);
void pclua_clear_interrupt(lua_State *L);

/* JSON text -> Lua value, pushed on the stack. Objects become tables, arrays become tables with
 * the metatable at `array_mt_index`, null becomes the value at `null_index`. Runs under protection;
 * returns LUA_OK, or an error status with a message (naming the byte offset) on the stack. */
int pclua_json_decode(lua_State *L, const char *text, size_t length, int null_index, int array_mt_index, int max_depth);

/* The same as a Lua function: decode(text) with upvalues 1 = null, 2 = array metatable. */
int pclua_json_decode_lua(lua_State *L);

/* Protected helpers for operations that may run metamethods or raise. */
int pclua_tostring(lua_State *L, int index, const char **out, size_t *length); /* luaL_tolstring */

/* Macros of lua.h, as functions Swift can call. */
void pclua_pop(lua_State *L, int n);
void pclua_newtable(lua_State *L);
int pclua_upvalueindex(int i);
int pclua_registryindex(void);
const char *pclua_tostringx(lua_State *L, int index, size_t *len);
int pclua_isnoneornil(lua_State *L, int index);
lua_Number pclua_tonumber(lua_State *L, int index, int *isnum);
lua_Integer pclua_tointeger(lua_State *L, int index, int *isnum);
void pclua_pushlightuserdata(lua_State *L, void *p);
void *pclua_newuserdata(lua_State *L, size_t size);
int pclua_getmetafield_raw(lua_State *L, int obj, const char *field); /* raw, never raises */

#endif
