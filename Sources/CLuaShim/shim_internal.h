#ifndef PCLUA_SHIM_INTERNAL_H
#define PCLUA_SHIM_INTERNAL_H

#include "CLuaShim.h"

/* lua_pcall in Lua mode (state.c): an allocation that fails inside raises "not enough memory",
 * caught by this pcall. Every protected call of the shim goes through it. */
int pclua_protected(lua_State *L, int nargs, int nresults, int msgh);
/* Sets the state's mode (1: Lua, 0: host) and returns the previous one, for pclua_leave_mode. */
int pclua_enter_mode(lua_State *L, int lua_mode);
void pclua_leave_mode(lua_State *L, int previous);
/* The state's interrupt flag (set by pclua_interrupt, cleared by pclua_clear_interrupt). */
void pclua_note_interrupt(lua_State *L, int on);
/* A task's thread stops at an interrupt too (shim.c). */
void pclua_watch_interrupts(lua_State *task);
/* cmodules.c: lets C modules find the Lua API in a build that cannot export it. */
void pclua_wrap_c_loaders(lua_State *L);
/* Yields (wait tag, the id on top) from a C function, with `k` to go on (tasks.c). */
int pclua_suspend(lua_State *L, lua_KFunction k);
/* A new state's main thread: no task flags (lua_newthread copies them into every thread). */
void pclua_clear_thread_flags(lua_State *L);

#endif
