#ifndef SPINDLE_FORK_SERVER_H
#define SPINDLE_FORK_SERVER_H

#include <stddef.h>
#include <sys/types.h>

/// Makes this process the reaper of its orphaned descendants
/// (PR_SET_CHILD_SUBREAPER): a task process forked by the fork server's
/// short-lived middle process becomes this process's child, so the runtime
/// waits for it, and kills it, as one it had started itself.
/// Returns 0, or -1 with errno set.
int spindle_become_subreaper(void);

/// Sends `length` bytes on the connected socket `socket` with up to four file
/// descriptors attached (SCM_RIGHTS). Returns the bytes sent, or -1 with errno set.
ssize_t spindle_send_with_fds(int socket, const void *bytes, size_t length, const int *fds, int fdCount);

/// Receives one message of at most `capacity` bytes from `socket`, and up to
/// `maxFds` (at most four) descriptors sent with it, each opened close-on-exec.
/// `*fdCount` is set to how many came. Returns the message's length (0 at the
/// peer's end), or -1 with errno set.
ssize_t spindle_receive_with_fds(int socket, void *bytes, size_t capacity, int *fds, int maxFds, int *fdCount);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no process spawned meanwhile by
/// another thread inherits. Returns 0, or -1 with errno set.
int spindle_pipe_cloexec(int fds[2]);

/// pidfd_open(2): a descriptor that becomes readable when process `pid`
/// ends, so one poll(2) can wait for a child's exit and its pipes at once.
/// Returns the descriptor (close-on-exec), or -1 with errno set (ENOSYS
/// before Linux 5.3).
int spindle_pidfd_open(pid_t pid);

/// Closes every descriptor from `lowest` up (close_range(2), or one by one
/// where the kernel lacks it). A forked process that runs on without exec
/// keeps close-on-exec descriptors, so it must close them itself.
void spindle_close_from(int lowest);

/// Starts a process running `task(context)` (it exits if that returns) in
/// a process group of its own, whose parent is gone by the time this returns:
/// a short-lived middle process forks it and exits, so under a subreaper
/// (``spindle_become_subreaper``) it becomes the subreaper's child. The middle
/// shares this process's memory while this one waits (`clone` with
/// `CLONE_VM | CLONE_VFORK`, as `posix_spawn` starts its child), so only the
/// task's fork copies page tables. The task runs on a stack kept for this
/// (its own copy), as large as the soft `RLIMIT_STACK` lets a main thread's
/// grow (8 MB to 1 GB). Call it from a single-threaded process. Returns the
/// task's pid, or -1 with errno set.
pid_t spindle_fork_orphan(void (*task)(void *), void *context);

/// Makes `table` (NULL-terminated `NAME=value` strings) the process's
/// environment (`environ = table`, which Swift imports read-only).
void spindle_set_environ(char **table);

/// Binds now every function the main program calls through its procedure
/// linkage table that the loader has not bound yet (lazy binding binds each
/// at its first call), as `LD_BIND_NOW` would have at the program's start:
/// each slot gets the address `dlvsym` gives for the symbol and version the
/// relocation names. For a process that forks many children, which would
/// each otherwise repeat the lookups (and fault in the symbol tables) for
/// the functions they call first. Does nothing where the program was linked
/// to bind at its start, or is not an x86-64 or AArch64 ELF program; a symbol
/// it cannot find is left to the loader. Call it from a single-threaded
/// process. Returns how many slots it bound.
int spindle_bind_now(void);

#endif
