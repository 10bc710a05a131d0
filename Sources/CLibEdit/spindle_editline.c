// Loads libedit with dlopen on first use and reaches it through pointers, so
// that linking the shell costs a process nothing until it edits a line. See
// README.md.
#include "spindle_editline.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/// The functions and variables the shell uses, found with dlsym.
static struct {
    char *(*readline)(const char *);
    int (*add_history)(const char *);
    void (*using_history)(void);
    void (*stifle_history)(int);
    char **(*completion_matches)(const char *, spindle_completion_entry);
    const char **readline_name;
    const char **word_break_characters;
    spindle_completion_function *attempted_completion_function;
    int *attempted_completion_over;
    int *completion_append_character;
    spindle_getc_function *getc_function;
    char **line_buffer;
} editline;

static char load_error[512];
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/// Opens `name` and finds every symbol in it; on failure closes it and says why in `load_error`.
static int open_library(const char *name) {
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : name);
        return 0;
    }
    struct { const char *symbol; void **slot; } table[] = {
        {"readline", (void **)&editline.readline},
        {"add_history", (void **)&editline.add_history},
        {"using_history", (void **)&editline.using_history},
        {"stifle_history", (void **)&editline.stifle_history},
        {"rl_completion_matches", (void **)&editline.completion_matches},
        {"rl_readline_name", (void **)&editline.readline_name},
        {"rl_basic_word_break_characters", (void **)&editline.word_break_characters},
        {"rl_attempted_completion_function", (void **)&editline.attempted_completion_function},
        {"rl_attempted_completion_over", (void **)&editline.attempted_completion_over},
        {"rl_completion_append_character", (void **)&editline.completion_append_character},
        {"rl_getc_function", (void **)&editline.getc_function},
        {"rl_line_buffer", (void **)&editline.line_buffer},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        *table[i].slot = dlsym(lib, table[i].symbol);
        if (!*table[i].slot) {
            snprintf(load_error, sizeof load_error, "%s has no %s", name, table[i].symbol);
            memset(&editline, 0, sizeof editline);
            dlclose(lib);
            return 0;
        }
    }
    return 1;
}

static void load(void) {
    const char *chosen = getenv("SPINDLE_LIBEDIT");
    if (chosen && *chosen) {
        loaded = open_library(chosen);
        return;
    }
#if defined(__APPLE__)
    const char *names[] = {"libedit.3.dylib", "libedit.dylib"};
#else
    const char *names[] = {"libedit.so.2", "libedit.so"};
#endif
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !loaded; i++) loaded = open_library(names[i]);
}

int spindle_editline_load(char *error, size_t capacity) {
    pthread_once(&load_once, load);
    if (loaded) return 0;
    if (error && capacity > 0) snprintf(error, capacity, "%s", load_error);
    return -1;
}

char *spindle_readline(const char *prompt) { return loaded ? editline.readline(prompt) : NULL; }
void spindle_add_history(const char *line) { if (loaded) editline.add_history(line); }
void spindle_using_history(void) { if (loaded) editline.using_history(); }
void spindle_stifle_history(int max) { if (loaded) editline.stifle_history(max); }
char **spindle_completion_matches(const char *text, spindle_completion_entry entry) {
    return loaded ? editline.completion_matches(text, entry) : NULL;
}
void spindle_set_readline_name(const char *name) { if (loaded) *editline.readline_name = name; }
void spindle_set_word_break_characters(const char *characters) { if (loaded) *editline.word_break_characters = characters; }
void spindle_set_attempted_completion_function(spindle_completion_function function) {
    if (loaded) *editline.attempted_completion_function = function;
}
void spindle_set_attempted_completion_over(int over) { if (loaded) *editline.attempted_completion_over = over; }
void spindle_set_completion_append_character(int character) { if (loaded) *editline.completion_append_character = character; }
void spindle_set_getc_function(spindle_getc_function function) { if (loaded) *editline.getc_function = function; }
const char *spindle_line_buffer(void) { return loaded ? *editline.line_buffer : NULL; }
