// libcurl, loaded at run time (dlopen) on first use, so that a process that
// never talks to the shared store never loads it or its two dozen libraries.
// Only what Spindle's S3 client needs; see ../README.md.
#ifndef SPINDLE_CURL_H
#define SPINDLE_CURL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The options Spindle sets, with libcurl's numbers (checked against
/// <curl/curl.h> by static assertions where the header is installed).
typedef enum spindle_curl_option {
    SPINDLE_CURLOPT_WRITEDATA = 10001,
    SPINDLE_CURLOPT_URL = 10002,
    SPINDLE_CURLOPT_READDATA = 10009,
    SPINDLE_CURLOPT_ERRORBUFFER = 10010,
    SPINDLE_CURLOPT_WRITEFUNCTION = 20011,
    SPINDLE_CURLOPT_READFUNCTION = 20012,
    SPINDLE_CURLOPT_LOW_SPEED_LIMIT = 19,
    SPINDLE_CURLOPT_LOW_SPEED_TIME = 20,
    SPINDLE_CURLOPT_HTTPHEADER = 10023,
    SPINDLE_CURLOPT_HEADERDATA = 10029,
    SPINDLE_CURLOPT_CUSTOMREQUEST = 10036,
    SPINDLE_CURLOPT_VERBOSE = 41,
    SPINDLE_CURLOPT_NOBODY = 44,
    SPINDLE_CURLOPT_UPLOAD = 46,
    SPINDLE_CURLOPT_HTTPGET = 80,
    SPINDLE_CURLOPT_HTTP_VERSION = 84,
    SPINDLE_CURLOPT_BUFFERSIZE = 98,
    SPINDLE_CURLOPT_NOSIGNAL = 99,
    SPINDLE_CURLOPT_HEADERFUNCTION = 20079,
    SPINDLE_CURLOPT_INFILESIZE_LARGE = 30115,
    SPINDLE_CURLOPT_TCP_NODELAY = 121,
    SPINDLE_CURLOPT_TIMEOUT_MS = 155,
    SPINDLE_CURLOPT_CONNECTTIMEOUT_MS = 156,
    SPINDLE_CURLOPT_SEEKFUNCTION = 20167,
    SPINDLE_CURLOPT_SEEKDATA = 10168,
    SPINDLE_CURLOPT_TCP_KEEPALIVE = 213,
    SPINDLE_CURLOPT_CONNECT_TO = 10243,
    SPINDLE_CURLOPT_UPLOAD_BUFFERSIZE = 280,
} spindle_curl_option;

/// libcurl's result codes that Spindle tells apart.
enum {
    SPINDLE_CURLE_OK = 0,
    SPINDLE_CURLE_COULDNT_RESOLVE_HOST = 6,
    SPINDLE_CURLE_COULDNT_CONNECT = 7,
    SPINDLE_CURLE_PARTIAL_FILE = 18,
    SPINDLE_CURLE_WRITE_ERROR = 23,
    SPINDLE_CURLE_OPERATION_TIMEDOUT = 28,
    SPINDLE_CURLE_ABORTED_BY_CALLBACK = 42,
    SPINDLE_CURLE_GOT_NOTHING = 52,
    SPINDLE_CURLE_SEND_ERROR = 55,
    SPINDLE_CURLE_RECV_ERROR = 56,
    /// Not libcurl's: the library could not be loaded.
    SPINDLE_CURLE_NOT_LOADED = -1,
};

/// CURL_HTTP_VERSION_1_1.
enum { SPINDLE_CURL_HTTP_VERSION_1_1 = 2 };

/// The size libcurl's error buffer (CURLOPT_ERRORBUFFER) must have.
enum { SPINDLE_CURL_ERROR_SIZE = 256 };

/// libcurl's write, header and read callbacks all have this shape.
typedef size_t (*spindle_curl_data_fn)(char *data, size_t size, size_t count, void *context);

/// One piece of a request body, in memory.
typedef struct spindle_curl_part {
    const void *base;
    size_t length;
} spindle_curl_part;

/// A request body sent from memory, piece after piece, without a copy of
/// its own: libcurl's read callback copies straight from the pieces into its
/// send buffer. The cursor (`part`, `offset`) is the callback's; libcurl
/// rewinds it through the seek callback when it must resend.
typedef struct spindle_curl_body {
    const spindle_curl_part *parts;
    size_t count;
    size_t part;
    size_t offset;
} spindle_curl_body;

/// Loads libcurl (once per process; later calls return the first result)
/// and runs curl_global_init. Tries $SPINDLE_LIBCURL first when set, then
/// the usual names (libcurl.so.4, libcurl-gnutls.so.4, libcurl.so; on macOS
/// libcurl.4.dylib). Returns 0, or -1 with why in `error` (NUL-terminated).
int spindle_curl_load(char *error, size_t capacity);

/// Whether the library named `name` can be loaded and has every function
/// Spindle needs; leaves the process's own loaded libcurl alone. Returns 0,
/// or -1 with why in `error`. For diagnostics and tests.
int spindle_curl_probe(const char *name, char *error, size_t capacity);

/// The path or name of the library loaded (after a successful load).
const char *spindle_curl_library(void);

/// curl_easy_init, curl_easy_cleanup, curl_easy_reset, curl_easy_perform,
/// curl_easy_strerror, over the loaded library (spindle_curl_load first).
void *spindle_curl_easy_init(void);
void spindle_curl_easy_cleanup(void *handle);
void spindle_curl_easy_reset(void *handle);
int spindle_curl_easy_perform(void *handle);
const char *spindle_curl_easy_strerror(int code);

/// curl_easy_setopt for each kind of option value: the function is variadic,
/// so it is only ever called from C, with the type the option takes.
int spindle_curl_setopt_long(void *handle, spindle_curl_option option, long value);
int spindle_curl_setopt_string(void *handle, spindle_curl_option option, const char *value);
int spindle_curl_setopt_pointer(void *handle, spindle_curl_option option, void *value);
int spindle_curl_setopt_offset(void *handle, spindle_curl_option option, int64_t value);
int spindle_curl_setopt_function(void *handle, spindle_curl_option option, spindle_curl_data_fn value);

/// Sends `body` (rewound to its start) as the request's body: CURLOPT_UPLOAD
/// with its size, and read and seek callbacks over its pieces.
int spindle_curl_set_body(void *handle, spindle_curl_body *body);

/// CURLINFO_RESPONSE_CODE: the last response's HTTP status, or 0.
long spindle_curl_response_code(void *handle);

/// curl_slist_append and curl_slist_free_all (a list is a `void *`; NULL is empty).
void *spindle_curl_slist_append(void *list, const char *text);
void spindle_curl_slist_free_all(void *list);

#ifdef __cplusplus
}
#endif

#endif
