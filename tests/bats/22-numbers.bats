#!/usr/bin/env bats
# Numbers as real exports write them: Python's float repr, R's write.csv,
# numpy's savetxt, Stata's leading points, CRLF lines. Every answer is
# checked against Python's decimal module (rounded half to even at the
# 18th decimal, as bpfq-query(7) says), on both engines and at several
# read sizes, so a number split between reads is read once.

load test_helper
bats_require_minimum_version 1.5.0

SIZES="1 3 7 64 4096 65536"

# The answer bpfq prints for sum, min, max and count of column $col (0:
# every token) of a file; tokens that are not numbers (NA, "") skipped.
oracle() {
	python3 - "$@" <<'EOF'
import sys
from decimal import Decimal, ROUND_HALF_EVEN, getcontext, InvalidOperation
getcontext().prec = 100
path, col, sep = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vals = []
for line in open(path, newline=''):
    line = line.rstrip('\r\n')
    toks = line.split() if col == 0 or sep == ' ' else line.split(sep)
    if col:
        toks = toks[col - 1:col] if len(toks) >= col else []
    for t in toks:
        try:
            d = Decimal(t.strip().strip('"'))
        except InvalidOperation:
            continue
        if d.is_finite():
            vals.append(d.quantize(Decimal('1e-18'), rounding=ROUND_HALF_EVEN))
def show(d):
    s = format(d.normalize(), 'f')
    return '0' if s in ('-0', '0') else s
print(show(sum(vals)), show(min(vals)), show(max(vals)), len(vals), sep='\n')
EOF
}

# The aggregates' lines, unlabelled (-o csv would quote; the labels are plain).
answers() {
	sed 's/^[^:]*: //'
}

@test "Python's float repr: 17 digits, exponents for small values" {
	python3 -c '
import random
random.seed(27)
for i in range(3000):
    v = random.random() * 1000
    print(repr(v if i % 3 else -v / 10 ** random.randrange(0, 9)))
' >"$TMP/py.txt"
	grep -q 'e-0' "$TMP/py.txt"
	want=$(oracle "$TMP/py.txt" 0 ' ')
	check_sizes "sum(x), min(x), max(x), count(x) from $TMP/py.txt as numbers" \
		"$(printf 'sum(x): %s\nmin(x): %s\nmax(x): %s\ncount(x): %s' $want)"
	check_sizes "sum(\$1), min(\$1), max(\$1), count(\$1) from $TMP/py.txt as text" \
		"$(printf 'sum($1): %s\nmin($1): %s\nmax($1): %s\ncount($1): %s' $want)"
}

@test "R's write.csv: quoted names, NA, CRLF lines" {
	python3 -c '
import random
random.seed(5)
print("\"\",\"x\",\"y\"", end="\r\n")
for i in range(1, 1500):
    y = "NA" if i % 7 == 0 else repr(random.random() * 100)
    print("\"%d\",%s,%s" % (i, repr(random.uniform(-5, 5)), y), end="\r\n")
' >"$TMP/r.csv"
	want=$(oracle "$TMP/r.csv" 3 ,)
	check_sizes "sum(y), min(y), max(y), count(y) from $TMP/r.csv" \
		"$(printf 'sum(y): %s\nmin(y): %s\nmax(y): %s\ncount(y): %s' $want)"
	want=$(oracle "$TMP/r.csv" 2 ,)
	check_sizes "sum(x), min(x), max(x), count(x) from $TMP/r.csv" \
		"$(printf 'sum(x): %s\nmin(x): %s\nmax(x): %s\ncount(x): %s' $want)"
}

@test "numpy's savetxt %.18e: exponents both ways, rounded to 18 decimals" {
	python3 -c '
import random
random.seed(9)
for i in range(2000):
    a = random.uniform(-1, 1) * 10 ** random.randrange(-12, 10)
    print("%.18e %.18e" % (a, random.random()))
' >"$TMP/np.txt"
	want=$(oracle "$TMP/np.txt" 1 ' ')
	check_sizes "sum(\$1), min(\$1), max(\$1), count(\$1) from $TMP/np.txt as text" \
		"$(printf 'sum($1): %s\nmin($1): %s\nmax($1): %s\ncount($1): %s' $want)"
	want=$(oracle "$TMP/np.txt" 0 ' ')
	check_sizes "sum(x), min(x), max(x), count(x) from $TMP/np.txt as numbers" \
		"$(printf 'sum(x): %s\nmin(x): %s\nmax(x): %s\ncount(x): %s' $want)"
}

@test "Stata's leading points, trailing points and '+' in csv, quoted and blank-padded" {
	printf 'a,b\n.097,1\n-.5,"2."\n+3," .25 "\n5.,-0.\n"+.5e1",1E2\n' >"$TMP/st.csv"
	check_sizes "sum(a), sum(b), count(a), count(b) from $TMP/st.csv" \
		"$(printf 'sum(a): 12.597\nsum(b): 103.25\ncount(a): 5\ncount(b): 5')"
}

@test "a rounded value is counted once, in the warning, -s and -o json" {
	printf '%s\n' 3.2260000000000004 0.000338059505147097 2.3607021354399293e-10 1.5 \
		-3.234632000000000063e-01 >"$TMP/r.txt"
	for engine in user kernel; do
		[[ $engine == user ]] || require_root
		run bpfq --engine=$engine "sum(x) from $TMP/r.txt"
		assert_status 0
		assert_output "bpfq: warning: 2 values had more than 18 decimals and were rounded to 18; the first, '2.3607021354399293e-10', at $TMP/r.txt:3:1
4.402874859741217705"
		run bpfq --engine=$engine -s "sum(x) from $TMP/r.txt"
		[[ $output == *"  rounded:       2 numbers with more than 18 decimals"* ]]
		run bpfq --engine=$engine -o json "sum(x) from $TMP/r.txt"
		[[ $output == *'"rounded":2'* ]]
	done
	# Exact ones are not counted: trailing zeros past the 18th are no rounding.
	printf '1.500000000000000000000\n2e-18\n' >"$TMP/e.txt"
	run bpfq --engine=user "sum(x) from $TMP/e.txt"
	assert_status 0
	assert_output "1.500000000000000002"
}

@test "half to even at the 18th decimal, and exponents applied exactly" {
	printf '%s\n' 0.0000000000000000005 0.0000000000000000015 0.0000000000000000025 \
		0.00000000000000000250000000000000000001 -0.0000000000000000035 1e-19 \
		123456789012345678e-18 1.5e+3 2.5E10 >"$TMP/h.txt"
	for engine in user kernel; do
		[[ $engine == user ]] || require_root
		run bpfq --engine=$engine "min(x), max(x), sum(x), count(x) from $TMP/h.txt"
		assert_status 0
		[[ ${lines[1]} == "min(x): -0.000000000000000004" ]]
		[[ ${lines[2]} == "max(x): 25000000000" ]]
		[[ ${lines[3]} == "sum(x): 25000001500.123456789012345681" ]]
		[[ ${lines[4]} == "count(x): 9" ]]
	done
}

@test "a number past int64 stops the scan: status 3, its place, no answer" {
	printf '1\n2\n1e300\n99999999999999999999\n' >"$TMP/big.txt"
	printf 'a,b\n1,2\n3,-9223372036854775808.5\n' >"$TMP/big.csv"
	for engine in user kernel; do
		[[ $engine == user ]] || require_root
		run bpfq --engine=$engine "sum(x) from $TMP/big.txt"
		assert_status 3
		assert_output "bpfq: error: a number past int64 (-9223372036854775808 to 9223372036854775807) cannot be held, at $TMP/big.txt:3:1: '1e300'; no answer"
		run bpfq --engine=$engine "sum(\$1) from $TMP/big.txt as text"
		assert_status 3
		run bpfq --engine=$engine "count(b) from $TMP/big.csv"
		assert_status 3
		assert_output "bpfq: error: a number past int64 (-9223372036854775808 to 9223372036854775807) cannot be held, at $TMP/big.csv:3:3: '-9223372036854775808.5'; no answer"
	done
	# The limits themselves are held.
	printf '9223372036854775807\n-9223372036854775808\n-9.223372036854775808e18\n' >"$TMP/lim.txt"
	run bpfq --engine=user "min(x), max(x) from $TMP/lim.txt"
	assert_status 0
	assert_output "min(x): -9223372036854775808
max(x): 9223372036854775807"
}

@test "query literals: exponents, leading and trailing points, rounded like the data" {
	printf '%s\n' 0.001 0.0015 0.002 .5 0.4999999999999999999 3.2260000000000004 >"$TMP/q.txt"
	for engine in user kernel; do
		[[ $engine == user ]] || require_root
		run bpfq --engine=$engine "count() where x > 1.5e-3 from $TMP/q.txt"
		[[ ${lines[${#lines[@]} - 1]} == 4 ]]
		run bpfq --engine=$engine "count() where x >= .5 from $TMP/q.txt"
		[[ ${lines[${#lines[@]} - 1]} == 3 ]]
		run bpfq --engine=$engine "count() where x == 3.2260000000000004 or x == 5e-1 from $TMP/q.txt"
		[[ ${lines[${#lines[@]} - 1]} == 3 ]]
		run bpfq --engine=$engine "count() where x < 2. and x > -1E+2 from $TMP/q.txt"
		[[ ${lines[${#lines[@]} - 1]} == 5 ]]
	done
}

@test "NA, inf, nan, NULL, - : skipped as numbers, NULL fields counted by kind" {
	printf '1.5 NA inf 2e0 nan -\n' >"$TMP/w.txt"
	run bpfq --engine=user "sum(x), count(x) from $TMP/w.txt as numbers"
	assert_status 0
	[[ ${lines[0]} == "bpfq: warning: skipped 4 tokens that are not numbers; the first, 'NA', at $TMP/w.txt:1:5" ]]
	[[ ${lines[1]} == "sum(x): 3.5" ]]
	# 12,7: a number among the words keeps b a column of numbers (not of text)
	printf 'a,b\n1,NA\n2,"N/A"\n3, inf \n4,-Infinity\n5,nan\n6,-\n7,NULL\n8,x\n9,N A\n10,+\n11,null\n12,7\n' \
		>"$TMP/w.csv"
	printf 'NA 1\n- 2\ninf 3\nNaN 4\n' >"$TMP/w.log"
	for engine in user kernel; do
		[[ $engine == user ]] || require_root
		run bpfq --engine=$engine "sum(a), count(b) from $TMP/w.csv"
		assert_status 0
		assert_output "bpfq: warning: 3 fields that are not a number read as NULL; the first, 'x', at $TMP/w.csv:9:3
bpfq: warning: 8 fields read as NULL: 2 NA, 2 NULL, 1 '-', 2 inf, 1 nan; the first, 'NA', at $TMP/w.csv:2:3
sum(a): 78
count(b): 1"
		run bpfq --engine=$engine -s "count(\$1), sum(\$2) from $TMP/w.log as text"
		[[ ${lines[0]} == "bpfq: warning: 4 fields read as NULL: 1 NA, 1 '-', 1 inf, 1 nan; the first, 'NA', at $TMP/w.log:1:1" ]]
		[[ $output == *"  NULL words:    1 NA, 0 NULL, 1 '-', 1 inf, 1 nan"* ]]
		run bpfq --engine=$engine -o json "count(\$1) from $TMP/w.log as text"
		[[ $output == *'"null_words":{"NA":1,"NULL":0,"-":1,"inf":1,"nan":1}'* ]]
	done
}

@test "--partial carries the rounded and NULL-word counts, and merge adds them up" {
	printf 'a,b\n1.1234567891234567891,NA\n2,-\n' >"$BATS_TEST_TMPDIR/p1.csv"
	printf 'a,b\n0.5000000000000000005,inf\n3,4\n' >"$BATS_TEST_TMPDIR/p2.csv"
	for p in 1 2; do
		"$BPFQ" --partial "sum(a), count(b) from $BATS_TEST_TMPDIR/p$p.csv" 2>/dev/null
	done >"$BATS_TEST_TMPDIR/parts"
	run --separate-stderr "$BPFQ" merge "$BATS_TEST_TMPDIR/parts"
	[ "$status" -eq 0 ]
	[ "$output" = $'sum(a): 6.623456789123456789\ncount(b): 1' ]
	[ "$stderr" = "bpfq merge: warning: the runs skipped 0 malformed tokens and read 3 fields as NULL (each run's stderr says where)
bpfq merge: warning: the runs rounded 2 values with more than 18 decimals to 18 (each run's stderr says where)" ]
}
