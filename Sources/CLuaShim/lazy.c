/*
 * A table built on its first use: pclua's `purecloud` module. Building it (its host functions,
 * its metatables, the prelude compiled) was most of the start-up of a script that never touches
 * it, `pclua -e 'x=1'` (docs/benchmarks.md, figure 8).
 *
 * Until then the table is empty, and its metatable's __index, __newindex, __pairs, __len and
 * __tostring build it before doing what was asked: the metatable is taken off, the builder is
 * called with the table (once, unless it fails: the shared control table forgets it meanwhile),
 * and the operation is done on the built table. Raw access (rawget, next, rawlen) sees the empty table until a use has
 * built it. The metamethods run on whichever thread touches the table first, a coroutine's
 * included; the builder's errors are that thread's errors.
 */
#include "shim_internal.h"

/* Upvalue 1 of each metamethod: the control table {target = the table, build = the builder}. */
#define CONTROL lua_upvalueindex(1)

/* Builds the table at index 1 if it is this metatable's table and not built yet. While the
 * builder runs the table has no metatable (its own fields are set raw); if the builder fails (an
 * interrupt, memory), the table is empty and lazy again, for a later use to try again, and the
 * error goes on. */
static void build_if_needed(lua_State *L) {
    if (lua_getfield(L, CONTROL, "target") != LUA_TTABLE || !lua_rawequal(L, -1, 1)) {
        lua_pop(L, 1);
        return; /* a metamethod taken out of the metatable and called on another value */
    }
    lua_pop(L, 1);
    if (lua_getfield(L, CONTROL, "build") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return; /* built, or being built */
    }
    int builder = lua_gettop(L);
    if (!lua_getmetatable(L, 1)) lua_pushnil(L);
    lua_pushnil(L);
    lua_setfield(L, CONTROL, "build");
    lua_pushnil(L);
    lua_setmetatable(L, 1);
    lua_pushvalue(L, builder);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) { /* the error on top */
        lua_pushnil(L); /* what was built goes: a field left there would be found without building */
        while (lua_next(L, 1)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, 1);
        }
        lua_pushvalue(L, builder + 1);
        lua_setmetatable(L, 1);
        lua_pushvalue(L, builder);
        lua_setfield(L, CONTROL, "build");
        lua_error(L);
    }
    lua_settop(L, builder - 1);
}

static int lazy_index(lua_State *L) {
    build_if_needed(L);
    lua_settop(L, 2);
    lua_gettable(L, 1);
    return 1;
}

static int lazy_newindex(lua_State *L) {
    build_if_needed(L);
    lua_settop(L, 3);
    lua_settable(L, 1);
    return 0;
}

/* next, as the base library's (which C cannot reach): for __pairs. */
static int lazy_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int lazy_pairs(lua_State *L) {
    build_if_needed(L);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) { /* the built table's own */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    lua_pushcfunction(L, lazy_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int lazy_len(lua_State *L) {
    build_if_needed(L);
    lua_len(L, 1);
    return 1;
}

static int lazy_tostring(lua_State *L) {
    build_if_needed(L);
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* The builder on top; replaces it with the table. */
static int make_lazy_table(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_newtable(L); /* 2: the table */
    lua_createtable(L, 0, 2); /* 3: control */
    lua_pushvalue(L, 2);
    lua_setfield(L, 3, "target");
    lua_pushvalue(L, 1);
    lua_setfield(L, 3, "build");
    static const luaL_Reg metamethods[] = {
        {"__index", lazy_index}, {"__newindex", lazy_newindex}, {"__pairs", lazy_pairs},
        {"__len", lazy_len}, {"__tostring", lazy_tostring}, {NULL, NULL},
    };
    lua_createtable(L, 0, 5); /* 4: the metatable */
    lua_pushvalue(L, 3);
    luaL_setfuncs(L, metamethods, 1);
    lua_setmetatable(L, 2);
    lua_pushvalue(L, 2);
    return 1;
}

int pclua_lazy_table(lua_State *L) {
    lua_pushcfunction(L, make_lazy_table);
    lua_rotate(L, -2, 1);
    return pclua_protected(L, 1, 1, 0);
}
