/*
 * The state's memory and its two modes (issue 20.3).
 *
 * pclua makes its states with lua_newstate and this allocator, not luaL_newstate, for two reasons:
 *  - speed: Lua's blocks come from mimalloc (Debian's libmimalloc), which keeps a multi-threaded
 *    process (NIO's threads beside the Lua thread) as fast at Lua's small allocations as lua5.4's
 *    single-threaded one (docs/benchmarks.md);
 *  - out of memory must never longjmp over a Swift frame. Lua raises "not enough memory" when an
 *    allocation fails; that is safe while Lua runs under lua_pcall, not while Swift pushes values
 *    (a host function building a result). So the state has two modes:
 *      Lua mode (inside every lua_pcall this shim makes): the heap has a limit, below what the
 *        process may use (ulimit -v), so a script that fills memory gets lua5.4's catchable
 *        "not enough memory" while the process still has room for Swift's own work;
 *      host mode (Swift is calling the API directly, in a host function or at set-up): the limit
 *        does not apply (the room kept is for this), and an allocation the system refuses ends
 *        the process with a message instead of a longjmp (mlua's choice).
 *    The room kept is held as a mapping until Lua is first refused memory (Heap.room says why).
 */
#include "shim_internal.h"
#include <mimalloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
    size_t used;   /* bytes Lua holds */
    size_t limit;  /* 0: none */
    int lua_mode;  /* 1: a failed allocation may raise (see above) */
    /* Not memory, but the state's own record is where it can be found from any of its threads,
     * also in a signal handler: an interrupt was asked for (Ctrl-C, SIGTERM) and not yet cleared.
     * The scheduler of tasks and their threads' hooks read it. */
    volatile sig_atomic_t interrupt;
    /* The host's room, held as a mapping nobody touches while Lua may grow (a process with a
     * limit only). `limit` counts the bytes Lua asked for, not what the allocator maps for them
     * (size classes, the segments it reserves), so a full Lua heap could take the room too, and
     * then a thread the runtime starts for the first request after it got no stack. Held, the
     * room cannot be taken; the first time Lua is refused memory it is given back to the host.
     * Refused by its limit, Lua keeps that limit (what it may still take is less than the block
     * it was refused); refused by the system, it may grow by 4 MiB at most past what it holds
     * then (a script that caught the error can still do a little), never into the room. A host
     * allocation the system refuses gets the room too, and the run's first request frees it
     * (pclua_release_host_room): the threads it starts need it then. */
    void *room;
    size_t room_size;
} Heap;

static void out_of_memory(void) {
    static const char text[] = "pclua: not enough memory (the system refused an allocation outside Lua's protection)\n";
    ssize_t written = write(STDERR_FILENO, text, sizeof text - 1);
    (void)written;
    _exit(1);
}

/* Lua was refused memory: the host gets its room back. `by_system`: the system refused it
 * before Lua's limit did, so Lua may not grow into the room now given back. */
static void release_room(Heap *heap, int by_system) {
    if (heap->room == NULL) return;
    munmap(heap->room, heap->room_size);
    heap->room = NULL;
    size_t slack = (size_t)4 << 20;
    if (slack > heap->room_size / 16) slack = heap->room_size / 16;
    if (by_system && (heap->limit == 0 || heap->used + slack < heap->limit)) heap->limit = heap->used + slack;
}

static void *heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    Heap *heap = (Heap *)ud;
    size_t old = ptr ? osize : 0; /* with no block, osize is a type tag */
    if (nsize == 0) {
        mi_free(ptr);
        heap->used -= old;
        return NULL;
    }
    if (nsize > old && heap->lua_mode && heap->limit != 0 && heap->used - old + nsize > heap->limit) {
        /* Full, not merely asked for too much at once (string.rep("x", 2^40)): the room goes back. */
        if (heap->used + heap->room_size >= heap->limit) release_room(heap, 0);
        return NULL; /* Lua collects and tries again, then raises "not enough memory" */
    }
    void *block = mi_realloc(ptr, nsize);
    if (block == NULL && nsize > old && heap->room != NULL) {
        release_room(heap, 1); /* the system is out of room for either: the host's is given back */
        if (!heap->lua_mode) block = mi_realloc(ptr, nsize);
    }
    if (block == NULL) {
        if (nsize <= old) return ptr; /* Lua assumes shrinking never fails */
        if (!heap->lua_mode) out_of_memory();
        return NULL;
    }
    heap->used = heap->used - old + nsize;
    return block;
}

/* Field `field` of /proc/self/statm in bytes (1: the address space, which RLIMIT_AS counts; 6:
 * data and stack, as RLIMIT_DATA counts), 0 when it cannot be read. */
static size_t process_size(int field) {
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[160];
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    if (length <= 0) return 0;
    text[length] = '\0';
    const char *p = text;
    for (int i = 1; i < field && *p; i++) {
        while (*p && *p != ' ') p++;
        while (*p == ' ') p++;
    }
    return (size_t)strtoull(p, NULL, 10) * (size_t)sysconf(_SC_PAGESIZE);
}

/* The room Lua's heap may take: what the process may still map (RLIMIT_AS, else RLIMIT_DATA)
 * less a quarter of it (at least 64 MiB, at most 512 MiB) kept for Swift, the HTTP client and the
 * emulator; 0 (no limit) when the process has no limit. The quarter is held in `heap` until Lua
 * is first refused memory (release_room). */
static size_t default_limit(Heap *heap) {
    struct rlimit rl;
    rlim_t cap = RLIM_INFINITY;
    int field = 1;
    if (getrlimit(RLIMIT_AS, &rl) == 0) cap = rl.rlim_cur;
    if (cap == RLIM_INFINITY && getrlimit(RLIMIT_DATA, &rl) == 0) {
        cap = rl.rlim_cur;
        field = 6;
    }
    if (cap == RLIM_INFINITY) return 0;
    size_t mapped = process_size(field);
    if ((size_t)cap <= mapped) return 1; /* nothing left: every Lua-mode allocation fails */
    size_t left = (size_t)cap - mapped;
    size_t kept = left / 4;
    if (kept < ((size_t)64 << 20)) kept = (size_t)64 << 20;
    if (kept > ((size_t)512 << 20)) kept = (size_t)512 << 20;
    /* Never touched: inaccessible counts against RLIMIT_AS without being committed memory; RLIMIT_DATA
     * counts only writable mappings. */
    int protection = field == 1 ? PROT_NONE : PROT_READ | PROT_WRITE;
    void *room = mmap(NULL, kept, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (room != MAP_FAILED) {
        heap->room = room;
        heap->room_size = kept;
    }
    return left > kept ? left - kept : 1;
}

/* ---- lauxlib's panic and warning functions (static there; luaL_newstate installs them) ------ */

static int panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL) msg = "error object is not a string";
    lua_writestringerror("PANIC: unprotected error in call to Lua API (%s)\n", msg);
    return 0;
}

static void warn_off(void *ud, const char *message, int tocont);
static void warn_on(void *ud, const char *message, int tocont);
static void warn_continued(void *ud, const char *message, int tocont);

static int warn_control(lua_State *L, const char *message, int tocont) {
    if (tocont || *(message++) != '@') return 0;
    if (strcmp(message, "off") == 0) lua_setwarnf(L, warn_off, L);
    else if (strcmp(message, "on") == 0) lua_setwarnf(L, warn_on, L);
    return 1;
}

static void warn_off(void *ud, const char *message, int tocont) { warn_control((lua_State *)ud, message, tocont); }

static void warn_continued(void *ud, const char *message, int tocont) {
    lua_State *L = (lua_State *)ud;
    lua_writestringerror("%s", message);
    if (tocont) {
        lua_setwarnf(L, warn_continued, L);
    } else {
        lua_writestringerror("%s", "\n");
        lua_setwarnf(L, warn_on, L);
    }
}

static void warn_on(void *ud, const char *message, int tocont) {
    if (warn_control((lua_State *)ud, message, tocont)) return;
    lua_writestringerror("%s", "Lua warning: ");
    warn_continued(ud, message, tocont);
}

/* ---- the state ------------------------------------------------------------------------------ */

lua_State *pclua_newstate(size_t limit) {
    Heap *heap = (Heap *)calloc(1, sizeof(Heap));
    if (heap == NULL) return NULL;
    heap->limit = limit == PCLUA_DEFAULT_LIMIT ? default_limit(heap) : limit;
    lua_State *L = lua_newstate(heap_alloc, heap);
    if (L == NULL) {
        release_room(heap, 0);
        free(heap);
        return NULL;
    }
    lua_atpanic(L, panic);
    lua_setwarnf(L, warn_off, L); /* warnings off until "@on", as luaL_newstate */
    pclua_clear_thread_flags(L);
    return L;
}

static Heap *heap_of(lua_State *L) {
    void *ud = NULL;
    lua_Alloc f = lua_getallocf(L, &ud);
    return f == heap_alloc ? (Heap *)ud : NULL;
}

void pclua_close(lua_State *L) {
    Heap *heap = heap_of(L);
    if (heap) heap->lua_mode = 1; /* finalizers run protected: their failures are Lua errors */
    lua_close(L);
    if (heap) release_room(heap, 0);
    free(heap);
}

void pclua_release_host_room(lua_State *L) {
    Heap *heap = heap_of(L);
    if (heap) release_room(heap, 0);
}

size_t pclua_heap_used(lua_State *L) {
    Heap *heap = heap_of(L);
    return heap ? heap->used : 0;
}

size_t pclua_heap_limit(lua_State *L) {
    Heap *heap = heap_of(L);
    return heap ? heap->limit : 0;
}

int pclua_enter_mode(lua_State *L, int lua_mode) {
    Heap *heap = heap_of(L);
    if (heap == NULL) return 0;
    int previous = heap->lua_mode;
    heap->lua_mode = lua_mode;
    return previous;
}

void pclua_leave_mode(lua_State *L, int previous) {
    Heap *heap = heap_of(L);
    if (heap) heap->lua_mode = previous;
}

void pclua_note_interrupt(lua_State *L, int on) {
    Heap *heap = heap_of(L);
    if (heap) heap->interrupt = on;
}

int pclua_interrupt_requested(lua_State *L) {
    Heap *heap = heap_of(L);
    return heap ? heap->interrupt != 0 : 0;
}

int pclua_protected(lua_State *L, int nargs, int nresults, int msgh) {
    int previous = pclua_enter_mode(L, 1);
    int status = lua_pcall(L, nargs, nresults, msgh);
    pclua_leave_mode(L, previous);
    return status;
}
