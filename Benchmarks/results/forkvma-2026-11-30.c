#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc > 1) {
        const char *libs[] = {"libedit.so.2", "libtinfo.so.6", "libbsd.so.0", "libmd.so.0"};
        for (int i = 0; i < 4; i++) if (!dlopen(libs[i], RTLD_NOW)) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 2000; i++) {
        pid_t p = fork();
        if (p == 0) _exit(0);
        waitpid(p, NULL, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen("/proc/self/maps", "r"); int n = 0; char line[512]; while (fgets(line, sizeof line, f)) n++;
    printf("%s: %d mappings, %.1f us per fork+exit+wait\n", argc > 1 ? "with libedit" : "without", n, ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 2000 / 1e3);
    return 0;
}
