#ifndef SPINDLE_STANDBY_H
#define SPINDLE_STANDBY_H

#include <stddef.h>
#include <sys/types.h>

/// The C half of a flow binary's *listening standby*: a spin process started
/// ahead of time and left waiting on a socket, so that the next
/// `FLOW spin …` typed in the same directory, with the same environment and
/// the same binary, is run by it instead of starting from nothing.
///
/// The client half runs in a constructor (glibc only), before the flow's own
/// code — and, in a binary with the Swift runtime linked in, before the runtime
/// and Foundation start: a spin that a standby takes costs this process only
/// its exec, a connect and a wait. See Sources/CSpinStandby/README.md.

/// What a standby was asked, as ``spindle_standby_accept`` leaves it.
typedef struct {
    /// The accepted connection: the standby reports on it how the spin ended.
    int connection;
    /// The client's pid (from the socket's credentials).
    pid_t client;
    /// The client's standard input, output and error, received with the request.
    int fds[3];
    /// The spin's arguments after the program name (`spin STEP …`), each NUL-terminated, `count` of them.
    char **arguments;
    int count;
} spindle_standby_request;

/// Whether this process's command line and environment allow a standby: its
/// first argument is `spin`, nothing asks for help, `SPINDLE_STANDBY` is not
/// `0`, and no program that watches it started it (`SPINDLE_PARENT_PID`).
int spindle_standby_allowed(void);

/// The socket name (abstract namespace, without its leading NUL) that a
/// standby for this process listens on: made of its binary's path, working
/// directory, environment (shell bookkeeping aside), context (the binary and
/// directory as files, namespaces, cgroup, umask, CPU set, limits, niceness)
/// and user, as the process started. Empty when it could not be made. In a
/// standby, the name of the standby its clients would look for: one started
/// under another name would only refuse them.
const char *spindle_standby_name(void);

/// Binds `name` (abstract namespace) without listening yet: the name is this
/// standby's, and a client that comes before ``spindle_standby_listen`` is
/// refused the connection at once (it runs the spin itself). Returns the
/// socket (close-on-exec), or -1 with errno set (EADDRINUSE: another standby
/// has the name).
int spindle_standby_bind(const char *name);

/// Starts accepting clients on a socket from ``spindle_standby_bind``: call
/// it once the standby is ready. Returns 0, or -1 with errno set.
int spindle_standby_listen(int socket);

/// Waits up to `timeout_ms` in all for a client on `listener` and reads its
/// request. Returns 1 with `*request` filled (the caller answers with
/// ``spindle_standby_answer``), 0 when the time ran out, or -1 on an error.
/// A client of another user or pid namespace, whose working directory,
/// context or environment is not this process's (as it started), or with an
/// argument through its own descriptors (`/dev/fd/N` would name this
/// process's), is refused here, with the reason, and not returned.
int spindle_standby_accept(int listener, int timeout_ms, spindle_standby_request *request);

/// Tells the client whether this standby takes its spin (`take` nonzero), or
/// why not (`why`, which the client traces with `SPINDLE_TRACE`). Refusing, it
/// closes the connection and the received descriptors. Taking it, it waits for
/// the client's go-ahead (`G`), so that a client that gave up waiting (and
/// runs the spin itself) is never served too. Returns 0, or -1 when the client
/// is gone or did not go ahead (the connection and what it sent are closed).
int spindle_standby_answer(spindle_standby_request *request, int take, const char *why);

/// Starts `binary _standby --listen NAME --store STORE` in a session of its own,
/// with /dev/null for its input and output (its stderr goes to the file
/// `SPINDLE_STANDBY_LOG` names, if set), no other descriptor, default
/// signals, and the environment this process started with (less
/// `SPINDLE_REBUILT`). Does not wait for it. Returns its pid, or -1 with errno set.
pid_t spindle_standby_spawn(const char *binary, const char *name, const char *store);

#endif
