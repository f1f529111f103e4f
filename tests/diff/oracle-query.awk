# The oracle's front end: reads one bpfq query and writes the gawk program
# that answers it (run with oracle.awk under gawk -M; see the comment there).
#
#   QUERY='sum($2) where $1 > 0 from f.log' gawk -M -v PREC=256 -f oracle-query.awk > query.awk
#
# (-M: literals are exact integers too. The query comes in the environment:
# -v QUERY= would take its backslashes, a regex's, as escapes.)
#
# It is a second implementation of the language, written from the manual
# (man/bpfq-query.7), not from bpfq's sources, so that a mistake in bpfq's
# parser or evaluator cannot hide in the oracle too. The query is parsed by
# recursive descent into a tree, and the tree is translated into straight-line
# gawk code: on_record() evaluates the where clause, the group key and every
# aggregate of one record, in bpfq's documented order (operands left to right,
# then the operator; and/or short-circuit; between evaluates all three
# operands; in walks its list until a value is equal). Values are integers
# scaled by 10^18; a NULL is a separate flag; a condition is 0 (false),
# 1 (true) or 2 (unknown).
#
# The generated code reads slot values from FV[s] (scaled value) and FN[s]
# (1 when NULL) that oracle.awk's format readers fill, and folds into the
# arrays oracle.awk prints from (A_n, A_s, A_m, A_M, A_q, A_h, A_v, A_d...).

BEGIN {
	Q = ENVIRON["QUERY"]
	QL = length(Q)
	P = 1			# next byte of Q to lex (1-based)
	NN = 0			# nodes
	NSLOT = 0
	NAGG = 0
	TMP = 0
	CODE = ""
	LOCALS = ""
	FMT = ""; DELIM = ","; HEADER = "auto"; STREAM = 0; RECSIZE = 0; NBF = 0
	USES_POS = 0
	split("i8 u8 i16 u16 i32 u32 i64 u64", TYPES, " ")
	for (i = 1; i <= 8; i++) {
		TYPE_SIZE[TYPES[i]] = 2 ^ int((i - 1) / 2)
		TYPE_SIGNED[TYPES[i]] = (i % 2 == 1)
	}
	next_token()
	parse_query()
	resolve_format()
	mark_times()
	generate()
	exit
}

function die(msg) {
	printf "oracle-query.awk: %s in: %s\n", msg, Q > "/dev/stderr"
	exit 2
}

# ---- lexer: T is the token kind, TT its text, TB/TE its first and past-last byte (1-based) ----

function is_ident_char(c) {
	return c ~ /^[A-Za-z0-9_]$/
}

function next_token(   c, c2, s, w) {
	while (P <= QL && substr(Q, P, 1) ~ /^[ \t\n\r\v\f]$/)
		P++
	TB = P
	if (P > QL) {
		T = "eof"; TT = ""; TE = P
		return
	}
	c = substr(Q, P, 1)
	c2 = substr(Q, P + 1, 1)
	if (c ~ /[0-9]/ || (c == "." && c2 ~ /[0-9]/)) {
		s = P
		while (P <= QL && substr(Q, P, 1) ~ /[0-9]/) P++
		T = "int"
		if (substr(Q, P, 1) == ".") {
			P++
			while (P <= QL && substr(Q, P, 1) ~ /[0-9]/) P++
			T = "dec"
		}
		if (match(substr(Q, P), /^[eE][+-]?[0-9]+/)) {
			P += RLENGTH
			T = "dec"
		}
		if (is_ident_char(substr(Q, P, 1)) || substr(Q, P, 1) == ".")
			die("bad number")
		TT = substr(Q, s, P - s); TE = P
		return
	}
	if (is_ident_char(c)) {
		s = P
		# a '.' between name characters: a JSON key path
		while (P <= QL && (is_ident_char(substr(Q, P, 1)) ||
				   (substr(Q, P, 1) == "." && is_ident_char(substr(Q, P + 1, 1))))) P++
		TT = substr(Q, s, P - s); TE = P
		w = tolower(TT)
		T = (w ~ /^(where|from|and|or|not|as|by|group|between|in)$/) ? w : "ident"
		return
	}
	if (c == "$") {
		s = ++P
		while (P <= QL && substr(Q, P, 1) ~ /[0-9]/) P++
		if (P == s) die("bad field")
		T = "field"; TT = substr(Q, s, P - s); TE = P
		return
	}
	if (c == "'") {
		# a string: '' inside is one quote
		TT = ""
		for (P++; ; P++) {
			if (P > QL) die("unterminated string")
			if (substr(Q, P, 1) == "'" && substr(Q, P + 1, 1) == "'") { TT = TT "'"; P++; continue }
			if (substr(Q, P, 1) == "'") break
			TT = TT substr(Q, P, 1)
		}
		P++; T = "text"; TE = P
		return
	}
	if (c == "\"") {
		s = index(substr(Q, P + 1), c)
		if (!s) die("unterminated string")
		T = "str"; TT = substr(Q, P + 1, s - 1); P += s + 1; TE = P
		return
	}
	P++
	T = c
	if (c == "=") { if (c2 == "=") P++; T = "==" }
	else if (c == "!") { if (c2 == "=") { P++; T = "!=" } else if (c2 == "~") { P++; T = "!~" } else T = "not" }
	else if (c == "<") { if (c2 == "=") { P++; T = "<=" } else if (c2 == ">") { P++; T = "!=" } }
	else if (c == ">") { if (c2 == "=") { P++; T = ">=" } }
	else if (c == "&" && c2 == "&") { P++; T = "and" }
	else if (c == "|" && c2 == "|") { P++; T = "or" }
	else if (index("()*,:+-/%~", c) == 0) die("bad character '" c "'")
	TT = substr(Q, TB, P - TB); TE = P
}

# The kind of the token after the current one, without moving.
function peek(   sT, sTT, sTB, sTE, sP, k) {
	sT = T; sTT = TT; sTB = TB; sTE = TE; sP = P
	next_token()
	k = T
	T = sT; TT = sTT; TB = sTB; TE = sTE; P = sP
	return k
}

function expect(kind) {
	if (T != kind) die("expected " kind ", got '" TT "'")
	next_token()
}

# 'from' PATH: a word up to a blank, or quoted with ' or ".
function lex_path(   s, c, e) {
	while (P <= QL && substr(Q, P, 1) ~ /^[ \t\n]$/) P++
	c = substr(Q, P, 1)
	if (c == "\"" || c == "'") {
		e = index(substr(Q, P + 1), c)
		PATH = substr(Q, P + 1, e - 1); P += e + 1
	} else {
		s = P
		while (P <= QL && substr(Q, P, 1) !~ /^[ \t\n]$/) P++
		PATH = substr(Q, s, P - s)
	}
	next_token()
}

# ---- parser: nodes in K[] (kind), L[] and R[] (operands), A[n, i] and NA[] (arguments),
# V[] (a literal's scaled value, a comparison's operator, a field's slot), OB/OE (the bytes
# an error message underlines) ----

function node(kind, l, r, ob, oe) {
	NN++
	K[NN] = kind; L[NN] = l; R[NN] = r; OB[NN] = ob; OE[NN] = oe; NA[NN] = 0
	return NN
}

function parse_query() {
	parse_column()
	while (T == ",") {
		next_token()
		parse_column()
	}
	while (T != "eof") {
		if (T == "ident" && tolower(TT) == "having") {
			next_token()
			IN_POST = 1
			HAVING = parse_expr()
			IN_POST = 0
		} else if (T == "ident" && tolower(TT) == "order") {
			next_token()
			expect("by")
			parse_order_key()
			while (T == ",") {
				next_token()
				parse_order_key()
			}
		} else if (T == "ident" && tolower(TT) == "limit") {
			next_token()
			if (T != "int") die("expected an integer after limit")
			LIMIT = TT + 0
			next_token()
		} else if (T == "where") {
			next_token()
			WHERE = parse_expr()
		} else if (T == "from") {
			lex_path()
			if (T == "as") {
				next_token()
				parse_format()
			}
		} else if (T == "by" || T == "group") {
			if (T == "group") next_token()
			expect("by")
			BYE[++NBY] = parse_expr()
			while (T == ",") {
				next_token()
				BYE[++NBY] = parse_expr()
			}
			BY = BYE[1]
		} else die("unexpected '" TT "'")
	}
}

# A column (bpfq-query(7) COLUMNS): an expression over aggregates, and its 'as' name.
function parse_column(   c, j, n) {
	IN_POST = 1
	COLE[++NCOL] = parse_expr()
	IN_POST = 0
	# quantile(e, q1, q2, ...): a column a fraction
	c = COLE[NCOL]
	for (j = 1; K[c] == "agg" && j <= SIBS[V[c]]; j++) {
		n = node("agg")
		V[n] = V[c] + j
		COLE[++NCOL] = n
	}
	if (T == "as") {
		next_token()
		COLNAME[NCOL] = TT
		next_token()
	}
}

function parse_order_key(   k) {
	k = ++NORD
	IN_POST = 1
	ORDE[k] = parse_expr()
	IN_POST = 0
	if (T == "ident" && tolower(TT) ~ /^(asc|desc)$/) {
		ORDDESC[k] = tolower(TT) == "desc"
		next_token()
	}
}

function is_aggregate(w) {
	return w ~ /^(count|sum|min|max|avg|var|var_samp|var_pop|stddev|stddev_samp|stddev_pop|hist|lhist|median|quantile|median_exact|quantile_exact|count_distinct|exists|corr|covar_pop|covar_samp|regr_slope|regr_intercept)$/
}

function parse_item(   name, n, i) {
	if (T != "ident") die("expected an aggregate")
	name = tolower(TT)
	next_token()
	expect("(")
	n = ++NAGG
	ACALL[n] = name
	if (name == "count" && T == "ident" && tolower(TT) == "distinct" && peek() != ")") {
		name = "count_distinct"
		ADIST[n] = 1
		next_token()
	}
	AGG[n] = name
	if (name == "count" && T == ")") AGG[n] = "count()"
	else if (name == "count" && T == "*") { AGG[n] = "count()"; ASTAR[n] = 1; next_token() }
	else {
		i = TB
		AE[n] = parse_expr()
		ATEXT[n] = substr(Q, i, TB - i)
		if (name == "lhist") {
			expect(","); LH_LO[n] = int_literal()
			expect(","); LH_HI[n] = int_literal()
			expect(","); LH_STEP[n] = int_literal()
			LH_NB[n] = int((LH_HI[n] - LH_LO[n] + LH_STEP[n] - 1) / LH_STEP[n]) + 2
		} else if (name == "quantile" || name == "quantile_exact") {
			expect(",")
			AQN[n] = parse_expr()
			AQ[n] = V[AQN[n]] + 0
			# quantile(e, q1, q2, ...): an aggregate a fraction, the next ones (SIBS of them)
			while (T == ",") {
				next_token()
				i = n + ++SIBS[n]
				SIB_OF[i] = n
				NAGG = i
				ACALL[i] = name; AGG[i] = name; AE[i] = AE[n]; ATEXT[i] = ATEXT[n]
				AQN[i] = parse_expr()
				AQ[i] = V[AQN[i]] + 0
			}
		} else if (name == "median" || name == "median_exact") {
			AGG[n] = name == "median" ? "quantile" : "quantile_exact"
			AQ[n] = 500000000000000000
			AMID[n] = 1
		} else if (name ~ /^(corr|covar_pop|covar_samp|regr_slope|regr_intercept)$/) {
			# (y, x): AE2 is x
			expect(",")
			AE2[n] = parse_expr()
		}
	}
	if (AGG[n] == "var") AGG[n] = "var_samp"
	if (AGG[n] == "stddev") AGG[n] = "stddev_samp"
	if (AGG[n] !~ /^(count\(\)|count|sum|min|max|avg|var_samp|var_pop|stddev_samp|stddev_pop|hist|lhist|quantile|quantile_exact|count_distinct|exists|corr|covar_pop|covar_samp|regr_slope|regr_intercept)$/)
		die("unknown aggregate " name)
	expect(")")
	# agg(e) filter (where cond): AF is the condition's node
	if (T == "ident" && tolower(TT) == "filter" && peek() == "(") {
		next_token()
		expect("(")
		expect("where")
		AF[n] = parse_expr()
		expect(")")
		for (i = 1; i <= SIBS[n]; i++) AF[n + i] = AF[n]
	}
	return n
}

# ---- labels, as bpf-query(7) says bpfq names a column: lower case, normal spacing ----

function awk_string(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\n/, "\\n", s)
	gsub(/\r/, "\\r", s)
	return s
}

function prec(n,   k) {
	k = K[n]
	return k == "or" ? 1 : k == "and" ? 2 : k == "not" ? 3 : k ~ /^(cmp|between|in|isnull|like|match)$/ ? 4 :
	       k ~ /^(add|sub)$/ ? 5 : k ~ /^(mul|div|mod)$/ ? 6 : k == "neg" ? 7 : 8
}

function paren(n, yes) {
	return yes ? "(" render(n) ")" : render(n)
}

function dec_text(v,   neg, ip, fp) {
	neg = v < 0
	if (neg) v = -v
	ip = (v - v % 1000000000000000000) / 1000000000000000000
	fp = sprintf("%018d", v % 1000000000000000000)
	sub(/0+$/, "", fp)
	return (neg ? "-" : "") ip (fp == "" ? "" : "." fp)
}

function agg_label(i,   s) {
	if (AGG[i] == "count()") return (ASTAR[i] ? "count(*)" : "count()") (AF[i] ? " filter (where " render(AF[i]) ")" : "")
	s = ACALL[i] "(" (ADIST[i] ? "distinct " : "") render(AE[i])
	if (AGG[i] == "lhist") s = s ", " LH_LO[i] ", " LH_HI[i] ", " LH_STEP[i]
	if (ACALL[i] ~ /^quantile/) s = s ", " render(AQN[i])
	if (AE2[i]) s = s ", " render(AE2[i])
	return s ")" (AF[i] ? " filter (where " render(AF[i]) ")" : "")
}

function render(n,   k, p, s, i, op) {
	k = K[n]
	p = prec(n)
	if (k == "lit") return dec_text(V[n])
	if (k == "str") { s = V[n]; gsub(/'/, "''", s); return "'" s "'" }
	if (k == "isnull") return paren(L[n], prec(L[n]) <= 4) (V[n] ? " is not null" : " is null")
	if (k == "like")
		return paren(L[n], prec(L[n]) <= 4) (V[n] ? " not" : "") (LCI[n] ? " ilike " : " like ") paren(R[n], prec(R[n]) <= 4)
	if (k == "fn") return V[n] "(" render(L[n]) (R[n] ? ", " render(R[n]) : "") ")"
	if (k == "field") return V[n] == "x" ? "x" : V[n] ~ /^p:/ ? "$" substr(V[n], 3) : substr(V[n], 3)
	if (k == "agg") return agg_label(V[n])
	if (k == "abs") return "abs(" render(L[n]) ")"
	if (k == "tfn") return V[n] "(" (TU[n] != "" ? "'" TU[n] "', " : "") render(L[n]) ")"
	if (k == "tlit") return "'" V[n] "'"
	if (k == "neg") return "-" paren(L[n], prec(L[n]) < 7 || K[L[n]] == "neg" || K[L[n]] == "lit")
	if (k == "not") return "not " paren(L[n], prec(L[n]) < 3)
	if (k == "match") { s = RX[n]; gsub(/'/, "''", s); return paren(L[n], prec(L[n]) <= 4) (V[n] ? " !~ '" : " ~ '") s "'" }
	if (k == "between" || k == "in") {
		s = paren(L[n], prec(L[n]) <= 4) (V[n] ? " not" : "")
		if (k == "between")
			return s " between " paren(A[n, 1], prec(A[n, 1]) <= 4) " and " paren(A[n, 2], prec(A[n, 2]) <= 4)
		s = s " in ("
		for (i = 1; i <= NA[n]; i++) s = s (i > 1 ? ", " : "") render(A[n, i])
		return s ")"
	}
	op = k == "cmp" ? V[n] : k == "add" ? "+" : k == "sub" ? "-" : k == "mul" ? "*" :
	     k == "div" ? "/" : k == "mod" ? "%" : k
	return paren(L[n], prec(L[n]) < p || (p == 4 && prec(L[n]) == p)) " " op " " paren(R[n], prec(R[n]) <= p)
}

# The by key (1, 2, ... of several) an order key names, or 0.
function order_by_key(e,   i) {
	for (i = 1; i <= NBY; i++)
		if (K[e] == "field" && K[BYE[i]] == "field" && V[e] == V[BYE[i]]) return i
	return 0
}

# The columns, having, order by and limit, as tables oracle.awk interprets
# on the final values: every node (PK kind, PL/PR operands, PA arguments,
# PV its value: a literal, an aggregate's number, an operator, a name).
function emit_post(   n, i, c, post) {
	post = HAVING || NORD || LIMIT
	for (c = 1; c <= NCOL; c++)
		post = post || K[COLE[c]] != "agg" || (c in COLNAME)
	printf "\tPOST = %d; NCOL = %d; HAVING = %d; NORD = %d; LIMIT = %d; BYLABEL = \"%s\"\n",
		post, NCOL, HAVING + 0, NORD, LIMIT + 0, BY ? render(BY) : ""
	for (i = 1; i <= NBY; i++)
		printf "\tBYLABELS[%d] = \"%s\"\n", i, render(BYE[i])
	for (c = 1; c <= NCOL; c++)
		printf "\tCOLE[%d] = %d; COLNAME[%d] = \"%s\"\n", c, COLE[c], c, COLNAME[c]
	for (i = 1; i <= NORD; i++)
		printf "\tORDE[%d] = %d; ORDDESC[%d] = %d; ORDBY[%d] = %d\n", i, ORDE[i], i,
			ORDDESC[i] + 0, i, order_by_key(ORDE[i])
	for (n = 1; n <= NN; n++) {
		printf "\tPK[%d] = \"%s\"; PL[%d] = %d; PR[%d] = %d; PNA[%d] = %d; PVAL[%d] = \"%s\"\n",
			n, K[n], n, L[n] + 0, n, R[n] + 0, n, NA[n] + 0, n, awk_string(V[n])
		for (i = 1; i <= NA[n]; i++)
			printf "\tPA[%d, %d] = %d\n", n, i, A[n, i]
		if (post && (K[n] != "field" || V[n] !~ /^[nq]:/))
			printf "\tPLABEL[%d] = \"%s\"\n", n, awk_string(render(n))
	}
}

function int_literal(   neg, v) {
	neg = 0
	if (T == "-") { neg = 1; next_token() }
	if (T != "int") die("expected an integer")
	v = TT + 0
	next_token()
	return neg ? -v : v
}

function parse_expr(   n, op) {
	n = parse_and()
	while (T == "or") {
		op = TB
		next_token()
		n = node("or", n, parse_and(), op, op)
	}
	return n
}

function parse_and(   n) {
	n = parse_not()
	while (T == "and") {
		next_token()
		n = node("and", n, parse_not())
	}
	return n
}

function parse_not() {
	if (T == "not") {
		next_token()
		return node("not", parse_not())
	}
	return parse_compare()
}

# The text of the token after the current one, in lower case.
function peek_word(   sT, sTT, sTB, sTE, sP, w) {
	sT = T; sTT = TT; sTB = TB; sTE = TE; sP = P
	next_token()
	w = T == "ident" ? tolower(TT) : ""
	T = sT; TT = sTT; TB = sTB; TE = sTE; P = sP
	return w
}

# x [not] like|ilike 'pattern': the error place is the operator, with its 'not'.
function parse_like(n, neg, ob,   m) {
	m = node("like", n, 0, ob, TE)
	V[m] = neg
	LCI[m] = tolower(TT) == "ilike"
	next_token()
	R[m] = parse_arith()
	return m
}

function parse_compare(   n, op, neg, m, ob, oe) {
	n = parse_arith()
	if (T == "ident" && (tolower(TT) == "like" || tolower(TT) == "ilike"))
		return parse_like(n, 0, TB)
	if (T == "not" && (peek_word() == "like" || peek_word() == "ilike")) {
		ob = TB
		next_token()
		return parse_like(n, 1, ob)
	}
	if (T == "ident" && tolower(TT) == "is") {
		next_token()
		m = node("isnull", n)
		if (T == "not") { V[m] = 1; next_token() }
		if (T != "ident" || tolower(TT) != "null") die("expected null after is")
		next_token()
		return m
	}
	if (T ~ /^(==|!=|<|<=|>|>=)$/) {
		op = T
		next_token()
		m = node("cmp", n, parse_arith())
		V[m] = op
		return m
	}
	# e ~ 'regex', e !~ 'regex': gawk's own ~ (LC_ALL=C: bytes) on the field's text
	if (T == "~" || T == "!~") {
		m = node("match", n)
		V[m] = T == "!~"
		next_token()
		if (T != "text") die("a regex is a string")
		RX[m] = TT
		next_token()
		return m
	}
	neg = 0
	if (T == "not" && (peek() == "between" || peek() == "in")) {
		neg = 1
		next_token()
	}
	if (T == "between") {
		next_token()
		m = node("between", n)
		A[m, 1] = parse_arith()
		expect("and")
		A[m, 2] = parse_arith()
		NA[m] = 2
		V[m] = neg
		return m
	}
	if (T == "in") {
		next_token()
		expect("(")
		m = node("in", n)
		A[m, ++NA[m]] = parse_expr()
		while (T == ",") {
			next_token()
			A[m, ++NA[m]] = parse_expr()
		}
		expect(")")
		V[m] = neg
		return m
	}
	if (neg) die("'not' after an expression")
	return n
}

function parse_arith(   n, op, ob, oe) {
	n = parse_mul()
	while (T == "+" || T == "-") {
		op = (T == "+") ? "add" : "sub"; ob = TB; oe = TE
		next_token()
		n = node(op, n, parse_mul(), ob, oe)
	}
	return n
}

function parse_mul(   n, op, ob, oe) {
	n = parse_unary()
	while (T == "*" || T == "/" || T == "%") {
		op = (T == "*") ? "mul" : (T == "/") ? "div" : "mod"; ob = TB; oe = TE
		next_token()
		n = node(op, n, parse_unary(), ob, oe)
	}
	return n
}

# '-' before a number literal is part of the literal (so -9223372036854775808 is one).
function parse_unary(   ob, oe, k) {
	if (T != "-")
		return parse_primary()
	ob = TB; oe = TE
	k = peek()
	next_token()
	if (k == "int" || k == "dec")
		return literal(1)
	return node("neg", parse_unary(), 0, ob, oe)
}

function literal(neg,   n, v) {
	v = scaled(TT)
	if (neg) v = -v
	n = node("lit")
	V[n] = v
	next_token()
	return n
}

# "12", "12.345", ".5", "5.", "1.5e-3" as value * 10^18, rounded half to even past
# the 18th decimal as bpfq rounds a literal.
function scaled(s,   e, x, p, ip, fp, sig, k, h, r, q) {
	x = 0
	if (e = match(s, /[eE]/)) {
		x = substr(s, e + 1) + 0
		s = substr(s, 1, e - 1)
	}
	p = index(s, ".")
	ip = p ? substr(s, 1, p - 1) : s
	fp = p ? substr(s, p + 1) : ""
	sig = (ip fp) + 0
	k = 18 - length(fp) + x
	if (k >= 0) return sig * 10 ^ k
	h = 10 ^ -k
	r = sig % h
	q = (sig - r) / h
	if (2 * r > h || (2 * r == h && q % 2)) q++
	return q
}

function parse_primary(   n, name, ob, i) {
	if (T == "int" || T == "dec")
		return literal(0)
	if (T == "field") {
		USES_POS = 1
		n = node("field", 0, 0, TB, TE)
		V[n] = "p:" (TT + 0)
		next_token()
		return n
	}
	if (T == "text" && TT ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/) {
		# a string that begins as a date: a time literal, as bpfq takes it
		n = node("tlit", 0, 0, TB, TE)
		V[n] = TT
		next_token()
		return n
	}
	if (T == "text") {
		n = node("str", 0, 0, TB, TE)
		V[n] = TT
		next_token()
		return n
	}
	if (T == "str") {
		n = node("field", 0, 0, TB, TE)
		# json: a quoted name is one key (a '.' in it no path)
		V[n] = (index(TT, ".") ? "q:" : "n:") TT
		next_token()
		return n
	}
	if (T == "ident" && IN_POST && is_aggregate(tolower(TT)) && peek() == "(") {
		IN_POST = 0
		i = parse_item()
		IN_POST = 1
		n = node("agg")
		V[n] = i
		return n
	}
	if (T == "ident") {
		name = TT; ob = TB
		next_token()
		if (T == "(" && tolower(name) ~ /^(length|starts_with|ends_with|contains)$/) {
			n = node("fn", 0, 0, ob, ob + length(name))
			V[n] = tolower(name)
			next_token()
			L[n] = parse_expr()
			if (T == ",") {
				next_token()
				R[n] = parse_expr()
			}
			expect(")")
			return n
		}
		if (T == "(" && tolower(name) ~ /^(year|month|day|hour|minute|second|epoch|to_timestamp|date_trunc)$/)
			return parse_time_fn(tolower(name), ob)
		if (T == "(") {
			if (tolower(name) != "abs") die("unknown function " name)
			next_token()
			n = parse_expr()
			if (T != ")") die("expected ) after abs(")
			# an error points at the name
			n = node("abs", n, 0, ob, ob + length(name))
			next_token()
			return n
		}
		n = node("field", 0, 0, ob, ob + length(name))
		V[n] = (name == "x") ? "x" : "n:" name
		return n
	}
	if (T == "(") {
		next_token()
		n = parse_expr()
		expect(")")
		return n
	}
	die("expected an expression, got '" TT "'")
}

# year(e) ... to_timestamp(e), date_trunc('unit', e): a "tfn" node, V the name, TU the unit.
function parse_time_fn(name, ob,   n, unit) {
	next_token()
	if (name == "date_trunc") {
		if (T != "text") die("date_trunc's unit")
		unit = tolower(TT)
		next_token()
		expect(",")
	}
	n = parse_expr()
	if (T != ")") die("expected ) after " name "(")
	n = node("tfn", n, 0, ob, ob + length(name))
	V[n] = name
	TU[n] = unit
	next_token()
	return n
}

# Whether n is a time: a time literal, a function giving one, a field read as one.
function is_time(n) {
	if (K[n] == "tlit") return 1
	if (K[n] == "tfn") return V[n] == "to_timestamp" || V[n] == "date_trunc"
	return K[n] == "field" && (V[n] in TSPEC)
}

# Whether time n prints its time of day at midnight (a timestamp, not a
# date), as a formula oracle.awk resolves: "1", "0", or "s" and the slot of
# the field whose sampled column decides (bpfq-query(7) TIMES).
function clock_of(n,   u) {
	if (K[n] == "tfn" && V[n] == "to_timestamp") return "1"
	u = TU[n]
	if (K[n] == "tfn" && V[n] == "date_trunc")
		return (u == "hour" || u == "minute" || u == "second") ? clock_of(L[n]) : "0"
	if (K[n] == "field") return "s" slot_of(V[n])
	return "0"
}

# A field is a time where a time function takes it, or beside a time in a comparison.
function mark_time(n,   i, t) {
	if (!n) return
	if (K[n] == "tfn" && V[n] != "to_timestamp" && K[L[n]] == "field") TSPEC[V[L[n]]] = 1
	if (K[n] == "cmp") {
		if (is_time(L[n]) && K[R[n]] == "field") TSPEC[V[R[n]]] = 1
		if (is_time(R[n]) && K[L[n]] == "field") TSPEC[V[L[n]]] = 1
	}
	if (K[n] == "between" || K[n] == "in") {
		t = is_time(L[n])
		for (i = 1; i <= NA[n]; i++) t = t || is_time(A[n, i])
		if (t && K[L[n]] == "field") TSPEC[V[L[n]]] = 1
		for (i = 1; i <= NA[n]; i++) if (t && K[A[n, i]] == "field") TSPEC[V[A[n, i]]] = 1
	}
	mark_time(L[n]); mark_time(R[n])
	for (i = 1; i <= NA[n]; i++) mark_time(A[n, i])
}

function mark_times(   pass, i) {
	for (pass = 1; pass <= 2; pass++) {
		for (i = 1; i <= NAGG; i++) mark_time(AE[i])
		mark_time(WHERE)
		for (i = 1; i <= NBY; i++) mark_time(BYE[i])
	}
}

# as numbers | text | csv[(opts)] | TYPE | record(name: TYPE, ...)
function parse_format(   w, t) {
	w = tolower(TT)
	if (w == "numbers" || w == "text" || w == "json") {
		FMT = w
		next_token()
	} else if (w == "csv") {
		FMT = "csv"
		next_token()
		if (T == "(") {
			do {
				next_token()
				w = tolower(TT)
				if (w == "header") HEADER = "yes"
				else if (w == "noheader") HEADER = "no"
				else if (w == "delim") {
					next_token(); expect("==")
					DELIM = (TT == "\\t") ? "\t" : TT
				} else die("csv option " TT)
				next_token()
			} while (T == ",")
			expect(")")
		}
	} else if (w == "record") {
		FMT = "binary"
		next_token()
		expect("(")
		for (;;) {
			NBF++
			BF_NAME[NBF] = TT
			next_token()
			expect(":")
			binary_type(NBF)
			if (T != ",") break
			next_token()
		}
		expect(")")
	} else {
		FMT = "binary"; STREAM = 1; NBF = 1; BF_NAME[1] = "x"
		binary_type(1)
	}
}

function binary_type(f,   w, be) {
	w = tolower(TT); be = 0
	if (w ~ /(be|le)$/ && !(w in TYPE_SIZE)) {
		be = (w ~ /be$/)
		w = substr(w, 1, length(w) - 2)
	}
	if (!(w in TYPE_SIZE)) die("unknown type " TT)
	BF_OFF[f] = RECSIZE; BF_SIZE[f] = TYPE_SIZE[w]; BF_SIGNED[f] = TYPE_SIGNED[w]; BF_BE[f] = be
	RECSIZE += TYPE_SIZE[w]
	next_token()
}

# Without 'as': .csv is csv, .tsv csv with a tab, $N text, anything else numbers.
function resolve_format() {
	if (FMT != "") return
	if (PATH ~ /\.(json|jsonl|ndjson)$/) FMT = "json"
	else if (PATH ~ /\.csv$/) FMT = "csv"
	else if (PATH ~ /\.tsv$/) { FMT = "csv"; DELIM = "\t" }
	else FMT = USES_POS ? "text" : "numbers"
}

# ---- code generation ----

function emit(s) {
	CODE = CODE "\t" s "\n"
}

function tmp(prefix) {
	TMP++
	LOCALS = LOCALS ", " prefix TMP
	return prefix TMP
}

# The slot a field node reads (numbers and streams: x is slot 1).
function slot_of(spec,   s) {
	if (spec ~ /^q:/ && FMT != "json") spec = "n:" substr(spec, 3)
	if (FMT == "json" && spec !~ /^[nq]:/) die("json keys have names")
	if (FMT == "numbers" || STREAM) {
		if (spec != "x") die("only x in this format")
		spec = "x"
	} else if (FMT == "binary") {
		if (spec !~ /^n:/) die("records have named fields")
		spec = "r:" substr(spec, 3)
	}
	if (!(spec in SLOT)) {
		SLOT[spec] = ++NSLOT
		SLOT_SPEC[NSLOT] = spec
	}
	return SLOT[spec]
}

function oops_loc(n) {
	return "1:" OB[n] (OE[n] - OB[n] > 1 ? "-" (OE[n] - 1) : "")
}

# Emits the code for number node n; returns "VALUE NULLFLAG" variable names.
function gen_num(n,   k, a, b, va, ua, vb, ub, v, u, p) {
	k = K[n]
	if (k == "lit") {
		v = tmp("v")
		emit(v " = " V[n])
		return v " 0"
	}
	if (k == "field") {
		p = slot_of(V[n])
		SLOT_NUM[p] = 1
		if (V[n] in TSPEC) SLOT_TIME[p] = 1
		return "FV[" p "] FN[" p "]"
	}
	if (k == "fn" && V[n] == "length") {
		split(gen_text(L[n]), a, " ")
		v = tmp("v")
		emit(v " = length(" a[1] ") * S")
		return v " " a[2]
	}
	if (k == "tlit") {
		v = tmp("v")
		emit(v " = parse_time(\"" V[n] "\") * S")
		return v " 0"
	}
	if (k == "tfn")
		return gen_time_fn(n)
	v = tmp("v"); u = tmp("u")
	if (k ~ /^(not|and|or|cmp|between|in)$/) {
		# a condition as a number: true 1, false 0, unknown NULL
		a = gen_cond(n)
		emit(u " = " a " == 2; " v " = " a " == 1 ? S : 0")
		return v " " u
	}
	if (k == "neg" || k == "abs") {
		split(gen_num(L[n]), a, " ")
		emit("if (" a[2] ") " u " = 1; else {")
		emit("\t" u " = 0; " v " = " (k == "neg" ? "-" a[1] : "(" a[1] " < 0 ? -" a[1] " : " a[1] ")"))
		emit("\tif (" v " < LO || " v " > HI) oops(\"overflow\", \"" oops_loc(n) "\")")
		emit("}")
		return v " " u
	}
	split(gen_num(L[n]), a, " ")
	split(gen_num(R[n]), b, " ")
	va = a[1]; ua = a[2]; vb = b[1]; ub = b[2]
	emit("if (" ua " || " ub ") " u " = 1; else {")
	emit("\t" u " = 0")
	if (k == "add") emit("\t" v " = " va " + " vb)
	else if (k == "sub") emit("\t" v " = " va " - " vb)
	else if (k == "mul") {
		# truncated toward zero at the 18th decimal
		emit("\t" v " = " va " * " vb "; " v " = (" v " - " v " % S) / S")
	} else {
		emit("\tif (" vb " == 0) oops(\"division by zero\", \"" oops_loc(n) "\")")
		if (k == "div") emit("\t" v " = " va " * S; " v " = (" v " - " v " % " vb ") / " vb)
		else emit("\t" v " = " va " % " vb)
	}
	if (k != "mod") emit("\tif (" v " < LO || " v " > HI) oops(\"overflow\", \"" oops_loc(n) "\")")
	emit("}")
	return v " " u
}

# A function of times: t is the time's microseconds, the value scaled as every other.
function gen_time_fn(n,   a, v, u) {
	split(gen_num(L[n]), a, " ")
	v = tmp("v"); u = tmp("u")
	emit("if (" a[2] ") " u " = 1; else {")
	emit("\t" u " = 0")
	if (V[n] == "to_timestamp") {
		# the microsecond at or below the seconds
		emit("\t" v " = floor_int(" a[1] " * 1000000)")
		emit("\tif (" v " < -62167219200000000 || " v " >= 253402300800000000) oops(\"a time outside the years 0000 to 9999\", \"" oops_loc(n) "\")")
		emit("\t" v " = " v " * S")
	} else if (V[n] == "epoch")
		emit("\t" v " = idiv(" a[1] ", S) * idiv(S, 1000000)")
	else if (V[n] == "date_trunc")
		emit("\t" v " = t_trunc(\"" TU[n] "\", idiv(" a[1] ", S)) * S")
	else
		emit("\t" v " = t_part(\"" V[n] "\", idiv(" a[1] ", S)) * S")
	emit("}")
	return v " " u
}

# A text operand: "TEXT NULLFLAG" as awk expressions (a field's text is NULL when the
# field is missing or empty; a string is never NULL).
function gen_text(n,   p, t) {
	if (K[n] == "str") {
		t = tmp("s")
		emit(t " = \"" awk_string(V[n]) "\"")
		return t " 0"
	}
	if (K[n] != "field") die("text compared with a number")
	p = slot_of(V[n])
	return "FT[" p "] (FN_MISSING[" p "]||FT[" p "]==\"\")"
}

# Emits the code for condition node n; returns the variable holding 0, 1 or 2.
function gen_cond(n,   k, c, d, a, b, x, lo, hi, i) {
	k = K[n]
	c = tmp("c")
	if (k == "not") {
		d = gen_cond(L[n])
		emit(c " = " d " == 2 ? 2 : 1 - " d)
	} else if (k == "and" || k == "or") {
		d = gen_cond(L[n])
		emit(c " = " d)
		# the right side only when the left does not decide
		emit("if (" c " != " (k == "and" ? 0 : 1) ") {")
		b = gen_cond(R[n])
		if (k == "and")
			emit("\t" c " = " b " == 0 ? 0 : (" c " == 2 || " b " == 2) ? 2 : 1")
		else
			emit("\t" c " = " b " == 1 ? 1 : (" c " == 2 || " b " == 2) ? 2 : 0")
		emit("}")
	} else if (k == "like" || k == "fn") {
		# a like pattern as a regular expression: % any bytes, _ one, the rest as itself
		split(gen_text(L[n]), x, " ")
		split(gen_text(R[n]), a, " ")
		emit(c " = 2")
		emit("if (!" x[2] ") {")
		if (V[n] != "starts_with")
			emit("\tif (length(" x[1] ") > 256) oops(\"a field longer than 256 bytes cannot be matched\", \"" oops_loc(n) "\")")
		if (k == "like")
			emit("\t" c " = " (LCI[n] ? "tolower(" x[1] ") ~ tolower(like_re(" a[1] "))" : x[1] " ~ like_re(" a[1] ")"))
		else if (V[n] == "starts_with")
			emit("\t" c " = substr(" x[1] ", 1, length(" a[1] ")) == " a[1])
		else if (V[n] == "ends_with")
			emit("\t" c " = length(" x[1] ") >= length(" a[1] ") && substr(" x[1] ", length(" x[1] ") - length(" a[1] ") + 1) == " a[1])
		else
			emit("\t" c " = index(" x[1] ", " a[1] ") > 0")
		if (k == "like" && V[n]) emit("\t" c " = 1 - " c)
		emit("}")
	} else if (k == "isnull") {
		split(gen_text(L[n]), a, " ")
		emit(c " = " (V[n] ? "!" : "") a[2])
	} else if (k == "cmp" && (K[L[n]] == "str" || K[R[n]] == "str")) {
		split(gen_text(L[n]), a, " ")
		split(gen_text(R[n]), b, " ")
		emit(c " = (" a[2] " || " b[2] ") ? 2 : (" a[1] " \"\" " V[n] " " b[1] " \"\")")
	} else if (k == "in" && K[A[n, 1]] == "str") {
		split(gen_text(L[n]), x, " ")
		emit(c " = " x[2] " ? 2 : 0")
		for (i = 1; i <= NA[n]; i++) {
			split(gen_text(A[n, i]), a, " ")
			emit("if (" c " == 0 && " x[1] " \"\" == " a[1] " \"\") " c " = 1")
		}
		if (V[n]) emit(c " = " c " == 2 ? 2 : 1 - " c)
	} else if (k == "cmp") {
		split(gen_num(L[n]), a, " ")
		split(gen_num(R[n]), b, " ")
		emit(c " = (" a[2] " || " b[2] ") ? 2 : (" a[1] " " V[n] " " b[1] ")")
	} else if (k == "between") {
		split(gen_num(L[n]), x, " ")
		split(gen_num(A[n, 1]), lo, " ")
		split(gen_num(A[n, 2]), hi, " ")
		emit(c " = and3((" x[2] " || " lo[2] ") ? 2 : (" x[1] " >= " lo[1] "), (" x[2] " || " hi[2] ") ? 2 : (" x[1] " <= " hi[1] "))")
		if (V[n]) emit(c " = " c " == 2 ? 2 : 1 - " c)
	} else if (k == "match") {
		if (K[L[n]] != "field") die("~ takes a field")
		x = slot_of(V[L[n]])
		SLOT_TXT[x] = 1
		a = RX[n]
		gsub(/\\/, "\\\\", a)
		gsub(/"/, "\\\"", a)
		emit(c " = (FN_MISSING[" x "] || FT[" x "] == \"\") ? 2 : (FT[" x "] ~ \"" a "\") != " V[n])
	} else if (k == "in") {
		split(gen_num(L[n]), x, " ")
		emit(c " = 0")
		for (i = 1; i <= NA[n]; i++) {
			emit("if (" c " != 1) {")
			split(gen_num(A[n, i]), a, " ")
			emit("\t" c " = or3(" c ", (" x[2] " || " a[2] ") ? 2 : (" x[1] " == " a[1] "))")
			emit("}")
		}
		if (V[n]) emit(c " = " c " == 2 ? 2 : 1 - " c)
	} else die("a number where a condition goes")
	return c
}

# One record into aggregate i (after its filter).
function gen_fold(i,   kind, c, w, a, b, p) {
	kind = AGG[i]
	if (kind == "count()") {
		emit("A_n[G, " i "]++")
		return
	}
	if (kind == "exists") {
		c = gen_cond(AE[i])
		emit("if (" c " == 1) A_n[G, " i "]++")
		return
	}
	# quantiles of one expression keep its values once (QSAME), not under a filter
	if (kind ~ /^quantile/ && !AF[i])
		for (w = 1; w < i && !QSAME[i]; w++)
			if (AGG[w] == kind && !AF[w] && !QSAME[w] && ATEXT[w] == ATEXT[i]) QSAME[i] = w
	if (QSAME[i]) return
	# count, count_distinct, min, max of a field that the first records hold as text
	# (COLTXT, oracle.awk): its text, NULL when missing or empty; else its value
	if (kind ~ /^(count|count_distinct|min|max)$/ && K[AE[i]] == "field" &&
	    (FMT == "csv" || FMT == "text" || FMT == "json")) {
		p = slot_of(V[AE[i]])
		ATXT[i] = p
		emit("if (COLTXT[SLOT_POS[" p "]]) {")
		emit("\tif (!FN_MISSING[" p "] && FT[" p "] != \"\") fold_text(G, " i ", FT[" p "])")
		emit("} else {")
		split(gen_num(AE[i]), a, " ")
		emit("\tif (!" a[2] ") fold(G, " i ", " a[1] ")")
		emit("}")
		return
	}
	split(gen_num(AE[i]), a, " ")
	if (AE2[i]) {
		# both operands first, then the pair only when neither is NULL
		split(gen_num(AE2[i]), b, " ")
		emit("if (!" a[2] " && !" b[2] ") fold_pair(G, " i ", " a[1] ", " b[1] ")")
		return
	}
	emit("if (!" a[2] ") fold(G, " i ", " a[1] ")")
}

# Key i of several is a field's text (not a value).
function text_key(i) {
	return K[BYE[i]] == "field" && (FMT == "text" || FMT == "csv" || FMT == "json")
}

# The most bytes a text key holds, one key or several (bpfq_state.h BPFQ_KEY_LONG).
function key_cap() {
	return 1024
}

# A text key is NULL when its field is missing, or empty but in json (where "" is a string).
function null_key(p) {
	return "(FN_MISSING[" p "]" (FMT == "json" ? "" : " || FT[" p "] == \"\"") ")"
}

# Several keys: G holds each key's string (as one key's) after its length, so
# that no two lists of keys are the same string. A text too long fails at
# its first key, the first such field of the record.
function gen_keys(   i, a, p) {
	emit("KL = 0")
	for (i = 1; i <= NBY; i++) {
		if (!text_key(i)) continue
		p = slot_of(V[BYE[i]])
		if (p in KEYSL) continue
		KEYSL[p] = 1
		emit("if (KEYLONG[" p "] && (!KL || SLOT_POS[" p "] < SLOT_POS[KL])) { KL = " p \
		     "; KEYLOC = \"" oops_loc(BYE[i]) "\" }")
	}
	emit("if (KL) oops_key()")
	emit("G = \"\"")
	for (i = 1; i <= NBY; i++) {
		if (text_key(i)) {
			p = slot_of(V[BYE[i]])
			emit("K1 = " null_key(p) " ? \"n\" : \"t\" FT[" p "]")
		} else {
			split(gen_num(BYE[i]), a, " ")
			emit("K1 = " a[2] " ? \"n\" : \"v\" " a[1])
		}
		emit("G = G length(K1) \":\" K1")
	}
}


function generate(   i, w, c, a, kind, p) {
	# A stream's value is read first (slot 1), whether the query names it or not.
	if (FMT == "numbers" || STREAM) {
		slot_of("x")
		SLOT_NUM[1] = 1
	}
	if (WHERE) {
		w = gen_cond(WHERE)
		emit("if (" w " != 1) return 0")
	}
	emit("MATCHED++")
	if (BY) {
		if (NBY > 1) {
			gen_keys()
		} else if (K[BY] == "field" && (FMT == "text" || FMT == "csv" || FMT == "json")) {
			# a bare field of text or csv: its text is the key
			p = slot_of(V[BY])
			KEYSLOT = p
			emit("if (KEYLONG[" p "]) oops_key()")
			emit("G = " null_key(p) " ? \"n\" : \"t\" FT[" p "]")
		} else {
			split(gen_num(BY), a, " ")
			emit("G = " a[2] " ? \"n\" : \"v\" " a[1])
		}
		# a new group past --max-groups is an error, at the by clause
		emit("if (!(G in GROUPS)) {")
		emit("\tif (NGROUPS >= MAXGROUPS) oops_groups()")
		emit("\tGROUPS[G] = 1; NGROUPS++")
		emit("}")
		KEYLOC = oops_loc(BY)
	} else
		emit("G = \"\"")
	for (i = 1; i <= NAGG; i++) {
		# a filter first: the aggregate takes the record only when it holds
		if (AF[i]) {
			c = gen_cond(AF[i])
			emit("if (" c " == 1) {")
		}
		gen_fold(i)
		if (AF[i]) emit("}")
	}
	# The answer is known when every exists() held (not with by: groups have their own).
	ONLY_EXISTS = !BY
	for (i = 1; i <= NAGG; i++)
		if (AGG[i] != "exists") ONLY_EXISTS = 0
	if (ONLY_EXISTS) {
		w = ""
		for (i = 1; i <= NAGG; i++)
			w = w (i > 1 ? " && " : "") "A_n[G SUBSEP " i "]"
		emit("return " w)
	} else emit("return 0")

	# The program: the settings, then on_record().
	print "BEGIN {"
	printf "\tFMT = \"%s\"; DELIM = \"%s\"; HEADER = \"%s\"; STREAM = %d; RECSIZE = %d\n",
		FMT, (DELIM == "\t" ? "\\t" : DELIM == "\"" ? "\\\"" : DELIM == "\\" ? "\\\\" : DELIM), HEADER, STREAM, RECSIZE
	printf "\tNSLOT = %d; NAGG = %d; BY = %d; KEYSLOT = %d; KEYLOC = \"%s\"; ONLY_EXISTS = %d\n",
		NSLOT, NAGG, BY ? 1 : 0, KEYSLOT + 0, KEYLOC, ONLY_EXISTS
	for (i = 1; i <= NSLOT; i++)
		printf "\tSLOT_SPEC[%d] = \"%s\"; SLOT_NUM[%d] = %d; SLOT_TXT[%d] = %d; SLOT_TIME[%d] = %d\n",
			i, SLOT_SPEC[i], i, SLOT_NUM[i] + 0, i, SLOT_TXT[i] + 0, i, SLOT_TIME[i] + 0
	printf "\tBY_TIME = %d; NBY = %d; KEYCAP = %d\n", BY && is_time(BY), NBY, key_cap()
	if (BY && is_time(BY))
		printf "\tBY_CLK = \"%s\"\n", clock_of(BY)
	for (i = 1; i <= NBY; i++)
		printf "\tBYT[%d] = %d; BYC[%d] = \"%s\"\n", i, is_time(BYE[i]), i, is_time(BYE[i]) ? clock_of(BYE[i]) : "0"

	for (p in KEYSL)
		printf "\tKEYSL[%d] = 1\n", p
	for (i = 1; i <= NAGG; i++)
		if ((AGG[i] == "min" || AGG[i] == "max") && is_time(AE[i]))
			printf "\tATIME[%d] = 1; ACLK[%d] = \"%s\"\n", i, i, clock_of(AE[i])
	for (i = 1; i <= NBF; i++)
		printf "\tBF_NAME[%d] = \"%s\"; BF_OFF[%d] = %d; BF_SIZE[%d] = %d; BF_SIGNED[%d] = %d; BF_BE[%d] = %d\n",
			i, BF_NAME[i], i, BF_OFF[i], i, BF_SIZE[i], i, BF_SIGNED[i], i, BF_BE[i]
	printf "\tNBF = %d\n", NBF
	for (i = 1; i <= NAGG; i++) {
		printf "\tAGG[%d] = \"%s\"\n", i, AGG[i]
		if (AGG[i] == "lhist")
			printf "\tLH_LO[%d] = %d; LH_HI[%d] = %d; LH_STEP[%d] = %d; LH_NB[%d] = %d\n",
				i, LH_LO[i], i, LH_HI[i], i, LH_STEP[i], i, LH_NB[i]
		if (AGG[i] ~ /^quantile/)
			printf "\tAQ[%d] = %d; QSAME[%d] = %d; AMID[%d] = %d\n", i, AQ[i], i, QSAME[i], i, AMID[i]
		# bpfq keeps a call's values once (its fractions share them), every call's apart
		if (AGG[i] ~ /^quantile/ && !SIB_OF[i])
			printf "\tKEEPS[%d] = 1\n", i
		if (ATXT[i])
			printf "\tATXT[%d] = %d\n", i, ATXT[i]
	}
	emit_post()
	print "}"
	print ""
	print "function on_record(   G" LOCALS ") {"
	printf "%s", CODE
	print "}"
}
