#!/usr/bin/env bats
# Values held to 18 decimals: Python floats of small magnitude, as DuckDB
# reads them in a csv. Every value of magnitude 0.001 or more is held
# exactly, smaller ones rounded half to even at the 18th decimal (with a
# warning); sums, minima and maxima are exact, and avg, var and stddev are
# the double nearest the exact value. Python computes each wanted text
# from Decimal and Fraction: an oracle independent of bpfq's code.

load test_helper
bats_require_minimum_version 1.5.0

SIZES="1 7 4093 65536"

# 2,000 rows of Python floats: a ~ gauss(100, 15), b ~ 1e-4 * random(),
# c ~ expovariate(0.01); some NA and empty fields.
gen_floats() {
	python3 - "$1" <<'EOF'
import random
import sys
random.seed(2718)
with open(sys.argv[1], 'w') as f:
    f.write('a,b,c\n')
    for i in range(2000):
        a, b, c = (repr(random.gauss(100, 15)), repr(1e-4 * random.random()),
                   repr(random.expovariate(0.01)))
        if i % 97 == 5:
            a = 'NA'
        if i % 131 == 7:
            b = ''
        if i % 173 == 11:
            c = 'NA'
        f.write('%s,%s,%s\n' % (a, b, c))
EOF
}

# What bpfq prints for column $2 of csv $1, one per line: sum, min, max
# (exact), avg, var, stddev (the double nearest), then the count of
# values held rounded.
py_column() {
	python3 - "$1" "$2" "$BATS_TEST_DIRNAME" <<'EOF'
import csv
import sys
from decimal import Decimal, ROUND_HALF_EVEN
from fractions import Fraction
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[3])
from exact_text import text, root

def exact(d):
    s = format(d.normalize(), 'f')
    return '0' if s in ('0', '-0') else s

rows = list(csv.DictReader(open(sys.argv[1], newline='')))
texts = [r[sys.argv[2]] for r in rows if r[sys.argv[2]] not in ('', 'NA')]
held = [Decimal(t).quantize(Decimal('1e-18'), rounding=ROUND_HALF_EVEN) for t in texts]
rounded = sum(h != Decimal(t) for h, t in zip(held, texts))
xs = [Fraction(h) for h in held]
n, mean = len(xs), sum(xs) / len(xs)
var = sum((x - mean) ** 2 for x in xs) / (n - 1)
print(exact(sum(held)), exact(min(held)), exact(max(held)), text(mean), text(var), root(var),
      rounded, sep='\n')
EOF
}

# The six answers of column $1 of $TMP/fl.csv, as bpfq labels them.
want_column() {
	local w
	mapfile -t w < <(py_column "$TMP/fl.csv" "$1")
	printf 'sum(%s): %s\nmin(%s): %s\nmax(%s): %s\navg(%s): %s\nvar(%s): %s\nstddev(%s): %s' \
		"$1" "${w[0]}" "$1" "${w[1]}" "$1" "${w[2]}" "$1" "${w[3]}" "$1" "${w[4]}" "$1" "${w[5]}"
}

@test "Python floats of 1e-4 and less: sum, min, max exact, avg, var, stddev the nearest double" {
	gen_floats "$TMP/fl.csv"
	# The small ones have more than 18 decimals: each is rounded once.
	mapfile -t w < <(py_column "$TMP/fl.csv" b)
	[[ ${w[6]} -gt 1000 ]]
	check_sizes "sum(b), min(b), max(b), avg(b), var(b), stddev(b) from $TMP/fl.csv" "$(want_column b)"
	run bpfq --engine=user "count(b) from $TMP/fl.csv"
	assert_status 0
	[[ $output == *"bpfq: warning: ${w[6]} values had more than 18 decimals and were rounded to 18; the first, '"* ]]
}

@test "Python floats of 0.001 and more are held exactly: no rounding, every digit" {
	gen_floats "$TMP/fl.csv"
	for col in a c; do
		mapfile -t w < <(py_column "$TMP/fl.csv" $col)
		[[ ${w[6]} == 0 ]]
		check_sizes "sum($col), min($col), max($col), avg($col), var($col), stddev($col) from $TMP/fl.csv" \
			"$(want_column $col)"
	done
	# Summed in the query's order of the file, a sum of 1,980 exact values.
	run --separate-stderr bpfq --engine=user -o csv "sum(a) from $TMP/fl.csv"
	assert_status 0
	[[ -z $stderr || $stderr != *rounded* ]]
}

@test "min of 2.3607021354399293e-10 is its 18 decimals, not 0; literals of 18 decimals" {
	printf 'b\n0.000338059505147097\n2.3607021354399293e-10\n3.2260000000000004\n-3.234632000000000063e-01\n' \
		>"$TMP/s.csv"
	check_sizes "min(b), max(b), sum(b) from $TMP/s.csv" "min(b): -0.323463200000000006
max(b): 3.2260000000000004
sum(b): 2.902874859741217705"
	check_sizes "count() where b < 0.000000000236070214 from $TMP/s.csv" "1"
	check_sizes "count() where b <= 0.000000000236070214 from $TMP/s.csv" "2"
	check_sizes "count() where b = 0.000338059505147097 from $TMP/s.csv" "1"
	# * and / truncate toward zero at the 18th decimal.
	check_sizes "sum(b * 3), sum(b / 7) where b > 0 from $TMP/s.csv" "sum(b * 3): 9.679014179223653133
sum(b / 7): 0.460905437105888243"
}

@test "a literal of more than 18 decimals is rounded as the data are; 19 integer digits still hold" {
	printf 'x\n0.5\n0.4999999999999999999\n9223372036854775807.999999999999999999\n' >"$TMP/e.csv"
	check_sizes "count() where x = 0.4999999999999999995 from $TMP/e.csv" "2"
	check_sizes "max(x), min(x) from $TMP/e.csv" "max(x): 9223372036854775807.999999999999999999
min(x): 0.5"
	run bpfq --engine=user "max(x + 0.000000000000000001) from $TMP/e.csv"
	assert_status 3
	assert_output "bpfq: error: 1:7: overflow at $TMP/e.csv:4:1
  max(x + 0.000000000000000001) from $TMP/e.csv
        ~"
}

@test "partials of 18 decimals merge to the whole file's answer" {
	gen_floats "$TMP/fl.csv"
	head -1001 "$TMP/fl.csv" >"$TMP/f1.csv"
	{ head -1 "$TMP/fl.csv"; tail -n +1002 "$TMP/fl.csv"; } >"$TMP/f2.csv"
	local q='sum(b), min(b), max(c), avg(b), var(b), stddev(c), corr(a, b), covar_pop(b, c)'
	for f in f1 f2; do
		bpfq --engine=user --partial "$q from $TMP/$f.csv" 2>/dev/null
	done >"$TMP/parts"
	grep -q '^{"bpfq_partial":3,' "$TMP/parts"
	run --separate-stderr bpfq merge "$TMP/parts"
	assert_status 0
	want=$output
	run --separate-stderr bpfq --engine=user "$q from $TMP/fl.csv"
	assert_status 0
	assert_output "$want"
	[[ $output == *"min(b): 0."* ]]
}
