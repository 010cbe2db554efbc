#ifndef PCLUA_SHIM_H
#define PCLUA_SHIM_H

#include <sys/types.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>
#include <stddef.h>

/*
 * The C side of the Lua boundary. Lua raises errors (and yields from C functions) with longjmp,
 * which must never cross a Swift frame, so every place that may raise or yield lives here:
 *  - host functions: Swift code is called through one trampoline; Swift returns a status and the
 *    trampoline (C) raises the error value Swift left on the stack, or, in a task, yields with a
 *    continuation that calls Swift again when the task is resumed (tasks.c);
 *  - protected helpers run through lua_pcall;
 *  - the interrupt hook raises "interrupted!" from C.
 */

/* Swift's side of a host call: returns the number of results (>= 0), or PCLUA_RAISE after pushing
 * the error value (PCLUA_RAISE_KIND(k) to raise it marked with the kind k, below). `box` is the
 * opaque pointer given to pclua_pushhost. */
#define PCLUA_RAISE (-1)
#define PCLUA_RAISE_KIND(kind) (PCLUA_RAISE - (kind))

/* The kinds an error keeps from where it was raised to where the host reads it, whatever pcalls
 * caught and raised it again on the way: the kind is looked up by the error value itself (the
 * last 64 marked values are remembered), never by its text. */
#define PCLUA_KIND_SCRIPT 0        /* an ordinary error */
#define PCLUA_KIND_INTERRUPT 1     /* the interrupt hook's "interrupted!" (Ctrl-C, SIGTERM) */
#define PCLUA_KIND_PERSON 2        /* a message meant for a person: one line, no traceback */
#define PCLUA_KIND_CONFIGURATION 3 /* a person's message about the host's configuration */
#define PCLUA_KIND_LAST 3
/* Marks the value on top of the stack (not popped) as of `kind`. Allocates: call in Lua mode. */
void pclua_mark_error(lua_State *L, int kind);
/* The kind of the error that reached the message handler of the last pclua_pcall. */
int pclua_last_error_kind(lua_State *L);
/* As Lua functions: kind(value) -> integer; mark(value, kind) -> value (the prelude's iterators
 * raise an error again with a page number and keep its kind). */
int pclua_error_kind_lua(lua_State *L);
int pclua_mark_error_lua(lua_State *L);

/* ---- the state and its memory (state.c) ---- */

/* A state whose memory comes from pclua's allocator (mimalloc), with lauxlib's panic and warning
 * functions. `limit` caps Lua's heap while Lua runs; PCLUA_DEFAULT_LIMIT derives it from the
 * process's limits (none when it has none), 0 is no limit. */
#define PCLUA_DEFAULT_LIMIT ((size_t)-1)
lua_State *pclua_newstate(size_t limit);
/* lua_close, finalizers in Lua mode, then the allocator's own record freed. */
void pclua_close(lua_State *L);
/* Gives the room kept for the host under a process limit back to the host now (state.c): before
 * the run's first request, whose threads need it. */
void pclua_release_host_room(lua_State *L);
/* Bytes Lua holds, and the limit (0: none). */
size_t pclua_heap_used(lua_State *L);
size_t pclua_heap_limit(lua_State *L);
typedef int (*pclua_dispatch_fn)(lua_State *L, void *box);
typedef void (*pclua_release_fn)(void *box);
/* A suspended host call going on (below): `id` is what it waited for. Returns as dispatch does. */
typedef int (*pclua_continue_fn)(lua_State *L, void *box, lua_Integer id);

/* Set once per process, before any host function is pushed. */
void pclua_set_host_callbacks(pclua_dispatch_fn dispatch, pclua_release_fn release, pclua_continue_fn resume);

/* ---- tasks: coroutines whose host calls wait without blocking (tasks.c) ---- */

/* A host function that may (pclua_can_suspend) returns PCLUA_SUSPEND after pushing an integer id
 * of what it waits for: the trampoline yields from C (lua_yieldk) to the task's resumer, and when
 * the task is resumed the continuation callback runs with that id, in the same call. */
#define PCLUA_SUSPEND (-1000)
/* Whether a host function running on L may suspend: L is a task's thread, or a coroutine resumed
 * (by pclua's coroutine.resume/wrap) from one that may, and Lua allows a yield here. */
int pclua_can_suspend(lua_State *L);
/* The scheduler resumes a task (its function and `nargs` arguments on its stack the first time,
 * nothing later). LUA_OK: it returned, its *nresults results on its stack; LUA_YIELD: it waits
 * for *wait (> 0), or yielded by itself (*wait 0: run it again later; its values are dropped);
 * else an error status, the error value on top of its stack. Switches to Lua mode around it. */
int pclua_task_resume(lua_State *from, lua_State *task, int nargs, int *nresults, lua_Integer *wait);
/* Closes a task that will not be resumed (its to-be-closed variables run); a LUA_* status. */
int pclua_task_close(lua_State *task);
/* Replaces the builder function on top with a table that it fills on the table's first use
 * (lazy.c). Returns a LUA_* status (the error value on top when not LUA_OK). */
int pclua_lazy_table(lua_State *L);
/* Makes coroutine.resume, wrap, status and close pass a task's waits on (tasks.c). */
int pclua_install_coroutines(lua_State *L);
/* An interrupt is pending on the state (pclua_interrupt, not yet pclua_clear_interrupt). */
int pclua_interrupt_requested(lua_State *L);
/* The kind the error value at `index` was marked with (PCLUA_KIND_SCRIPT when none). */
int pclua_error_kind(lua_State *L, int index);

/* Pushes a Lua function that calls `box` through the dispatcher. The box is released when the
 * function is collected. Can raise only on out-of-memory: call with a protected caller or at set-up. */
void pclua_pushhost(lua_State *L, void *box, const char *name);

/* lua_pcall with a message handler that adds a traceback to string errors and keeps table or
 * userdata errors as they are (their traceback is kept in the registry, see pclua_last_traceback). */
int pclua_pcall(lua_State *L, int nargs, int nresults);
/* lua_pcall in host mode, without a message handler, leaving hooks, the interrupt and the last
 * error's records alone: pclua's own Lua code run as part of the host's work, maybe inside a
 * script's call (the prelude, when the module is built on its first use). Lua's limit does not
 * apply to it, and a failed allocation ends the process as any of the host's does (state.c). */
int pclua_pcall_host(lua_State *L, int nargs, int nresults);
/* The traceback recorded for the last non-string error, or NULL. */
const char *pclua_last_traceback(lua_State *L);
/* What __tostring gave for the last non-string error, called when it was raised (as lua.c's
 * msghandler does), or NULL. */
const char *pclua_last_tostring(lua_State *L, size_t *length);

/* Replaces the global print, io.write and the files' write method with lua5.4's own (C functions)
 * that first call the output hook when they write to stdout or stderr: a process-wide function,
 * set by the host, that clears whatever progress line is drawn. Works at any moment of the state's
 * life, finalizers during lua_close included. Returns a LUA_* status. */
typedef void (*pclua_output_hook_fn)(void);
void pclua_set_output_hook(pclua_output_hook_fn hook);
int pclua_install_print(lua_State *L);

/* Replaces os.exit with loslib.c's own that first hands the status to the hook, which returns the
 * status to exit with (the host reports what the run changed there). Returns a LUA_* status. */
typedef int (*pclua_exit_hook_fn)(int status);
void pclua_set_exit_hook(pclua_exit_hook_fn hook);
int pclua_install_exit(lua_State *L);

/* Opens the standard libraries under protection. Returns a LUA_* status. */
int pclua_openlibs(lua_State *L);

/* Loads a chunk; returns the lua_load status. For "=stdin"-style names pass the chunk name. */
int pclua_loadbuffer(lua_State *L, const char *buff, size_t size, const char *name);

/* Ask the running code to stop: safe to call from a signal handler (it only sets a hook). */
void pclua_interrupt(lua_State *L);
void pclua_clear_interrupt(lua_State *L);

/* ---- lua.c's host (host.c) ---- */

/* luaL_loadfilex in text mode: BOM and '#' line skipped; filename NULL reads stdin. */
int pclua_loadfile(lua_State *L, const char *filename);
const char *pclua_copyright(void);
/* Pushes the text lua.c prints for the error value at `index` (string/number as is, __tostring,
 * else "(error object is a T value)"); *with_traceback tells whether lua.c adds a traceback.
 * Returns 0 when __tostring itself failed (its message is pushed instead). */
int pclua_error_text(lua_State *L, int index, int *with_traceback);
/* Call first in main: what pclua's children get back (mask and ignored signals at start). */
void pclua_record_initial_signals(void);
/* Names the calling thread for top, ps and gdb (at most 15 bytes are kept). */
void pclua_name_thread(const char *name);
/* lua.c's laction: on SIGTERM (and SIGINT when with_sigint), set the interrupt hook on L, write
 * the signal number to fd (for the host to cancel HTTP), and restore the default so a second
 * signal ends the process. Call on the Lua thread. */
/* The calling thread unblocks them and receives them (another thread that takes one hands it
 * over with pthread_kill), so a read blocked on the Lua thread returns EINTR as under lua.c. */
void pclua_signals_watch(lua_State *L, int fd, int with_sigint);
void pclua_signals_unwatch(void);
/* The signal the handler last took (0: none since watch); `take` also forgets it. */
int pclua_signal_taken(void);
int pclua_take_signal(void);
/* The handler again after a signal it took (lua.c sets it before each REPL line's call). */
void pclua_signals_rearm(void);
/* lua.c's REPL prompt: _PROMPT (or _PROMPT2) through tostring, else "> " (">> "), written to
 * stdout and flushed. Never raises. */
void pclua_repl_prompt(lua_State *L, int firstline);
/* getline on C's stdin (which io.read shares), echoed to stdout as readline echoes a line that
 * does not come from a terminal; the newline kept, -1 at the end. A SIGINT or SIGTERM taken
 * while it waits (or not yet handled) ends the process with status 130, as the signal ends lua.c. */
ssize_t pclua_repl_read_line(char **line, size_t *capacity);
void pclua_flush_stdout(void);
/* lua.c's last newline when the REPL ends, flushed. */
void pclua_repl_end(void);
/* lua.c's l_print: calls the global print with the n values on top (popped). On failure, returns
 * the status and pushes "error calling 'print' (...)". Never raises. */
int pclua_repl_print(lua_State *L, int n);
/* pipe2(fds, O_CLOEXEC | O_NONBLOCK): where the handler writes the signal it took. */
int pclua_notify_pipe(int fds[2]);
/* Replaces os.execute and io.popen with versions whose children get the default dispositions
 * and the mask pclua started with. Returns a LUA_* status. */
int pclua_install_process_functions(lua_State *L);
/* The status os.exit was last called with (-1: never), for atexit handlers; os.exit notes it. */
int pclua_exit_status_given(void);
void pclua_note_exit_status(int status);
/* Lua's warnings (warn(), -W) to `sink`, one call per whole message, instead of stderr. */
typedef void (*pclua_warning_fn)(const char *message);
void pclua_send_warnings_to(lua_State *L, pclua_warning_fn sink);
/* Pushes a C function f(global, module) that does global = require(module) (lua.c's -l). */
void pclua_push_require_function(lua_State *L);
/* Pushes f(script): calls script with the values of arg[1..#arg] (lua.c's pushargs). */
void pclua_push_script_caller(lua_State *L);
/* Pushes f(fn, ...): calls fn(...) from C (lua.c's tracebacks end in that C frame). */
void pclua_push_chunk_caller(lua_State *L);
/* The same, returning all the function's results (a REPL line). */
void pclua_push_line_caller(lua_State *L);
/* lua_gc(L, LUA_GCGEN, 0, 0): the generational mode lua.c 5.4 switches to. */
void pclua_gc_generational(lua_State *L);

/* The deepest nesting of objects and arrays JSON decoding and encoding accept (the same both ways). */
#define PCLUA_JSON_MAX_DEPTH 512

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
