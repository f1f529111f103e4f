// SPDX-License-Identifier: MIT
/*
 * The interactive session. Lines gather until they make a query, which then
 * runs as it would on the command line; a line starting with '\' is a
 * command to the session itself.
 *
 * Lines are read with readline's callback interface, not readline(): we
 * wait for input ourselves, so a ctrl-C at the prompt is seen at once and
 * only drops the line, while readline keeps its own handlers (terminal
 * restored on ctrl-Z, window resizes) for as long as a line is being typed.
 * While a query runs, the handlers of run.c are in place, so ctrl-C stops
 * that query only.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "cmd/escape.h"
#include "cmd/pager.h"
#include "cmd/repl.h"
#include "cmd/run.h"
#include "cmd/stats.h"
#include "lang/front/ast.h"
#include "lang/front/lexer.h"
#include "lang/front/parser.h"
#include "runtime/hooks.h"
#include "runtime/privs.h"

#define PROMPT		"bpfq> "
#define PROMPT_MORE	"  ...> "
#define HISTORY_MAX	1000

struct repl {
	struct options *o;
	char *buf;		/* the query typed so far, its lines joined by spaces */
	size_t len, cap;
	struct run_last last;	/* for \c and \stats */
	char *history;		/* the history file; NULL keeps none */
	int history_dir;	/* its folder, opened once */
	const char *history_name;	/* its name in the folder */
	int added;		/* history entries added in this session */
	bool quit;
};

/* ---- Reading a line ---- */

enum line_status { LINE_OK, LINE_EOF, LINE_INTERRUPTED, LINE_QUIT };

/* SIGTERM or SIGHUP: stop the query running, if any, and end the session. */
static volatile sig_atomic_t quit_signal;

/* What the line callback got; readline gives the callback no context pointer. */
static char *line_got;
static bool line_done;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
	run_interrupted = 1;
}

static void on_line(char *line)
{
	line_got = line;
	line_done = true;
	/* Else readline prints the next prompt before the query has run. */
	rl_callback_handler_remove();
}

/*
 * Wait for a key or a signal. The signals are blocked but inside ppoll(),
 * so one that comes just before the wait still ends it. readline's handler
 * only notes a signal; rl_check_signals() then restores the terminal and
 * passes it on to the handler of run.c or ours. Returns ppoll()'s count (0
 * for a signal), or -1 on an error.
 */
static int wait_input(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	sigset_t block, old;
	int n = 0, err = 0, sig;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!rl_pending_signal())
		n = ppoll(&pfd, 1, NULL, &old);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	sig = rl_pending_signal();
	rl_check_signals();
	/* Back from ctrl-Z and fg: the shell has moved on a line; show ours again. */
	if (sig == SIGTSTP) {
		rl_on_new_line();
		rl_redisplay();
	}
	/*
	 * A terminal that hung up (its ssh or script gone) reads as EIO, which
	 * readline's callback does not end: without this, a loop at full CPU.
	 */
	if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return -1;
	return n < 0 && err == EINTR ? 0 : n;
}

/* One line, or why there is none. */
static enum line_status read_line(const char *prompt, char **line)
{
	int n;

	run_interrupted = 0;
	line_done = false;
	rl_callback_handler_install(prompt, on_line);
	while (!line_done && !run_interrupted && !quit_signal) {
		n = wait_input(fileno(rl_instream));
		if (n < 0) {
			rl_callback_handler_remove();
			return LINE_EOF;
		}
		if (n > 0 && !run_interrupted && !quit_signal)
			rl_callback_read_char();
	}
	if (line_done) {
		*line = line_got;
		return line_got ? LINE_OK : LINE_EOF;
	}
	/* readline has echoed ^C; drop the line and leave the cursor for a fresh prompt. */
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_callback_handler_remove();
	fputc('\n', rl_outstream);
	return quit_signal ? LINE_QUIT : LINE_INTERRUPTED;
}

/* ---- Meta-commands ---- */

static void cmd_help(struct repl *r);

static void cmd_hooks(struct repl *r)
{
	hooks_list(stdout);
}

static void cmd_c(struct repl *r)
{
	const char *c = r->last.c_source;

	if (!c) {
		puts("(no BPF C yet: it is generated when a query runs on the kernel engine)");
		return;
	}
	pager_show(c);
	if (*c && c[strlen(c) - 1] != '\n')
		putchar('\n');
}

static void cmd_stats(struct repl *r)
{
	if (!r->last.have_stats) {
		puts("(no stats yet: run a query first)");
		return;
	}
	stats_print_text(stdout, &r->last.stats);
}

static void cmd_quit(struct repl *r)
{
	r->quit = true;
}

/* Aliases have no help text: \help and completion show only the full names. */
static const struct meta {
	const char *name;
	void (*fn)(struct repl *r);
	const char *help;
} metas[] = {
	{ "\\help", cmd_help, "this text (also \\h and \\?)" },
	{ "\\h", cmd_help, NULL },
	{ "\\?", cmd_help, NULL },
	{ "\\hooks", cmd_hooks, "the read-path hooks, and whether this kernel allows them" },
	{ "\\c", cmd_c, "the BPF C generated for the last query run on the kernel" },
	{ "\\stats", cmd_stats, "the statistics of the last query run" },
	{ "\\q", cmd_quit, "quit (also ctrl-D)" },
};

#define NMETAS (sizeof(metas) / sizeof(metas[0]))

static const char language_head[] =
	"\n"
	"A query runs when it is complete; a line ending in ';' runs what is typed so far.\n"
	"ctrl-C drops the query being typed, or stops the one running.\n"
	"exit, quit and help at the start of a line do what they say.\n"
	"\n"
	"  aggregate [as NAME], ... [where CONDITION] [[group] by EXPR, ...]\n"
	"      [having CONDITION] [order by KEY [asc|desc], ...] [limit N]\n"
	"      from PATH... [as FORMAT]\n";

static const char language_tail[] =
	"  arguments: count() or count(distinct e), exists(CONDITION),\n"
	"             quantile(e, 0.9, ...), quantile_exact(e, 0.9, ...),\n"
	"             lhist(e, min, max, step), corr(y, x) and the other two-column ones;\n"
	"             the others (e)\n"
	"  aggregate filter (where CONDITION): only the records that make it true;\n"
	"     count sum avg min max var stddev take a CONDITION as 1 (true) or 0 (false)\n"
	"  e: x (numbers), $1 $2 ... (text fields), a csv column's name, numbers with\n"
	"     decimals, + - * / %, abs(e), length(e), parentheses; 'text' in single quotes\n"
	"  times: year(t) month(t) day(t) hour(t) minute(t) second(t) epoch(t)\n"
	"         date_trunc('month', t) to_timestamp(seconds); dates as '2001-03-01'\n"
	"  conditions: = != <> < <= > >=, between, in (...), and, or, not, is [not] null,\n"
	"              like '%_', ilike, ~ and !~ (regex), starts_with(e, 's'),\n"
	"              ends_with(e, 's'), contains(e, 's')\n"
	"  PATH: files, folders, quoted globs ('logs/*.log', '**'); - is standard input;\n"
	"        gzip, zstd, xz, bzip2 and lz4 are read as they are compressed\n"
	"  FORMAT: numbers, text, csv[(header|noheader, delim=';')], i8 ... u64 [le|be],\n"
	"          record(name:type, ...)\n"
	"  example: sum(x) where x > 5 from nums.txt\n"
	"  all of it: man bpfq-query\n";

/* "  label: word word ...", wrapped under the first word: the words come
 * from the front end's tables, so the list is the language's own. */
static void print_words(const char *label, const char *(*word)(size_t))
{
	int indent = (int)strlen(label) + 4, col = printf("  %s:", label);
	const char *w;

	for (size_t i = 0; (w = word(i)); i++) {
		if (col + 1 + (int)strlen(w) > 80)
			col = printf("\n%*s", indent - 1, "") - 1;
		col += printf(" %s", w);
	}
	putchar('\n');
}

static void cmd_help(struct repl *r)
{
	size_t i;

	puts("Commands:");
	for (i = 0; i < NMETAS; i++)
		if (metas[i].help)
			printf("  %-7s %s\n", metas[i].name, metas[i].help);
	fputs(language_head, stdout);
	print_words("aggregates", agg_spelling);
	print_words("keywords", lex_keyword);
	fputs(language_tail, stdout);
}

static void meta_command(struct repl *r, const char *cmd)
{
	size_t i;

	for (i = 0; i < NMETAS; i++) {
		if (!strcmp(cmd, metas[i].name)) {
			metas[i].fn(r);
			fflush(stdout);
			return;
		}
	}
	fprintf(stderr, "bpfq: error: unknown command '%s'; \\help lists the commands\n", cmd);
}

/* ---- Completion ---- */

static const char *const query_words[] = {
	"count(", "sum(", "min(", "max(", "avg(", "exists(",
	"year(", "month(", "day(", "hour(", "date_trunc(", "epoch(", "to_timestamp(",
	"where", "from", "and", "or", "not", "x", "filter (where",
	"like", "ilike", "is", "null", "length(", "starts_with(", "ends_with(", "contains(", NULL,
};

/* Generators for rl_completion_matches(): state 0 starts the walk again. */
static char *next_query_word(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (!state)
		i = 0;
	while (query_words[i]) {
		const char *w = query_words[i++];

		/* Keywords and aggregate names are case-insensitive. */
		if (!strncasecmp(w, text, n))
			return strdup(w);
	}
	return NULL;
}

static char *next_meta(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (!state)
		i = 0;
	while (i < NMETAS) {
		const struct meta *m = &metas[i++];

		if (m->help && !strncmp(m->name, text, n))
			return strdup(m->name);
	}
	return NULL;
}

/* Whether the word before pos, past an opening quote, is 'from': a path comes next. */
static bool after_from(const char *line, int pos)
{
	int end;

	if (pos > 0 && (line[pos - 1] == '\'' || line[pos - 1] == '"'))
		pos--;
	while (pos > 0 && isspace((unsigned char)line[pos - 1]))
		pos--;
	end = pos;
	while (pos > 0 && isalpha((unsigned char)line[pos - 1]))
		pos--;
	return end - pos == 4 && !strncasecmp(line + pos, "from", 4);
}

/* A path ends only at a blank; elsewhere punctuation does too, so "sum(x),co" completes "co". */
static char *word_breaks(void)
{
	int start = rl_point;

	while (start > 0 && !isspace((unsigned char)rl_line_buffer[start - 1]))
		start--;
	return after_from(rl_line_buffer, start) ? " \t\n" : " \t\n,()<>=!+-*/%&|";
}

static char **complete(const char *text, int start, int end)
{
	char **m;

	/* No fallback to file names where a path cannot go. */
	rl_attempted_completion_over = 1;
	/* Not for another user: readline lists folders with root's rights. */
	if (after_from(rl_line_buffer, start))
		return privs_for_other() ? NULL
					 : rl_completion_matches(text, rl_filename_completion_function);
	if (rl_line_buffer[0] == '\\')
		return rl_completion_matches(text, next_meta);
	m = rl_completion_matches(text, next_query_word);
	/* "sum(" goes on with its argument, not a space. */
	if (m && !m[1] && m[0][strlen(m[0]) - 1] == '(')
		rl_completion_suppress_append = 1;
	return m;
}

/* ---- History ---- */

/*
 * $BPFQ_HISTORY, else $XDG_STATE_HOME/bpfq/history, else
 * ~/.local/state/bpfq/history. None for another user (sudo keeps HOME):
 * root would write the lines the user typed where the user's path points.
 */
static char *history_file(void)
{
	const char *env = privs_getenv("BPFQ_HISTORY");
	const char *state = privs_getenv("XDG_STATE_HOME");
	const char *home = privs_getenv("HOME");
	char *path = NULL;
	int n = -1;

	if (env && *env)
		return strdup(env);
	/* The XDG spec says to ignore a relative path. */
	if (state && *state == '/')
		n = asprintf(&path, "%s/bpfq/history", state);
	else if (home && *home)
		n = asprintf(&path, "%s/.local/state/bpfq/history", home);
	return n < 0 ? NULL : path;
}

/* mkdir -p the folders above path; private, as queries name files. */
static void make_parents(const char *path)
{
	char *p = strdup(path), *s;

	for (s = p ? strchr(p + 1, '/') : NULL; s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	free(p);
}

/*
 * The history's folder, which must be ours: in another user's (root after
 * su, with that user's XDG_STATE_HOME), the user could swap names under
 * us. Returns an fd, or -1 after saying why.
 */
static int open_history_dir(struct repl *r)
{
	char *slash = strrchr(r->history, '/');
	char *dir = slash ? strndup(r->history, slash == r->history ? 1 : slash - r->history)
			  : strdup(".");
	struct stat st;
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	r->history_name = slash ? slash + 1 : r->history;
	if (fd < 0)
		fprintf(stderr, "bpfq: warning: cannot read the history file '%s': %s\n",
			r->history, strerror(errno));
	else if (fstat(fd, &st) || st.st_uid != geteuid()) {
		fprintf(stderr, "bpfq: warning: no history kept: the folder of '%s' belongs to "
				"another user\n", r->history);
		close(fd);
		fd = -1;
	}
	free(dir);
	return fd;
}

/* The file's lines, one entry each; not through a symlink, which root would follow anywhere. */
static int history_read(struct repl *r)
{
	int fd = openat(r->history_dir, r->history_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err;

	if (!f) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return err == ENOENT ? 0 : err;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		add_history(line);
	}
	err = ferror(f) ? errno : 0;
	free(line);
	fclose(f);
	return err;
}

static void history_load(struct repl *r)
{
	int err;

	using_history();
	stifle_history(HISTORY_MAX);
	r->history_dir = -1;
	r->history = history_file();
	if (!r->history)
		return;
	make_parents(r->history);
	r->history_dir = open_history_dir(r);
	err = r->history_dir < 0 ? 0 : history_read(r);
	if (err)
		fprintf(stderr, "bpfq: warning: cannot read the history file '%s': %s\n",
			r->history, strerror(err));
	if (r->history_dir < 0 || err) {
		/* Then it is not written over either. */
		free(r->history);
		r->history = NULL;
	}
}

/* A query typed again right away is kept once, as bash's ignoredups. */
static void history_add(struct repl *r, const char *text)
{
	HIST_ENTRY *prev = history_get(history_base + history_length - 1);

	if (prev && !strcmp(prev->line, text))
		return;
	add_history(text);
	r->added++;
}

/* Where the last `keep` lines of text[0..len) start. */
static size_t last_lines(const char *text, size_t len, int keep)
{
	size_t i = len && text[len - 1] == '\n' ? len - 1 : len;

	while (i > 0) {
		if (text[i - 1] == '\n' && --keep == 0)
			return i;
		i--;
	}
	return 0;
}

/* The file as it is now (another session may have added to it), then ours. */
static int history_text(struct repl *r, int n, char **text, size_t *len)
{
	int fd = openat(r->history_dir, r->history_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *m = open_memstream(text, len);
	char chunk[4096];
	ssize_t got = 0;
	int err = 0;

	if (!m || (fd < 0 && errno != ENOENT))
		err = errno;
	while (!err && fd >= 0 && (got = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, got, m);
	if (got < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (m && !err) {
		fflush(m);
		if (*len && (*text)[*len - 1] != '\n')
			fputc('\n', m);
		for (int i = history_length - n; i < history_length; i++)
			fprintf(m, "%s\n", history_get(history_base + i)->line);
	}
	if (m && fclose(m) && !err)
		err = errno ? errno : ENOMEM;
	return err;
}

/*
 * Append this session's entries, keeping two sessions' at once, cut to
 * HISTORY_MAX: the whole is written to a new file (0600, O_EXCL, so never
 * through a symlink or into another file) and renamed over the old one.
 */
static void history_save(struct repl *r)
{
	int n = r->added < history_length ? r->added : history_length;
	char *text = NULL, *tmp = NULL;
	size_t len = 0, from;
	int err, fd = -1;
	ssize_t wrote;

	if (!r->history || !n)
		return;
	err = history_text(r, n, &text, &len);
	if (!err && asprintf(&tmp, "%s.%d.tmp", r->history_name, (int)getpid()) < 0)
		err = ENOMEM, tmp = NULL;
	if (!err && (fd = openat(r->history_dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				 O_CLOEXEC, 0600)) < 0)
		err = errno;
	if (fd >= 0) {
		from = last_lines(text, len, HISTORY_MAX);
		wrote = write(fd, text + from, len - from);
		if (wrote != (ssize_t)(len - from))
			err = wrote < 0 ? errno : ENOSPC;
		if (close(fd) && !err)
			err = errno;
		if (!err && renameat(r->history_dir, tmp, r->history_dir, r->history_name))
			err = errno;
		if (err)
			unlinkat(r->history_dir, tmp, 0);
	}
	if (err)
		fprintf(stderr, "bpfq: warning: cannot save the history to '%s': %s\n",
			r->history, strerror(err));
	free(tmp);
	free(text);
}

/* ---- Queries ---- */

/* Add a line to the query typed so far. */
static int buf_append(struct repl *r, const char *s, size_t n)
{
	size_t need = r->len + n + 2;	/* the joining space and the NUL */
	char *b;

	if (need > r->cap) {
		b = realloc(r->buf, need * 2);
		if (!b) {
			fprintf(stderr, "bpfq: error: out of memory\n");
			return -1;
		}
		r->buf = b;
		r->cap = need * 2;
	}
	if (r->len)
		r->buf[r->len++] = ' ';
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = '\0';
	return 0;
}

/*
 * A query cut short fails only at its very end ("got end of query"), or has
 * no 'from' yet (the terminal is no input): wait for more.
 */
static bool needs_more(const char *text, size_t len)
{
	struct query q = { 0 };
	struct diag d = { 0 };
	bool ok = parse_query(text, len, &q, &d);
	bool more = ok ? !q.npaths : d.loc.begin >= len;

	query_free(&q);
	return more;
}

/* \c shows the last C generated, \stats the last stats, even if later queries failed. */
static void keep_last(struct repl *r, struct run_last *now)
{
	if (now->c_source) {
		free(r->last.c_source);
		r->last.c_source = now->c_source;
		now->c_source = NULL;
	}
	if (now->have_stats) {
		r->last.stats = now->stats;
		r->last.have_stats = true;
	}
	run_last_free(now);
}

static void run_buffer(struct repl *r)
{
	struct run_last now = { 0 };

	history_add(r, r->buf);
	run_interrupted = 0;
	run_query(r->buf, r->o, stdout, &now);
	fflush(stdout);
	keep_last(r, &now);
	r->len = 0;
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/*
 * One line typed at the prompt: a meta-command, or more of the query. The
 * query runs once it parses, or fails before its end (to show the error),
 * or when the line ends in ';' or is empty.
 */
static void take_line(struct repl *r, char *line)
{
	size_t n;
	bool now;
	char *p;

	/* A bracketed paste brings its newlines; one history line per query. */
	for (p = line; (p = strpbrk(p, "\r\n")); p++)
		*p = ' ';
	line += strspn(line, " \t");
	n = trim_end(line, strlen(line));
	line[n] = '\0';
	if (*line == '\\') {
		meta_command(r, line);
		return;
	}
	/* As other REPLs take them; no query is named so. */
	if (!r->len && (!strcasecmp(line, "exit") || !strcasecmp(line, "quit"))) {
		r->quit = true;
		return;
	}
	if (!r->len && !strcasecmp(line, "help")) {
		cmd_help(r);
		return;
	}
	now = !n || line[n - 1] == ';';
	if (n && line[n - 1] == ';')
		n = trim_end(line, n - 1);
	if (n && buf_append(r, line, n)) {
		r->len = 0;
		return;
	}
	if (r->len && (now || !needs_more(r->buf, r->len)))
		run_buffer(r);
}

/* With bracketed paste on, readline 8.1 and later end the line itself at EOF. */
static bool eof_ended_line(void)
{
	const char *paste = rl_variable_value("enable-bracketed-paste");

	return rl_eof_found && paste && !strcmp(paste, "on");
}

static void setup_readline(void)
{
	rl_readline_name = "bpfq";	/* for $if bpfq in ~/.inputrc */
	rl_instream = stdin;		/* NULL until the first line otherwise */
	rl_outstream = stdout;
	rl_attempted_completion_function = complete;
	rl_completion_word_break_hook = word_breaks;
	/* The query language quotes paths with ' or ", without escapes. */
	rl_completer_quote_characters = "'\"";
	rl_filename_quote_characters = " \t";
	rl_catch_signals = 1;
	/* Keep readline's handlers while we wait in ppoll() too, not only while it reads. */
	rl_persistent_signal_handlers = 1;
}

int repl_run(struct options *o)
{
	struct sigaction sa = { .sa_handler = on_quit_signal };
	enum line_status st = LINE_OK;
	struct repl r = { .o = o };
	char *line;

	/* Ours after run.c's, and both before readline's, which pass signals on to them. */
	run_install_signals();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setup_readline();
	history_load(&r);
	printf("bpfq %s: type a query, \\help for help, \\q to quit.\n", BPFQ_VERSION);
	fflush(stdout);
	while (!r.quit && !quit_signal) {
		st = read_line(r.len ? PROMPT_MORE : PROMPT, &line);
		if (st == LINE_OK) {
			take_line(&r, line);
			free(line);
		} else if (st == LINE_INTERRUPTED) {
			r.len = 0;
		} else {
			break;
		}
	}
	/* After ctrl-D the shell's prompt should start a line of its own. */
	if (st == LINE_EOF && !eof_ended_line())
		putchar('\n');
	if (st == LINE_EOF && r.len) {
		fflush(stdout);
		fputs("bpfq: the unfinished query was not run: ", stderr);
		escape_text_bytes(stderr, r.buf, r.len < 60 ? r.len : 60);
		fprintf(stderr, "%s\n", r.len > 60 ? "..." : "");
	}
	history_save(&r);
	run_last_free(&r.last);
	free(r.buf);
	free(r.history);
	if (r.history_dir >= 0)
		close(r.history_dir);
	return quit_signal ? 128 + quit_signal : EXIT_OK;
}
