# The independent oracle: the query's answer computed by gawk with exact
# (GMP) integers, from the same token rules bpfq documents. Run as
#   LC_ALL=C gawk -M -v PREC=256 -f oracle.awk -f QUERY.awk FILE
# where QUERY.awk defines keep(x), the where clause, and value(e, x), the
# value of aggregate expression e; -v AGGS="sum x;count;avg x * 2" lists
# the aggregates. Query expressions wrap each operation in c() (int64
# overflow check), d() (division) or m() (modulo), so the first run-time
# error is found where bpfq finds it.
BEGIN {
	RS = "[ \t\n\v\f\r,]+"
	MIN64 = -9223372036854775808; MAX64 = 9223372036854775807
	line = 1; col = 1
	n = split(AGGS, spec, ";")
}

function fail(what) {
	failed = what
	exit
}

function c(v) {
	if (v < MIN64 || v > MAX64) fail("integer overflow")
	return v
}

# C division: truncates toward zero.
function d(a, b) {
	if (b == 0) fail("division by zero")
	return c(int(a / b))
}

function m(a, b) {
	if (b == 0) fail("division by zero")
	return a - int(a / b) * b
}

function kind_of(s) {
	sub(/ .*/, "", s)
	return s
}

function advance(text,   i, c) {
	for (i = 1; i <= length(text); i++) {
		c = substr(text, i, 1)
		if (c == "\n") { line++; col = 1 } else col++
	}
}

{
	tok = $0; tline = line; tcol = col
	col += length(tok)
	advance(RT)
	if (tok == "") next
	if (tok !~ /^[+-]?[0-9]+$/ || tok + 0 < MIN64 || tok + 0 > MAX64) {
		if (!malformed++) { first_line = tline; first_col = tcol }
		next
	}
	x = tok + 0
	if (!keep(x)) next
	for (i = 1; i <= n; i++) {
		k = kind_of(spec[i])
		if (k == "count") { cnt[i]++; continue }
		v = value(substr(spec[i], length(k) + 2), x)
		if (k == "exists") { if (v) cnt[i]++; continue }
		cnt[i]++; sum[i] += v
		if (cnt[i] == 1 || v < mn[i]) mn[i] = v
		if (cnt[i] == 1 || v > mx[i]) mx[i] = v
	}
	if (all_exists_true()) exit
}

# A query of only exists() stops reading once all are true.
function all_exists_true(   i) {
	for (i = 1; i <= n; i++)
		if (kind_of(spec[i]) != "exists" || !cnt[i]) return 0
	return 1
}

# Exact sum / count to 6 decimals, half away from zero, trailing zeros cut.
function avg(s, c,   neg, scaled, q, r, whole, frac) {
	neg = s < 0; if (neg) s = -s
	scaled = s * 1000000; q = int(scaled / c); r = scaled - q * c
	if (2 * r >= c) q++
	whole = int(q / 1000000); frac = q - whole * 1000000
	frac = sprintf("%06d", frac); sub(/0+$/, "", frac)
	return (neg && q ? "-" : "") whole (frac == "" ? "" : "." frac)
}

END {
	if (failed) {
		print "error: " failed
		exit
	}
	for (i = 1; i <= n; i++) {
		k = kind_of(spec[i])
		if (k == "count") print cnt[i] + 0
		else if (k == "exists") print (cnt[i] ? "true" : "false")
		else if (!cnt[i]) print "null"
		else if (k == "sum") print sum[i]
		else if (k == "min") print mn[i]
		else if (k == "max") print mx[i]
		else if (k == "avg") print avg(sum[i], cnt[i])
	}
	if (malformed)
		printf "skipped %d at %d:%d\n", malformed, first_line, first_col > "/dev/stderr"
}
