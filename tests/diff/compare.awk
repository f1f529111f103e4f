# Compares the oracle's answer with bpfq's, cell by cell (both as bpfq's
# `-o csv` rows): exits 0 when they agree. A cell the oracle wrote as
#   ~q:EXACT  (quantile)        must be the value of a bucket at most 1/128 of
#             |EXACT| toward zero from it (plus a bucket's width below
#             128 * 2^-30, where they are 2^-30 wide, and 2e-18: the bucket
#             bounds are rounded toward zero to 18 decimals), never past it;
#   ~Q:EXACT  (quantile by groups, 32 buckets an octave) the same within 1/32;
#   ~m:LOW:HIGH (a median of an even count past --max-values) must be the
#             mean of two values, each as ~q: of LOW and of HIGH;
#   ~M:LOW:HIGH the same by groups, as ~Q:;
# any other cell must be equal byte for byte.
#
#   LC_ALL=C gawk -M -f compare.awk ORACLE GOT

BEGIN {
	S = 1000000000000000000
	W = int(S / 2 ^ 30) + 1
	while ((getline line < ARGV[1]) > 0) want[++nw] = line
	while ((getline line < ARGV[2]) > 0) got[++ng] = line
	if (nw != ng) fail("the answers have " nw " and " ng " lines")
	pat = "([^,]*)|(\"([^\"]|\"\")*\")"
	for (i = 1; i <= nw; i++) {
		if (want[i] == got[i]) continue
		n = patsplit(want[i], w, pat)
		if (patsplit(got[i], g, pat) != n) fail("line " i ": the cells differ in number")
		for (j = 1; j <= n; j++)
			if (!same(w[j], g[j])) fail("line " i ", cell " j ": '" g[j] "' is not " w[j])
	}
	exit 0
}

function fail(why) {
	print why > "/dev/stderr"
	exit 1
}

# "-12.5" as 10^-18 units, exactly; "" when it is not a decimal.
function scaled(s,   neg, p, ip, fp) {
	if (s !~ /^-?[0-9]+(\.[0-9]+)?$/) return ""
	neg = s ~ /^-/
	sub(/^-/, "", s)
	p = index(s, ".")
	ip = p ? substr(s, 1, p - 1) : s
	fp = p ? substr(substr(s, p + 1) "000000000000000000", 1, 18) : "0"
	return (neg ? -1 : 1) * ((ip + 0) * S + (fp + 0))
}

# "-12.5" as 10^-19 units, exactly: a median's mean takes a 19th decimal.
function scaled19(s,   p) {
	if (s !~ /^-?[0-9]+(\.[0-9]+)?$/) return ""
	p = index(s, ".")
	if (p && length(s) - p > 19) return ""
	return scaled(s) * 10 + (p && length(s) - p == 19 ? (s ~ /^-/ ? -1 : 1) * substr(s, length(s)) : 0)
}

# The range a bucket bound of exact e takes (toward zero, within 1/d): low, high.
function bound_range(e, d) {
	if (e >= 0) {
		RLO = e - idiv(e + d * (W + 2), d) - 1; RHI = e
	} else {
		RLO = e; RHI = e + idiv(-e + d * (W + 2), d) + 1
	}
}

function idiv(a, b) {
	return (a - a % b) / b
}

# ~m:LOW:HIGH: twice the answer within the sum of the two ranges.
function same_mean(w, g,   part, v, d, lo, hi) {
	split(substr(w, 4), part, ":")
	v = scaled19(g)
	if (v == "") return 0
	d = w ~ /^~M:/ ? 32 : 128
	bound_range(scaled(part[1]), d); lo = RLO; hi = RHI
	bound_range(scaled(part[2]), d); lo += RLO; hi += RHI
	return 2 * v >= 10 * lo && 2 * v <= 10 * hi
}

function same(w, g,   e, v, ae, av, d) {
	if (w == g) return 1
	if (w ~ /^~[mM]:/) return same_mean(w, g)
	if (w ~ /^~[qQ]:/) {
		e = scaled(substr(w, 4)); v = scaled(g)
		if (v == "") return 0
		ae = e < 0 ? -e : e; av = v < 0 ? -v : v
		if (v != 0 && (v < 0) != (e < 0)) return 0
		d = w ~ /^~Q:/ ? 32 : 128
		return av <= ae && d * (ae - av) <= ae + d * (W + 2)
	}
	return 0
}
