/*
 * Tasks: coroutines whose host calls wait without blocking the Lua thread (issue 23).
 *
 * A host function called inside a task starts its work (an HTTP request) and, instead of
 * blocking, suspends the task: it returns PCLUA_SUSPEND with the id of what it waits for, and the
 * trampoline (shim.c) yields (wait tag, id) from C with a continuation (lua_yieldk). Only C
 * frames lie between the yield and the lua_resume that catches it: the Swift host function has
 * already returned. The scheduler (Swift, PureCloudLua's TaskScheduler) resumes the task when the
 * work has ended, and the continuation hands the outcome to the host function's Swift
 * continuation, which pushes the results or raises, again through C.
 *
 * A script's own coroutines keep Lua's semantics inside a task (as OpenResty's do): this file's
 * coroutine.resume and coroutine.wrap are lcorolib.c's (Lua 5.4.4) with one addition: when the
 * coroutine they resume yields for a wait (the tag, which no script can make), they do not hand
 * it to the script; they yield it on up (lua_yieldk again), and when resumed, resume the coroutine
 * again. coroutine.status and coroutine.close see a coroutine waiting so as running inside a
 * resume ("normal"), and a task's own coroutine is the scheduler's alone.
 *
 * Whether a wait can reach the scheduler is known per thread (LUA_EXTRASPACE, flags below): a task
 * thread while the scheduler runs it, or a coroutine resumed by these functions from one that can,
 * where Lua allows the yield (lua_isyieldable: not across a C call such as table.sort's
 * comparator or a __gc). Elsewhere a host function blocks, as outside any task.
 */
#include "shim_internal.h"
#include <stdint.h>

/* Its address marks a yield that waits for the host. */
static const char wait_tag = 0;

#define PASSES ((uintptr_t)1)  /* a wait from this thread reaches the scheduler */
#define WAITING ((uintptr_t)2) /* suspended in a wait: to scripts it is running an inner coroutine */
#define TASK ((uintptr_t)4)    /* a task's own coroutine: resumed and closed by the scheduler only */
#define ENDED ((uintptr_t)8)   /* a task that returned, failed or was closed (its stack keeps the outcome) */

static uintptr_t *flags_of(lua_State *L) { return (uintptr_t *)lua_getextraspace(L); }

/* lua_newthread copies the main thread's extra space into each new thread: it must start clear. */
void pclua_clear_thread_flags(lua_State *L) { *flags_of(L) = 0; }

int pclua_can_suspend(lua_State *L) { return (*flags_of(L) & PASSES) != 0 && lua_isyieldable(L); }

int pclua_suspend(lua_State *L, lua_KFunction k) {
    lua_Integer id = lua_tointeger(L, -1);
    lua_pushlightuserdata(L, (void *)&wait_tag);
    lua_insert(L, -2);
    return lua_yieldk(L, 2, (lua_KContext)id, k);
}

static int is_wait(lua_State *co, int nres) {
    return nres == 2 && lua_type(co, -2) == LUA_TLIGHTUSERDATA && lua_touserdata(co, -2) == (void *)&wait_tag;
}

/* ---- the scheduler's side ------------------------------------------------------------------ */

int pclua_task_resume(lua_State *from, lua_State *task, int nargs, int *nresults, lua_Integer *wait) {
    *wait = 0;
    *flags_of(task) = TASK | PASSES;
    pclua_watch_interrupts(task);
    int previous = pclua_enter_mode(task, 1);
    int status = lua_resume(task, from, nargs, nresults);
    pclua_leave_mode(task, previous);
    if (status == LUA_YIELD) {
        int waits = is_wait(task, *nresults);
        if (waits) *wait = lua_tointeger(task, -1);
        *flags_of(task) = TASK | (waits ? WAITING : 0);
        lua_pop(task, *nresults); /* a plain coroutine.yield's values go nowhere: the task runs on later */
        *nresults = 0;
        return LUA_YIELD;
    }
    *flags_of(task) = TASK | ENDED;
    return status;
}

int pclua_task_close(lua_State *task) {
    *flags_of(task) = TASK | ENDED; /* its __close handlers' host calls block: nothing resumes it again */
    int previous = pclua_enter_mode(task, 1);
    int status = lua_resetthread(task);
    pclua_leave_mode(task, previous);
    return status;
}

/* ---- coroutine.resume, wrap, status, close ------------------------------------------------- */

static lua_State *getco(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    return co;
}

static int resume_continue(lua_State *L, int status, lua_KContext ctx);

/* lcorolib.c's auxresume after the arguments are on `co`, passing a wait on up. */
static int resume_run(lua_State *L, lua_State *co, int narg, int wrap) {
    uintptr_t passes = ((*flags_of(L) & PASSES) && lua_isyieldable(L)) ? PASSES : 0;
    *flags_of(co) = passes;
    int nres;
    int status = lua_resume(co, L, narg, &nres);
    if (status == LUA_YIELD && passes && is_wait(co, nres)) {
        *flags_of(co) = WAITING;
        lua_xmove(co, L, 2); /* tag and id, on up to the scheduler */
        return lua_yieldk(L, 2, (lua_KContext)wrap, resume_continue);
    }
    *flags_of(co) = 0;
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres); /* remove results anyway */
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres); /* move yielded values */
        return nres;
    }
    lua_xmove(co, L, 1); /* move error message */
    return -1;
}

static int resume_start(lua_State *L, lua_State *co, int narg, int wrap) {
    if (*flags_of(co) & (WAITING | TASK)) {
        uintptr_t flags = *flags_of(co);
        lua_pushstring(L, (flags & ENDED) ? "cannot resume dead coroutine"
                          : (flags & TASK) ? "cannot resume a task's coroutine (task:wait() waits for it)"
                                           : "cannot resume non-suspended coroutine");
        return -1;
    }
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    return resume_run(L, co, narg, wrap);
}

/* luaB_coresume's ending */
static int resume_results(lua_State *L, int r) {
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2; /* return false + error message */
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1; /* return true + 'resume' returns */
}

/* auxwrap's ending */
static int wrap_results(lua_State *L, lua_State *co, int r) {
    if (r < 0) {
        int stat = lua_status(co);
        if (stat != LUA_OK && stat != LUA_YIELD) { /* error in the coroutine? */
            stat = lua_resetthread(co);            /* close its tbc variables */
            lua_xmove(co, L, 1);                   /* move error message to the caller */
        }
        if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1); /* get extra info, if available */
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L); /* propagate error */
    }
    return r;
}

/* Resumed by the scheduler (through any resumes in between) once the wait has ended: resume the
 * coroutine that waits, with nothing (its own continuation takes the outcome from the host). */
static int resume_continue(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    int wrap = (int)ctx;
    lua_State *co = wrap ? lua_tothread(L, lua_upvalueindex(1)) : lua_tothread(L, 1);
    lua_settop(L, wrap ? 0 : 1);
    int r = resume_run(L, co, 0, wrap);
    return wrap ? wrap_results(L, co, r) : resume_results(L, r);
}

static int co_resume(lua_State *L) {
    lua_State *co = getco(L);
    return resume_results(L, resume_start(L, co, lua_gettop(L) - 1, 0));
}

static int auxwrap(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    return wrap_results(L, co, resume_start(L, co, lua_gettop(L), 1));
}

static int co_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *NL = lua_newthread(L);
    lua_pushvalue(L, 1); /* move function to top */
    lua_xmove(L, NL, 1); /* move function from L to NL */
    lua_pushcclosure(L, auxwrap, 1);
    return 1;
}

#define COS_RUN 0
#define COS_DEAD 1
#define COS_YIELD 2
#define COS_NORM 3
static const char *const statname[] = {"running", "dead", "suspended", "normal"};

static int auxstatus(lua_State *L, lua_State *co) {
    if (L == co) return COS_RUN;
    if (*flags_of(co) & ENDED) return COS_DEAD;
    if (*flags_of(co) & (WAITING | TASK)) return COS_NORM; /* its resumer (or the scheduler) runs it */
    switch (lua_status(co)) {
    case LUA_YIELD:
        return COS_YIELD;
    case LUA_OK: {
        lua_Debug ar;
        if (lua_getstack(co, 0, &ar)) return COS_NORM; /* it is running */
        if (lua_gettop(co) == 0) return COS_DEAD;
        return COS_YIELD; /* initial state */
    }
    default: /* some error occurred */
        return COS_DEAD;
    }
}

static int co_status(lua_State *L) {
    lua_State *co = getco(L);
    lua_pushstring(L, statname[auxstatus(L, co)]);
    return 1;
}

static int co_close(lua_State *L) {
    lua_State *co = getco(L);
    int status = auxstatus(L, co);
    switch (status) {
    case COS_DEAD:
    case COS_YIELD: {
        status = lua_resetthread(co);
        if (status == LUA_OK) {
            lua_pushboolean(L, 1);
            return 1;
        }
        lua_pushboolean(L, 0);
        lua_xmove(co, L, 1); /* move error message */
        return 2;
    }
    default: /* normal or running coroutine */
        return luaL_error(L, "cannot close a %s coroutine", statname[status]);
    }
}

static int install_coroutines(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"resume", co_resume}, {"wrap", co_wrap}, {"status", co_status}, {"close", co_close}, {NULL, NULL},
    };
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, -1, LUA_COLIBNAME) == LUA_TTABLE) luaL_setfuncs(L, functions, 0);
    return 0;
}

int pclua_install_coroutines(lua_State *L) {
    lua_pushcfunction(L, install_coroutines);
    return pclua_protected(L, 0, 0, 0);
}
