/*
 * call-cost N [WAIT_FILE]: the cost of one system call that supervised profiles hand to the task's
 * seccomp supervisor, personality(0xffffffff) (a query, no effect; restricted denies personality),
 * beside getppid() (never supervised). Waits for WAIT_FILE to exist first when given. Prints the mean
 * wall time per call over N calls of each. For docs/benchmarks.md ("Enforcer"); built by hand:
 *   gcc -O2 -o /tmp/call-cost actuator/src/test/c/call-cost.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000;
    if (argc > 2) {
        struct stat st;
        while (stat(argv[2], &st) != 0) usleep(20000);
    }
    long failed = 0;
    int last_errno = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        if (syscall(SYS_personality, 0xffffffffUL) < 0) {
            failed++;
            last_errno = errno;
        }
    }
    double t1 = now();
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    double t2 = now();
    printf("personality(0xffffffff) x %ld: %.0f ns/call, %ld failed (%s); getppid x %ld: %.0f ns/call\n",
           n, (t1 - t0) / n, failed, failed ? strerror(last_errno) : "-", n, (t2 - t1) / n);
    return 0;
}
