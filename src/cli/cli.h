/* cli.h: what the subcommands share. Only the CLI prints and picks exit codes. */
#ifndef LQ_CLI_H
#define LQ_CLI_H
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
/* The CLI is the library's first client: it compiles and shows diagnostics
 * through leadq.h (leadq_internal.h: cli_load in main.c). The rest is internal on
 * purpose, each for what leadq.h does not offer an embedder: */
#include "../compile.h"   /* the program model (program.h): every command walks its declarations */
#include "../eval.h"      /* lq_result per lead: --stats, filters, explain's traces, diff, report, test */
#include "../feed.h"      /* reading files and stdin: NDJSON and CSV, gzip, bad records, --errors */
#include "../fields.h"    /* the end-of-run warnings about fields no lead had */
#include "../json.h"      /* the lead as cJSON nodes (annotate, fields) and lq_buf, the output buffer */
#include "../output.h"    /* CSV output, --annotate, ids, owners: formats beyond the decision line */
#include "../leadq.h"
#include <getopt.h>

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 2, EXIT_COMPILE = 3, EXIT_IO = 4 };

/* Compiles path, prints its diagnostics to stderr; NULL when it has errors,
 * with *status set to EXIT_IO (unreadable) or EXIT_COMPILE (left alone otherwise). */
lq_program *cli_load(const char *path, bool print_warnings, int *status);
/* The same with a file reader (git show) or extra declarations (--outcome). */
lq_program *cli_load_opts(const char *path, const lq_compile_opts *o, bool print_warnings, int *status);
/* Colour on stderr, on stdout: only on a terminal, never with NO_COLOR set. */
bool cli_color(void);
bool cli_color_out(void);
/* Prints "leadq COMMAND: message" and a hint to run help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The end-of-run type-surprise warnings: "company.employees was text in 1,203
 * leads; comparisons with a number were false", with the rule's location. */
int cli_print_surprises(const lq_program *p, const lq_eval *E);   /* how many it printed */
/* After getopt_long (optstring starting with ':', opterr = 0) returned '?' or
 * ':': names the option that is unknown or lacks its value; returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);
/* Parses --now: a date or date-time; exits with a usage error when it is not one. */
bool cli_parse_now(const char *text, double *now);
/* ---- output, and stopping on a signal (out.c) ---- */

/* A file leadq writes. Its writes keep the first error's errno (stdio forgets
 * it) and stop at the first error, so the file holds a prefix of the output. */
typedef struct cli_out {
  FILE *fp;
  int fd;
  int err;                         /* errno of the first failed write, or 0 */
  uint64_t bytes;                  /* written to fd so far */
} cli_out;
/* Creates or empties path; false with errno. */
bool cli_out_open(cli_out *o, const char *path);
/* Flushes and closes (nothing when not open); false with errno when any write failed. */
bool cli_out_close(cli_out *o);
/* Takes back what was written from byte at on (a regular file only); false when it cannot. */
bool cli_out_cut(cli_out *o, uint64_t at);
/* First thing in main: opens /dev/null on a closed standard descriptor, so no
 * file takes its number, the wrong way round so that a closed stdout still
 * cannot be written; stdout becomes a checked stream. False when it cannot. */
bool cli_std_open(void);
/* Whether a write to standard output has failed. */
bool cli_stdout_failed(void);
/* Last thing in main: flushes stdout; on a write error says so ("leadq CMD:
 * cannot write to standard output: REASON") and returns EXIT_IO; after
 * SIGINT or SIGTERM, 128 + the signal. Otherwise status. cmd may be NULL. */
int cli_finish(const char *cmd, int status);
/* The signal (SIGINT or SIGTERM) that asked leadq to stop, or 0. Reading
 * stops at it; what was decided is written out in whole lines. */
extern volatile sig_atomic_t cli_stop;
/* Sets cli_stop on SIGINT and SIGTERM (unless ignored), once: a second signal
 * ends leadq at once. */
void cli_stop_on_signals(void);
/* Blocks both signals in this thread (for threads that must not take them),
 * the old mask into old. */
void cli_block_stop_signals(sigset_t *old);

/* ---- input: what every command that reads leads shares (input.c) ---- */

/* The input options, for each command's getopt_long table. */
enum {
  CLI_O_INPUT = 900, CLI_O_DELIMITER, CLI_O_MAX_LINE, CLI_O_ERRORS, CLI_O_ID, CLI_O_PROGRESS, CLI_O_NO_PROGRESS,
  CLI_O_CSV_HEADER, CLI_O_FIRST_LINE
};
#define CLI_INPUT_OPTIONS                                                                   \
  {"input", required_argument, NULL, CLI_O_INPUT},                                          \
      {"delimiter", required_argument, NULL, CLI_O_DELIMITER},                              \
      {"max-line-bytes", required_argument, NULL, CLI_O_MAX_LINE},                          \
      {"errors", required_argument, NULL, CLI_O_ERRORS},                                    \
      {"id-field", required_argument, NULL, CLI_O_ID},                                      \
      {"progress", no_argument, NULL, CLI_O_PROGRESS},                                      \
      {"no-progress", no_argument, NULL, CLI_O_NO_PROGRESS},                                \
      {"csv-header", required_argument, NULL, CLI_O_CSV_HEADER},                            \
      {"first-line", required_argument, NULL, CLI_O_FIRST_LINE}
/* The same options in help texts. */
#define CLI_INPUT_HELP                                                                              \
  "  --input csv|ndjson  the input format (default: csv for a FILE ending in .csv or\n"             \
  "                      .csv.gz, else ndjson); gzip input is read whatever its name\n"             \
  "  --delimiter C       the CSV cell separator: ';' or tab (default: ',')\n"                       \
  "  --csv-header ROW    the CSV header row, for input cut from a file below its header:\n"         \
  "                      every line is then a record. Written as in the file, with the\n"           \
  "                      same quotes and --delimiter: 'id,email,employees'. Means --input csv\n"    \
  "  --first-line N      number each input's lines from N (default: 1): a piece cut from a\n"       \
  "                      file names its bad lines, and leads without an id, as in the file\n"       \
  "  --id-field PATH     where the lead's id is, as in the rules: crm.id, `Prospect ID`\n"          \
  "                      (default: id); a lead without one is identified by its line number\n"      \
  "  --errors FILE       write every bad record to FILE, unchanged (all its lines); not a\n"        \
  "                      file the command reads (refused: writing it would erase it)\n"             \
  "  --max-line-bytes N  a longer line or record is a bad one: reported, copied to --errors,\n"     \
  "                      never held whole in memory; N may end in K, M or G (default: 64M).\n"      \
  "                      A lead may take 8 times N of memory once read; one that needs more\n"     \
  "                      is a bad one too\n"                                                          \
  "  --progress, --no-progress   a progress line on stderr (default: on a terminal, for\n"         \
  "                      runs of more than a second)\n"

/* A file a command reads, by identity: an output must not be one of them. */
typedef struct cli_read {
  dev_t dev;
  ino_t ino;
  char *what;                      /* "the input 'leads.ndjson'", "standard input" ... */
  bool leads;                      /* read as it is written: leads, cases, a sample */
} cli_read;

typedef struct cli_input {
  const char *cmd;
  lq_feed_opts feed;
  const char *errors_path;
  FILE *errors;                    /* errors_out.fp when --errors is open */
  cli_out errors_out;
  cli_read *reads;
  int nreads, reads_cap;
  const char *csv_header;          /* --csv-header as given, or NULL */
  const char *given;               /* the first input option given (--errors...), or NULL */
  const char *ndjson_named;        /* the first input read as NDJSON by its name, or NULL */
  const char *id_field;
  lq_seg *id_segs;
  uint32_t id_nsegs;
  int progress;                    /* 1 on, 0 off, -1 on a terminal */
  bool quiet;                      /* no warnings about the data */
  lq_arena arena;
  lq_fields *fields;               /* what the leads had of the fields the rules read, or NULL */
  const lq_program *select;        /* decode only the CSV columns these rules can read; NULL: all */
  bool quiet_bad;                  /* count bad records but say nothing (a sample read again) */
  unsigned long long bad, bad_inputs, ignored_cells;
  /* Leads whose id was an object, a list, true or false (cli_input_id counts
   * them, on any thread of run --jobs): shown by line number, as if they had none. */
  _Atomic unsigned long long odd_ids;
} cli_input;

void cli_input_init(cli_input *in, const char *cmd);
/* Takes one option of CLI_INPUT_OPTIONS: EXIT_OK, a usage error's status, or -1
 * when c is not an input option. */
int cli_input_option(cli_input *in, int c, const char *arg);
/* What the command reads, for cli_input_ready's check that no output is one
 * of them: leads (files, "-" or none: standard input), a compiled program's
 * files (rules, includes, tables), or a rules file compiled here just to
 * learn its includes and tables (for commands that compile later). */
void cli_input_reads_leads(cli_input *in, char **files, int n);
void cli_input_reads_program(cli_input *in, const lq_program *p);
void cli_input_reads_rules(cli_input *in, const char *path);
/* EXIT_OK, or a usage error when the output `option path` is one of the files
 * the command reads (opening it would erase it). */
int cli_input_refuse_output(const cli_input *in, const char *option, const char *path);
/* After the options and what the command reads: reads --id-field, refuses an
 * --errors or a standard output that is an input, opens --errors, and stops
 * reading on SIGINT and SIGTERM. EXIT_OK or the status to exit with. */
int cli_input_ready(cli_input *in);
/* Closes --errors, saying so on a write error (then false). */
bool cli_input_finish(cli_input *in);
/* Whether reading should stop: a signal, or an output that cannot be written. */
bool cli_input_stopping(const cli_input *in);
/* Starts following, for p, which fields the leads have (cli_each_lead observes each). */
void cli_input_watch(cli_input *in, const lq_program *p);
/* The end-of-run warnings about the data: a field the rules read that no lead
 * had, with the key the leads had instead; an --id-field no lead had, or ids
 * that are neither text nor a number (cli_print_id_warning); records with a
 * value in a column the header does not name. */
int cli_print_field_warnings(const cli_input *in, const lq_program *p, lq_fields *F);   /* how many */
/* Only the warning about ids that are neither text nor a number: 1 when printed. */
int cli_print_id_warning(const cli_input *in);
/* The id of a lead read from line, at --id-field: each command reads it once
 * per lead, here, so the ids that are not text or a number are counted. */
lq_id cli_input_id(cli_input *in, lq_eval *E, const cJSON *lead, uint64_t line);

/* Every record of every input (standard input when n is 0; "-" is standard
 * input). record returns false to stop reading; input_done (may be NULL) is
 * called at the end of each input, before it is closed. An input that cannot
 * be read is reported; false when any could not. */
typedef struct cli_input_hooks {
  bool (*record)(void *ctx, lq_feed *f, const char *name, const lq_record *r);
  void (*input_done)(void *ctx, lq_feed *f, const char *name);
} cli_input_hooks;
bool cli_each_record(cli_input *in, char **files, int n, const cli_input_hooks *h, void *ctx);
/* The same, decoded: bad records are reported on stderr and saved to --errors,
 * and lead is called for each good one with the lead in scratch's memory
 * (scratch resets the per-lead memory and returns it). */
typedef struct cli_lead_hooks {
  lq_arena *(*scratch)(void *ctx);
  bool (*lead)(void *ctx, const char *name, const lq_record *r, const cJSON *lead);
} cli_lead_hooks;
bool cli_each_lead(cli_input *in, char **files, int n, const cli_lead_hooks *h, void *ctx);
/* A record longer than --max-line-bytes: reported, counted, saved piece by piece. */
void cli_record_too_long(cli_input *in, lq_feed *f, const char *name, const lq_record *r);
/* Saves a too_long record to --errors piece by piece, with a line end; taken
 * back when reading stops inside it, so the file never ends in part of one. */
void cli_save_long(cli_input *in, lq_feed *f, const lq_record *r);
/* A record as a lead in a; NULL when it is bad (bad: framing's reason, or NULL),
 * with "FILE:LINE: error: why" put into msg and the record with a line end
 * into saved (either may be NULL: nothing is said or saved). */
cJSON *cli_decode(const lq_feed_schema *schema, lq_arena *a, const char *name, uint64_t line, const char *raw,
                  size_t len, const char *bad, lq_buf *msg, lq_buf *saved, bool *ignored);
/* Erases the progress line, if shown, before something else is written to stderr. */
void cli_progress_clear(void);

/* Writes a message built whole in b to stderr in one write(2), and frees b:
 * a message written piece by piece interleaves with stdout, or with another
 * process, when both go to one log. */
void cli_say(lq_buf *b);

/* 1234567 as "1,234,567" into buf (at least 32 bytes). */
const char *cli_thousands(unsigned long long n, char *buf);

/* One per subcommand, each in its own file: the entry point and its help text. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
extern const char cmd_run_help[], cmd_check_help[], cmd_fmt_help[], cmd_test_help[],
    cmd_explain_help[], cmd_diff_help[], cmd_report_help[];

#endif
