#define _GNU_SOURCE  /* pipe2, clone */
#include "spindle_fork_server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

enum { spindle_max_fds = 4 };

int spindle_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

ssize_t spindle_send_with_fds(int socket, const void *bytes, size_t length, const int *fds, int fdCount) {
    if (fdCount < 0 || fdCount > spindle_max_fds) { errno = EINVAL; return -1; }
    struct iovec io = { .iov_base = (void *)bytes, .iov_len = length };
    union { char buffer[CMSG_SPACE(sizeof(int) * spindle_max_fds)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_iov = &io, .msg_iovlen = 1 };
    if (fdCount > 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)fdCount);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)fdCount);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)fdCount);
    }
    ssize_t sent;
    do { sent = sendmsg(socket, &message, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
    return sent;
}

ssize_t spindle_receive_with_fds(int socket, void *bytes, size_t capacity, int *fds, int maxFds, int *fdCount) {
    *fdCount = 0;
    if (maxFds < 0 || maxFds > spindle_max_fds) { errno = EINVAL; return -1; }
    struct iovec io = { .iov_base = bytes, .iov_len = capacity };
    union { char buffer[CMSG_SPACE(sizeof(int) * spindle_max_fds)]; struct cmsghdr align; } control;
    struct msghdr message = { .msg_iov = &io, .msg_iovlen = 1,
                              .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
    ssize_t received;
    do { received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC); } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int incoming[spindle_max_fds];
        memcpy(incoming, CMSG_DATA(header), sizeof(int) * (size_t)count);
        for (int i = 0; i < count; i++) {
            if (*fdCount < maxFds) fds[(*fdCount)++] = incoming[i];
            else close(incoming[i]);  /* more than asked for: never leak them */
        }
    }
    if (message.msg_flags & MSG_CTRUNC) {  /* descriptors were dropped: the request cannot be served whole */
        for (int i = 0; i < *fdCount; i++) close(fds[i]);
        *fdCount = 0;
        errno = EMSGSIZE;
        return -1;
    }
    return received;
}

void spindle_close_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
#endif
    struct rlimit limit;
    int highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < 65536
        ? (int)limit.rlim_cur : 65536;
    for (int fd = lowest; fd < highest; fd++) close(fd);
}

int spindle_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int spindle_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

struct spindle_middle {
    void (*task)(void *);
    void *context;
    pid_t taskPid;
    int error;
};

/* The middle process: it shares the caller's memory (CLONE_VM) while the caller waits (CLONE_VFORK),
   so it costs no copy of the caller's page tables and no teardown; it forks the task, records its pid
   in that shared memory, and exits. */
static int spindle_middle_main(void *argument) {
    struct spindle_middle *middle = argument;
    pid_t task = fork();
    if (task == 0) {
        middle->task(middle->context);
        _exit(127);
    }
    if (task > 0) setpgid(task, task);
    middle->taskPid = task;
    middle->error = task < 0 ? errno : 0;
    _exit(0);
}

/* As large as a main thread's stack may grow (the soft RLIMIT_STACK), from 8 MB to 1 GB; 8 MB when unlimited. */
static size_t spindle_task_stack_size(void) {
    struct rlimit limit;
    size_t size = 8 << 20;
    if (getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur > size) {
        size = limit.rlim_cur < ((size_t)1 << 30) ? (size_t)limit.rlim_cur : ((size_t)1 << 30);
    }
    return (size + 4095) & ~(size_t)4095;
}

pid_t spindle_fork_orphan(void (*task)(void *), void *context) {
    static char *stack = NULL;
    static size_t size = 0;
    if (stack == NULL) {
        /* The task runs on this stack (its own copy): reserved, not committed, with a guard page below. */
        size = spindle_task_stack_size();
        char *region = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (region == MAP_FAILED) return -1;
        if (mprotect(region, 4096, PROT_NONE) != 0) { munmap(region, size + 4096); return -1; }
        stack = region + 4096;
    }
    struct spindle_middle middle = { .task = task, .context = context, .taskPid = -1, .error = 0 };
    /* As posix_spawn does: no signal handler may run in the middle, which shares this process's memory.
       The task starts with every signal blocked and sets its own mask. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = clone(spindle_middle_main, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &middle);
    int cloneError = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) { errno = cloneError; return -1; }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    /* A middle that ended before saying (killed) leaves no task pid: say why as a failed fork would. */
    if (middle.taskPid < 0) errno = middle.error != 0 ? middle.error : EAGAIN;
    return middle.taskPid;
}

extern char **environ;

void spindle_set_environ(char **table) {
    environ = table;
}
