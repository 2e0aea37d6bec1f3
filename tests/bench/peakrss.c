/* tests/bench/peakrss.c: runs a command and prints its peak resident set size to stderr, for tests/bench/run.sh. */

/*
 * Build: cc -O2 -std=c11 -Wall -Wextra -Werror -o build/peakrss tests/bench/peakrss.c
 * Usage: peakrss COMMAND [ARG...]
 *
 * Runs COMMAND with the same stdin, stdout and stderr, then writes `peakrss_kb=N` (the
 * child's ru_maxrss from wait4, in KiB on Linux) as the last line of stderr. The exit
 * status is the command's, or 128 + the signal that killed it; 127 if it could not be
 * started, 2 on a usage error.
 */

#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: peakrss COMMAND [ARG...]\n", stderr);
        return 2;
    }

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
    fprintf(stderr, "peakrss_kb=%ld\n", usage.ru_maxrss);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
