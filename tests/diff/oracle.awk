# The independent oracle: the query's answer computed by gawk with exact
# (GMP) integers, from the same token rules bpfq documents. Run as
#   LC_ALL=C gawk -M -v PREC=256 -v AGGS="sum x;count" -f oracle.awk -f QUERY.awk FILE
# where AGGS lists the aggregates ("kind gawk-expression", ";"-separated)
# and QUERY.awk, written for the query by tests/diff/run, defines take(x):
# apply the where clause and fold x into every aggregate, returning 1 when
# the answer is known (every exists() true), and results(): the totals into
# cnt[], sum[], mn[], mx[]. Query expressions wrap each operation in c()
# (int64 overflow check), d() (division) or m() (modulo), so the first
# run-time error is found where bpfq finds it.
#
# Per token this does as little as it can, and take() is unrolled into
# scalar variables: gawk -M is slow with arrays, and this loop is most of
# the differential tests' time.
BEGIN {
	RS = "[ \t\n\v\f\r,]+"
	MIN64 = -9223372036854775808; MAX64 = 9223372036854775807
	line = 1; col = 1
	n = split(AGGS, spec, ";")
	for (i = 1; i <= n; i++) {
		kind[i] = spec[i]
		sub(/ .*/, "", kind[i])
	}
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

{
	tok = $0
	if (tok != "") {
		if (tok !~ /^[+-]?[0-9]+$/ || (x = tok + 0) < MIN64 || x > MAX64) {
			if (!malformed++) { first_line = line; first_col = col }
		} else if (take(x))
			exit
	}
	# The column after the token and its separators; a newline restarts it.
	sep = RT
	if (!index(sep, "\n"))
		col += length(tok) + length(sep)
	else {
		line += gsub(/\n/, "\n", sep)
		match(sep, /\n[^\n]*$/)
		col = RLENGTH
	}
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
	results()
	for (i = 1; i <= n; i++) {
		k = kind[i]
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
