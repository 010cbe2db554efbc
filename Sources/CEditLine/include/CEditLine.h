#ifndef PCLUA_EDITLINE_H
#define PCLUA_EDITLINE_H
/*
 * libedit (BSD editline) through its readline interface. Its configuration lives in C globals,
 * which Swift 6 will not touch; these functions own them. libedit is opened on first use
 * (editline.c says why); without it lines are read unedited and no history is kept.
 */
#include <stddef.h>

typedef int (*pclua_getc_fn)(void);
/* Returns a malloc'd, NULL-terminated array of malloc'd strings, or NULL. */
typedef char **(*pclua_complete_fn)(const char *line_to_cursor, const char *word);

/* NULL when libedit is in use, else why it is not (dlerror's words). */
const char *pclua_editline_unavailable(void);
void pclua_editline_setup(pclua_getc_fn getc_fn, pclua_complete_fn complete_fn);
/* The line read (malloc'd, the caller frees it), or NULL at end of input. */
char *pclua_editline_read(const char *prompt);
void pclua_editline_clear_line(void);

void pclua_editline_add_history(const char *entry);
int pclua_editline_read_history(const char *path);
int pclua_editline_write_history(const char *path, int keep);
#endif
