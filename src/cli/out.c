/* out.c: what leadq writes, checked to the last byte, and how it stops early.
 *
 * Standard output and every file leadq writes go through a stdio stream over
 * our own write loop (fopencookie): stdio drops a buffer it failed to write
 * and forgets why, and the message at the end must say why (a full disk, a
 * closed pipe). The standard descriptors are made sure to be open before
 * anything else, so that a file leadq opens never takes the number of a
 * closed stdout or stderr. SIGINT and SIGTERM stop the reading of leads; what
 * was decided is written out, in whole lines, and leadq exits 128 + signal. */
#define _GNU_SOURCE   /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

volatile sig_atomic_t cli_stop;

/* Writes all of buf or fails; after a failure nothing more is written, so the
 * file is a clean prefix of what was meant (never a gap in the middle). */
static ssize_t out_write(void *cookie, const char *buf, size_t n) {
  cli_out *o = cookie;
  size_t done = 0;
  while (!o->err && done < n) {
    ssize_t w = write(o->fd, buf + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) o->err = w < 0 ? errno : EIO;
    else done += (size_t)w, o->bytes += (uint64_t)w;
  }
  return (ssize_t)done;   /* less than n: stdio marks the stream in error */
}

static int out_close(void *cookie) {
  cli_out *o = cookie;
  if (o->fd > 2 && close(o->fd) != 0 && !o->err) o->err = errno;
  return o->err ? -1 : 0;
}

static FILE *out_stream(cli_out *o) {
  return fopencookie(o, "w", (cookie_io_functions_t){.write = out_write, .close = out_close});
}

bool cli_out_open(cli_out *o, const char *path) {
  *o = (cli_out){.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)};
  if (o->fd < 0) return false;
  if (!(o->fp = out_stream(o))) {
    close(o->fd);
    errno = ENOMEM;
    return false;
  }
  return true;
}

bool cli_out_close(cli_out *o) {
  if (!o->fp) return true;
  errno = 0;
  bool ok = fclose(o->fp) == 0 && !o->err;
  if (!ok) errno = o->err ? o->err : errno ? errno : EIO;
  o->fp = NULL;
  return ok;
}

bool cli_out_cut(cli_out *o, uint64_t at) {
  struct stat st;
  if (fflush(o->fp) != 0 || fstat(o->fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (ftruncate(o->fd, (off_t)at) != 0 || lseek(o->fd, (off_t)at, SEEK_SET) < 0) return false;
  o->bytes = at;
  return true;
}

/* ---- the standard descriptors ---- */

static cli_out std_out = {.fd = 1};

bool cli_std_open(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    /* The wrong way round on purpose: a closed stdout stays one that cannot
     * be written (EBADF, reported at the end), and its number stays taken. */
    int got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
    if (got != fd) return false;
  }
  FILE *out = out_stream(&std_out);
  if (!out) return false;
  if (isatty(1)) setvbuf(out, NULL, _IOLBF, 0);
  stdout = out;
  return true;
}

bool cli_stdout_failed(void) { return std_out.err != 0; }

int cli_finish(const char *cmd, int status) {
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout) || std_out.err) {
    int err = std_out.err ? std_out.err : errno ? errno : EIO;
    cli_progress_clear();
    fprintf(stderr, "leadq%s%s: cannot write to standard output: %s\n", cmd ? " " : "", cmd ? cmd : "", strerror(err));
    status = EXIT_IO;
  }
  if (cli_stop) {
    cli_progress_clear();
    fprintf(stderr, "leadq%s%s: stopped by %s\n", cmd ? " " : "", cmd ? cmd : "",
            cli_stop == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM");
    status = 128 + cli_stop;
  }
  return status;
}

void cli_say(lq_buf *b) {
  /* Past stdio, whose unbuffered stderr would still split a message longer
   * than its own small buffer; a short write (a pipe) goes on where it stopped. */
  fflush(stderr);
  size_t done = 0;
  while (done < b->len) {
    ssize_t w = write(2, b->data + done, b->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;   /* nowhere left to say it */
    done += (size_t)w;
  }
  lq_buf_free(b);
}

/* ---- stopping on a signal ---- */

static void on_signal(int sig) { cli_stop = sig; }

void cli_stop_on_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction old, sa = {.sa_handler = on_signal};
    /* A signal the caller ignores (SIGINT for a script's background job) stays ignored. */
    if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    /* SA_RESTART: a write interrupted halfway goes on, so no line is cut (the
     * reader polls, which a signal interrupts anyway). SA_RESETHAND: a second
     * signal stops leadq at once. */
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

void cli_block_stop_signals(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, old);
}
