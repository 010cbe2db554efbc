/*
 * The pieces of lua.c's host that must be C: loading scripts as bytes (lauxlib's file loader,
 * text mode), lua.c's way of turning an error object into a message, its Ctrl-C handler, and
 * os.execute/io.popen whose children start with the signal state pclua itself was given, not
 * the one its threads run with.
 */
#define _GNU_SOURCE
#include "shim_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- loading ---------------------------------------------------------------------------- */

int pclua_loadfile(lua_State *L, const char *filename) {
    /* lauxlib skips a UTF-8 BOM and a first line starting with '#', reads pipes, FIFOs and
     * stdin (filename NULL), and names a directory "cannot read ...: Is a directory". Text only:
     * pclua never runs a precompiled main chunk. */
    return luaL_loadfilex(L, filename, "t");
}

const char *pclua_copyright(void) { return LUA_COPYRIGHT; }

/* ---- error objects as lua.c prints them ------------------------------------------------- */

static int error_text_protected(lua_State *L) {
    /* lua.c's msghandler without the traceback: a string (or number) is the message; otherwise
     * __tostring if it gives a string (then lua.c prints no traceback); otherwise the type. */
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        lua_pushvalue(L, 1);
        lua_tostring(L, -1);
        lua_pushboolean(L, 1);
        return 2;
    }
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        lua_pushboolean(L, 0);
        return 2;
    }
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_pushboolean(L, 1);
    return 2;
}

int pclua_error_text(lua_State *L, int index, int *with_traceback) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, error_text_protected);
    lua_pushvalue(L, index);
    if (pclua_protected(L, 1, 2, 0) != LUA_OK) {
        *with_traceback = 0;
        return 0; /* the message of the failed __tostring is on the stack */
    }
    *with_traceback = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return 1;
}

/* ---- signals ------------------------------------------------------------------------------ */

static sigset_t initial_mask;
static sigset_t initially_ignored;
static lua_State *volatile signal_target = NULL;
static volatile sig_atomic_t notify_fd = -1;
static volatile sig_atomic_t waiting_for_shell = 0;
static pthread_t lua_thread;
static int watching_sigint = 0;
static volatile sig_atomic_t has_lua_thread = 0;
/* The last signal the handler took, for a host waiting at a prompt (where no Lua code runs for
 * the hook to stop): it ends the REPL as the signal would end lua.c. */
static volatile sig_atomic_t taken_signal = 0;
/* Set while the plain REPL waits for a line: a signal there would otherwise race with the read
 * (taken just before read blocks, it could not interrupt it), and nothing needs cleaning up. */
static volatile sig_atomic_t exit_on_signal = 0;

/* The ignored set from /proc/self/status ("SigIgn:", a hexadecimal mask, bit n-1 for signal n):
 * one read instead of a sigaction call per signal, a measurable part of pclua's start-up. */
static int read_ignored_from_proc(void) {
    FILE *status = fopen("/proc/self/status", "re");
    if (status == NULL) return 0;
    char line[256];
    int found = 0;
    while (!found && fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, "SigIgn:", 7) != 0) continue;
        char *end = NULL;
        unsigned long long mask = strtoull(line + 7, &end, 16);
        if (end == line + 7) break;
        for (int sig = 1; sig < NSIG && sig <= 64; sig++)
            if (mask & (1ULL << (sig - 1))) sigaddset(&initially_ignored, sig);
        found = 1;
    }
    fclose(status);
    return found;
}

void pclua_name_thread(const char *name) { pthread_setname_np(pthread_self(), name); }

void pclua_record_initial_signals(void) {
    sigemptyset(&initially_ignored);
    pthread_sigmask(SIG_SETMASK, NULL, &initial_mask);
    if (read_ignored_from_proc()) return;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction current;
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN) sigaddset(&initially_ignored, sig);
    }
}

static void set_disposition(int sig, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR, as under lua.c */
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
}

static void on_signal(int sig) {
    if (exit_on_signal) _exit(130); /* at lua.c's plain prompt: the signal ends the process */
    int saved = errno;
    if (has_lua_thread && !pthread_equal(pthread_self(), lua_thread)) {
        /* Another thread took it: hand it to the Lua thread, so a blocked read there returns. */
        pthread_kill(lua_thread, sig);
        errno = saved;
        return;
    }
    if (sig == SIGINT && waiting_for_shell) { /* system() ignores SIGINT while its child runs */
        errno = saved;
        return;
    }
    set_disposition(sig, SIG_DFL); /* a second one ends the process, as in lua.c */
    taken_signal = sig;
    lua_State *L = signal_target;
    if (L) pclua_interrupt(L);
    int fd = notify_fd;
    if (fd >= 0) {
        unsigned char byte = (unsigned char)sig;
        ssize_t written = write(fd, &byte, 1);
        (void)written;
    }
    errno = saved;
}

void pclua_signals_watch(lua_State *L, int fd, int with_sigint) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    if (with_sigint) sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* this thread takes them */
    lua_thread = pthread_self();
    has_lua_thread = 1;
    watching_sigint = with_sigint;
    signal_target = L;
    notify_fd = fd;
    set_disposition(SIGTERM, on_signal);
    if (with_sigint) set_disposition(SIGINT, on_signal);
}

int pclua_signal_taken(void) { return taken_signal; }

int pclua_take_signal(void) {
    int sig = taken_signal;
    taken_signal = 0;
    return sig;
}

void pclua_signals_rearm(void) {
    if (signal_target == NULL) return;
    set_disposition(SIGTERM, on_signal);
    if (watching_sigint) set_disposition(SIGINT, on_signal);
}

int pclua_notify_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }

void pclua_signals_unwatch(void) {
    signal_target = NULL;
    taken_signal = 0;
    notify_fd = -1;
    has_lua_thread = 0;
    set_disposition(SIGTERM, SIG_DFL);
    if (watching_sigint) set_disposition(SIGINT, SIG_DFL);
}

/* ---- children: os.execute and io.popen ---------------------------------------------------- */

static int spawn_shell(const char *command, posix_spawn_file_actions_t *actions, pid_t *pid) {
    posix_spawnattr_t attributes;
    sigset_t defaults;
    int status = posix_spawnattr_init(&attributes);
    if (status != 0) return status;
    /* Every signal back to its default, except those pclua was started with ignored (nohup),
     * and the mask pclua was started with: a child can be stopped by timeout, kill and Ctrl-C. */
    sigfillset(&defaults);
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&initially_ignored, sig) == 1) sigdelset(&defaults, sig);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &initial_mask);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    status = posix_spawn(pid, "/bin/sh", actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    return status;
}

/* The status for luaL_execresult, which reads errno: 0 unless waiting itself failed. */
static int wait_child(pid_t pid) {
    int status;
    pid_t done;
    do {
        errno = 0;
        done = waitpid(pid, &status, 0);
    } while (done == -1 && errno == EINTR);
    return done == -1 ? -1 : status;
}

static int process_execute(lua_State *L) {
    const char *command = luaL_optstring(L, 1, NULL);
    if (command == NULL) {
        lua_pushboolean(L, access("/bin/sh", X_OK) == 0);
        return 1;
    }
    pid_t pid;
    waiting_for_shell = 1;
    int error = spawn_shell(command, NULL, &pid);
    int status = error == 0 ? wait_child(pid) : -1;
    waiting_for_shell = 0;
    if (error != 0) errno = error;
    return luaL_execresult(L, status);
}

typedef struct {
    luaL_Stream stream; /* first: io's methods see a plain file handle */
    pid_t pid;
} ProcessStream;

static int process_close(lua_State *L) {
    ProcessStream *p = (ProcessStream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
    fclose(p->stream.f);
    return luaL_execresult(L, wait_child(p->pid));
}

static int process_popen(lua_State *L) {
    const char *command = luaL_checkstring(L, 1);
    const char *mode = luaL_optstring(L, 2, "r");
    ProcessStream *p = (ProcessStream *)lua_newuserdatauv(L, sizeof(ProcessStream), 0);
    p->stream.closef = NULL; /* marks it closed until it is open */
    p->stream.f = NULL;
    luaL_setmetatable(L, LUA_FILEHANDLE);
    luaL_argcheck(L, (mode[0] == 'r' || mode[0] == 'w') && mode[1] == '\0', 2, "invalid mode");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return luaL_fileresult(L, 0, command);
    int reading = mode[0] == 'r';
    int ours = reading ? fds[0] : fds[1], theirs = reading ? fds[1] : fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, theirs, reading ? STDOUT_FILENO : STDIN_FILENO);
    int error = spawn_shell(command, &actions, &p->pid);
    posix_spawn_file_actions_destroy(&actions);
    close(theirs);
    if (error != 0) {
        close(ours);
        errno = error;
        return luaL_fileresult(L, 0, command);
    }
    p->stream.f = fdopen(ours, mode);
    if (p->stream.f == NULL) {
        int saved = errno;
        close(ours);
        wait_child(p->pid);
        errno = saved;
        return luaL_fileresult(L, 0, command);
    }
    p->stream.closef = process_close;
    return 1;
}

/* The status a script gave os.exit (shim.c's os.exit notes it), so that an atexit handler can
 * tell how a script ended (a script that refused its arguments exits 2). */
static volatile sig_atomic_t exit_status_given = -1;

void pclua_note_exit_status(int status) { exit_status_given = (sig_atomic_t)(status & 0xFF); }

int pclua_exit_status_given(void) { return (int)exit_status_given; }

static int install_process_functions(lua_State *L) {
    lua_getglobal(L, "os");
    if (lua_istable(L, -1)) {
        lua_pushcfunction(L, process_execute);
        lua_setfield(L, -2, "execute");
    }
    lua_getglobal(L, "io");
    if (lua_istable(L, -1)) {
        lua_pushcfunction(L, process_popen);
        lua_setfield(L, -2, "popen");
    }
    return 0;
}

int pclua_install_process_functions(lua_State *L) {
    lua_pushcfunction(L, install_process_functions);
    return pclua_protected(L, 0, 0, 0);
}

/* ---- -l mod and -l g=mod -------------------------------------------------------------------- */

static int require_protected(lua_State *L) {
    /* 1 = global name, 2 = module name */
    lua_getglobal(L, "require");
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    lua_setglobal(L, lua_tostring(L, 1));
    return 0;
}

void pclua_push_require_function(lua_State *L) { lua_pushcfunction(L, require_protected); }

/* ---- macros and variadic functions Swift cannot call -------------------------------------- */

void pclua_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }

/* ---- the script's arguments (lua.c's pushargs) --------------------------------------------- */

static int call_script(lua_State *L) {
    /* 1 = the loaded script. Its arguments are read from the global `arg` when it starts, so a
     * -e chunk that changed `arg` changes `...`, as in lua.c. */
    if (lua_getglobal(L, "arg") != LUA_TTABLE) return luaL_error(L, "'arg' is not a table");
    int n = (int)luaL_len(L, 2);
    luaL_checkstack(L, n + 3, "too many arguments to script");
    for (int i = 1; i <= n; i++) lua_rawgeti(L, 2, i);
    lua_remove(L, 2);
    lua_call(L, n, 0);
    return 0;
}

void pclua_push_script_caller(lua_State *L) { lua_pushcfunction(L, call_script); }

static int call_chunk(lua_State *L) {
    /* 1 = a function, then its arguments: called from C, as lua.c's pmain calls everything, so
     * a traceback ends with lua.c's "[C]: in ?". */
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

void pclua_push_chunk_caller(lua_State *L) { lua_pushcfunction(L, call_chunk); }

static int call_line(lua_State *L) {
    /* call_chunk keeping every result, for the REPL to print. */
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

void pclua_push_line_caller(lua_State *L) { lua_pushcfunction(L, call_line); }

/* ---- lua.c's plain REPL: prompt and printing ---------------------------------------------- */

static int prompt_protected(lua_State *L) {
    /* 1: the global's name, 2: the default. lua.c's get_prompt: nil gives the default, anything
     * else goes through tostring (its __tostring included). */
    if (lua_getglobal(L, lua_tostring(L, 1)) == LUA_TNIL) {
        lua_pushvalue(L, 2);
        return 1;
    }
    luaL_tolstring(L, -1, NULL);
    return 1;
}

void pclua_repl_prompt(lua_State *L, int firstline) {
    const char *fallback = firstline ? "> " : ">> ";
    lua_pushcfunction(L, prompt_protected);
    lua_pushstring(L, firstline ? "_PROMPT" : "_PROMPT2");
    lua_pushstring(L, fallback);
    if (pclua_protected(L, 2, 1, 0) != LUA_OK) { /* a failing __tostring: the default (lua.c would panic) */
        lua_pop(L, 1);
        lua_pushstring(L, fallback);
    }
    size_t length = 0;
    const char *text = lua_tolstring(L, -1, &length);
    fwrite(text, 1, length, stdout); /* C's stdout, as Lua's print writes it */
    fflush(stdout);
    lua_pop(L, 1);
}

ssize_t pclua_repl_read_line(char **line, size_t *capacity) {
    exit_on_signal = 1;
    if (taken_signal != 0) _exit(130); /* it came while the line ran, after the call ended */
    ssize_t count = getline(line, capacity, stdin);
    exit_on_signal = 0;
    if (count >= 0) { /* readline's echo off a terminal, as Debian's lua5.4 (built with it) shows */
        fwrite(*line, 1, (size_t)count, stdout);
        if (count == 0 || (*line)[count - 1] != '\n') fputc('\n', stdout);
        fflush(stdout);
    }
    return count;
}

void pclua_flush_stdout(void) { fflush(stdout); }

void pclua_repl_end(void) {
    fputs("\n", stdout);
    fflush(stdout);
}

static int print_protected(lua_State *L) {
    int n = lua_gettop(L);
    lua_getglobal(L, "print");
    lua_insert(L, 1);
    lua_call(L, n, 0);
    return 0;
}

int pclua_repl_print(lua_State *L, int n) {
    if (!lua_checkstack(L, LUA_MINSTACK)) {
        lua_pop(L, n);
        lua_pushliteral(L, "error calling 'print' (too many results to print)");
        return LUA_ERRRUN;
    }
    lua_pushcfunction(L, print_protected);
    lua_insert(L, -(n + 1));
    int status = pclua_protected(L, n, 0, 0);
    if (status != LUA_OK) {
        const char *message = lua_tostring(L, -1);
        lua_pushfstring(L, "error calling 'print' (%s)", message ? message : "(null)");
        lua_remove(L, -2);
    }
    return status;
}

/* ---- Lua warnings as log lines (--log-format json) ------------------------------------------ */

/* lauxlib's warning function writes "Lua warning: ..." on stderr; with a JSON log every line of
 * stderr must be JSON, so the whole warning (its pieces joined) goes to `warning_sink` instead.
 * "@on" and "@off" work as in lauxlib (warnings start off; -W turns them on). */
static pclua_warning_fn warning_sink;
static int warnings_on = 0;
static int warning_continues = 0;
static char *warning_text = NULL;
static size_t warning_length = 0;

static void sink_warnf(void *ud, const char *message, int tocont) {
    (void)ud;
    if (!warning_continues && !tocont && message[0] == '@') { /* a control message */
        if (strcmp(message, "@off") == 0) warnings_on = 0;
        else if (strcmp(message, "@on") == 0) warnings_on = 1;
        return;
    }
    warning_continues = tocont;
    if (warnings_on) {
        size_t length = strlen(message);
        char *grown = realloc(warning_text, warning_length + length + 1);
        if (grown != NULL) {
            warning_text = grown;
            memcpy(warning_text + warning_length, message, length + 1);
            warning_length += length;
        }
    }
    if (!tocont) {
        if (warnings_on && warning_text != NULL && warning_sink != NULL) warning_sink(warning_text);
        free(warning_text);
        warning_text = NULL;
        warning_length = 0;
    }
}

void pclua_send_warnings_to(lua_State *L, pclua_warning_fn sink) {
    warning_sink = sink;
    lua_setwarnf(L, sink_warnf, NULL);
}
