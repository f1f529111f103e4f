// SPDX-License-Identifier: MIT
/*
 * -s/--stats: the headline of the tool. The file's bytes are parsed where
 * read() hands them over; what bpfq's own code reads back is the result
 * struct. read() still copies every byte into the reader's buffer at every
 * hook: a kprobe cannot skip the copy (_copy_to_iter allows no error
 * injection), so the stats say what was copied and what bpfq touched.
 */
#include <inttypes.h>
#include <time.h>

#include "cmd/escape.h"
#include "cmd/stats.h"

double stats_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double rate_mb_s(const struct run_stats *s)
{
	return s->scan_s > 0 ? s->bytes_read / 1e6 / s->scan_s : 0;
}

/* The bytes bpfq's own code read to get the answer. */
static uint64_t touched_bytes(const struct run_stats *s)
{
	return s->result_bytes ? s->result_bytes : s->bytes_read;
}

/* The copy the copyout hook adds: the source bytes into its scratch map. */
static uint64_t scratch_bytes(const struct run_stats *s)
{
	return s->result_bytes && s->before_copy ? s->bytes_read : 0;
}

static const char *parsed_where(const struct run_stats *s)
{
	if (!s->result_bytes)
		return "in user space by bpfq, from the buffer";
	if (s->before_copy)
		return "in the kernel before the copy, from the page cache";
	return "in the kernel after the copy, from the buffer";
}

/* Each copy of the input and who read it: the same read() copy at every hook. */
static void print_movement(FILE *f, const struct run_stats *s)
{
	uint64_t touched = touched_bytes(s);

	fprintf(f, "  copied:        %" PRIu64 " bytes by read() into the reader's buffer",
		s->bytes_read);
	if (scratch_bytes(s))
		fprintf(f, ", %" PRIu64 " by the program into its map", scratch_bytes(s));
	fprintf(f, "\n  parsed:        %s\n", parsed_where(s));
	fprintf(f, "  touched:       %" PRIu64 " bytes by bpfq's own code (%s)\n", touched,
		!s->result_bytes ? "all of it: user engine" :
		s->compression ? "the result, and the input it decompressed" : "the result");
	fprintf(f, "  reduction:     %.1f:1 (scanned : touched)\n",
		touched ? (double)s->bytes_read / touched : 0.0);
}

void stats_print_text(FILE *f, const struct run_stats *s)
{
	const struct bpfq_result *r = &s->result;

	fprintf(f, "bpfq: stats\n");
	fprintf(f, "  engine:        %s\n", s->engine);
	fprintf(f, "  hook:          %s\n", s->hook);
	if (*s->hook_skipped)
		fprintf(f, "  passed over:   %s\n", s->hook_skipped);
	if (*s->format_chosen)
		fprintf(f, "  format:        %s\n", s->format_chosen);
	if (s->compression)
		fprintf(f, "  input:         %s, decompressed in user space into a pipe\n",
			s->compression);
	if (s->file_conds)
		fprintf(f, "  files:         %" PRIu64 " (%" PRIu64 " not read: where is false for "
			   "their paths)\n", s->files, s->files_skipped);
	fprintf(f, "  scanned:       %" PRIu64 " bytes in %" PRIu64 " reads", s->bytes_read,
		s->reads);
	if (s->readers > 1)
		fprintf(f, " by %d readers", s->readers);
	fputc('\n', f);
	fprintf(f, "  records:       %" PRIu64 " (%" PRIu64 " malformed, skipped)\n",
		(uint64_t)r->records, (uint64_t)r->malformed);
	if (r->empty || r->bad || r->missing)
		fprintf(f, "  NULL fields:   %" PRIu64 " empty, %" PRIu64 " not numbers, %" PRIu64
			   " missing\n", (uint64_t)r->empty, (uint64_t)r->bad, (uint64_t)r->missing);
	if (bpfq_nulls(r))
		fprintf(f, "  NULL words:    %" PRIu64 " NA, %" PRIu64 " NULL, %" PRIu64 " '-', %" PRIu64
			   " inf, %" PRIu64 " nan\n", (uint64_t)r->nulls[BPFQ_NULL_NA],
			(uint64_t)r->nulls[BPFQ_NULL_NULL], (uint64_t)r->nulls[BPFQ_NULL_DASH],
			(uint64_t)r->nulls[BPFQ_NULL_INF], (uint64_t)r->nulls[BPFQ_NULL_NAN]);
	if (r->rounded)
		fprintf(f, "  rounded:       %" PRIu64 " numbers with more than 18 decimals\n",
			(uint64_t)r->rounded);
	if (s->groups)
		fprintf(f, "  groups:        %" PRIu64 "\n", s->groups);
	fprintf(f, "  matched:       %" PRIu64 "\n", (uint64_t)r->matched);
	print_movement(f, s);
	if (s->result_bytes)
		fprintf(f, "  compile:       %.3f s%s\n  load+verify:   %.3f s (%lu instructions "
			   "processed)\n", s->compile_s, s->cache_hit ? " (cached)" : "",
			s->load_s, s->verified_insns);
	fprintf(f, "  scan:          %.3f s (%.1f MB/s)\n", s->scan_s, rate_mb_s(s));
}

void stats_print_json(FILE *f, const struct run_stats *s)
{
	const struct bpfq_result *r = &s->result;

	fprintf(f, "{\"engine\":\"%s\",\"hook\":\"%s\",\"hook_passed_over\":",
		s->engine, s->hook);
	escape_json_string(f, s->hook_skipped);
	fprintf(f, ",\"format_chosen\":");
	if (*s->format_chosen)
		escape_json_string(f, s->format_chosen);
	else
		fputs("null", f);
	fprintf(f, ",\"decompressed\":");
	if (s->compression)
		escape_json_string(f, s->compression);
	else
		fputs("null", f);
	if (s->file_conds)
		fprintf(f, ",\"files\":%" PRIu64 ",\"files_skipped\":%" PRIu64, s->files,
			s->files_skipped);
	fprintf(f, ",\"bytes_scanned\":%" PRIu64
		   ",\"reads\":%" PRIu64 ",\"readers\":%d,\"records\":%" PRIu64 ",\"groups\":%" PRIu64
		   ",\"matched\":%" PRIu64 ",\"malformed\":%" PRIu64
		   ",\"bytes_copied_to_buffer\":%" PRIu64 ",\"bytes_copied_to_map\":%" PRIu64
		   ",\"parsed\":\"%s\",\"bytes_touched\":%" PRIu64 ",\"compile_s\":%.6f,\"cache_hit\":%s"
		   ",\"load_s\":%.6f,\"verified_insns\":%lu,\"scan_s\":%.6f,\"mb_per_s\":%.1f}",
		s->bytes_read, s->reads, s->readers > 1 ? s->readers : 1,
		(uint64_t)r->records, s->groups, (uint64_t)r->matched,
		(uint64_t)r->malformed, s->bytes_read, scratch_bytes(s),
		!s->result_bytes ? "user" : s->before_copy ? "before_copy" : "after_copy",
		touched_bytes(s), s->compile_s,
		s->cache_hit ? "true" : "false", s->load_s, s->verified_insns, s->scan_s,
		rate_mb_s(s));
}
