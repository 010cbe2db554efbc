#include "CEditLine.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

/*
 * libedit is opened when the terminal REPL starts, not linked: it and the libraries it needs
 * (libtinfo, libbsd, libmd) cost every start of pclua a third of a millisecond to load, and only
 * the REPL on a terminal uses them (docs/benchmarks.md, figure 8). Without libedit the REPL still
 * works: lines are read as the terminal's own line discipline edits them, without history.
 */
#define EDITLINE_SYMBOLS(X) \
    X(rl_initialize) X(readline) X(rl_replace_line) X(add_history) X(read_history) \
    X(write_history) X(history_truncate_file) X(rl_readline_name) X(rl_catch_signals) \
    X(rl_getc_function) X(rl_attempted_completion_function) X(rl_basic_word_break_characters) \
    X(rl_completion_append_character) X(rl_line_buffer) X(rl_attempted_completion_over)

/* A pointer to each function and variable; __typeof__ only reads the header's declarations. */
static struct {
#define EDITLINE_FIELD(name) __typeof__(name) *name;
    EDITLINE_SYMBOLS(EDITLINE_FIELD)
} el;
static int loaded; /* 1: libedit is in use; -1: it could not be opened */
static char load_error[256];

static pclua_getc_fn user_getc;
static pclua_complete_fn user_complete;

static int load_libedit(void) {
    if (loaded) return loaded;
    void *library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "%s", reason ? reason : "libedit.so.2 cannot be opened");
        return loaded = -1;
    }
#define EDITLINE_LOOKUP(name) \
    if (!(el.name = (__typeof__(name) *)dlsym(library, #name))) { \
        snprintf(load_error, sizeof load_error, "libedit.so.2 has no %s", #name); \
        dlclose(library); \
        return loaded = -1; \
    }
    EDITLINE_SYMBOLS(EDITLINE_LOOKUP)
    return loaded = 1;
}

const char *pclua_editline_unavailable(void) { return load_libedit() == 1 ? NULL : load_error; }

static int getc_bridge(FILE *f) {
    (void)f;
    return user_getc ? user_getc() : EOF;
}

static char **completion_bridge(const char *text, int start, int end) {
    (void)start;
    *el.rl_attempted_completion_over = 1; /* never fall back to file names */
    if (!user_complete) return NULL;
    const char *line = *el.rl_line_buffer;
    char *upto = strndup(line ? line : "", (size_t)end);
    char **matches = user_complete(upto ? upto : "", text);
    free(upto);
    return matches;
}

void pclua_editline_setup(pclua_getc_fn getc_fn, pclua_complete_fn complete_fn) {
    user_getc = getc_fn;
    user_complete = complete_fn;
    if (load_libedit() != 1) return;
    *el.rl_readline_name = "pclua";
    *el.rl_catch_signals = 0;
    *el.rl_getc_function = getc_bridge;
    *el.rl_attempted_completion_function = completion_bridge;
    *el.rl_basic_word_break_characters = " \t\n\"'><=;+-*/%^~#{}()[],&|";
    *el.rl_completion_append_character = 0;
    el.rl_initialize();
}

/* Without libedit: the prompt (less the \001 and \002 that tell libedit what does not move the
 * cursor), then the keys up to the end of the line (the same source of keys, so Ctrl-C still
 * ends the line). */
static char *read_plain(const char *prompt) {
    for (const char *p = prompt; *p; p++) {
        if (*p != '\001' && *p != '\002') fputc(*p, stdout);
    }
    fflush(stdout);
    size_t length = 0, capacity = 128;
    char *line = malloc(capacity);
    if (!line) return NULL;
    for (;;) {
        int c = getc_bridge(stdin);
        if (c == EOF && length == 0) { free(line); return NULL; }
        if (c == EOF || c == '\n') break;
        if (length + 1 == capacity) {
            char *larger = realloc(line, capacity * 2);
            if (!larger) { free(line); return NULL; }
            line = larger;
            capacity *= 2;
        }
        line[length++] = (char)c;
    }
    line[length] = '\0';
    return line;
}

char *pclua_editline_read(const char *prompt) { return loaded == 1 ? el.readline(prompt) : read_plain(prompt); }
void pclua_editline_clear_line(void) {
    if (loaded == 1) {
        el.rl_replace_line("", 0);
    } else {
        fputs("\n", stdout); /* the terminal echoed ^C; the next prompt goes on a line of its own */
        fflush(stdout);
    }
}

void pclua_editline_add_history(const char *entry) { if (loaded == 1) el.add_history(entry); }
int pclua_editline_read_history(const char *path) { return loaded == 1 ? el.read_history(path) : -1; }
int pclua_editline_write_history(const char *path, int keep) {
    if (loaded != 1) return -1;
    int status = el.write_history(path);
    el.history_truncate_file(path, keep);
    return status;
}
