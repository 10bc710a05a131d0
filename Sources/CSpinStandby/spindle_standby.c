#define _GNU_SOURCE
#include "spindle_standby.h"
#include "spindle_fork_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/// The protocol's version: the first string of every request.
static const char version[] = "spindle-standby-2";
/// How long a client waits for a standby to say whether it takes the spin.
static const int answer_timeout_ms = 3000;
/// The largest request a standby reads (arguments and environment).
static const size_t request_limit = 1 << 20;

static int allowed;
static char socket_name[80];
/// The environment as the process started (NULL-terminated).
static char **original_environment;
/// The same entries, shell bookkeeping left out (``ignored``), sorted: what a client and its
/// standby compare, and hash into the socket's name.
static char **compared_environment;
/// The process's context beyond its environment (``make_context``), as it started.
static char context[8192];

static uint64_t fnv(uint64_t hash, const void *bytes, size_t count) {
    const unsigned char *b = bytes;
    for (size_t i = 0; i < count; i++) { hash ^= b[i]; hash *= 1099511628211ULL; }
    return hash;
}

static int starts(const char *entry, const char *prefix) { return strncmp(entry, prefix, strlen(prefix)) == 0; }

/// Entries that say nothing about the spin: the shell's bookkeeping (`_`, `OLDPWD`, `SHLVL`
/// change with every command, `cd` and subshell), and the mark a rebuilt spin's re-execution
/// carries (``rebuildIfStale``), which its successor must not keep.
static int ignored(const char *entry) {
    return starts(entry, "_=") || starts(entry, "OLDPWD=") || starts(entry, "SHLVL=") || starts(entry, "SPINDLE_REBUILT=");
}

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

static void add(size_t *used, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add(size_t *used, const char *format, ...) {
    if (*used >= sizeof context) return;
    va_list arguments;
    va_start(arguments, format);
    int n = vsnprintf(context + *used, sizeof context - *used, format, arguments);
    va_end(arguments);
    if (n > 0) *used += (size_t)n;
}

/// What besides its arguments and environment a spin runs with, as text both ends compute the
/// same way: the binary and the working directory as files (device and inode: a binary
/// rebuilt, or replaced, is another file), the mount and pid namespaces (a container sharing
/// the network namespace is another world), the cgroup, the umask, the CPUs it may use, its
/// limits and its niceness. Empty when any of it cannot be read.
static int make_context(void) {
    size_t used = 0;
    struct stat exe, cwd;
    if (stat("/proc/self/exe", &exe) != 0 || stat(".", &cwd) != 0) return -1;
    add(&used, "exe=%llu:%llu cwd=%llu:%llu", (unsigned long long)exe.st_dev, (unsigned long long)exe.st_ino,
        (unsigned long long)cwd.st_dev, (unsigned long long)cwd.st_ino);
    const char *spaces[] = { "/proc/self/ns/mnt", "/proc/self/ns/pid" };
    for (int i = 0; i < 2; i++) {
        char link[128];
        ssize_t n = readlink(spaces[i], link, sizeof link - 1);
        if (n <= 0) return -1;
        link[n] = 0;
        add(&used, " %s", link);
    }
    int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char group[2048];
    ssize_t n = read(fd, group, sizeof group - 1);
    close(fd);
    if (n < 0) return -1;
    group[n] = 0;
    add(&used, " cgroup=%s", group);
    mode_t mask = umask(0);
    umask(mask);
    add(&used, " umask=%o", (unsigned)mask);
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return -1;
    add(&used, " cpus=");
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &cpus)) add(&used, "%d,", c);
    }
    for (int r = 0; r < RLIM_NLIMITS; r++) {
        struct rlimit limit;
        if (getrlimit(r, &limit) != 0) return -1;
        add(&used, " %d=%llu/%llu", r, (unsigned long long)limit.rlim_cur, (unsigned long long)limit.rlim_max);
    }
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    if (errno != 0) return -1;
    add(&used, " nice=%d", nice);
    return used < sizeof context - 1 ? 0 : -1;
}

static void make_name(void) {
    char exe[4096], cwd[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
    if (n <= 0 || (size_t)n >= sizeof exe || !getcwd(cwd, sizeof cwd)) return;
    uint64_t hash = 14695981039346656037ULL;
    hash = fnv(hash, exe, (size_t)n);
    hash = fnv(hash, "", 1);
    hash = fnv(hash, cwd, strlen(cwd) + 1);
    hash = fnv(hash, context, strlen(context) + 1);
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

/// An argument a standby would read differently: a path through this process's own
/// descriptors (`/dev/fd/N`, `/proc/self/fd/N`, `/proc/PID/…`) names the standby's.
static int names_own_descriptors(const char *argument) {
    return strstr(argument, "/dev/fd") != NULL || strstr(argument, "/proc/") != NULL;
}

/// The client's signal state while it hands over: until it has said go, a signal is only
/// noted (the spin may still run here); after, it is sent on to the standby.
static volatile pid_t standby_pid;
static volatile sig_atomic_t committed;
static volatile sig_atomic_t noted;
static volatile sig_atomic_t forwarded_signal;

static void on_signal(int signal) {
    int saved = errno;
    if (committed && standby_pid > 0) {
        forwarded_signal = signal;
        kill(standby_pid, signal);
    } else {
        noted = signal;
    }
    errno = saved;
}

static int trace_on(void) { return getenv("SPINDLE_TRACE") != NULL; }

/// Hands this process's spin to a waiting standby and exits with its status;
/// returns (having changed nothing) when there is none, or it does not take it.
static void hand_over(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (names_own_descriptors(argv[i])) return;
    }
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0) return;  // a closed standard descriptor cannot be sent
    }
    // Non-blocking connect: a standby whose backlog is full (stopped, or busy) is not waited for.
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return;
    struct sockaddr_un address;
    socklen_t length = address_of(socket_name, &address);
    struct ucred peer;
    socklen_t peer_length = sizeof peer;
    if (connect(fd, (struct sockaddr *)&address, length) != 0
        || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 || peer.uid != getuid() || peer.pid <= 0
        || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        return;
    }
    struct timeval send_limit = { .tv_sec = 1, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) { close(fd); return; }
    size_t capacity = 16384, used = 0;
    char *payload = malloc(capacity);
    char count[16];
    snprintf(count, sizeof count, "%d", argc - 1);
    append(&payload, &used, &capacity, version, sizeof version);
    append(&payload, &used, &capacity, cwd, strlen(cwd) + 1);
    append(&payload, &used, &capacity, context, strlen(context) + 1);
    append(&payload, &used, &capacity, count, strlen(count) + 1);
    for (int i = 1; i < argc; i++) append(&payload, &used, &capacity, argv[i], strlen(argv[i]) + 1);
    for (char **e = compared_environment; *e; e++) append(&payload, &used, &capacity, *e, strlen(*e) + 1);
    if (payload == NULL) { close(fd); return; }
    char header[32];
    int header_length = snprintf(header, sizeof header, "%zu\n", used);
    // The header carries the client's standard descriptors; the payload follows on the stream.
    const int standard[3] = { 0, 1, 2 };
    ssize_t sent = spindle_send_with_fds(fd, header, (size_t)header_length, standard, 3);
    int failed = sent != header_length || write_all(fd, payload, used) != 0;
    free(payload);
    if (failed) { close(fd); return; }

    // Ctrl-C and SIGTERM reach the spin wherever it runs, as the spin's own handlers take them even
    // when ignored here (SignalWatch); SIGHUP only when not ignored (`nohup` keeps the spin going).
    struct sigaction action, saved[3];
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    const int watched[3] = { SIGINT, SIGTERM, SIGHUP };
    int installed[3] = { 0, 0, 0 };
    for (int i = 0; i < 3; i++) {
        if (sigaction(watched[i], NULL, &saved[i]) != 0) continue;
        if (watched[i] == SIGHUP && saved[i].sa_handler == SIG_IGN) continue;
        installed[i] = sigaction(watched[i], &action, NULL) == 0;
    }
    // A process started from a thread that blocks signals (a test runner's) inherits the block;
    // the spin would have taken them (SignalWatch unblocks them too).
    sigset_t unblocked, blocked;
    sigemptyset(&unblocked);
    for (int i = 0; i < 3; i++) sigaddset(&unblocked, watched[i]);
    sigprocmask(SIG_UNBLOCK, &unblocked, &blocked);
    standby_pid = peer.pid;

    struct pollfd wait = { .fd = fd, .events = POLLIN };
    int ready;
    do { ready = poll(&wait, 1, answer_timeout_ms); } while (ready < 0 && errno == EINTR && !noted);
    char answer[1024];
    ssize_t n = -1;
    if (ready == 1) {
        do { n = recv(fd, answer, sizeof answer - 1, 0); } while (n < 0 && errno == EINTR && !noted);
    }
    // `G` commits both sides: a standby that said yes to a client that gave up waiting (or was
    // interrupted) reads the end of the connection instead, and runs nothing.
    int taken = n >= 1 && answer[0] == 'Y' && !noted && write_all(fd, "G", 1) == 0;
    if (taken) {
        committed = 1;
        if (noted) {  // arrived between the check and `committed`: it is the spin's now
            forwarded_signal = noted;
            kill(peer.pid, noted);
        }
    } else {
        if (n >= 1 && answer[0] == 'N' && trace_on()) {
            answer[n] = 0;
            // More of the reason may follow the first read; what came is enough to trace.
            char *end = strchr(answer, '\n');
            if (end) *end = 0;
            fprintf(stderr, "[standby] the standby (pid %d) refused the spin: %s\n", (int)peer.pid, answer + 1);
        }
        // Not taken: this process runs the spin itself, as if no standby were there, and a signal
        // that came meanwhile is raised again, with the handlers the process had.
        close(fd);
        standby_pid = 0;
        for (int i = 0; i < 3; i++) {
            if (installed[i]) sigaction(watched[i], &saved[i], NULL);
        }
        sigprocmask(SIG_SETMASK, &blocked, NULL);
        // To the process, not this thread (raise): with the signal blocked here again (a test
        // runner's child), the thread that takes it is the spin's signal watch.
        if (noted) kill(getpid(), noted);
        noted = 0;
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
    if (forwarded_signal) {
        // The standby ended by the signal this process passed on: end by it too, as the spin would have.
        signal(forwarded_signal, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, forwarded_signal);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        raise(forwarded_signal);
    }
    char note[200];
    int note_length = snprintf(note, sizeof note,
                               "error: the spin's standby process (pid %d) ended without saying how the spin ended"
                               " (killed, or crashed)\n", (int)peer.pid);
    if (note_length > 0) (void)!write(2, note, (size_t)note_length);
    _exit(1);
}

#ifdef __GLIBC__
/// Runs before the flow's own code (and, where the Swift runtime is linked in, before it starts),
/// in every flow binary: glibc passes a constructor the program's arguments and environment.
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
    if (compared_environment == NULL || make_context() != 0) return;
    if (!spin) {
        make_name();  // a standby checks that it is the standby its name says (``spindle_standby_name``)
        return;
    }
    const char *setting = getenv("SPINDLE_STANDBY");
    if ((setting && !strcmp(setting, "0")) || getenv("SPINDLE_PARENT_PID")) return;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help") || !strcmp(a, "help")
            || starts(a, "--generate-completion") || starts(a, "--experimental")) return;
    }
    make_name();
    if (!socket_name[0]) return;
    allowed = 1;
    hand_over(argc, argv);
}
#endif

int spindle_standby_allowed(void) { return allowed; }

const char *spindle_standby_name(void) { return socket_name; }

int spindle_standby_bind(const char *name) {
    if (context[0] == 0) { errno = EINVAL; return -1; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = address_of(name, &address);
    if (bind(fd, (struct sockaddr *)&address, length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int spindle_standby_listen(int socket) { return listen(socket, 8); }

/// Whether `received` (NUL-separated entries from `from` to `end`) is this process's compared environment.
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

static void close_all(const int *fds, int count) {
    for (int i = 0; i < count; i++) close(fds[i]);
}

/// Says no, and why (the client traces it), and lets the client go.
static void refuse(int connection, const int *fds, int fdCount, const char *why) {
    char line[1024];
    int n = snprintf(line, sizeof line, "N%s\n", why);
    if (n > 0) (void)!send(connection, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, MSG_NOSIGNAL);
    close_all(fds, fdCount);
    close(connection);
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int spindle_standby_accept(int listener, int timeout_ms, spindle_standby_request *request) {
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd wait = { .fd = listener, .events = POLLIN };
        int ready = poll(&wait, 1, (int)(left > 0x7fffffff ? 0x7fffffff : left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return ready;
        int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (connection < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
            return -1;
        }
        struct ucred peer;
        socklen_t peer_length = sizeof peer;
        if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 || peer.uid != getuid()
            || peer.pid <= 0) {
            close(connection);
            continue;
        }
        // A client that stalls mid-request is dropped after a second, not waited for.
        struct timeval limit = { .tv_sec = 1, .tv_usec = 0 };
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        char header[32];
        size_t header_length = 0;
        int fds[3] = { -1, -1, -1 }, fdCount = 0, bad = 0;
        // The header (`LENGTH\n`) comes with the descriptors: its first byte with them (at most
        // three kept), the rest a byte at a time (descriptors sent with those are dropped).
        char byte;
        ssize_t n = spindle_receive_with_fds(connection, &byte, 1, fds, 3, &fdCount);
        while (n == 1 && byte != '\n' && header_length < sizeof header - 1) {
            header[header_length++] = byte;
            do { n = recv(connection, &byte, 1, 0); } while (n < 0 && errno == EINTR);
        }
        if (n != 1 || byte != '\n') bad = 1;
        header[header_length] = 0;
        char *end = NULL;
        unsigned long long size = strtoull(header, &end, 10);
        if (bad || fdCount != 3 || header_length == 0 || *end != 0 || size == 0 || size > request_limit) {
            close_all(fds, fdCount);
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
            free(payload);
            refuse(connection, fds, fdCount, "a short or malformed request");
            continue;
        }
        // version, cwd, context, count, the arguments, then the environment; the last byte is a NUL.
        const char *p = payload, *limit_end = payload + size;
        const char *strings[4];
        for (int i = 0; i < 4; i++) {
            strings[i] = p < limit_end ? p : "";
            if (p < limit_end) p += strlen(p) + 1;
        }
        char cwd[4096];
        long argc = strtol(strings[3], &end, 10);
        const char *why = NULL;
        if (strcmp(strings[0], version) != 0) why = "another protocol version";
        else if (*end != 0 || strings[3][0] == 0 || argc < 1 || argc > 4096) why = "a malformed request";
        else if (!getcwd(cwd, sizeof cwd) || strcmp(strings[1], cwd) != 0) why = "another working directory";
        else if (strcmp(strings[2], context) != 0) why = "another binary, directory, namespace, cgroup, umask, CPU set, limit or niceness";
        char **arguments = NULL;
        if (why == NULL) {
            arguments = calloc((size_t)argc + 1, sizeof *arguments);
            for (long i = 0; arguments && i < argc; i++) {
                arguments[i] = p < limit_end ? strdup(p) : NULL;
                if (arguments[i] == NULL) {
                    for (long j = 0; j < i; j++) free(arguments[j]);
                    free(arguments);
                    arguments = NULL;
                    break;
                }
                p += strlen(p) + 1;
            }
            if (arguments == NULL) why = "a malformed request";
            else if (!same_environment(p, limit_end)) why = "another environment";
            for (long i = 0; why == NULL && i < argc; i++) {
                if (names_own_descriptors(arguments[i])) why = "a path through the client's own descriptors";
            }
        }
        free(payload);
        if (why != NULL) {
            if (arguments) {
                for (long i = 0; i < argc; i++) free(arguments[i]);
                free(arguments);
            }
            if (getenv("SPINDLE_TRACE")) fprintf(stderr, "[standby %d] refused a client: %s\n", (int)getpid(), why);
            refuse(connection, fds, fdCount, why);
            continue;
        }
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 }, sizeof(struct timeval));
        request->connection = connection;
        request->client = peer.pid;
        memcpy(request->fds, fds, sizeof fds);
        request->arguments = arguments;
        request->count = (int)argc;
        return 1;
    }
}

int spindle_standby_answer(spindle_standby_request *request, int take, const char *why) {
    if (!take) {
        refuse(request->connection, request->fds, 3, why ? why : "");
        request->connection = -1;
        return 0;
    }
    // The client's go-ahead; the end of the connection instead means it gave up waiting, was
    // interrupted, or died: nothing runs. No time limit: a client stopped (Ctrl-Z) between the
    // two is waited for, as it would wait for its own spin.
    char go = 0;
    ssize_t n = -1;
    if (write_all(request->connection, "Y", 1) == 0) {
        do { n = recv(request->connection, &go, 1, 0); } while (n < 0 && errno == EINTR);
    }
    if (n == 1 && go == 'G') return 0;
    close_all(request->fds, 3);
    close(request->connection);
    request->connection = -1;
    return -1;
}

pid_t spindle_standby_spawn(const char *binary, const char *name, const char *store) {
    // The environment the process started with, but for a rebuilt spin's mark (``ignored``).
    char **source = original_environment ? original_environment : environ;
    size_t count = 0;
    while (source[count]) count++;
    char **environment = malloc((count + 1) * sizeof *environment);
    if (environment == NULL) return -1;
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (!starts(source[i], "SPINDLE_REBUILT=")) environment[kept++] = source[i];
    }
    environment[kept] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if (posix_spawn_file_actions_init(&actions) != 0) { free(environment); return -1; }
    if (posix_spawnattr_init(&attributes) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        free(environment);
        return -1;
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    // `SPINDLE_STANDBY_LOG`: a file the standby's stderr goes to (with `SPINDLE_TRACE`, what it did and why it ended).
    const char *log = getenv("SPINDLE_STANDBY_LOG");
    if (log && *log) posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_APPEND | O_CREAT, 0644);
    else posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
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
    int failed = posix_spawn(&pid, binary, &actions, &attributes, argv, environment);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    free(environment);
    if (failed) { errno = failed; return -1; }
    return pid;
}
