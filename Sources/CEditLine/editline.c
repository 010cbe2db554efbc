#include "CEditLine.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

static pclua_getc_fn user_getc;
static pclua_complete_fn user_complete;

static int getc_bridge(FILE *f) {
    (void)f;
    return user_getc ? user_getc() : EOF;
}

static char **completion_bridge(const char *text, int start, int end) {
    (void)start;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    if (!user_complete) return NULL;
    char *upto = strndup(rl_line_buffer ? rl_line_buffer : "", (size_t)end);
    char **matches = user_complete(upto ? upto : "", text);
    free(upto);
    return matches;
}

void pclua_editline_setup(pclua_getc_fn getc_fn, pclua_complete_fn complete_fn) {
    user_getc = getc_fn;
    user_complete = complete_fn;
    rl_readline_name = "pclua";
    rl_catch_signals = 0;
    rl_getc_function = getc_bridge;
    rl_attempted_completion_function = completion_bridge;
    rl_basic_word_break_characters = " \t\n\"'><=;+-*/%^~#{}()[],&|";
    rl_completion_append_character = 0;
    rl_initialize();
}

char *pclua_editline_read(const char *prompt) { return readline(prompt); }
void pclua_editline_clear_line(void) { rl_replace_line("", 0); }

void pclua_editline_add_history(const char *entry) { add_history(entry); }
int pclua_editline_read_history(const char *path) { return read_history(path); }
int pclua_editline_write_history(const char *path, int keep) {
    int status = write_history(path);
    history_truncate_file(path, keep);
    return status;
}
