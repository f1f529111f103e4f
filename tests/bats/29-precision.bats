#!/usr/bin/env bats
# Results as precise as DuckDB's DOUBLE: avg, var, stddev, the pairs'
# aggregates and columns over aggregates are exact when they end within 38
# digits, else the double nearest the exact value in Python's repr().
# Python computes each wanted text from exact Fractions (and Decimal
# square roots at 60 digits): an oracle independent of bpfq's GMP code.

load test_helper

# Python's text for each statistic of the numbers in file $1, one per line:
# what bpfq prints for avg, var_samp, var_pop, stddev_samp, stddev_pop.
py_stats() {
	python3 - "$1" "$BATS_TEST_DIRNAME" <<'EOF'
import sys
from fractions import Fraction
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from exact_text import text, root

xs = [Fraction(t) for t in open(sys.argv[1]).read().split()]
n, mean = len(xs), sum(xs) / len(xs)
ss = sum((x - mean) ** 2 for x in xs)
for v in (mean, ss / (n - 1), ss / n):
    print(text(v))
for v in (ss / (n - 1), ss / n):
    print(root(v))
EOF
}

Q='avg(x), var_samp(x), var_pop(x), stddev_samp(x), stddev_pop(x)'

# Both engines print Python's texts for file $1, in text, csv and json.
check_stats() {
	local want
	mapfile -t want < <(py_stats "$1")
	both_engines "$Q from $1" "avg(x): ${want[0]}
var_samp(x): ${want[1]}
var_pop(x): ${want[2]}
stddev_samp(x): ${want[3]}
stddev_pop(x): ${want[4]}"
	run bpfq --engine=user -o csv "$Q from $1"
	assert_status 0
	assert_output "avg(x),var_samp(x),var_pop(x),stddev_samp(x),stddev_pop(x)
${want[0]},${want[1]},${want[2]},${want[3]},${want[4]}"
	run bpfq --engine=user -o json "$Q from $1"
	assert_status 0
	[[ $output == *"\"name\":\"avg(x)\",\"value\":${want[0]}}"* ]]
	[[ $output == *"\"name\":\"stddev_pop(x)\",\"value\":${want[4]}}"* ]]
	python3 -c 'import json, sys; json.loads(sys.argv[1])' "$output"
}

@test "p-values near 0.000338: every digit of avg, var and stddev, as Python's" {
	printf '%s\n' 0.000338061 0.000337954 0.000338412 0.000339007 0.000337215 \
		0.000338338 0.000338901 0.000337777 >"$TMP/p.txt"
	check_stats "$TMP/p.txt"
	run bpfq --engine=user "avg(x), var(x), stddev(x) from $TMP/p.txt"
	assert_output "avg(x): 0.000338208125
var(x): 3.478715535714286e-13
stddev(x): 5.898063695582039e-07"
}

@test "values near 0.001: a variance of 7e-18 is not 0" {
	printf '%s\n' 0.001000001 0.001000003 0.001000002 0.001000007 >"$TMP/n.txt"
	check_stats "$TMP/n.txt"
	run bpfq --engine=user "var(x) from $TMP/n.txt"
	assert_output "6.916666666666667e-18"
}

@test "1 to 10: exact avg and var_pop, stddev 3.0276503540974917" {
	seq 1 10 >"$TMP/s.txt"
	check_stats "$TMP/s.txt"
	both_engines "avg(x), var_pop(x), stddev(x), stddev_pop(x) from $TMP/s.txt" "avg(x): 5.5
var_pop(x): 8.25
stddev(x): 3.0276503540974917
stddev_pop(x): 2.8722813232690143"
}

@test "exact results print exactly: avg of 1 and 2, a square root that ends" {
	printf '1\n2\n' >"$TMP/a.txt"
	both_engines "avg(x), stddev_pop(x), var(x) from $TMP/a.txt" "avg(x): 1.5
stddev_pop(x): 0.5
var(x): 0.5"
	printf '1\n1\n2\n' >"$TMP/b.txt"
	both_engines "avg(x) from $TMP/b.txt" "1.3333333333333333"
}

@test "exponents only where Python's repr uses them" {
	printf '%s\n' 0.00001 0.00001 0.000011 >"$TMP/e.txt"
	both_engines "avg(x), avg(x) * 10 from $TMP/e.txt" "avg(x): 1.0333333333333333e-05
avg(x) * 10: 0.00010333333333333333"
	printf '%s\n' 12345678901234567 12345678901234568 12345678901234568 >"$TMP/big.txt"
	both_engines "avg(x), avg(x) / 10 from $TMP/big.txt" "avg(x): 1.2345678901234568e+16
avg(x) / 10: 1234567890123456.8"
}

@test "columns over aggregates are exact rationals until printed" {
	seq 1 10 >"$TMP/s.txt"
	both_engines "1 / 3 * count(), count() / 3 * 3, 7 / 2 * count() / count(), sum(x) / count() from $TMP/s.txt" \
"1 / 3 * count(): 3.3333333333333335
count() / 3 * 3: 10
7 / 2 * count() / count(): 3.5
sum(x) / count(): 5.5"
	printf '%s\n' 0.0123 0.0121 0.0125 0.0124 0.0122 0.0126 0.0127 >"$TMP/r.txt"
	run bpfq --engine=user "sum(x) / count(), stddev(x) * 2 - stddev(x), 100.0 * count() filter (where x >= 0.0125) / count() from $TMP/r.txt"
	assert_status 0
	# the sample variance is 7 / 150000000
	assert_output "sum(x) / count(): 0.0124
stddev(x) * 2 - stddev(x): $(python3 -c 'from decimal import *; getcontext().prec = 60
print(repr(float((Decimal(7) / Decimal(150000000)).sqrt())))')
100 * count() filter (where x >= 0.0125) / count(): 42.857142857142854"
	run bpfq --engine=user "count() / (count() - 7) from $TMP/r.txt"
	assert_status 3
	assert_output "bpfq: error: division by zero in 'count() / (count() - 7)'"
}

@test "having and order by compare exact values, not printed ones" {
	printf 'a 0.1\na 0.1\na 0.100000001\nb 0.1\nb 0.1\nc 0.3\nc 0.3\nc 0.300000001\n' >"$TMP/h.txt"
	both_engines "avg(\$2) by \$1 having avg(\$2) > 0.1 order by avg(\$2) from $TMP/h.txt" '$1              avg($2)
a   0.10000000033333334
c   0.30000000033333335'
	both_engines "avg(\$2) * 3 as t by \$1 having avg(\$2) * 3 == 0.300000001 from $TMP/h.txt" '$1            t
a   0.300000001'
}

@test "merged partials print the whole file's digits" {
	seq 1 1000 | awk '{ printf "%s %.9f\n", $1 % 7, 1 / ($1 + 2) }' >"$TMP/all.txt"
	head -n 333 "$TMP/all.txt" >"$TMP/h1.txt"
	tail -n +334 "$TMP/all.txt" >"$TMP/h2.txt"
	local q='avg($2), stddev($2), sum($2) / count() as m, corr($2, $1) by $1 having var($2) > 0 order by m desc'
	run bpfq --engine=user -o json "$q from $TMP/all.txt"
	assert_status 0
	local want=${output#*\"groups\"}
	bpfq --engine=user --partial "$q from $TMP/h1.txt" >"$TMP/h1.part"
	bpfq --engine=user --partial "$q from $TMP/h2.txt" >"$TMP/h2.part"
	run bpfq merge -o json "$TMP/h1.part" "$TMP/h2.part"
	assert_status 0
	[[ ${output#*\"groups\"} == "$want" ]]
	[[ $want == *'"name":"avg($2)","value":0.0'[0-9]*'"name":"m","value":0.0'* ]]
}
