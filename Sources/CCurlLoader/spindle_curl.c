// Loads libcurl with dlopen on first use and calls it through function
// pointers, so that linking Spindle's S3 client costs a process nothing until
// it talks to S3. See README.md.
#include "spindle_curl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// libcurl's prototypes, declared here so the build needs no libcurl headers.
// Where the headers are installed, the constants are checked against them.
// (Names of our own, so they never clash with <curl/curl.h>'s.)
typedef void sc_handle;
typedef int sc_code;
typedef int sc_option;
typedef int sc_info;
struct sc_slist;

#define SPINDLE_CURLINFO_RESPONSE_CODE 0x200002
#define SPINDLE_CURL_GLOBAL_ALL 3L
#define SPINDLE_CURL_READFUNC_ABORT 0x10000000
#define SPINDLE_CURL_SEEKFUNC_OK 0
#define SPINDLE_CURL_SEEKFUNC_FAIL 1

#if defined(__has_include)
#if __has_include(<curl/curl.h>)
#include <curl/curl.h>
#define SPINDLE_CHECK(mine, theirs) _Static_assert((long)(mine) == (long)(theirs), #mine " differs from libcurl's " #theirs)
SPINDLE_CHECK(SPINDLE_CURLOPT_WRITEDATA, CURLOPT_WRITEDATA);
SPINDLE_CHECK(SPINDLE_CURLOPT_URL, CURLOPT_URL);
SPINDLE_CHECK(SPINDLE_CURLOPT_READDATA, CURLOPT_READDATA);
SPINDLE_CHECK(SPINDLE_CURLOPT_ERRORBUFFER, CURLOPT_ERRORBUFFER);
SPINDLE_CHECK(SPINDLE_CURLOPT_WRITEFUNCTION, CURLOPT_WRITEFUNCTION);
SPINDLE_CHECK(SPINDLE_CURLOPT_READFUNCTION, CURLOPT_READFUNCTION);
SPINDLE_CHECK(SPINDLE_CURLOPT_LOW_SPEED_LIMIT, CURLOPT_LOW_SPEED_LIMIT);
SPINDLE_CHECK(SPINDLE_CURLOPT_LOW_SPEED_TIME, CURLOPT_LOW_SPEED_TIME);
SPINDLE_CHECK(SPINDLE_CURLOPT_HTTPHEADER, CURLOPT_HTTPHEADER);
SPINDLE_CHECK(SPINDLE_CURLOPT_HEADERDATA, CURLOPT_HEADERDATA);
SPINDLE_CHECK(SPINDLE_CURLOPT_CUSTOMREQUEST, CURLOPT_CUSTOMREQUEST);
SPINDLE_CHECK(SPINDLE_CURLOPT_VERBOSE, CURLOPT_VERBOSE);
SPINDLE_CHECK(SPINDLE_CURLOPT_NOBODY, CURLOPT_NOBODY);
SPINDLE_CHECK(SPINDLE_CURLOPT_UPLOAD, CURLOPT_UPLOAD);
SPINDLE_CHECK(SPINDLE_CURLOPT_HTTPGET, CURLOPT_HTTPGET);
SPINDLE_CHECK(SPINDLE_CURLOPT_HTTP_VERSION, CURLOPT_HTTP_VERSION);
SPINDLE_CHECK(SPINDLE_CURLOPT_BUFFERSIZE, CURLOPT_BUFFERSIZE);
SPINDLE_CHECK(SPINDLE_CURLOPT_NOSIGNAL, CURLOPT_NOSIGNAL);
SPINDLE_CHECK(SPINDLE_CURLOPT_HEADERFUNCTION, CURLOPT_HEADERFUNCTION);
SPINDLE_CHECK(SPINDLE_CURLOPT_INFILESIZE_LARGE, CURLOPT_INFILESIZE_LARGE);
SPINDLE_CHECK(SPINDLE_CURLOPT_TCP_NODELAY, CURLOPT_TCP_NODELAY);
SPINDLE_CHECK(SPINDLE_CURLOPT_TIMEOUT_MS, CURLOPT_TIMEOUT_MS);
SPINDLE_CHECK(SPINDLE_CURLOPT_CONNECTTIMEOUT_MS, CURLOPT_CONNECTTIMEOUT_MS);
SPINDLE_CHECK(SPINDLE_CURLOPT_SEEKFUNCTION, CURLOPT_SEEKFUNCTION);
SPINDLE_CHECK(SPINDLE_CURLOPT_SEEKDATA, CURLOPT_SEEKDATA);
SPINDLE_CHECK(SPINDLE_CURLOPT_TCP_KEEPALIVE, CURLOPT_TCP_KEEPALIVE);
SPINDLE_CHECK(SPINDLE_CURLOPT_CONNECT_TO, CURLOPT_CONNECT_TO);
SPINDLE_CHECK(SPINDLE_CURLOPT_UPLOAD_BUFFERSIZE, CURLOPT_UPLOAD_BUFFERSIZE);
SPINDLE_CHECK(SPINDLE_CURLE_OK, CURLE_OK);
SPINDLE_CHECK(SPINDLE_CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_HOST);
SPINDLE_CHECK(SPINDLE_CURLE_COULDNT_CONNECT, CURLE_COULDNT_CONNECT);
SPINDLE_CHECK(SPINDLE_CURLE_PARTIAL_FILE, CURLE_PARTIAL_FILE);
SPINDLE_CHECK(SPINDLE_CURLE_WRITE_ERROR, CURLE_WRITE_ERROR);
SPINDLE_CHECK(SPINDLE_CURLE_OPERATION_TIMEDOUT, CURLE_OPERATION_TIMEDOUT);
SPINDLE_CHECK(SPINDLE_CURLE_ABORTED_BY_CALLBACK, CURLE_ABORTED_BY_CALLBACK);
SPINDLE_CHECK(SPINDLE_CURLE_GOT_NOTHING, CURLE_GOT_NOTHING);
SPINDLE_CHECK(SPINDLE_CURLE_SEND_ERROR, CURLE_SEND_ERROR);
SPINDLE_CHECK(SPINDLE_CURLE_RECV_ERROR, CURLE_RECV_ERROR);
SPINDLE_CHECK(SPINDLE_CURL_HTTP_VERSION_1_1, CURL_HTTP_VERSION_1_1);
SPINDLE_CHECK(SPINDLE_CURL_ERROR_SIZE, CURL_ERROR_SIZE);
SPINDLE_CHECK(SPINDLE_CURLINFO_RESPONSE_CODE, CURLINFO_RESPONSE_CODE);
SPINDLE_CHECK(SPINDLE_CURL_GLOBAL_ALL, CURL_GLOBAL_ALL);
SPINDLE_CHECK(SPINDLE_CURL_READFUNC_ABORT, CURL_READFUNC_ABORT);
SPINDLE_CHECK(SPINDLE_CURL_SEEKFUNC_OK, CURL_SEEKFUNC_OK);
SPINDLE_CHECK(SPINDLE_CURL_SEEKFUNC_FAIL, CURL_SEEKFUNC_FAIL);
_Static_assert(sizeof(curl_off_t) == sizeof(int64_t), "curl_off_t is not 64 bits");
#endif
#endif

/// The functions Spindle calls, found with dlsym.
struct functions {
    sc_code (*global_init)(long flags);
    sc_handle *(*easy_init)(void);
    sc_code (*easy_setopt)(sc_handle *handle, sc_option option, ...);
    sc_code (*easy_perform)(sc_handle *handle);
    sc_code (*easy_getinfo)(sc_handle *handle, sc_info info, ...);
    void (*easy_cleanup)(sc_handle *handle);
    void (*easy_reset)(sc_handle *handle);
    const char *(*easy_strerror)(sc_code code);
    struct sc_slist *(*slist_append)(struct sc_slist *list, const char *text);
    void (*slist_free_all)(struct sc_slist *list);
};

static struct functions curl;
static void *library;
static const char *library_name;
static char load_error[512];
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/// Opens `name` and finds every function in it; on failure closes it and
/// says why in `error`.
static void *open_library(const char *name, struct functions *fns, char *error, size_t capacity) {
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(error, capacity, "%s", why ? why : name);
        return NULL;
    }
    struct { const char *symbol; void **slot; } table[] = {
        {"curl_global_init", (void **)&fns->global_init},
        {"curl_easy_init", (void **)&fns->easy_init},
        {"curl_easy_setopt", (void **)&fns->easy_setopt},
        {"curl_easy_perform", (void **)&fns->easy_perform},
        {"curl_easy_getinfo", (void **)&fns->easy_getinfo},
        {"curl_easy_cleanup", (void **)&fns->easy_cleanup},
        {"curl_easy_reset", (void **)&fns->easy_reset},
        {"curl_easy_strerror", (void **)&fns->easy_strerror},
        {"curl_slist_append", (void **)&fns->slist_append},
        {"curl_slist_free_all", (void **)&fns->slist_free_all},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        *table[i].slot = dlsym(lib, table[i].symbol);
        if (!*table[i].slot) {
            snprintf(error, capacity, "%s has no %s", name, table[i].symbol);
            dlclose(lib);
            return NULL;
        }
    }
    return lib;
}

static void load_default(void) {
    const char *names[6];
    size_t count = 0;
    const char *chosen = getenv("SPINDLE_LIBCURL");
    if (chosen && *chosen) names[count++] = chosen;
#ifdef __APPLE__
    names[count++] = "libcurl.4.dylib";
    names[count++] = "/usr/lib/libcurl.4.dylib";
#else
    names[count++] = "libcurl.so.4";
    names[count++] = "libcurl-gnutls.so.4";
    names[count++] = "libcurl.so";
#endif
    char first[256] = "";
    for (size_t i = 0; i < count; i++) {
        char why[256];
        library = open_library(names[i], &curl, why, sizeof why);
        if (library) {
            library_name = names[i];
            break;
        }
        if (!first[0]) snprintf(first, sizeof first, "%s", why);
    }
    if (!library) {
        snprintf(load_error, sizeof load_error, "%s", first);
        return;
    }
    sc_code code = curl.global_init(SPINDLE_CURL_GLOBAL_ALL);
    if (code != SPINDLE_CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed: %s", curl.easy_strerror(code));
        return;
    }
    loaded = 1;
}

int spindle_curl_load(char *error, size_t capacity) {
    pthread_once(&load_once, load_default);
    if (loaded) return 0;
    if (error && capacity) snprintf(error, capacity, "%s", load_error);
    return -1;
}

int spindle_curl_probe(const char *name, char *error, size_t capacity) {
    struct functions fns;
    char why[256];
    void *lib = open_library(name, &fns, why, sizeof why);
    if (!lib) {
        if (error && capacity) snprintf(error, capacity, "%s", why);
        return -1;
    }
    dlclose(lib);
    return 0;
}

const char *spindle_curl_library(void) { return loaded ? library_name : NULL; }

void *spindle_curl_easy_init(void) { return loaded ? curl.easy_init() : NULL; }
void spindle_curl_easy_cleanup(void *handle) { if (loaded && handle) curl.easy_cleanup(handle); }
void spindle_curl_easy_reset(void *handle) { if (loaded && handle) curl.easy_reset(handle); }
int spindle_curl_easy_perform(void *handle) { return loaded ? curl.easy_perform(handle) : SPINDLE_CURLE_NOT_LOADED; }
const char *spindle_curl_easy_strerror(int code) {
    return loaded && code >= 0 ? curl.easy_strerror(code) : "libcurl is not loaded";
}

int spindle_curl_setopt_long(void *handle, spindle_curl_option option, long value) {
    return loaded ? curl.easy_setopt(handle, (sc_option)option, value) : SPINDLE_CURLE_NOT_LOADED;
}
int spindle_curl_setopt_string(void *handle, spindle_curl_option option, const char *value) {
    return loaded ? curl.easy_setopt(handle, (sc_option)option, value) : SPINDLE_CURLE_NOT_LOADED;
}
int spindle_curl_setopt_pointer(void *handle, spindle_curl_option option, void *value) {
    return loaded ? curl.easy_setopt(handle, (sc_option)option, value) : SPINDLE_CURLE_NOT_LOADED;
}
int spindle_curl_setopt_offset(void *handle, spindle_curl_option option, int64_t value) {
    return loaded ? curl.easy_setopt(handle, (sc_option)option, value) : SPINDLE_CURLE_NOT_LOADED;
}
int spindle_curl_setopt_function(void *handle, spindle_curl_option option, spindle_curl_data_fn value) {
    return loaded ? curl.easy_setopt(handle, (sc_option)option, value) : SPINDLE_CURLE_NOT_LOADED;
}

/// CURLOPT_READFUNCTION over a spindle_curl_body: copies the next bytes of
/// its pieces into libcurl's send buffer.
static size_t read_body(char *buffer, size_t size, size_t count, void *context) {
    spindle_curl_body *body = context;
    size_t room = size * count, filled = 0;
    while (filled < room && body->part < body->count) {
        const spindle_curl_part *p = &body->parts[body->part];
        size_t n = p->length - body->offset;
        if (n > room - filled) n = room - filled;
        if (n) memcpy(buffer + filled, (const char *)p->base + body->offset, n);
        filled += n;
        body->offset += n;
        if (body->offset == p->length) {
            body->part++;
            body->offset = 0;
        }
    }
    return filled;
}

/// CURLOPT_SEEKFUNCTION over a spindle_curl_body (libcurl rewinds to resend).
static int seek_body(void *context, int64_t offset, int origin) {
    spindle_curl_body *body = context;
    if (origin != SEEK_SET || offset < 0) return SPINDLE_CURL_SEEKFUNC_FAIL;
    size_t left = (size_t)offset;
    body->part = 0;
    body->offset = 0;
    while (body->part < body->count && left >= body->parts[body->part].length) {
        left -= body->parts[body->part].length;
        body->part++;
    }
    if (body->part == body->count) return left == 0 ? SPINDLE_CURL_SEEKFUNC_OK : SPINDLE_CURL_SEEKFUNC_FAIL;
    body->offset = left;
    return SPINDLE_CURL_SEEKFUNC_OK;
}

int spindle_curl_set_body(void *handle, spindle_curl_body *body) {
    if (!loaded) return SPINDLE_CURLE_NOT_LOADED;
    int64_t size = 0;
    for (size_t i = 0; i < body->count; i++) size += (int64_t)body->parts[i].length;
    body->part = 0;
    body->offset = 0;
    int (*seek)(void *, int64_t, int) = seek_body;
    sc_code code;
    if ((code = curl.easy_setopt(handle, SPINDLE_CURLOPT_UPLOAD, 1L))) return code;
    if ((code = curl.easy_setopt(handle, SPINDLE_CURLOPT_INFILESIZE_LARGE, size))) return code;
    if ((code = curl.easy_setopt(handle, SPINDLE_CURLOPT_READFUNCTION, read_body))) return code;
    if ((code = curl.easy_setopt(handle, SPINDLE_CURLOPT_READDATA, (void *)body))) return code;
    if ((code = curl.easy_setopt(handle, SPINDLE_CURLOPT_SEEKFUNCTION, seek))) return code;
    return curl.easy_setopt(handle, SPINDLE_CURLOPT_SEEKDATA, (void *)body);
}

long spindle_curl_response_code(void *handle) {
    long status = 0;
    if (loaded && curl.easy_getinfo(handle, SPINDLE_CURLINFO_RESPONSE_CODE, &status) != SPINDLE_CURLE_OK) return 0;
    return status;
}

void *spindle_curl_slist_append(void *list, const char *text) {
    return loaded ? curl.slist_append(list, text) : NULL;
}
void spindle_curl_slist_free_all(void *list) {
    if (loaded && list) curl.slist_free_all(list);
}
