// SPDX-License-Identifier: MIT
/*
 * -s/--stats: the headline of the tool. The file's bytes are parsed where
 * read() hands them over; what user space reads back is the result struct.
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

/* The bytes user space took in to get the answer. */
static uint64_t moved_bytes(const struct run_stats *s)
{
	return s->result_bytes ? s->result_bytes : s->bytes_read;
}

void stats_print_text(FILE *f, const struct run_stats *s)
{
	const struct bpfq_result *r = &s->result;
	uint64_t moved = moved_bytes(s);

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
		fprintf(f, "  rounded:       %" PRIu64 " numbers with more than 9 decimals\n",
			(uint64_t)r->rounded);
	if (s->groups)
		fprintf(f, "  groups:        %" PRIu64 "\n", s->groups);
	fprintf(f, "  matched:       %" PRIu64 "\n", (uint64_t)r->matched);
	if (s->result_bytes)
		fprintf(f, "  to user space: %" PRIu64 " bytes (the result)\n", moved);
	else
		fprintf(f, "  to user space: %" PRIu64 " bytes (all of it: user engine)\n", moved);
	fprintf(f, "  reduction:     %.1f:1\n", moved ? (double)s->bytes_read / moved : 0.0);
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
	fprintf(f, ",\"bytes_scanned\":%" PRIu64
		   ",\"reads\":%" PRIu64 ",\"readers\":%d,\"records\":%" PRIu64 ",\"groups\":%" PRIu64
		   ",\"matched\":%" PRIu64 ",\"malformed\":%" PRIu64
		   ",\"bytes_to_user\":%" PRIu64 ",\"compile_s\":%.6f,\"cache_hit\":%s"
		   ",\"load_s\":%.6f,\"verified_insns\":%lu,\"scan_s\":%.6f,\"mb_per_s\":%.1f}",
		s->bytes_read, s->reads, s->readers > 1 ? s->readers : 1,
		(uint64_t)r->records, s->groups, (uint64_t)r->matched,
		(uint64_t)r->malformed, moved_bytes(s), s->compile_s,
		s->cache_hit ? "true" : "false", s->load_s, s->verified_insns, s->scan_s,
		rate_mb_s(s));
}
