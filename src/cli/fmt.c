/* fmt.c: `leadq fmt [-w] [--check] [--diff] RULES...`: print, check or rewrite the canonical layout. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "../fmt.h"
#include "cli.h"

const char cmd_fmt_help[] =
    "usage: leadq fmt [-w] [--check] [--diff] RULES...\n"
    "\n"
    "Lays each rules file out in the one canonical layout. Without options the result\n"
    "goes to stdout (files one after the other); '-' reads stdin.\n"
    "  -w, --write   rewrite the files that are not canonical, in place: a symlink's\n"
    "                target gets the text, owner and permissions are kept, and a file\n"
    "                with other hard links is rewritten where it is, so they see it too\n"
    "  --check       say which files are not canonical, one line each, on stdout:\n"
    "                  would reformat rules.lq; to rewrite it, run: leadq fmt -w rules.lq\n"
    "                exit 1 if there are any\n"
    "  --diff        print what would change as a unified diff; exit 1 if anything would\n"
    "\n"
    "The layout:\n"
    "  - one declaration per line, two-space indentation inside { } blocks;\n"
    "  - single spaces between words, text in double quotes with the fewest escapes,\n"
    "    numbers and a test lead's JSON as written;\n"
    "  - a run of declarations of one kind with no blank line between them lines up\n"
    "    its names (team, list, define, reject, stage, route); when the names are all\n"
    "    as wide, the `by TEAM` column lines up too, so `when` does;\n"
    "  - in a score block the points and the labels line up, so `when` and `per` do;\n"
    "    in a grade block the labels do;\n"
    "  - a line over 100 columns has its condition broken at its and/or operators:\n"
    "    at the top-level `or`s (at the `and`s when the top is an `and` chain), then,\n"
    "    in any operand whose line is still too long, at the `and`s of an `and` chain\n"
    "    or inside parentheses. Each operand takes a line two columns deeper than\n"
    "    the line its chain starts on, the operator first (shortened here):\n"
    "      define student =\n"
    "        is_student == true\n"
    "        or domain(email) ends with any student_domains\n"
    "      stage PQL by growth when Activated\n"
    "        and (seats >= 3 or talked_to_sales)\n"
    "    A define's operands start on the line after '='; after `when` (and a per\n"
    "    rule's `where`) the first stays on the line. Broken operands in parentheses\n"
    "    end their line with '(', and ')' starts one, back at that line's depth. A\n"
    "    broken declaration stays in its run: its first line lines up like the\n"
    "    others (a define's '=' too), and the run goes on after it;\n"
    "  - a line still over 100 columns has its longest lists broken: '[', the items\n"
    "    filled up to 100 columns one step in, each with a comma, ']' on its own line;\n"
    "  - a declaration that fits in 100 columns is one line, however it was written\n"
    "    (a test's lead aside);\n"
    "  - parentheses stay where they were written (and are added only where needed);\n"
    "  - blank lines between declarations and between block items are kept, at most\n"
    "    one; none at the start or end of the file or of a block;\n"
    "  - a comment on its own line stays above what follows it, at its indentation;\n"
    "    a comment after code stays on that line, one space after it; a comment in\n"
    "    the middle of a declaration that spans lines moves above the declaration;\n"
    "  - a test's lead JSON keeps its line breaks; its continuation lines move with\n"
    "    the `lead` line.\n"
    "fmt never changes what a file means: its result reads back as the same rules.\n"
    "Files with syntax errors are reported and left alone (exit 3).\n"
    "\n"
    "exit codes: 0 done (or canonical), 1 --check/--diff found files to change,\n"
    "            2 usage error, 3 syntax errors, 4 I/O error\n";

static char *read_stdin(size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  if (!s) abort();
  size_t got;
  while ((got = fread(s + n, 1, cap - n - 1, stdin)) > 0) {
    n += got;
    if (cap - n - 1 == 0 && !(s = realloc(s, cap *= 2))) abort();
  }
  if (ferror(stdin)) {
    free(s);
    return NULL;
  }
  s[n] = '\0';
  *len = n;
  return s;
}

static bool write_all(int fd, const char *text, size_t len) {
  while (len) {
    ssize_t n = write(fd, text, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    text += n;
    len -= (size_t)n;
  }
  return true;
}

/* A file with other hard links is rewritten where it is: a rename would give
 * this name a new file and leave the other names with the old text. This is
 * not atomic (a crash midway can leave a mix of old and new text); keeping
 * the links is worth that. */
static bool rewrite_linked(const char *real, const char *text, size_t len) {
  int fd = open(real, O_WRONLY);
  if (fd < 0) return false;
  /* Written, then cut to length: the file is never empty on the way. */
  bool ok = write_all(fd, text, len) && ftruncate(fd, (off_t)len) == 0 && fsync(fd) == 0;
  int err = ok ? 0 : errno;
  if (close(fd) != 0 && ok) ok = false, err = errno;
  errno = err;
  return ok;
}

/* Writes text over the file path names, through any symlinks: the link stays a
 * link and its target gets the text. The text goes to a temporary file next to
 * the target, with the target's owner (when allowed) and mode, is flushed to
 * disk, then renamed over the target, and the folder flushed too: a crash
 * leaves the old text or the new, never a mix. */
static bool write_in_place(const char *path, const char *text, size_t len) {
  char *real = realpath(path, NULL);
  struct stat st;
  if (!real) return false;
  if (stat(real, &st) != 0) {
    free(real);
    return false;
  }
  if (st.st_nlink > 1) {
    bool ok = rewrite_linked(real, text, len);
    free(real);
    return ok;
  }
  size_t n = strlen(real);
  char *tmp = malloc(n + 16);
  if (!tmp) abort();
  snprintf(tmp, n + 16, "%s.fmt-XXXXXX", real);
  int fd = mkstemp(tmp);
  bool ok = fd >= 0;
  int err = ok ? 0 : errno;
  if (ok) {
    /* Owner first: changing it clears the set-id bits of the mode. A user may
     * not give a file away; the file is then theirs, as any file they write. */
    ok = (fchown(fd, st.st_uid, st.st_gid) == 0 || errno == EPERM) && fchmod(fd, st.st_mode & 07777) == 0 &&
         write_all(fd, text, len) && fsync(fd) == 0;
    err = ok ? 0 : errno;
    if (close(fd) != 0 && ok) ok = false, err = errno;
    if (ok && rename(tmp, real) != 0) ok = false, err = errno;
    if (!ok) unlink(tmp);
  }
  if (ok) {
    /* The rename is in the folder: flushed, it survives a crash. */
    char *slash = strrchr(real, '/');
    slash[slash == real] = '\0';
    int dir = open(real, O_RDONLY | O_DIRECTORY);
    if (dir < 0 || fsync(dir) != 0) ok = false, err = errno;
    if (dir >= 0) close(dir);
  }
  free(tmp);
  free(real);
  errno = err;
  return ok;
}

enum { F_WRITE = 1, F_CHECK = 2, F_DIFF = 4 };

/* A path as it can be pasted into a shell: as it is when that is safe, else in
 * single quotes, where nothing is special (not even ! in bash), a quote in it
 * written '\''; "./" before a leading '-', which would read as an option. */
static void shell_path(lq_buf *out, const char *path) {
  if (path[0] == '-') lq_buf_puts(out, "./");
  if (path[0] && strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+-@,:=") == strlen(path)) {
    lq_buf_puts(out, path);
    return;
  }
  bool control = false;
  for (const char *p = path; *p; p++) control |= (unsigned char)*p < 0x20 || *p == 0x7f;
  if (control) {   /* $'...' (bash, zsh, ksh): the line stays one line */
    lq_buf_puts(out, "$'");
    for (const char *p = path; *p; p++) {
      unsigned char ch = (unsigned char)*p;
      if (ch == '\'' || ch == '\\') lq_buf_printf(out, "\\%c", ch);
      else if (ch < 0x20 || ch == 0x7f) lq_buf_printf(out, "\\x%02x", ch);
      else lq_buf_putc(out, (char)ch);
    }
    lq_buf_putc(out, '\'');
    return;
  }
  lq_buf_putc(out, '\'');
  for (const char *p = path; *p; p++) {
    if (*p == '\'') lq_buf_puts(out, "'\\''");
    else lq_buf_putc(out, *p);
  }
  lq_buf_putc(out, '\'');
}

/* --check: what is wrong and the command that mends it, so that a person
 * reading a CI log need not look up what a bare file name meant. */
static void check_line(lq_buf *out, const char *path, bool from_stdin) {
  if (from_stdin) {
    lq_buf_puts(out, "would reformat <stdin>; to see it laid out, run: leadq fmt -\n");
    return;
  }
  lq_buf_puts(out, "would reformat ");
  lq_out_text(out, path, strlen(path));   /* one line per file, whatever the name */
  lq_buf_puts(out, "; to rewrite it, run: leadq fmt -w ");
  shell_path(out, path);
  lq_buf_putc(out, '\n');
}

/* Formats one file; returns its exit status. */
static int fmt_one(const char *path, int flags, lq_buf *out) {
  bool from_stdin = !strcmp(path, "-");
  const char *name = from_stdin ? "<stdin>" : path;
  size_t len;
  lq_error e;
  char *text = from_stdin ? read_stdin(&len) : lq_read_file(path, &len, &e);
  if (!text) {
    fprintf(stderr, "leadq fmt: cannot read '%s': %s\n", name, lq_read_strerror(from_stdin ? errno : e.sys));
    return EXIT_IO;
  }
  lq_sources src;
  lq_diags d;
  lq_sources_init(&src);
  lq_diags_init(&d);
  uint32_t file = lq_sources_add(&src, name, text, len);
  lq_buf canon = {0};
  int status = EXIT_OK;
  if (!lq_fmt(&src, file, &d, &canon)) {
    lq_diags_sort(&d);
    lq_diags_print(&d, &src, stderr, cli_color());
    fprintf(stderr, "%s: %zu error%s; not formatted\n", name, d.errors, d.errors == 1 ? "" : "s");
    status = EXIT_COMPILE;
    goto done;
  }
  const char *orig = src.files[file].text;
  bool changed = canon.len != len || (len && memcmp(canon.data, orig, len));
  if (!(flags & (F_WRITE | F_CHECK | F_DIFF))) {
    lq_buf_put(out, canon.data, canon.len);
    goto done;
  }
  if (changed && (flags & F_CHECK)) check_line(out, path, from_stdin);
  if (flags & F_DIFF) lq_fmt_diff(out, name, orig, len, canon.data ? canon.data : "", canon.len);
  if (changed && (flags & F_WRITE) && !from_stdin) {
    if (!write_in_place(path, canon.data ? canon.data : "", canon.len)) {
      fprintf(stderr, "leadq fmt: cannot write '%s': %s\n", path, strerror(errno));
      status = EXIT_IO;
    }
  } else if (changed && (flags & F_WRITE)) {
    lq_buf_put(out, canon.data, canon.len);  /* -w on stdin: the result goes to stdout */
  }
  if (changed && !(flags & F_WRITE)) status = EXIT_BAD_INPUT;
done:
  lq_buf_free(&canon);
  lq_diags_free(&d);
  lq_sources_free(&src);
  return status;
}

/* The worse of two statuses: I/O, then syntax errors, then files to change. */
static int worse(int a, int b) {
  static const int rank[] = {[EXIT_OK] = 0, [EXIT_BAD_INPUT] = 1, [EXIT_USAGE] = 2, [EXIT_COMPILE] = 3, [EXIT_IO] = 4};
  return rank[b] > rank[a] ? b : a;
}

int cmd_fmt(int argc, char **argv) {
  static const struct option opts[] = {{"write", no_argument, NULL, 'w'},
                                       {"check", no_argument, NULL, 'c'},
                                       {"diff", no_argument, NULL, 'd'},
                                       {0}};
  int flags = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "w", opts, NULL)) != -1) {
    if (c == 'w') flags |= F_WRITE;
    else if (c == 'c') flags |= F_CHECK;
    else if (c == 'd') flags |= F_DIFF;
    else return cli_usage_error("fmt", "unknown option '%s'", argv[optind - 1]);
  }
  if (optind >= argc) return cli_usage_error("fmt", "name at least one rules file ('-' for stdin)");
  if ((flags & F_WRITE) && (flags & F_CHECK))
    return cli_usage_error("fmt", "-w rewrites the files and --check only lists them; choose one");
  int status = EXIT_OK;
  lq_buf out = {0};
  for (int i = optind; i < argc; i++) {
    status = worse(status, fmt_one(argv[i], flags, &out));
    if (!lq_buf_flush(&out, stdout)) break;   /* told at exit (cli_finish) */
  }
  lq_buf_free(&out);
  return status;
}
