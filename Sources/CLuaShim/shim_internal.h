#ifndef PCLUA_SHIM_INTERNAL_H
#define PCLUA_SHIM_INTERNAL_H

#include "CLuaShim.h"

/* lua_pcall in Lua mode (state.c): an allocation that fails inside raises "not enough memory",
 * caught by this pcall. Every protected call of the shim goes through it. */
int pclua_protected(lua_State *L, int nargs, int nresults, int msgh);
/* Sets the state's mode (1: Lua, 0: host) and returns the previous one, for pclua_leave_mode. */
int pclua_enter_mode(lua_State *L, int lua_mode);
void pclua_leave_mode(lua_State *L, int previous);

#endif
