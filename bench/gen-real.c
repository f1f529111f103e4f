/* gen-real: the benchmark's real-shaped data files, deterministic (fixed
 * seed).
 *
 *   gen-real flights COUNT CSV  COUNT flights, a header first: ISO date-times
 *                               in order over 2023, carrier, flight number,
 *                               origin and dest airport codes, dep_delay and
 *                               arr_delay (signed, about 2% empty), distance,
 *                               then origin_city and dest_city, quoted since
 *                               they hold a comma ("Portland, OR")
 *   gen-real access COUNT LOG   COUNT lines of a web server's access log in
 *                               the combined format (quoted request line,
 *                               referrer and user agent; "-" bytes on 304)
 *   gen-real floats COUNT CSV   COUNT rows of x,y,z after a header: random
 *                               doubles as Python's repr() prints them (the
 *                               shortest that reads back, so mostly 16-17
 *                               significant digits; z spans 1e-7..1e3, so
 *                               some are like 1.2345e-05)
 *
 * The quoted city fields come last so that awk's -F, still numbers the
 * fields before them right; a reader must still skip the commas inside the
 * quotes to find the line's end and its field count.
 *
 * The same arguments always give the same bytes: a splitmix64 stream from a
 * fixed seed per file, and nothing depends on the time, the locale or the
 * machine (the bench checks sizes against a manifest).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"

#define OUTBUF (1u << 20)

/* A double in [0, 1) with all 53 bits random. */
static double next_unit(void)
{
	return (double)(next_u64() >> 11) * 0x1p-53;
}

static struct {
	int fd;
	const char *path;
	size_t len;
	char buf[OUTBUF + 1024]; /* slack: one record never overflows */
} out;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gen-real: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void out_open(const char *path)
{
	out.path = path;
	out.len = 0;
	out.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out.fd < 0)
		die("cannot create", path);
}

static void out_flush(void)
{
	size_t done = 0;
	while (done < out.len) {
		ssize_t n = write(out.fd, out.buf + done, out.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", out.path);
		done += (size_t)n;
	}
	out.len = 0;
}

/* Append with printf formatting; one record stays far below the slack. */
__attribute__((format(printf, 1, 2))) static void put(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out.len += (size_t)vsnprintf(out.buf + out.len, sizeof out.buf - out.len, fmt, ap);
	va_end(ap);
}

static void out_end_record(void)
{
	if (out.len >= OUTBUF)
		out_flush();
}

static void out_close(void)
{
	out_flush();
	if (close(out.fd) != 0)
		die("cannot close", out.path);
}

/* ------------------------------------------------------------ flights */

static const struct airport {
	const char *code, *city;
	int x, y; /* a rough position in miles, for the distance */
} airports[] = {
	{"ATL", "Atlanta, GA", 1900, 600},     {"DFW", "Dallas/Fort Worth, TX", 1200, 500},
	{"DEN", "Denver, CO", 900, 1000},      {"ORD", "Chicago, IL", 1650, 1200},
	{"LAX", "Los Angeles, CA", 100, 700},  {"JFK", "New York, NY", 2500, 1250},
	{"LAS", "Las Vegas, NV", 300, 800},    {"MCO", "Orlando, FL", 2150, 250},
	{"MIA", "Miami, FL", 2250, 100},       {"CLT", "Charlotte, NC", 2100, 800},
	{"SEA", "Seattle, WA", 150, 1700},     {"PHX", "Phoenix, AZ", 450, 600},
	{"EWR", "Newark, NJ", 2490, 1240},     {"SFO", "San Francisco, CA", 0, 1000},
	{"IAH", "Houston, TX", 1300, 300},     {"BOS", "Boston, MA", 2650, 1400},
	{"FLL", "Fort Lauderdale, FL", 2240, 130}, {"MSP", "Minneapolis, MN", 1350, 1500},
	{"LGA", "New York, NY", 2500, 1255},   {"DTW", "Detroit, MI", 1900, 1300},
	{"PHL", "Philadelphia, PA", 2450, 1180}, {"SLC", "Salt Lake City, UT", 550, 1150},
	{"BWI", "Baltimore, MD", 2400, 1120},  {"DCA", "Washington, DC", 2380, 1100},
	{"SAN", "San Diego, CA", 150, 600},    {"PDX", "Portland, OR", 150, 1550},
	{"TPA", "Tampa, FL", 2100, 280},       {"BNA", "Nashville, TN", 1800, 800},
	{"AUS", "Austin, TX", 1150, 350},      {"MDW", "Chicago, IL", 1650, 1190},
};
#define N_AIRPORTS (sizeof airports / sizeof airports[0])

static const char *const carriers[] = {"AA", "DL", "UA", "WN", "B6", "AS", "NK", "F9", "G4", "HA"};
#define N_CARRIERS (sizeof carriers / sizeof carriers[0])

static int distance(const struct airport *a, const struct airport *b)
{
	int dx = a->x - b->x, dy = a->y - b->y;
	int d = (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
	return d * 4 / 5 + 67; /* between the Manhattan and the straight distance */
}

/* Mostly a little early or late, a long tail of late flights. */
static int delay(void)
{
	uint32_t r = next_below(100);
	if (r < 60)
		return (int)next_below(21) - 15;
	if (r < 90)
		return (int)next_below(60);
	return (int)next_below(600);
}

/* The int, or nothing for about 2% of the values. */
static void put_maybe(int v)
{
	if (next_below(50) == 0)
		put(",");
	else
		put(",%d", v);
}

static void put_datetime(uint64_t minute)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int day = (int)(minute / 1440), m = 0;
	while (day >= mdays[m])
		day -= mdays[m++];
	put("2023-%02d-%02dT%02d:%02d:00", m + 1, day + 1, (int)(minute % 1440 / 60),
	    (int)(minute % 60));
}

static void gen_flights(uint64_t count, const char *path)
{
	rng_state = 3;
	out_open(path);
	put("fl_date,carrier,flight,origin,dest,dep_delay,arr_delay,distance,"
	    "origin_city,dest_city\n");
	for (uint64_t i = 0; i < count; i++) {
		const struct airport *o = &airports[next_below(N_AIRPORTS)];
		const struct airport *d = &airports[next_below(N_AIRPORTS)];
		if (d == o)
			d = &airports[(d - airports + 1) % N_AIRPORTS];
		int dep = delay(), arr = dep + (int)next_below(41) - 20;
		put_datetime(i * 525600 / (count ? count : 1));
		put(",%s,%u,%s,%s", carriers[next_below(N_CARRIERS)], 1 + next_below(6999), o->code,
		    d->code);
		put_maybe(dep);
		put_maybe(arr);
		put(",%d,\"%s\",\"%s\"\n", distance(o, d), o->city, d->city);
		out_end_record();
	}
	out_close();
}

/* ------------------------------------------------------------ access */

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const char *const agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	"Chrome/120.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
	"Gecko) Version/17.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
	"like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	"curl/8.4.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};
#define N_AGENTS (sizeof agents / sizeof agents[0])

static const char *method(void)
{
	uint32_t r = next_below(100);
	return r < 85 ? "GET" : r < 95 ? "POST" : r < 98 ? "HEAD" : "PUT";
}

static int status(void)
{
	uint32_t r = next_below(100);
	return r < 80 ? 200 : r < 88 ? 304 : r < 94 ? 404 : r < 97 ? 301 : r < 99 ? 500 : 503;
}

static void put_path(void)
{
	switch (next_below(6)) {
	case 0: put("/"); break;
	case 1: put("/index.html"); break;
	case 2: put("/api/v1/items/%u?page=%u", next_below(100000), next_below(20)); break;
	case 3: put("/static/js/app.%08x.js", next_below(1u << 31)); break;
	case 4: put("/images/%u.png", next_below(5000)); break;
	default: put("/login"); break;
	}
}

static void put_access_time(uint64_t second)
{
	static const int mdays[] = {31, 30, 31}; /* October to December 2023 */
	int day = (int)(second / 86400), m = 0;
	while (m < 2 && day >= mdays[m])
		day -= mdays[m++];
	put("[%02d/%s/2023:%02d:%02d:%02d +0000]", day + 1, months[9 + m],
	    (int)(second % 86400 / 3600), (int)(second % 3600 / 60), (int)(second % 60));
}

static void gen_access(uint64_t count, const char *path)
{
	rng_state = 4;
	out_open(path);
	for (uint64_t i = 0; i < count; i++) {
		int st = status();
		put("%u.%u.%u.%u - %s ", 10 + next_below(200), next_below(256), next_below(256),
		    1 + next_below(254), next_below(20) ? "-" : "alice");
		put_access_time(i * 7948800 / (count ? count : 1));
		put(" \"%s ", method());
		put_path();
		put(" HTTP/1.1\" %d ", st);
		if (st == 304)
			put("-");
		else
			put("%u", 200 + next_below(50000));
		if (next_below(3))
			put(" \"-\"");
		else
			put(" \"https://example.com/page/%u\"", next_below(100));
		put(" \"%s\"\n", agents[next_below(N_AGENTS)]);
		out_end_record();
	}
	out_close();
}

/* ------------------------------------------------------------ floats */

/* What Python's repr() prints for v: the fewest significant digits that
 * read back as v (and %g's switch to an exponent below 1e-4 is repr's too,
 * for the values made here, all below 1e15). */
static void put_repr(double v, char sep)
{
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (prec == 17 || strtod(tmp, NULL) == v)
			break;
	}
	put("%s%c", tmp, sep);
}

static void gen_floats(uint64_t count, const char *path)
{
	rng_state = 5;
	out_open(path);
	put("x,y,z\n");
	for (uint64_t i = 0; i < count; i++) {
		put_repr(next_unit(), ',');
		put_repr(next_unit() * 2000 - 1000, ',');
		/* ten decades, evenly on a log scale */
		double z = 1e-7;
		for (uint32_t k = next_below(10); k; k--)
			z *= 10;
		put_repr(z * (1 + 9 * next_unit()), '\n');
		out_end_record();
	}
	out_close();
}

static uint64_t parse_count(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "gen-real: bad COUNT '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "flights") == 0)
		gen_flights(parse_count(argv[2]), argv[3]);
	else if (argc == 4 && strcmp(argv[1], "access") == 0)
		gen_access(parse_count(argv[2]), argv[3]);
	else if (argc == 4 && strcmp(argv[1], "floats") == 0)
		gen_floats(parse_count(argv[2]), argv[3]);
	else {
		fprintf(stderr, "usage: gen-real flights|access|floats COUNT FILE\n");
		return 2;
	}
	return 0;
}
