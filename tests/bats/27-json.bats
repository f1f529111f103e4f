#!/usr/bin/env bats
# JSON lines ('as json'): nested objects, escapes, quoted keys, CRLF,
# malformed lines counted, at several read sizes on both engines. The
# independent check is Python's json module: gen_logs writes a log as
# json.dumps() would (plus hand-made oddities), and oracle computes the
# answer from json.loads() with bpfq's rules (bpfq-query(7), "JSON lines").

load test_helper
bats_require_minimum_version 1.5.0

SIZES="1 7 4093 65536"

# A service log: floats as Python prints them, strings with escapes,
# nested objects, arrays holding objects with the same keys, numbers as
# strings, true/false/null, missing keys, CRLF lines, blank lines, and
# lines that are no JSON object.
gen_logs() {
	python3 - "$1" <<'EOF'
import json, random, sys
random.seed(29)
out = open(sys.argv[1], 'w', newline='')
svcs = ['api', 'web', 'caf\u00e9', 'db\u0041', 'q"t', 'back\\slash', '\U0001f600']
bad = ['not json', '[1, 2]', '{"a": 1', '{"a": 1}}', '{"a" 1}', '{"a": [1, 2}', '"str"',
       '{"a": "open}', '{"a": "\\x"}', '{"a": "\\ud800"}', '{"a":1,}',
       '{"d":' + '{"d":' * 8 + '1' + '}' * 9, '{"a": 1} x', '{"a": "tab\there"}']
for i in range(1500):
    r = random.random()
    if r < 0.02:
        out.write(random.choice(bad) + '\n')
        continue
    if r < 0.03:
        out.write('\n' if r < 0.025 else '   \r\n')
        continue
    o = {'id': i}
    lat = random.random() * 1000 / 10 ** random.randrange(0, 7)
    k = random.random()
    if k < 0.1:
        o['latency_ms'] = str(round(lat, 3))
    elif k < 0.15:
        o['latency_ms'] = None
    elif k < 0.2:
        pass
    elif k < 0.22:
        o['latency_ms'] = float('nan')
    else:
        o['latency_ms'] = lat if random.random() < 0.7 else -lat
    o['user agent'] = random.choice(['curl/8.0', 'Mozilla "5.0"', 'a\\b\nc', 'x\u00e9\u4e2d'])
    o['req'] = {'status': random.choice([200, 200, 301, 404, 500]),
                't': {'ms': random.randrange(0, 10 ** 6) / 1000}}
    if random.random() < 0.1:
        o['req']['status'] = str(o['req']['status'])
    o['ok'] = random.random() < 0.8
    o['tags'] = [{'status': 999, 'latency_ms': 1e9}, 'x', [1, {'id': 5}]]
    o['svc'] = random.choice(svcs)
    if random.random() < 0.05:
        o['req'] = [o['req']]
    ascii_only = random.random() < 0.5
    seps = random.choice([(', ', ': '), (',', ':'), (' ,  ', ' :\t')])
    line = json.dumps(o, ensure_ascii=ascii_only, separators=seps)
    if random.random() < 0.05:
        line = line[:-1] + ', "id": -1, "svc": "dup"}'
    out.write(' ' * random.randrange(0, 2) + line + ('\r\n' if random.random() < 0.2 else '\n'))
EOF
}

# bpfq's answer (-o csv, no header) over a JSON-lines file, from Python's
# json module: the first of a repeated key counts; deeper than 8 is malformed.
oracle() {
	python3 - "$@" <<'EOF'
import json, re, sys
from decimal import Decimal, ROUND_HALF_EVEN, getcontext
getcontext().prec = 80
path, what = sys.argv[1], sys.argv[2]
NUM = re.compile(r'^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$')
def first(pairs):
    d = {}
    for k, v in pairs:
        d.setdefault(k, v)
    return d
def depth(v):
    if isinstance(v, dict):
        return 1 + max([depth(x) for x in v.values()] or [0])
    if isinstance(v, list):
        return 1 + max([depth(x) for x in v] or [0])
    return 0
def strings_ok(v):	# no lone surrogate: UnicodeError
    if isinstance(v, dict):
        for k, x in v.items():
            k.encode('utf-8')
            strings_ok(x)
    elif isinstance(v, list):
        for x in v:
            strings_ok(x)
    elif isinstance(v, str):
        v.encode('utf-8')
def get(o, path):
    for k in path.split('.'):
        if not isinstance(o, dict) or k not in o:
            return None
        o = o[k]
    return o
def num(v):
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v.quantize(Decimal('1e-18'), rounding=ROUND_HALF_EVEN) if v.is_finite() else None
    if isinstance(v, str):
        s = v.strip(' \t')
        if NUM.match(s):
            return Decimal(s).quantize(Decimal('1e-18'), rounding=ROUND_HALF_EVEN)
    return None
def show(d):
    s = format(d.normalize(), 'f')
    return '0' if s in ('-0', '0') else s
objs = []
for raw in open(path, 'rb').read().split(b'\n'):
    line = raw.decode('utf-8', 'surrogatepass')
    if not line.strip(' \t\r'):
        continue
    try:
        o = json.loads(line, object_pairs_hook=first, parse_float=Decimal, parse_int=Decimal)
        if isinstance(o, dict) and depth(o) <= 8:
            strings_ok(o)
            objs.append(o)
    except (ValueError, UnicodeError):
        pass
if what == 'by':
    groups = {}
    for o in objs:
        g = groups.setdefault(o['svc'].encode('utf-8'), [0, Decimal(0)])
        g[0] += 1
        v = num(get(o, 'req.status'))
        g[1] += v if v is not None else 0
    for k in sorted(groups):
        print('%s,%d,%s' % (k.decode('utf-8'), groups[k][0], show(groups[k][1])))
    sys.exit()
if what == 'text':
    svc = [o['svc'] for o in objs]
    ua = [o['user agent'] for o in objs]
    text = sorted(v.encode('utf-8') for v in svc)
    def cell(t):
        return '"' + t.replace('"', '""') + '"' if re.search('[",\n]', t) else t
    print(','.join(str(n) for n in [svc.count('q"t'), sum('5.0' in u for u in ua),
                                    sum(v in ('api', 'web') for v in svc),
                                    sum(re.match('^[a-c]', v) is not None for v in svc),
                                    len(set(svc))]) + ',%s,%s,%d' % (
        cell(text[0].decode('utf-8')), cell(text[-1].decode('utf-8')), len(svc)))
    sys.exit()
row = [str(len(objs))]
for key in what.split(','):
    vals = [v for v in (num(get(o, key)) for o in objs) if v is not None]
    row += [str(len(vals)), show(sum(vals)), show(min(vals)), show(max(vals))]
print(','.join(row))
EOF
}

# Both engines at every read size print $2 (stdout, -o csv without its
# header); their warnings agree with the user engine's at 64 KiB.
check_sizes() {
	local query=$1 want=$2 size engine
	run bash -c '"$1" --engine=user -o csv "$2" 2>&1 >/dev/null' _ "$BPFQ" "$query"
	local warnings=$output
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		for size in $SIZES; do
			run bash -c '"$1" --engine=$2 -o csv --read-size=$3 "$4" 2>/dev/null | tail -n +2' _ \
				"$BPFQ" "$engine" "$size" "$query"
			assert_status 0
			assert_output "$want"
			run bash -c '"$1" --engine=$2 -o csv --read-size=$3 "$4" 2>&1 >/dev/null' _ \
				"$BPFQ" "$engine" "$size" "$query"
			assert_output "$warnings"
		done
	done
}

# Both engines print $2 on stdout and $3 on stderr for query $1, and exit 0.
both_engines_stderr() {
	local engine
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run --separate-stderr bpfq --engine=$engine "$1"
		assert_status 0
		assert_output "$2"
		if [[ $stderr != "$3" ]]; then
			printf 'expected stderr:\n%s\nactual stderr:\n%s\n' "$3" "$stderr" >&2
			return 1
		fi
	done
}

@test "a generated service log: keys, paths, quoted keys, both engines, read sizes" {
	gen_logs "$TMP/app.jsonl"
	grep -q $'\r$' "$TMP/app.jsonl"
	grep -q '\\u00e9' "$TMP/app.jsonl"
	grep -q '\\ud83d\\ude00' "$TMP/app.jsonl"
	local want
	want=$(oracle "$TMP/app.jsonl" latency_ms,req.status,req.t.ms)
	check_sizes "count(), count(latency_ms), sum(latency_ms), min(latency_ms), max(latency_ms),
		count(req.status), sum(req.status), min(req.status), max(req.status),
		count(req.t.ms), sum(req.t.ms), min(req.t.ms), max(req.t.ms) from $TMP/app.jsonl" "$want"
	want=$(oracle "$TMP/app.jsonl" ok,id)
	check_sizes "count(), count(ok), sum(ok), min(ok), max(ok), count(id), sum(id), min(id), max(id)
		from $TMP/app.jsonl" "$want"
}

@test "a generated service log: by a string key with escapes and UTF-8" {
	gen_logs "$TMP/app.jsonl"
	check_sizes "count(), sum(req.status) by svc from $TMP/app.jsonl" \
		"$(oracle "$TMP/app.jsonl" by | sed 's/^q"t,/"q""t",/')"
}

@test "a generated service log: string values compared as text, their kinds sampled" {
	gen_logs "$TMP/app.jsonl"
	check_sizes "count() filter (where svc = 'q\"t'), count() filter (where \"user agent\" like '%5.0%'),
		count() filter (where svc in ('api', 'web')), count() filter (where svc ~ '^[a-c]'),
		count(distinct svc), min(svc), max(svc), count(svc) from $TMP/app.jsonl" \
		"$(oracle "$TMP/app.jsonl" text)"
}

@test "a bare null compared as text is NULL, a string \"null\" is text, a missing key NULL" {
	printf '%s\n' '{"a":"x","n":1}' '{"a":"null","n":2}' '{"a":null,"n":4}' '{"n":8}' \
		'{"a":"","n":16}' '{"a":true,"n":32}' '{"a":"y\"z","n":64}' '{"a":"\u00e9t\u00e9","n":128}' \
		>"$TMP/t.jsonl"
	SIZES="1 3 4093"
	check_sizes "sum(n) filter (where a is null), sum(n) filter (where a = 'null'),
		sum(n) filter (where a !~ 'u'), sum(n) filter (where a ~ 'u'), sum(n) filter (where a <> 'x'),
		sum(n) filter (where a = 'y\"z'), sum(n) filter (where a like '%t%'),
		sum(n) filter (where a in ('true', 'x')) from $TMP/t.jsonl" \
		"28,2,193,34,226,64,160,33"
	# a key whose sampled values are all strings is text to count(distinct), min and max
	printf '%s\n' '{"a":"x"}' '{"a":null}' '{}' '{"a":"w","a":"z"}' '{"a":"","b":{"a":"v"}}' \
		'{"a":"\u00e9"}' >"$TMP/s.jsonl"
	check_sizes "count(distinct a), min(a), max(a), count(a) from $TMP/s.jsonl" "3,w,é,3"
}

@test "the warnings: malformed lines, NULL values, missing keys, exact text" {
	printf '%s\n' '{"a": 1, "b": null}' 'oops' '{"a": "x"}' '{"b": 2}' '[1]' \
		'{"a": [1], "b": "NA"}' >"$TMP/w.jsonl"
	both_engines_stderr "sum(a), sum(b) from $TMP/w.jsonl" $'sum(a): 1\nsum(b): 2' \
		"bpfq: warning: skipped 2 lines that are not a JSON object; the first at $TMP/w.jsonl:2:1
bpfq: warning: 2 fields that are not a number read as NULL; the first at $TMP/w.jsonl:3:7
bpfq: warning: 2 fields read as NULL: 1 NA, 1 NULL; the first at $TMP/w.jsonl:1:15
bpfq: warning: 2 fields missing (no such key in the object) read as NULL; the first in the record at $TMP/w.jsonl:3:1"
}

@test "escapes in keys and strings, quoted keys, dotted paths against dotted keys" {
	printf '%s\n' \
		'{"user agent": "1", "a.b": 10, "a": {"b": 100}, "caf\u00e9": 5, "q\"k": 7, "n\\t": 3}' \
		'{"user agent": " 2 ", "a.b": 20, "a": {"b": 200, "c": {"b": 9}}, "café": 6, "q\"k": 8}' \
		>"$TMP/e.jsonl"
	both_engines "sum(\"user agent\"), sum(\"a.b\"), sum(a.b), sum(\"café\") from $TMP/e.jsonl" \
		$'sum("user agent"): 3\nsum("a.b"): 30\nsum(a.b): 300\nsum("caf\\xc3\\xa9"): 11'
}

@test "true and false are 1 and 0, numbers in strings are numbers, the first of a repeated key" {
	printf '%s\r\n' '{"ok": true, "n": "12", "k": 1, "k": 50}' '{"ok": false, "n": "1e2", "k": 2}' \
		'{ "ok" : true , "n" : 3.5e-1 , "k" : 3 }' >"$TMP/b.jsonl"
	both_engines "sum(ok), sum(n), sum(k), count() from $TMP/b.jsonl" \
		$'sum(ok): 2\nsum(n): 112.35\nsum(k): 6\ncount(): 3'
	both_engines "sum(n), count() where ok = 1 from $TMP/b.jsonl" $'sum(n): 12.35\ncount(): 2'
	both_engines "count() where ok = 0 from $TMP/b.jsonl" '1'
}

@test "nesting deeper than 8 is a malformed line; 8 is read" {
	python3 -c '
print("{\"a\":" * 8 + "1" + "}" * 8)
print("{\"a\":" * 9 + "1" + "}" * 9)
print("{\"a\":" * 7 + "[1]" + "}" * 7)
print("{\"a\":" * 7 + "[[1]]" + "}" * 7)' >"$TMP/d.jsonl"
	both_engines_stderr "sum(a.a.a.a.a.a.a.a), count() from $TMP/d.jsonl" \
		$'sum(a.a.a.a.a.a.a.a): 1\ncount(): 2' \
		"bpfq: warning: skipped 2 lines that are not a JSON object; the first at $TMP/d.jsonl:2:1
bpfq: warning: 1 field missing (no such key in the object) read as NULL; the first in the record at $TMP/d.jsonl:3:1"
}

@test "the format: by the name, by a first '{', or named; \$N is refused" {
	printf '{"v": 4}\n{"v": 5}\n' >"$TMP/log"
	cp "$TMP/log" "$TMP/x.ndjson"
	both_engines "sum(v) from $TMP/log" "9"
	both_engines "sum(v) from $TMP/x.ndjson" "9"
	run bpfq -v --engine=user "sum(v) from $TMP/log"
	[[ ${lines[0]} == "bpfq: reading '$TMP/log' as json (no format named): its first byte that is not a blank is '{'" ]]
	run bpfq --engine=user "sum(v)" <"$TMP/log"
	assert_status 0
	assert_output "9"
	run bpfq --engine=user "sum(v) from - as json" <"$TMP/log"
	assert_output "9"
	run bpfq --engine=user "sum(y) from $TMP/nope"
	assert_status 2
	printf '\xef\xbb\xbf{"v": 1}\r\n' >"$TMP/bom"
	both_engines "sum(v) from $TMP/bom" "1"
	run bpfq --engine=user "sum(\$1) from $TMP/log as json"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:5-6: '\$1': 'as json' input has no numbered fields; name the keys, as status or req.status" ]]
	run bpfq --engine=user "sum(v) from $TMP/log as text"
	assert_status 2
	run bpfq --engine=user "sum(\"\") from $TMP/log as json"
	assert_status 2
	[[ ${lines[0]} == 'bpfq: error: 1:5-6: an empty name: a JSON key has at least one byte' ]]
}

@test "json: no byte of a key reaches the program" {
	require_root || return 1
	printf '{"evil*/ x": 1}\n' >"$TMP/i.jsonl"
	run bpfq -d c --dry-run "sum(\"evil*/ x\") from $TMP/i.jsonl"
	assert_status 0
	[[ $output == *bpfq_json_field* ]]
	[[ $output != *evil* ]]
	run bpfq "sum(\"evil*/ x\") from $TMP/i.jsonl"
	assert_output "1"
}

@test "a skipped line counts for nothing but itself; a number past int64 stops" {
	printf '%s\n' '{"a": "x", "b": 1.0000000001, "c": 99999999999999999999' '{"a": 2, "b": 3}' \
		>"$TMP/s.jsonl"
	both_engines_stderr "sum(a), sum(b), sum(c) from $TMP/s.jsonl" $'sum(a): 2\nsum(b): 3\nsum(c): null' \
		"bpfq: warning: skipped 1 line that is not a JSON object; the first at $TMP/s.jsonl:1:1
bpfq: warning: 1 field missing (no such key in the object) read as NULL; the first in the record at $TMP/s.jsonl:2:1"
	printf '{"c": 1}\n{"c": 99999999999999999999}\n' >"$TMP/big.jsonl"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run --separate-stderr bpfq --engine=$engine "sum(c) from $TMP/big.jsonl"
		assert_status 3
		[[ $stderr == "bpfq: error: a number past int64 (-9223372036854775808 to 9223372036854775807) cannot be held, at $TMP/big.jsonl:2:7: '99999999999999999999}'; no answer" ]]
	done
}

@test "by file over a glob of 1,000 small files: each file's answer, both engines" {
	mkdir "$TMP/logs"
	python3 - "$TMP/logs" <<'PY'
import random, sys
random.seed(1000)
for i in range(1000):
    with open('%s/app-%04d.jsonl' % (sys.argv[1], i), 'w') as f:
        for j in range(random.randrange(0, 6)):
            f.write('{"ms": %d, "req": {"status": %d}}\n' % (random.randrange(-50, 1000), random.choice([200, 500])))
PY
	# Each file's answer by Python's json, in one process (a process a
	# file was most of this test's time).
	want=$(cd "$TMP" && python3 -c '
import glob, json
for f in sorted(glob.glob("logs/app-*.jsonl")):
    rows = [json.loads(l) for l in open(f)]
    ms = [r["ms"] for r in rows if r["req"]["status"] == 500]
    print("%s,%d,%s" % (f, len(ms), sum(ms) if ms else ""))')
	cd "$TMP"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run --separate-stderr bpfq --engine=$engine -o csv \
			"count(), sum(ms) where req.status = 500 by file from 'logs/app-*.jsonl'"
		assert_status 0
		[[ ${lines[0]} == 'file,count(),sum(ms)' ]]
		output=$(printf '%s\n' "${lines[@]:1}")
		assert_output "$want"
	done
	# the same as each file read alone
	run bpfq --engine=user "count(), sum(ms) where req.status = 500 from logs/app-0007.jsonl"
	[[ $output == "count(): $(grep '^logs/app-0007.jsonl,' <<<"$want" | cut -d, -f2)"* ]]
}

@test "by file: a folder, partials and merge, order by file, file elsewhere refused" {
	mkdir "$TMP/d"
	seq 1 3 20 >"$TMP/d/a.txt"
	seq 2 3 20 >"$TMP/d/b.txt"
	: >"$TMP/d/c.txt"
	cd "$TMP"
	both_engines "count(), sum(x) by file order by file desc from d/ as numbers" \
		"file     count()  sum(x)
d/c.txt        0    null
d/b.txt        7      77
d/a.txt        7      70"
	bpfq --engine=user --partial "sum(x) by file from d/a.txt d/b.txt as numbers" >p1
	bpfq --engine=user --partial "sum(x) by file from d/b.txt as numbers" >p2
	run bpfq merge p1 p2
	assert_status 0
	assert_output "file     sum(x)
d/a.txt      70
d/b.txt     154"
	run bpfq --engine=user "sum(x) where file > 1 from d/a.txt as numbers"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:19: '>' cannot compare text with a number" ]]
}

@test "JSON lines are told by their first '{' in a pipe, a compressed file, a glob and a list" {
	printf '{"a": 1, "s": "x"}\n{"a": 2.5, "s": "y"}\n' >"$TMP/j.log"
	printf '\xef\xbb\xbf\n  {"a": 10, "s": "x"}\r\n' >"$TMP/k.log"
	gzip -c "$TMP/j.log" >"$TMP/j.log.gz"
	run bash -c "cat '$TMP/j.log' | '$BPFQ' --engine=user 'sum(a)'"
	assert_status 0
	assert_output "3.5"
	run bash -c "gzip -c '$TMP/k.log' | '$BPFQ' --engine=user -v 'sum(a) by s'"
	assert_status 0
	assert_output "bpfq: reading '<stdin>' as json (no format named): its first byte that is not a blank is '{'
s  sum(a)
x      10"
	both_engines "sum(a), count() from $TMP/j.log.gz" "sum(a): 3.5
count(): 2"
	both_engines "sum(a) by s from $TMP/j.log $TMP/k.log" "s  sum(a)
x      11
y     2.5"
	both_engines "sum(a) by s from '$TMP/*.log'" "s  sum(a)
x      11
y     2.5"
	require_root
	run bash -c "cat '$TMP/j.log' | '$BPFQ' 'max(a)'"
	assert_status 0
	assert_output "2.5"
}

@test "a pipe or compressed file that is not JSON lines keeps the query's error" {
	run bash -c "printf 'a b\n' | '$BPFQ' --engine=user 'sum(a)'"
	assert_status 2
	assert_output "bpfq: error: 1:5: unknown name 'a'; the input's values are called x
  sum(a)
      ~"
	printf 'a b\n' | gzip >"$TMP/t.gz"
	run bpfq --engine=user "sum(a) from $TMP/t.gz"
	assert_status 3
	assert_output "bpfq: error: '$TMP/t.gz' does not look like numbers: 2 of its first 2 tokens are not, as in 'a b'; name a format: 'as text' and \$1, \$2, ... for its fields, 'as csv', 'as json', or 'as numbers' to read the numbers in it and skip the rest"
}
