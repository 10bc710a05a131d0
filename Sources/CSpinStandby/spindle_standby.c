#define _GNU_SOURCE
#include "spindle_standby.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

/// The protocol's version: the first string of every request.
static const char version[] = "spindle-standby-1";
/// How long a client waits for a standby to say whether it takes the spin.
static const int answer_timeout_ms = 3000;
/// The largest request a standby reads (arguments and environment).
static const size_t request_limit = 1 << 20;

static int allowed;
static char socket_name[80];
/// The environment as the process started (NULL-terminated): a standby is started with exactly this.
static char **original_environment;
/// The same entries, `_` left out, sorted: what a client and its standby compare (and hash).
static char **compared_environment;
static volatile pid_t standby_pid;

static uint64_t fnv(uint64_t hash, const void *bytes, size_t count) {
    const unsigned char *b = bytes;
    for (size_t i = 0; i < count; i++) { hash ^= b[i]; hash *= 1099511628211ULL; }
    return hash;
}

/// `_` is the shell's name for the command it ran last: it says nothing about the spin.
static int ignored(const char *entry) { return entry[0] == '_' && entry[1] == '='; }

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void make_compared(void) {
    size_t count = 0;
    while (original_environment[count]) count++;
    compared_environment = malloc((count + 1) * sizeof *compared_environment);
    if (compared_environment == NULL) return;
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (!ignored(original_environment[i])) compared_environment[kept++] = original_environment[i];
    }
    compared_environment[kept] = NULL;
    qsort(compared_environment, kept, sizeof *compared_environment, by_text);
}

static int asks_for_help(const char *a) {
    return !strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help") || !strcmp(a, "help")
        || !strncmp(a, "--generate-completion", 21) || !strncmp(a, "--experimental", 14);
}

static void make_name(void) {
    char exe[4096], cwd[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
    if (n <= 0 || (size_t)n >= sizeof exe || !getcwd(cwd, sizeof cwd)) return;
    uint64_t hash = 14695981039346656037ULL;
    hash = fnv(hash, exe, (size_t)n);
    hash = fnv(hash, "", 1);
    hash = fnv(hash, cwd, strlen(cwd) + 1);
    for (char **e = compared_environment; *e; e++) hash = fnv(hash, *e, strlen(*e) + 1);
    snprintf(socket_name, sizeof socket_name, "spindle-standby-%u-%016llx", (unsigned)getuid(), (unsigned long long)hash);
}

static socklen_t address_of(const char *name, struct sockaddr_un *address) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length + 1 > sizeof address->sun_path) length = sizeof address->sun_path - 1;
    memcpy(address->sun_path + 1, name, length);  // sun_path[0] stays NUL: the abstract namespace
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

static int write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = send(fd, bytes, count, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        bytes += n;
        count -= (size_t)n;
    }
    return 0;
}

static void append(char **buffer, size_t *length, size_t *capacity, const char *text, size_t count) {
    if (*buffer == NULL) return;
    if (*length + count > *capacity) {
        size_t wanted = (*length + count) * 2;
        char *grown = realloc(*buffer, wanted);
        if (grown == NULL) { free(*buffer); *buffer = NULL; return; }
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *length, text, count);
    *length += count;
}

static void forward(int signal) {
    if (standby_pid > 0) kill(standby_pid, signal);
}

/// Hands this process's spin to a waiting standby and exits with its status;
/// returns (having changed nothing) when there is none, or it does not take it.
static void hand_over(int argc, char **argv) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0) return;  // a closed standard descriptor cannot be sent
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    struct sockaddr_un address;
    socklen_t length = address_of(socket_name, &address);
    struct ucred peer;
    socklen_t peer_length = sizeof peer;
    if (connect(fd, (struct sockaddr *)&address, length) != 0
        || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 || peer.uid != getuid()) {
        close(fd);
        return;
    }
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) { close(fd); return; }
    size_t capacity = 8192, used = 0;
    char *payload = malloc(capacity);
    char count[16];
    snprintf(count, sizeof count, "%d", argc - 1);
    append(&payload, &used, &capacity, version, sizeof version);
    append(&payload, &used, &capacity, cwd, strlen(cwd) + 1);
    append(&payload, &used, &capacity, count, strlen(count) + 1);
    for (int i = 1; i < argc; i++) append(&payload, &used, &capacity, argv[i], strlen(argv[i]) + 1);
    for (char **e = compared_environment; *e; e++) append(&payload, &used, &capacity, *e, strlen(*e) + 1);
    if (payload == NULL) { close(fd); return; }
    char header[32];
    int header_length = snprintf(header, sizeof header, "%zu\n", used);
    // The header carries the client's standard descriptors; the payload follows on the stream.
    struct iovec io = { .iov_base = header, .iov_len = (size_t)header_length };
    union { char buffer[CMSG_SPACE(sizeof(int) * 3)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control.buffer,
                              .msg_controllen = sizeof control.buffer };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * 3);
    int standard[3] = { 0, 1, 2 };
    memcpy(CMSG_DATA(cmsg), standard, sizeof standard);
    ssize_t sent;
    do { sent = sendmsg(fd, &message, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
    int failed = sent != header_length || write_all(fd, payload, used) != 0;
    free(payload);
    if (failed) { close(fd); return; }
    // Forward the signals a terminal or a supervisor sends from now on: a standby that takes the
    // spin cancels it on SIGINT or SIGTERM as the spin would have here.
    standby_pid = peer.pid;
    struct sigaction action, saved[3];
    memset(&action, 0, sizeof action);
    action.sa_handler = forward;
    sigemptyset(&action.sa_mask);
    const int forwarded[3] = { SIGINT, SIGTERM, SIGHUP };
    for (int i = 0; i < 3; i++) sigaction(forwarded[i], &action, &saved[i]);
    // A process started from a thread that blocks signals (a test runner's) inherits the block;
    // the spin would have taken them (SignalWatch unblocks them too).
    sigset_t unblocked, blocked;
    sigemptyset(&unblocked);
    for (int i = 0; i < 3; i++) sigaddset(&unblocked, forwarded[i]);
    sigprocmask(SIG_UNBLOCK, &unblocked, &blocked);
    struct pollfd wait = { .fd = fd, .events = POLLIN };
    int ready;
    do { ready = poll(&wait, 1, answer_timeout_ms); } while (ready < 0 && errno == EINTR);
    char answer = 0;
    ssize_t n = -1;
    if (ready == 1) {
        do { n = recv(fd, &answer, 1, 0); } while (n < 0 && errno == EINTR);
    }
    // `G` commits both sides: a standby that said yes to a client that had given up waiting
    // reads the end of the connection instead, and runs nothing.
    if (n != 1 || answer != 'Y' || write_all(fd, "G", 1) != 0) {
        // Not taken (or no answer in time): this process runs the spin itself, as if no standby were there.
        for (int i = 0; i < 3; i++) sigaction(forwarded[i], &saved[i], NULL);
        sigprocmask(SIG_SETMASK, &blocked, NULL);
        standby_pid = 0;
        close(fd);
        return;
    }
    // Taken: wait for `ended CODE …`, then exit with CODE without starting anything else.
    char line[128];
    size_t got = 0;
    while (got < sizeof line - 1) {
        n = recv(fd, line + got, sizeof line - 1 - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        if (memchr(line, '\n', got)) break;
    }
    line[got] = 0;
    int code;
    if (sscanf(line, "ended %d", &code) == 1 && code >= 0 && code <= 255) _exit(code);
    char note[160];
    int note_length = snprintf(note, sizeof note,
                               "error: the spin's standby process (pid %d) ended without saying how the spin ended\n",
                               (int)peer.pid);
    if (note_length > 0) (void)!write(2, note, (size_t)note_length);
    _exit(1);
}

/// Runs before the Swift runtime and Foundation start, in every flow binary.
__attribute__((constructor(101))) static void spindle_standby_start(int argc, char **argv, char **envp) {
    if (argc < 2 || envp == NULL) return;
    int spin = strcmp(argv[1], "spin") == 0;
    if (!spin && strcmp(argv[1], "_standby") != 0) return;
    size_t count = 0;
    while (envp[count]) count++;
    original_environment = malloc((count + 1) * sizeof *original_environment);
    if (original_environment == NULL) return;
    memcpy(original_environment, envp, (count + 1) * sizeof *original_environment);
    make_compared();
    if (compared_environment == NULL || !spin) return;
    for (int i = 2; i < argc; i++) {
        if (asks_for_help(argv[i])) return;
    }
    const char *setting = getenv("SPINDLE_STANDBY");
    if ((setting && !strcmp(setting, "0")) || getenv("SPINDLE_PARENT_PID")) return;
    make_name();
    if (!socket_name[0]) return;
    allowed = 1;
    hand_over(argc, argv);
}

int spindle_standby_allowed(void) { return allowed; }

const char *spindle_standby_name(void) { return socket_name; }

char **spindle_standby_environment(void) { return original_environment ? original_environment : environ; }

int spindle_standby_listen(const char *name) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = address_of(name, &address);
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, 8) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/// Whether `received` (NUL-separated entries from `from` to `end`, sorted, `_` left out) is this
/// process's starting environment.
static int same_environment(const char *from, const char *end) {
    if (compared_environment == NULL) return 0;
    char **mine = compared_environment;
    const char *p = from;
    for (; p < end && *mine; mine++) {
        if (strcmp(p, *mine) != 0) return 0;
        p += strlen(p) + 1;
    }
    return p >= end && *mine == NULL;
}

/// With `SPINDLE_TRACE` set, says on stderr why a client was refused (a standby's stderr is
/// /dev/null unless it was started by hand).
static void trace_refusal(const char *why) {
    if (getenv("SPINDLE_TRACE")) fprintf(stderr, "[standby %d] refused a client: %s\n", (int)getpid(), why);
}

static void refuse(int connection, const int *fds, int fdCount) {
    (void)!send(connection, "N", 1, MSG_NOSIGNAL);
    for (int i = 0; i < fdCount; i++) close(fds[i]);
    close(connection);
}

int spindle_standby_accept(int listener, int timeout_ms, spindle_standby_request *request) {
    for (;;) {
        struct pollfd wait = { .fd = listener, .events = POLLIN };
        int ready = poll(&wait, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return ready;
        int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (connection < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
            return -1;
        }
        struct ucred peer;
        socklen_t peer_length = sizeof peer;
        if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 || peer.uid != getuid()) {
            close(connection);
            continue;
        }
        // A client that stalls mid-request is dropped after a second, not waited for.
        struct timeval limit = { .tv_sec = 1, .tv_usec = 0 };
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        char header[32];
        size_t header_length = 0;
        int fds[3] = { -1, -1, -1 }, fdCount = 0, bad = 0;
        // The header (`LENGTH\n`) comes with the descriptors: read it a byte at a time, the first with them.
        while (header_length < sizeof header - 1) {
            char byte;
            struct iovec io = { .iov_base = &byte, .iov_len = 1 };
            union { char buffer[CMSG_SPACE(sizeof(int) * 3)]; struct cmsghdr align; } control;
            struct msghdr message = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control.buffer,
                                      .msg_controllen = sizeof control.buffer };
            ssize_t n = recvmsg(connection, &message, MSG_CMSG_CLOEXEC);
            if (n < 0 && errno == EINTR) continue;
            if (n != 1) { bad = 1; break; }
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
                int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                int incoming[3];
                memcpy(incoming, CMSG_DATA(c), sizeof(int) * (size_t)(k < 3 ? k : 3));
                for (int i = 0; i < k && i < 3; i++) if (fdCount < 3) fds[fdCount++] = incoming[i];
            }
            if (byte == '\n') break;
            header[header_length++] = byte;
        }
        header[header_length] = 0;
        char *end = NULL;
        unsigned long long size = strtoull(header, &end, 10);
        if (bad || fdCount != 3 || header_length == 0 || *end != 0 || size == 0 || size > request_limit) {
            for (int i = 0; i < fdCount; i++) close(fds[i]);
            close(connection);
            continue;
        }
        char *payload = malloc(size);
        size_t got = 0;
        while (payload && got < size) {
            ssize_t n = recv(connection, payload + got, size - got, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += (size_t)n;
        }
        if (payload == NULL || got != size || payload[size - 1] != 0) {
            trace_refusal("a short or malformed request");
            free(payload);
            refuse(connection, fds, fdCount);
            continue;
        }
        // version, cwd, count, the arguments, then the environment.
        const char *p = payload, *limit_end = payload + size;
        const char *strings[3];
        for (int i = 0; i < 3; i++) {
            strings[i] = p < limit_end ? p : "";
            p += strlen(p) + 1;
        }
        char cwd[4096];
        long argc = strtol(strings[2], &end, 10);
        if (strcmp(strings[0], version) != 0 || *end != 0 || argc < 1 || argc > 4096 || !getcwd(cwd, sizeof cwd)
            || strcmp(strings[1], cwd) != 0) {
            trace_refusal(strcmp(strings[0], version) != 0 ? "another protocol version" : "another working directory");
            free(payload);
            refuse(connection, fds, fdCount);
            continue;
        }
        char **arguments = calloc((size_t)argc + 1, sizeof *arguments);
        for (long i = 0; arguments && i < argc; i++) {
            if (p >= limit_end) { free(arguments); arguments = NULL; break; }
            arguments[i] = strdup(p);
            p += strlen(p) + 1;
        }
        if (arguments == NULL || !same_environment(p, limit_end)) {
            trace_refusal(arguments == NULL ? "a malformed request" : "another environment");
            if (arguments) { for (long i = 0; i < argc; i++) free(arguments[i]); free(arguments); }
            free(payload);
            refuse(connection, fds, fdCount);
            continue;
        }
        free(payload);
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 }, sizeof(struct timeval));
        request->connection = connection;
        request->client = peer.pid;
        memcpy(request->fds, fds, sizeof fds);
        request->arguments = arguments;
        request->count = (int)argc;
        return 1;
    }
}

int spindle_standby_answer(spindle_standby_request *request, int take) {
    if (!take) {
        refuse(request->connection, request->fds, 3);
        request->connection = -1;
        return 0;
    }
    if (write_all(request->connection, "Y", 1) != 0) return -1;
    // The client's go-ahead: without it (it gave up waiting, or died) nothing runs.
    struct pollfd wait = { .fd = request->connection, .events = POLLIN };
    int ready;
    do { ready = poll(&wait, 1, answer_timeout_ms); } while (ready < 0 && errno == EINTR);
    char go = 0;
    ssize_t n = -1;
    if (ready == 1) {
        do { n = recv(request->connection, &go, 1, 0); } while (n < 0 && errno == EINTR);
    }
    return n == 1 && go == 'G' ? 0 : -1;
}

pid_t spindle_standby_spawn(const char *binary, const char *name, const char *store) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if (posix_spawn_file_actions_init(&actions) != 0) return -1;
    if (posix_spawnattr_init(&attributes) != 0) { posix_spawn_file_actions_destroy(&actions); return -1; }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    const int reset[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2 };
    for (size_t i = 0; i < sizeof reset / sizeof *reset; i++) sigaddset(&defaults, reset[i]);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *const argv[] = { (char *)binary, "_standby", "--listen", (char *)name, "--store", (char *)store, NULL };
    pid_t pid = -1;
    int failed = posix_spawn(&pid, binary, &actions, &attributes, argv, spindle_standby_environment());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (failed) { errno = failed; return -1; }
    return pid;
}
