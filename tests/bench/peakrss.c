/* tests/bench/peakrss.c: runs a command and prints its peak resident set size and times to stderr, for tests/bench/run.sh. */

/*
 * Build: cc -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -o build/peakrss tests/bench/peakrss.c
 * Usage: peakrss COMMAND [ARG...]
 *
 * Runs COMMAND with the same stdin, stdout and stderr, then writes one line as the last
 * line of stderr:
 *     peakrss_kb=N wall_s=W cpu_s=C
 * N is the child's ru_maxrss from wait4 (KiB on Linux), W the wall-clock seconds from
 * fork to exit (monotonic clock), C the child's user + system CPU seconds. The exit
 * status is the command's, or 128 + the signal that killed it; 127 if it could not be
 * started, 2 on a usage error.
 */

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static double tv_seconds(const struct timeval *t)
{
    return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: peakrss COMMAND [ARG...]\n", stderr);
        return 2;
    }

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        perror("peakrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "peakrss: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }

    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("peakrss: wait4");
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    fprintf(stderr, "peakrss_kb=%ld wall_s=%.6f cpu_s=%.6f\n", usage.ru_maxrss,
            seconds(&end) - seconds(&start),
            tv_seconds(&usage.ru_utime) + tv_seconds(&usage.ru_stime));
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
