// libedit's readline-compatible API, loaded at run time (dlopen) the first
// time the shell reads from a terminal, so that no other process maps it and
// the libraries it brings. Only what the shell uses; see ../README.md.
#ifndef SPINDLE_EDITLINE_H
#define SPINDLE_EDITLINE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/// libedit's completion callbacks (its `rl_completion_func_t` and `rl_compentry_func_t`).
typedef char **(*spindle_completion_function)(const char *text, int start, int end);
typedef char *(*spindle_completion_entry)(const char *text, int state);
/// libedit's key reader (`rl_getc_function`).
typedef int (*spindle_getc_function)(FILE *stream);

/// Loads libedit once per process (`$SPINDLE_LIBEDIT` when set, else
/// `libedit.so.2`, then `libedit.so`; macOS: `libedit.3.dylib`) and finds
/// every function and variable below in it. Returns 0, or -1 with the
/// loader's reason in `error` (also on later calls). Call it before any
/// other function here, which otherwise do nothing (or return NULL).
int spindle_editline_load(char *error, size_t capacity);

/// `readline(prompt)`: the line read (malloc'd, the caller frees it), or NULL at the end of input.
char *spindle_readline(const char *prompt);
/// `add_history(line)`.
void spindle_add_history(const char *line);
/// `using_history()`: initialises libedit (reads the settings below once).
void spindle_using_history(void);
/// `stifle_history(max)`.
void spindle_stifle_history(int max);
/// `rl_completion_matches(text, entry)`.
char **spindle_completion_matches(const char *text, spindle_completion_entry entry);

/// Sets `rl_readline_name`; libedit keeps the pointer.
void spindle_set_readline_name(const char *name);
/// Sets `rl_basic_word_break_characters`; libedit keeps the pointer.
void spindle_set_word_break_characters(const char *characters);
/// Sets `rl_attempted_completion_function`.
void spindle_set_attempted_completion_function(spindle_completion_function function);
/// Sets `rl_attempted_completion_over`.
void spindle_set_attempted_completion_over(int over);
/// Sets `rl_completion_append_character`.
void spindle_set_completion_append_character(int character);
/// Sets `rl_getc_function`.
void spindle_set_getc_function(spindle_getc_function function);
/// `rl_line_buffer`: the line being edited, or NULL.
const char *spindle_line_buffer(void);

#ifdef __cplusplus
}
#endif

#endif
