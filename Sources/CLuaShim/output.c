/*
 * What a script writes to the screen: lua5.4's print, io.write and the files' write method, as C
 * functions like the originals (so debug.getinfo, string.dump, tracebacks, hooks and error messages
 * see what they see under lua5.4), with one addition: before writing to stdout or stderr they
 * call the host's hook, which clears a progress line drawn on the terminal, so script output and
 * the progress line never share a screen line. The hook is process-wide and needs no state, so
 * they work in finalizers while a state closes.
 */
#include "shim_internal.h"
#include <stdio.h>

static pclua_output_hook_fn before_output = NULL;

void pclua_set_output_hook(pclua_output_hook_fn hook) { before_output = hook; }

static void clear_for(FILE *f) {
    if (before_output && (f == stdout || f == stderr)) before_output();
}

/* lbaselib.c's luaB_print */
static int print_function(lua_State *L) {
    int n = lua_gettop(L);
    clear_for(stdout);
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

/* liolib.c's g_write */
static int write_values(lua_State *L, FILE *f, int arg) {
    int nargs = lua_gettop(L) - arg;
    int status = 1;
    clear_for(f);
    for (; nargs--; arg++) {
        if (lua_type(L, arg) == LUA_TNUMBER) {
            int length = lua_isinteger(L, arg) ? fprintf(f, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, arg))
                                               : fprintf(f, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumber(L, arg));
            status = status && (length > 0);
        } else {
            size_t length;
            const char *s = luaL_checklstring(L, arg, &length);
            status = status && (fwrite(s, sizeof(char), length, f) == length);
        }
    }
    if (status) return 1; /* the file handle is on the stack top */
    return luaL_fileresult(L, status, NULL);
}

/* liolib.c's io_write: to the default output file */
static int io_write_function(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, "_IO_output");
    luaL_Stream *p = (luaL_Stream *)luaL_testudata(L, -1, LUA_FILEHANDLE);
    if (p == NULL || p->closef == NULL) return luaL_error(L, "default %s file is closed", "output");
    return write_values(L, p->f, 1);
}

/* liolib.c's f_write: file:write(...) */
static int file_write_function(lua_State *L) {
    luaL_Stream *p = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
    if (p->closef == NULL) return luaL_error(L, "attempt to use a closed file");
    lua_pushvalue(L, 1);
    return write_values(L, p->f, 2);
}

static int install_output_protected(lua_State *L) {
    lua_pushcfunction(L, print_function);
    lua_setglobal(L, "print");
    if (lua_getglobal(L, "io") == LUA_TTABLE) {
        lua_pushcfunction(L, io_write_function);
        lua_setfield(L, -2, "write");
    }
    if (luaL_getmetatable(L, LUA_FILEHANDLE) == LUA_TTABLE && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushcfunction(L, file_write_function);
        lua_setfield(L, -2, "write");
    }
    return 0;
}

int pclua_install_print(lua_State *L) {
    lua_pushcfunction(L, install_output_protected);
    return pclua_protected(L, 0, 0, 0);
}
