# The independent oracle: what bpfq prints for one query over one file,
# computed by gawk with exact (GMP) integers. Run as
#
#   QUERY="$query" gawk -M -v PREC=256 -f oracle-query.awk > query.awk
#   LC_ALL=C gawk -M -v PREC=256 -v FILE="$path" [-v MAXGROUPS=N] -f query.awk -f oracle.awk \
#       "$path" > answer 2> messages
#
# oracle-query.awk turns the query into settings and on_record(); this file
# reads the bytes of each format itself (numbers and text with awk's RS and
# field splitting, csv with a state machine over the bytes, binary from
# od(1)'s dump), calls on_record() per record, and prints:
#
#   stdout: the answer as bpfq's `-o csv` prints it, without the header
#           line; where bpfq's answer is an estimate the cell is "~q:EXACT"
#           (quantile by groups or past --max-values: the exact
#           nearest-rank value; "~m:LOW:HIGH", a median of an even count,
#           the two middle ones), for compare.awk;
#   stderr: bpfq's warnings (counts, first places and tokens), or the first
#           line of its run-time error, as bpfq words them.
#
# Every value is an integer scaled by 10^18 (so 1.5 is 15 * 10^17); decimal
# tokens are parsed as strings, never as floating point.

BEGIN {
	if (MAXGROUPS == "") MAXGROUPS = 65536	# bpfq's --max-groups
	for (ci = 1; ci < 32; ci++) CTRL_HEX[sprintf("%c", ci)] = sprintf("\\x%02x", ci)
	CTRL_HEX[sprintf("%c", 127)] = "\\x7f"
	for (ci = 0; ci < 32; ci++) JCTRL = JCTRL sprintf("%c", ci)	# json: bytes a string cannot hold
	CTRL_HEX["\\"] = "\\x5c"
	S = 1000000000000000000
	split("NA NULL '-' inf nan", NULL_NAME, " ")
	LO = -(2 ^ 63) * S
	HI = 2 ^ 63 * S - 1
	INT64_MAX = 2 ^ 63 - 1
	for (i = 0; i < 256; i++) {
		c = sprintf("%c", i)
		ESC[c] = (i >= 32 && i < 127 && c != "\\" && c != "'") ? c : sprintf("\\x%02x", i)
	}
	for (k = 0; k <= 64; k++) POW2[k] = 2 ^ k
	SUFFIX = "KMGTPE"
	for (i = 1; i <= NAGG; i++) {
		k = AGG[i]
		KC[i] = k == "count" ? 1 : k ~ /^(sum|avg|min|max)$/ ? 2 : k ~ /^(var|stddev)/ ? 3 :
			k == "hist" ? 4 : k == "lhist" ? 5 : k ~ /^quantile/ ? 6 : k == "count_distinct" ? 7 : 0
	}
	if (DELIM == "\\" || DELIM == "^" || DELIM == "]") DELIM_RE = "\\" DELIM
	else DELIM_RE = "[" DELIM "]"
	# Slots: "x" (numbers, streams), "p:N" ($N), "n:NAME" (a csv column), "r:NAME" (a record field).
	for (s = 1; s <= NSLOT; s++) {
		if (SLOT_SPEC[s] ~ /^p:/) SLOT_POS[s] = substr(SLOT_SPEC[s], 3) + 0
		if (SLOT_SPEC[s] ~ /^r:/ || SLOT_SPEC[s] == "x")
			for (f = 1; f <= NBF; f++)
				if (BF_NAME[f] == substr(SLOT_SPEC[s], 3) || SLOT_SPEC[s] == "x") SLOT_BF[s] = f
	}
	if (FMT == "text" || (FMT == "csv" && HEADER == "no")) order_slots()
	# json: a slot's key path, its keys joined by "\034" ("q:": one key, dots and all)
	for (s = 1; FMT == "json" && s <= NSLOT; s++) {
		JWANT[s] = substr(SLOT_SPEC[s], 3)
		if (SLOT_SPEC[s] ~ /^n:/) gsub(/\./, "\034", JWANT[s])
		SLOT_POS[s] = s		# a key's kinds are sampled as a column's
	}
	if (FMT == "csv" || FMT == "text") sample_kinds()
	if (FMT == "json") sample_json_kinds()
	if (FMT == "numbers") RS = "[ \t\n\v\f\r,]+"
	else if (FMT == "text" || FMT == "csv" || FMT == "json") RS = "\n"
	else {
		read_binary()
		exit
	}
}

# ---- numbers: a token per awk record ----

FMT == "numbers" {
	tok = $0
	if (tok != "") {
		if (tok ~ /^[+-]?[0-9]{1,18}$/)	# the common case: surely in range
			FV[1] = tok * S
		else if ((NUMBER = number(tok)) == 2)
			beyond(OFF)
		else if (NUMBER) {
			FV[1] = PV
			if (PRND && !ROUNDED++) ROUNDED_OFF = OFF
		} else {
			if (!MALF++) MALF_OFF = OFF
			OFF += length(tok) + length(RT)
			next
		}
		FN[1] = 0
		REC_OFF = OFF
		RECORDS++
		if (on_record()) {
			STOPPED = 1
			exit
		}
	}
	OFF += length(tok) + length(RT)
	next
}

# A data token as a number: [+-]? digits with a '.' among or after them
# (or before them: .5), then [eE][+-]?[0-9]+; the value rounded half to
# even at the 18th decimal (PRND: it was). Integer digits past int64, or a
# value past it, cannot be held. Sets PV (scaled), PRND; returns 1 for a
# number, 2 for one beyond int64, 0 for none.
function number(s,   neg, p, e, ip, fp, x, sig, k, q, r, h) {
	PRND = 0
	if (s !~ /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/) return 0
	neg = substr(s, 1, 1) == "-"
	if (s ~ /^[+-]/) s = substr(s, 2)
	x = 0
	if (e = match(s, /[eE]/)) {
		x = substr(s, e + 1)
		s = substr(s, 1, e - 1)
		sub(/^\+/, "", x)
		# as bpfq, the exponent stops at 100000: far past any value
		if (x + 0 > 100000) x = 100000
		if (x + 0 < -100000) x = -100000
		x += 0
	}
	p = index(s, ".")
	ip = p ? substr(s, 1, p - 1) : s
	fp = p ? substr(s, p + 1) : ""
	sub(/^0+/, "", ip)
	if (length(ip) > 19 || (ip + 0) > INT64_MAX + neg) return 2
	if (!p && !e) {
		PV = neg ? -(ip * S) : ip * S
		return 1
	}
	sig = (ip fp) + 0
	k = 18 - length(fp) + x
	if (!sig) {
		PV = 0
	} else if (k >= 0) {
		if (k > 40) return 2
		PV = sig * 10 ^ k
	} else if (-k > length(ip fp) + 1) {
		# below half of the divisor
		PRND = 1
		PV = 0
	} else {
		h = 10 ^ -k
		r = sig % h
		q = (sig - r) / h
		if (2 * r > h || (2 * r == h && q % 2)) q++
		PRND = r != 0
		PV = q
	}
	if (neg) PV = -PV
	if (PV < LO || PV > HI) return 2
	return 1
}

# A field that is no number, as exports write a missing value: 1 NA (or N/A),
# 2 NULL, 3 '-', 4 inf (or infinity), 5 nan, in any case, a sign before the
# words; 0 for anything else.
function null_kind(t,   w) {
	w = tolower(t)
	if (w == "-") return 3
	sub(/^[+-]/, "", w)
	return w ~ /^(na|n\/a)$/ ? 1 : w == "null" ? 2 : w ~ /^inf(inity)?$/ ? 4 : w == "nan" ? 5 : 0
}

# ---- the kinds of the columns, as bpfq samples its input's first records ----

# COLTXT[j]: column j's values in the first 50 records (csv: after a header,
# none without one; text: the first 50 lines) are all text: none a number,
# an ISO 8601 time or a NULL word, one at least not empty.
function sample_kinds(   line, n, first, nf, F, j, rest) {
	n = 0
	first = 1
	while (n < 50 && (getline line < FILE) > 0) {
		if (first) sub(/^\357\273\277/, "", line)
		if (FMT == "text") {
			first = 0
			n++
			nf = split(line, F, /[ \t\r]+/)
			for (j = 1; j <= nf; j++) if (F[j] != "") sample_field(j - (F[1] == ""), F[j])
			continue
		}
		# csv: a record may go on past a line end inside quotes
		while (gsub(/"/, "\"", line) % 2 && (getline rest < FILE) > 0) line = line "\n" rest
		sub(/\r$/, "", line)
		if (line == "") continue
		nf = sample_split(line, F)
		if (first) {
			first = 0
			if (HEADER == "no" || (HEADER == "auto" && !sample_header(F, nf))) break
			continue
		}
		n++
		for (j = 1; j <= nf; j++) sample_field(j, F[j])
	}
	close(FILE)
	for (j in WORD_SEEN) COLTXT[j] = !NUM_SEEN[j] && !TIME_SEEN[j]
	if (FMT == "text") COLTXT[0] = 1
}

# json: the used keys' values in the first 50 lines, whole objects only:
# strings, numbers and true/false (numbers) sampled as csv fields; null,
# objects and arrays not.
function sample_json_kinds(   n, s, w) {
	n = 0
	while (n++ < 50 && (getline JL < FILE) > 0) {
		match(JL, /^[ \t\r]*/)
		JI = RLENGTH + 1
		for (s = 1; s <= NSLOT; s++) JSEEN[s] = 0
		if (substr(JL, JI, 1) != "{" || !json_value("", 0, 0) || json_blanks() <= length(JL))
			continue
		for (s = 1; s <= NSLOT; s++) {
			w = tolower(JTEXT[s])
			if (!JSEEN[s] || JKIND[s] == "c" || (JKIND[s] == "b" && w == "null")) continue
			sample_field(s, JKIND[s] == "b" && (w == "true" || w == "false") ? "1" : JTEXT[s])
		}
	}
	close(FILE)
	for (s in WORD_SEEN) COLTXT[s] = !NUM_SEEN[s] && !TIME_SEEN[s]
}

function sample_header(F, nf,   j) {
	for (j = 1; j <= nf; j++) if (F[j] == "" || number(F[j])) return 0
	return 1
}

# A csv record's fields, unquoted ("" a quote), blanks around them trimmed.
function sample_split(line, F,   n, j, c, q, cur, len) {
	n = 0
	q = 0
	cur = ""
	len = length(line)
	for (j = 1; j <= len + 1; j++) {
		c = j <= len ? substr(line, j, 1) : DELIM
		if (q && c == "\"" && substr(line, j + 1, 1) == "\"") {
			cur = cur c
			j++
		} else if (c == "\"")
			q = !q
		else if (!q && c == DELIM) {
			F[++n] = trim(cur)
			cur = ""
		} else
			cur = cur c
	}
	return n
}

function sample_field(j, t) {
	if (t == "") return
	if (number(t)) NUM_SEEN[j] = 1
	else if (parse_time(t) != "") {
		TIME_SEEN[j] = 1
		if (t ~ /:/) CLOCK_SEEN[j] = 1
	}
	else if (!null_kind(t)) WORD_SEEN[j] = 1
}

# count, count_distinct, min, max of a column of text: t, not empty.
function fold_text(g, i, t,   k) {
	k = AGG[i]
	t = t ""
	if (k == "count_distinct" && !((g, i, "t" t) in A_d)) {
		A_d[g, i, "t" t] = 1
		A_dc[g, i]++
	}
	if (k == "min" || k == "max") {
		if (!A_n[g, i])
			A_t[g, i] = t
		else if (k == "min" ? t < A_t[g, i] : t > A_t[g, i])
			A_t[g, i] = t
	}
	A_n[g, i]++
}

# csv allows blanks (space, tab) around a number.
function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# ---- text: a line per record, fields as awk splits them (runs of space and tab) ----

FMT == "text" {
	L = $0
	REC_OFF = OFF
	OFF += length($0) + length(RT)
	# a '\r' before the '\n' (or the end of the file) is dropped
	if (substr(L, length(L)) == "\r") L = substr(L, 1, length(L) - 1)
	whole = L
	match(L, /^[ \t]*/)
	col = RLENGTH
	L = substr(L, RLENGTH + 1)
	NFLD = split(L, CF, /[ \t]+/, SEPS)
	if (NFLD && CF[NFLD] == "") NFLD--
	CF[0] = whole	# $0, always text
	CO[0] = REC_OFF
	for (j = 1; j <= NFLD; j++) {
		CO[j] = REC_OFF + col
		col += length(CF[j]) + length(SEPS[j])
	}
	fields_record()
	next
}

# ---- csv: RFC 4180, byte by byte (a line without quotes at once) ----

FMT == "csv" {
	L = $0
	LOFF = OFF
	OFF += length($0) + length(RT)
	if (!QS && !IN_REC && !index(L, "\"")) {
		# A whole record on this line, no quotes: the fields between delimiters.
		if (substr(L, length(L)) == "\r") L = substr(L, 1, length(L) - 1)
		if (L == "") next	# an empty line is no record
		NFLD = split(L, CF, DELIM_RE)
		o = LOFF
		for (j = 1; j <= NFLD; j++) {
			CO[j] = o
			o += length(CF[j]) + 1
		}
		REC_OFF = LOFF
		csv_record()
		next
	}
	n = length(L)
	for (i = 1; i <= n; i++) {
		c = substr(L, i, 1)
		o = LOFF + i - 1
		if (QS == 1) {		# inside quotes: all is content but the quote
			if (c == "\"") QS = 2
			else CUR = CUR c
			continue
		}
		if (QS == 2) {		# after a quote inside quotes: "" is a quote
			if (c == "\"") {
				QS = 1
				CUR = CUR c
				continue
			}
			QS = 0
		}
		if (CR) {		# a '\r' not before a '\n' is content, at its own place
			CR = 0
			csv_plain("\r", o - 1)
		}
		if (c == "\r") {
			CR = 1
			continue
		}
		csv_plain(c, o)
	}
	if (RT == "\n") {
		if (QS == 1)
			CUR = CUR "\n"
		else {
			QS = 0
			CR = 0
			if (IN_REC) csv_end_record()
		}
	} else {
		# the end of the file: a quoted field still open is an error
		if (QS == 1) {
			FAILED = "quote"
			ERR_OFF = FOFF
			exit
		}
		if (IN_REC) csv_end_record()
	}
	next
}

function csv_begin_field(o) {
	CUR = ""
	FLEN = 0
	QUOTED = 0
	FOFF = o
}

function csv_end_field() {
	NFLD++
	CF[NFLD] = CUR
	CO[NFLD] = FOFF
}

# A byte outside quotes.
function csv_plain(c, o) {
	if (!IN_REC) {
		IN_REC = 1
		REC_OFF = o
		NFLD = 0
		csv_begin_field(o)
	}
	if (c == DELIM) {
		csv_end_field()
		csv_begin_field(o + 1)
	} else if (c == "\"" && !FLEN && !QUOTED) {
		QUOTED = 1
		QS = 1
	} else {
		CUR = CUR c
		FLEN++
	}
}

function csv_end_record() {
	csv_end_field()
	IN_REC = 0
	csv_record()
}

# The first record may be the header: with header, always; by default when none
# of its fields is a number or empty.
function csv_record(   j, t, is_header, s) {
	if (!HEADER_SEEN) {
		HEADER_SEEN = 1
		if (HEADER != "no") {
			is_header = 1
			for (j = 1; j <= NFLD; j++) {
				t = trim(CF[j])
				NAME[j] = t
				if (t == "" || number(t)) is_header = 0
			}
			if (HEADER == "yes") is_header = 1
			if (HEADER == "auto" && NFLD && !guess_sure(is_header))
				say_guess(is_header)
			if (is_header) {
				NNAME = NFLD
				resolve_names()
				return
			}
			resolve_names()
		}
	}
	fields_record()
}

# bpfq's note on its guess of a header (runtime/header.c): quiet when the
# query names a column of the header, or when a record with no text is data.
# Text is what neither awk nor float() reads as a number, nor NA, nan, inf.
function guess_text(t) {
	if (t == "" || t ~ /^(NA|nan|NaN|NAN|[+-]?(inf|Inf)|[+-]?infinity)$/) return 0
	return t !~ /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/
}

function guess_sure(is_header,   s, j, want) {
	if (!is_header) {
		for (j = 1; j <= NFLD; j++)
			if (guess_text(NAME[j])) return 0
		return 1
	}
	for (s = 1; s <= NSLOT; s++) {
		if (SLOT_SPEC[s] !~ /^n:/) continue
		want = tolower(substr(SLOT_SPEC[s], 3))
		for (j = 1; j <= NFLD; j++)
			if (tolower(NAME[j]) == want) return 1
	}
	return 0
}

function say_guess(is_header,   j, k, c, list, n) {
	list = ""
	for (j = 1; j <= NFLD && length(list) < 184; j++) {
		if (j > 1) list = list ", "
		n = length(NAME[j])
		for (k = 1; k <= n && length(list) < 184; k++) {
			c = substr(NAME[j], k, 1)
			list = list (c in CTRL_HEX ? CTRL_HEX[c] : c)
		}
	}
	if (length(list) >= 184) list = list ", ..."
	print "bpfq: note: took the first line of " FILE " as " (is_header ? "a header" : "data") \
		" (" list "); say 'as csv(" (is_header ? "noheader" : "header") ")' if it is " \
		(is_header ? "data" : "a header") > "/dev/stderr"
}

# Columns by name: the first of exactly that name, else the first in any case.
function resolve_names(   s, j, want) {
	for (s = 1; s <= NSLOT; s++) {
		if (SLOT_SPEC[s] !~ /^n:/) continue
		want = substr(SLOT_SPEC[s], 3)
		for (j = 1; j <= NNAME && !SLOT_POS[s]; j++)
			if (NAME[j] == want) SLOT_POS[s] = j
		for (j = 1; j <= NNAME && !SLOT_POS[s]; j++)
			if (tolower(NAME[j]) == tolower(want)) SLOT_POS[s] = j
		if (!SLOT_POS[s]) {
			printf "oracle.awk: no column '%s' in %s\n", want, FILE > "/dev/stderr"
			exit 2
		}
	}
	order_slots()
}

# Slots by field position: NULLs are counted in file order. Two names of one
# field are one slot (ALIAS).
function order_slots(   s, t, n, tmp) {
	n = 0
	for (s = 1; s <= NSLOT; s++) {
		ALIAS[s] = 0
		for (t = 1; t < s; t++)
			if (SLOT_POS[t] == SLOT_POS[s] && !ALIAS[s]) ALIAS[s] = t
		if (!ALIAS[s]) ORDER[++n] = s
	}
	for (s = 1; s <= n; s++)
		for (t = s + 1; t <= n; t++)
			if (SLOT_POS[ORDER[t]] < SLOT_POS[ORDER[s]]) {
				tmp = ORDER[s]; ORDER[s] = ORDER[t]; ORDER[t] = tmp
			}
	NORDER = n
}

# text and csv: a record of NFLD fields, CF[] their contents, CO[] their offsets.
function fields_record(   k, s, p, t, a, nk) {
	RECORDS++
	for (k = 1; k <= NORDER; k++) {
		s = ORDER[k]
		p = SLOT_POS[s]
		if (p > NFLD) {
			FN[s] = 1
			FN_MISSING[s] = 1
			if (!MISS++) MISS_OFF = REC_OFF
			continue
		}
		FN_MISSING[s] = 0
		t = CF[p]
		FT[s] = t
		if (s == KEYSLOT || s in KEYSL) {
			KEYLONG[s] = length(t) > KEYCAP
		}
		FN[s] = 1
		if (!SLOT_NUM[s] || COLTXT[p]) continue
		if (FMT == "csv") t = trim(t)
		if (SLOT_TIME[s] && t != "") {
			if ((PT = parse_time(t)) != "") {
				FV[s] = PT * S
				FN[s] = 0
			} else if (!BADTIME++)
				BADTIME_OFF = CO[p]
		} else if (t == "" && FMT == "csv") {
			if (!EMPTY++) EMPTY_OFF = CO[p]
		} else if ((NUMBER = number(t)) == 2) {
			beyond(CO[p])
		} else if (NUMBER) {
			FV[s] = PV
			FN[s] = 0
			if (PRND && !ROUNDED++) ROUNDED_OFF = CO[p]
		} else if ((nk = null_kind(t))) {
			if (!NULLS++) NULLS_OFF = CO[p]
			NULL_KIND[nk]++
		} else if (!BAD++)
			BAD_OFF = CO[p]
	}
	for (s = 1; s <= NSLOT; s++) {
		if (!(a = ALIAS[s])) continue
		FV[s] = FV[a]; FN[s] = FN[a]; FN_MISSING[s] = FN_MISSING[a]
		FT[s] = FT[a]; KEYLONG[s] = KEYLONG[a]
	}
	if (on_record()) {
		STOPPED = 1
		exit
	}
}

# ---- json: JSON lines, each line parsed by recursive descent ----

FMT == "json" {
	JL = $0
	LOFF = OFF
	OFF += length($0) + length(RT)
	if (JL ~ /^[ \t\r]*$/) next	# a blank line is no record
	match(JL, /^[ \t\r]*/)
	JI = RLENGTH + 1
	REC_OFF = LOFF + RLENGTH
	for (s = 1; s <= NSLOT; s++) JSEEN[s] = 0
	if (substr(JL, JI, 1) == "{" && json_value("", 0, 0) && json_blanks() > length(JL))
		json_record()
	else if (!MALF++)
		MALF_OFF = REC_OFF
	next
}

function json_blanks() {
	while (JI <= length(JL) && index(" \t\r", substr(JL, JI, 1))) JI++
	return JI
}

# A value at JI (its path, the containers open around it, whether one is an array);
# returns 1, or 0 for a malformed line.
function json_value(path, depth, inarr,   c, s, t, o) {
	json_blanks()
	c = substr(JL, JI, 1)
	o = LOFF + JI - 1
	if (c == "{" || c == "[") {
		json_take(path, inarr, "c", "", o)
		if (depth == 8) return 0
		return c == "{" ? json_object(path, depth + 1, inarr) : json_array(depth + 1)
	}
	if (c == "\"") {
		if (!json_string()) return 0
		json_take(path, inarr, "s", JSTR, o)
		return 1
	}
	if (c == "" || index(",:}]", c)) return 0
	s = JI
	while (JI <= length(JL) && !index(" \t\r,}]", substr(JL, JI, 1))) {
		if (index("\"{[:", substr(JL, JI, 1))) return 0
		JI++
	}
	json_take(path, inarr, "b", substr(JL, s, JI - s), o)
	return 1
}

# A used key's value, the first of a repeated key (c: an object or array, s: a string, b: bare).
function json_take(path, inarr, kind, text, o,   s) {
	if (inarr) return
	for (s = 1; s <= NSLOT; s++)
		if (JWANT[s] == path && !JSEEN[s]) {
			JSEEN[s] = 1; JKIND[s] = kind; JTEXT[s] = text; JOFF[s] = o
		}
}

function json_object(path, depth, inarr,   key, c) {
	JI++
	json_blanks()
	if (substr(JL, JI, 1) == "}") {
		JI++
		return 1
	}
	for (;;) {
		json_blanks()
		if (substr(JL, JI, 1) != "\"" || !json_string()) return 0
		key = (path == "" && depth == 1) ? JSTR : path "\034" JSTR
		json_blanks()
		if (substr(JL, JI, 1) != ":") return 0
		JI++
		if (!json_value(key, depth, inarr)) return 0
		json_blanks()
		c = substr(JL, JI++, 1)
		if (c == "}") return 1
		if (c != ",") return 0
	}
}

function json_array(depth,   c) {
	JI++
	json_blanks()
	if (substr(JL, JI, 1) == "]") {
		JI++
		return 1
	}
	for (;;) {
		if (!json_value("", depth, 1)) return 0
		json_blanks()
		c = substr(JL, JI++, 1)
		if (c == "]") return 1
		if (c != ",") return 0
	}
}

# The string at JI, its escapes decoded (\uXXXX as UTF-8, pairs joined) into JSTR.
function json_string(   c, n, cp, lo, e) {
	JSTR = ""
	n = length(JL)
	for (JI++; JI <= n; JI++) {
		c = substr(JL, JI, 1)
		if (c == "\"") {
			JI++
			return 1
		}
		if (index(JCTRL, c)) return 0
		if (c != "\\") {
			JSTR = JSTR c
			continue
		}
		c = substr(JL, ++JI, 1)
		e = index("\"\\/bfnrt", c)
		if (c != "" && e) {
			JSTR = JSTR substr("\"\\/\b\f\n\r\t", e, 1)
			continue
		}
		if (c != "u" || (cp = json_hex4()) < 0) return 0
		if (cp >= 56320 && cp <= 57343) return 0	# a low surrogate alone
		if (cp >= 55296 && cp <= 56319) {
			if (substr(JL, JI + 1, 2) != "\\u") return 0
			JI += 2
			if ((lo = json_hex4()) < 56320 || lo > 57343) return 0
			cp = 65536 + (cp - 55296) * 1024 + (lo - 56320)
		}
		JSTR = JSTR json_utf8(cp)
	}
	return 0
}

function json_hex4(   h, v, j, d) {
	h = substr(JL, JI + 1, 4)
	if (h !~ /^[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]$/) return -1
	v = 0
	for (j = 1; j <= 4; j++) {
		d = index("0123456789abcdef", tolower(substr(h, j, 1))) - 1
		v = v * 16 + d
	}
	JI += 4
	return v
}

function json_utf8(cp) {
	if (cp < 128) return sprintf("%c", cp)
	if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
	if (cp < 65536)
		return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
	return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64,
		       128 + int(cp / 64) % 64, 128 + cp % 64)
}

# A first place: the file's first such value is the first record's first in the line.
function json_first(name, o) {
	if (!(name in JFIRST) || (JFIRST[name] >= REC_OFF && o < JFIRST[name])) JFIRST[name] = o
}

function json_record(   s, t, o, w, nk) {
	RECORDS++
	for (s = 1; s <= NSLOT; s++) {
		if (!JSEEN[s]) {
			FN[s] = 1
			FN_MISSING[s] = 1
			if (!MISS++) MISS_OFF = REC_OFF
			continue
		}
		FN_MISSING[s] = 0
		FN[s] = 1
		t = JKIND[s] == "c" ? "" : JTEXT[s]
		o = JOFF[s]
		if (s == KEYSLOT || s in KEYSL) {
			FT[s] = t
			KEYLONG[s] = length(t) > KEYCAP
		} else {
			# compared as text: a bare null is NULL, as "" is
			FT[s] = JKIND[s] == "b" && t == "null" ? "" : t
		}
		if (!SLOT_NUM[s] || COLTXT[s]) continue
		w = tolower(t)
		if (JKIND[s] == "b" && (w == "true" || w == "false")) {
			FV[s] = (w == "true") * S
			FN[s] = 0
			continue
		}
		if (JKIND[s] == "s") t = trim(t)
		if (JKIND[s] == "c") {
			BAD++; json_first("bad", o)
		} else if (t == "") {
			EMPTY++; json_first("empty", o)
		} else if ((NUMBER = number(t)) == 2) {
			beyond(o)
		} else if (NUMBER) {
			FV[s] = PV
			FN[s] = 0
			if (PRND) { ROUNDED++; json_first("rounded", o) }
		} else if ((nk = null_kind(t))) {
			NULLS++; json_first("nulls", o)
			NULL_KIND[nk]++
		} else {
			BAD++; json_first("bad", o)
		}
	}
	if ("empty" in JFIRST) EMPTY_OFF = JFIRST["empty"]
	if ("bad" in JFIRST) BAD_OFF = JFIRST["bad"]
	if ("nulls" in JFIRST) NULLS_OFF = JFIRST["nulls"]
	if ("rounded" in JFIRST) ROUNDED_OFF = JFIRST["rounded"]
	if (on_record()) {
		STOPPED = 1
		exit
	}
}

# ---- binary: the bytes as od(1) prints them in decimal ----

function read_binary(   cmd, line, nb, b, j, np, off, R) {
	cmd = "od -An -v -t u1 '" FILE "'"
	np = 0
	off = 0
	while ((cmd | getline line) > 0) {
		nb = split(line, b, " ")
		for (j = 1; j <= nb; j++) {
			R[np++] = b[j] + 0
			off++
			if (np == RECSIZE) {
				REC_OFF = off - RECSIZE
				binary_record(R)
				np = 0
			}
		}
	}
	close(cmd)
	PARTIAL = np
}

# A field's integer: little- or big-endian, sign-extended for i*.
function field_value(R, f,   v, j, size) {
	size = BF_SIZE[f]
	v = 0
	for (j = 0; j < size; j++)
		v = v * 256 + R[BF_OFF[f] + (BF_BE[f] ? j : size - 1 - j)]
	if (BF_SIGNED[f] && v >= POW2[8 * size - 1]) v -= POW2[8 * size]
	return v
}

function binary_record(R,   s, f, v) {
	for (s = 1; s <= NSLOT; s++) {
		f = SLOT_BF[s]
		v = field_value(R, f)
		if (v > INT64_MAX) {
			# past int64: a stream skips the value, a record reads NULL
			if (STREAM) {
				if (!MALF++) MALF_OFF = REC_OFF
				return
			}
			FN[s] = 1
			if (!BAD++) BAD_OFF = REC_OFF + BF_OFF[f]
			continue
		}
		FV[s] = v * S
		FN[s] = 0
	}
	RECORDS++
	if (on_record()) {
		STOPPED = 1
		exit
	}
}

# ---- evaluation helpers for the generated code ----

function and3(a, b) {
	return (a == 0 || b == 0) ? 0 : (a == 2 || b == 2) ? 2 : 1
}

# A like pattern as an anchored regular expression: % any bytes, _ one byte.
function like_re(p,   r, j, ch) {
	r = "^"
	for (j = 1; j <= length(p); j++) {
		ch = substr(p, j, 1)
		if (ch == "%") r = r ".*"
		else if (ch == "_") r = r "."
		else if (ch ~ /[][\\^$.|?*+(){}\/]/) r = r "\\" ch
		else r = r ch
	}
	return r "$"
}

function or3(a, b) {
	return (a == 1 || b == 1) ? 1 : (a == 2 || b == 2) ? 2 : 0
}

# A run-time error: no answer; the message names the operator and the record.
function oops(kind, loc) {
	FAILED = kind
	ERR_LOC = loc
	ERR_OFF = REC_OFF
	if (FMT == "numbers" || STREAM) ERR_X = FV[1]
	exit
}

function oops_key() {
	FAILED = "key"
	ERR_OFF = REC_OFF
	exit
}

function beyond(off) {
	FAILED = "beyond"
	ERR_OFF = off
	exit
}

function oops_groups() {
	FAILED = "groups"
	ERR_OFF = REC_OFF
	exit
}

function idiv(a, b) {
	return (a - a % b) / b
}

# hist: (..., 0), [0, 1), [1, 2), [2, 4), ...: bucket 0, 1, then 2 + floor(log2(v)).
function hist_bucket(v,   i, k) {
	if (v < 0) return 0
	if (v < S) return 1
	i = idiv(v, S)
	# from below: 2^k <= 10^(digits - 1) <= i
	for (k = int((length(i "") - 1) * 3.321928); POW2[k + 1] <= i; k++)
		;
	return 2 + k
}

function floor_int(v,   q) {
	q = idiv(v, S)
	if (v < 0 && q * S != v) q--
	return q
}

function lhist_bucket(i, v) {
	if (v < LH_LO[i] * S) return 0
	if (v >= LH_HI[i] * S) return LH_NB[i] - 1
	return 1 + int((floor_int(v) - LH_LO[i]) / LH_STEP[i])
}

# corr(y, x) and the other pairs: the sums their formulas need.
function fold_pair(g, i, y, x) {
	A_n[g, i]++
	A_py[g, i] += y; A_px[g, i] += x
	A_pyy[g, i] += y * y; A_pxx[g, i] += x * x; A_pxy[g, i] += x * y
}

# DuckDB's formulas, exact: cxy = n sxy - sx sy, vx = n sxx - sx^2 (n^2 times the
# population covariance and variance, over scaled values). The value into QN / QD
# (corr: its square, QNEG its sign, QROOT set); 0 for NULL.
function pair_quot(g, i, k, n,   sy, sx, cxy, vx, vy) {
	sy = A_py[g, i]; sx = A_px[g, i]
	cxy = n * A_pxy[g, i] - sx * sy
	vx = n * A_pxx[g, i] - sx ^ 2
	vy = n * A_pyy[g, i] - sy ^ 2
	if (k == "covar_pop") return set_quot(cxy, n * n * S * S)
	if (k == "covar_samp") return set_quot(cxy, n * (n - 1) * S * S)
	if (vx == 0 || (k == "corr" && vy == 0)) return 0
	if (k == "regr_slope") return set_quot(cxy, vx)
	if (k == "regr_intercept") return set_quot(sy * vx - sx * cxy, n * vx * S)
	set_quot(cxy ^ 2, vx * vy)
	QROOT = 1
	QNEG = cxy < 0
	return 1
}

function set_quot(num, den) {
	QN = num; QD = den; QROOT = QNEG = 0
	return 1
}

function fold(g, i, v,   k) {
	k = KC[i]
	if (k == 2) {
		if (!A_n[g, i]++) {
			A_m[g, i] = v
			A_M[g, i] = v
		} else {
			if (v < A_m[g, i]) A_m[g, i] = v
			if (v > A_M[g, i]) A_M[g, i] = v
		}
		A_s[g, i] += v
	} else if (k == 1)
		A_n[g, i]++
	else if (k == 3) {
		A_n[g, i]++
		A_s[g, i] += v
		A_q[g, i] += v * v
	} else if (k == 4) {
		A_n[g, i]++
		A_h[g, i, hist_bucket(v)]++
	} else if (k == 5) {
		A_n[g, i]++
		A_h[g, i, lhist_bucket(i, v)]++
	} else if (k == 6)
		A_v[g, i, ++A_n[g, i]] = v
	else if (k == 7) {
		A_n[g, i]++
		if (!((g, i, v) in A_d)) {
			A_d[g, i, v] = 1
			A_dc[g, i]++
		}
	}
}

# ---- printing values as bpfq does ----

# A scaled value as an exact decimal: trailing zeros cut.
function dec(v,   neg, ip, fp) {
	neg = v < 0
	if (neg) v = -v
	ip = idiv(v, S)
	fp = v - ip * S
	fp = fp ? sprintf("%018d", fp) : ""
	sub(/0+$/, "", fp)
	return (neg ? "-" : "") ip (fp != "" ? "." fp : "")
}

function isqrt(n,   x, y) {
	if (n < 2) return n
	x = 10 ^ (int(length(n "") / 2) + 1)
	y = idiv(x + idiv(n, x), 2)
	while (y < x) {
		x = y
		y = idiv(x + idiv(n, x), 2)
	}
	return x
}

function gcd(a, b,   t) {
	if (a < 0) a = -a
	while (b) {
		t = a % b; a = b; b = t
	}
	return a
}

# num / den (den > 0) as bpfq prints a quotient: the exact decimal when it has at
# most 38 digits (the zeros after the point counted), else the nearest double.
function quot_text(num, den,   g, d, twos, fives, scale, v) {
	if (num == 0) return "0"
	g = gcd(num, den); num = idiv(num, g); den = idiv(den, g)
	twos = fives = 0
	for (d = den; d % 2 == 0; twos++) d = idiv(d, 2)
	for (; d % 5 == 0; fives++) d = idiv(d, 5)
	scale = twos > fives ? twos : fives
	v = idiv(num * 10 ^ scale, den)
	if (d == 1 && scale <= 38 && length((v < 0 ? -v : v) "") <= 38) return dec_at(v, scale)
	PREC = 1024
	v = num / den
	return dbl_text(v)
}

# v / 10^scale, exact: trailing zeros cut.
function dec_at(v, scale,   neg, ip, fp) {
	neg = v < 0
	if (neg) v = -v
	ip = idiv(v, 10 ^ scale)
	fp = v - ip * 10 ^ scale
	fp = fp ? sprintf("%0" scale "d", fp) : ""
	sub(/0+$/, "", fp)
	return (neg ? "-" : "") ip (fp != "" ? "." fp : "")
}

# The square root of num / den, negated when neg: exact when both are squares once
# reduced, else the double nearest it (MPFR's root at 1024 bits, then 53).
function root_text(num, den, neg,   g, a, b) {
	g = gcd(num, den); num = idiv(num, g); den = idiv(den, g)
	a = isqrt(num); b = isqrt(den)
	if (a * a == num && b * b == den) return quot_text(neg ? -a : a, b)
	PREC = 1024
	a = sqrt(num / den)
	return dbl_text(neg ? -a : a)
}

# x (a high-precision float) rounded to the nearest double, in the fewest digits that
# read back as it, as Python's repr(): positional from 1e-4 to 1e16, else 1e-05.
function dbl_text(x,   y, k, s, neg, m, e, ip) {
	PREC = 53
	y = x + 0
	for (k = 0; k < 16; k++) {
		s = sprintf("%.*e", k, y)
		if (s + 0 == y) break
	}
	s = sprintf("%.*e", k, y)
	PREC = 256
	neg = s ~ /^-/
	sub(/^-/, "", s)
	e = substr(s, index(s, "e") + 1) + 0
	m = substr(s, 1, index(s, "e") - 1)
	sub(/\./, "", m)
	sub(/0+$/, "", m)
	if (m == "") m = "0"
	if (e < -4 || e >= 16) {
		s = substr(m, 1, 1) (length(m) > 1 ? "." substr(m, 2) : "") \
		    sprintf("e%s%02d", e < 0 ? "-" : "+", e < 0 ? -e : e)
	} else if (e < 0) {
		s = "0." substr("0000", 1, -e - 1) m
	} else {
		while (length(m) <= e) m = m "0"
		ip = substr(m, 1, e + 1)
		s = ip "." (length(m) > e + 1 ? substr(m, e + 2) : "0")
	}
	return (neg ? "-" : "") s
}

function pow2_label(k) {
	return k < 10 ? POW2[k] "" : POW2[k % 10] substr(SUFFIX, int(k / 10), 1)
}

# A bucket's bounds as labels (LB, HB; "" for an open end) and as numbers (LN, HN).
function bounds(i, b,   nb) {
	if (KC[i] == 4) {
		if (b == 0) { LB = ""; HB = "0"; LN = ""; HN = 0 }
		else if (b == 1) { LB = "0"; HB = "1"; LN = 0; HN = 1 }
		else {
			LB = pow2_label(b - 2); HB = pow2_label(b - 1)
			LN = POW2[b - 2] ""; HN = POW2[b - 1] ""
		}
		return
	}
	nb = LH_NB[i]
	LB = b == 0 ? "" : b == nb - 1 ? LH_HI[i] : LH_LO[i] + (b - 1) * LH_STEP[i]
	HB = b == nb - 1 ? "" : LH_LO[i] + b * LH_STEP[i]
	if (HB != "" && HB > LH_HI[i]) HB = LH_HI[i]
	LB = LB ""; HB = HB ""; LN = LB; HN = HB
}

# The buckets from the first with a value to the last (FIRST, LAST; FIRST < 0: none).
function bucket_span(g, i,   b, nb) {
	nb = KC[i] == 4 ? 65 : LH_NB[i]
	FIRST = LAST = -1
	for (b = 0; b < nb; b++)
		if (A_h[g, i, b]) {
			if (FIRST < 0) FIRST = b
			LAST = b
		}
}

function hist_cell(g, i,   b, s) {
	bucket_span(g, i)
	s = ""
	for (b = FIRST; FIRST >= 0 && b <= LAST; b++) {
		bounds(i, b)
		s = s (b > FIRST ? " " : "") (LB == "" ? "(..., " HB ")" : HB == "" ? "[" LB ", ...)" : "[" LB ", " HB ")") ":" (A_h[g, i, b] + 0)
	}
	return csv_field(s)
}

function csv_field(s) {
	if (s !~ /[,"\r\n]/) return s
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}

# The exact nearest-rank quantile: the value at rank ceil(q * n), at least 1,
# of the values sorted by sort(1) (exact on integers of any length; asort()
# of a million GMP numbers is slow). Quantiles of one expression share them.
function quantile_exact(g, i,   n, rank, j, cmd, line) {
	j = QSAME[i] ? QSAME[i] : i
	n = A_n[g, j]
	if (!((g, j) in SORTED)) {
		SORTED[g, j] = 1
		cmd = "LC_ALL=C sort -n"
		for (rank = 1; rank <= n; rank++) print A_v[g, j, rank] |& cmd
		close(cmd, "to")
		for (rank = 1; (cmd |& getline line) > 0; rank++) SV[g, j, rank] = line + 0
		close(cmd)
	}
	return SV[g, j, q_rank(i, n)]
}

# The exact rank of quantile i (and a median's of an even count: the
# lower middle one) among n values.
function q_rank(i, n,   rank) {
	rank = idiv(n * AQ[i] + S - 1, S)
	return rank < 1 ? 1 : rank
}

# The values bpfq keeps for quantile and quantile_exact without by: each
# call's (KEEPS), its fractions' once; past --max-values (the default,
# 4194304: no row sets it) quantile is its buckets' estimate.
function kept_values(g,   i, t) {
	for (i = 1; i <= NAGG; i++)
		if (KEEPS[i]) t += A_n[g, QSAME[i] ? QSAME[i] : i]
	return t
}

# quantile and median: exact while the values fit; else (or with by) the
# estimate compare.awk checks: ~q:EXACT (~Q: a group's), and for the
# median of an even count, the mean of two such, ~m:LOW:HIGH (~M:).
function quantile_cell(g, i, n,   lo, hi, est, j) {
	j = QSAME[i] ? QSAME[i] : i
	quantile_exact(g, i)
	lo = SV[g, j, q_rank(i, n)]
	hi = AMID[i] && n % 2 == 0 ? SV[g, j, q_rank(i, n) + 1] : lo
	est = AGG[i] == "quantile" && (NBY || kept_values(g) > 4194304)
	if (est && lo == hi) return (NBY ? "~Q:" : "~q:") dec(lo)
	if (est) return (NBY ? "~M:" : "~m:") dec(lo) ":" dec(hi)
	if ((lo + hi) % 2 == 0) return dec(idiv(lo + hi, 2))
	return dec_at((lo + hi) * 5, 19)
}

# avg, var, stddev and the pairs' aggregates: their value into QN / QD (QROOT: the
# square root of it, QNEG its sign); 0 for NULL.
function agg_quot(g, i, k, n) {
	if (!n || (n < 2 && k ~ /_samp$/)) return 0
	if (k == "avg") return set_quot(A_s[g, i], n * S)
	if (k ~ /^(corr|covar_|regr_)/) return pair_quot(g, i, k, n)
	# var and stddev: (n * sumsq - sum^2) / (n * (n or n - 1)), over scaled values
	set_quot(n * A_q[g, i] - A_s[g, i] ^ 2, n * (k ~ /_samp$/ ? n - 1 : n) * S * S)
	QROOT = k ~ /^stddev/
	return 1
}

function cell(g, i,   k, n) {
	k = AGG[i]
	n = A_n[g, QSAME[i] ? QSAME[i] : i] + 0
	if (k == "count()" || k == "count") return n
	if (k == "exists") return n ? "true" : "false"
	# exact: the values fit the set (--max-distinct is far above these files')
	if (k == "count_distinct") return A_dc[g, i] + 0
	if (k == "hist" || k == "lhist") return hist_cell(g, i)
	if (!n || (n < 2 && k ~ /_samp$/)) return ""
	if (ATXT[i] && COLTXT[SLOT_POS[ATXT[i]]]) return csv_field(A_t[g, i])
	if (k == "sum") return dec(A_s[g, i])
	if (k == "min") return ATIME[i] ? tfmt(idiv(A_m[g, i], S), clock(ACLK[i])) : dec(A_m[g, i])
	if (k == "max") return ATIME[i] ? tfmt(idiv(A_M[g, i], S), clock(ACLK[i])) : dec(A_M[g, i])
	# a group's buckets are 32 an octave, not 128 (bpf-templates/bpfq_state.h)
	if (k == "quantile") return quantile_cell(g, i, n)
	if (k == "quantile_exact") return quantile_cell(g, i, n)
	if (!agg_quot(g, i, k, n)) return ""
	return QROOT ? root_text(QN, QD, QNEG) : quot_text(QN, QD)
}

function row(g,   i, s) {
	s = ""
	for (i = 1; i <= NAGG; i++) s = s (i > 1 ? "," : "") cell(g, i)
	return s
}

# A lone histogram: a row per bucket, min,max,count (numbers; empty for an open end).
function bucket_rows(g, prefix,   b) {
	bucket_span(g, 1)
	for (b = FIRST; FIRST >= 0 && b <= LAST; b++) {
		bounds(1, b)
		print prefix LN "," HN "," (A_h[g, 1, b] + 0)
	}
}

function key_cell(g,   n, parts, j, s) {
	if (NBY > 1) {
		n = key_split(g, parts)
		for (j = 1; j <= n; j++) s = s (j > 1 ? "," : "") key_cell1(parts[j], BYT[j], BYC[j])
		return s
	}
	return key_cell1(g, BY_TIME, BY_CLK)
}

function key_cell1(g, time, clk) {
	if (g == "n") return ""
	if (g ~ /^v/ && time) return tfmt(idiv(substr(g, 2) + 0, S), clock(clk))
	if (g ~ /^v/) return dec(substr(g, 2) + 0)
	return csv_field(substr(g, 2))
}

# Several keys: G's keys into parts[1..n] (each after its length and ':'); n.
function key_split(g, parts,   n, c, len) {
	n = 0
	while (g != "") {
		c = index(g, ":")
		len = substr(g, 1, c - 1) + 0
		parts[++n] = substr(g, c + 1, len)
		g = substr(g, c + 1 + len)
	}
	return n
}

# One key's order, as bpfq sorts them: values in order, then texts byte by byte, then NULL.
function key_cmp1(a, b,   ra, rb, x, y) {
	ra = a ~ /^v/ ? 0 : a ~ /^t/ ? 1 : 2
	rb = b ~ /^v/ ? 0 : b ~ /^t/ ? 1 : 2
	if (ra != rb) return ra < rb ? -1 : 1
	if (ra == 2) return 0
	if (ra == 0) {
		x = substr(a, 2) + 0; y = substr(b, 2) + 0
		return x < y ? -1 : x > y
	}
	x = substr(a, 2); y = substr(b, 2)
	return x < y ? -1 : x > y
}

# Key k (1, 2, ...) of two groups of several keys.
function key_cmp_at(a, b, k,   pa, pb) {
	key_split(a, pa)
	key_split(b, pb)
	return key_cmp1(pa[k], pb[k])
}

# Two groups of several keys: by the first key, then the second, ...
function keys_cmp(i1, a, i2, b,   pa, pb, n, j, c) {
	n = key_split(a, pa)
	key_split(b, pb)
	for (j = 1; j <= n; j++)
		if ((c = key_cmp1(pa[j], pb[j]))) return c
	return 0
}

# ---- columns over aggregates, having, order by, limit (bpfq-query(7) COLUMNS) ----
# An overflow or a division by zero is an error naming the expression (and the
# group); the first one is kept in POSTERR, and no answer is printed.

function key_text(g) {
	return g == "n" ? "null" : g ~ /^v/ ? dec(substr(g, 2) + 0) : substr(g, 2)
}

function post_fail(kind, n,   parts, j) {
	if (POSTERR != "") return
	POSTERR = "bpfq: error: " kind " in '" PLABEL[n] "'"
	if (NBY > 1) {
		n = key_split(POSTG, parts)
		for (j = 1; j <= n; j++)
			POSTERR = POSTERR (j > 1 ? ", " : " for ") BYLABELS[j] " = " key_text(parts[j])
	} else if (BY) {
		POSTERR = POSTERR " for " BYLABEL " = " key_text(POSTG)
	}
}

# Values are exact rationals, "num/den" (den > 0, reduced); PX says the value is a
# root's approximation (to 2^-512), PNULL that it is NULL.
function rat(n, d,   g) {
	if (d < 0) { n = -n; d = -d }
	g = gcd(n, d)
	return idiv(n, g) "/" idiv(d, g)
}

function rn(r) { return substr(r, 1, index(r, "/") - 1) + 0 }
function rd(r) { return substr(r, index(r, "/") + 1) + 0 }

function rcmp(a, b,   c) {
	c = rn(a) * rd(b) - rn(b) * rd(a)
	return c < 0 ? -1 : c > 0
}

# A value as a column over aggregates prints it.
function rat_text(r) {
	if (!PX || rn(r) == 0) return quot_text(rn(r), rd(r))
	PREC = 1024
	return dbl_text(rn(r) / rd(r))
}

# An aggregate's exact value (a root's approximation); exists is 1 or 0.
function agg_value(g, n,   i, k, t, a, b) {
	i = PVAL[n] + 0; k = AGG[i]
	PNULL = PX = 0
	if (k ~ /^(avg|var|stddev|corr|covar_|regr_)/) {
		PNULL = !agg_quot(g, i, k, A_n[g, i] + 0)
		if (PNULL) return "0/1"
		if (!QROOT) return in_range(rat(QN, QD), n)
		a = isqrt(QN); b = isqrt(QD)
		if (a * a != QN || b * b != QD) {
			PX = 1
			a = isqrt(idiv(QN * 2 ^ 1024, QD)); b = 2 ^ 512
		}
		return in_range(rat(QNEG ? -a : a, b), n)
	}
	t = cell(g, i)
	PNULL = t == ""
	if (t == "true" || t == "false") return (t == "true") "/1"
	if (!PNULL && number(t) != 1) post_fail("overflow", n)
	return PNULL ? "0/1" : rat(PV, S)
}

function in_range(r, n) {
	if (rn(r) * S < LO * rd(r) || rn(r) * S > HI * rd(r)) post_fail("overflow", n)
	return r
}

# Truncated toward zero.
function tdiv(a, b) {
	return (a - a % b) / b
}

function pval(g, n,   k, a, b, an, ax, c, q) {
	k = PK[n]
	PNULL = PX = 0
	if (k == "lit") return rat(PVAL[n] + 0, S)
	if (k == "agg") return agg_value(g, n)
	if (k == "field") {
		for (c = 1; c <= NCOL; c++)
			if ("n:" COLNAME[c] == PVAL[n]) return pval(g, COLE[c])
		print "oracle: a name that is no column: " PVAL[n] > "/dev/stderr"
		exit 1
	}
	a = pval(g, PL[n]); an = PNULL; ax = PX
	if (k == "neg" || k == "abs") {
		PNULL = an; PX = ax
		return an ? "0/1" : in_range(k == "neg" || rn(a) < 0 ? rat(-rn(a), rd(a)) : a, n)
	}
	b = pval(g, PR[n])
	PNULL = an || PNULL; PX = ax || PX
	if (PNULL) return "0/1"
	if (k == "add") return in_range(rat(rn(a) * rd(b) + rn(b) * rd(a), rd(a) * rd(b)), n)
	if (k == "sub") return in_range(rat(rn(a) * rd(b) - rn(b) * rd(a), rd(a) * rd(b)), n)
	if (k == "mul") return in_range(rat(rn(a) * rn(b), rd(a) * rd(b)), n)
	if (rn(b) == 0) {
		post_fail("division by zero", n)
		return "0/1"
	}
	if (k == "div") return in_range(rat(rn(a) * rd(b), rd(a) * rn(b)), n)
	# C's %: a - trunc(a / b) * b
	q = tdiv(rn(a) * rd(b), rd(a) * rn(b))
	return rat(rn(a) * rd(b) - q * rn(b) * rd(a), rd(a) * rd(b))
}

# and, or: the right side only when the left does not decide (as in where).
function pcond(g, n,   k, a, b, an, r, j, c) {
	k = PK[n]
	if (k == "agg") {
		a = agg_value(g, n)
		return PNULL ? 2 : rn(a) != 0
	}
	if (k == "not") {
		r = pcond(g, PL[n])
		return r == 2 ? 2 : !r
	}
	if (k == "and" || k == "or") {
		r = pcond(g, PL[n])
		if ((k == "and" && r == 0) || (k == "or" && r == 1)) return r
		return k == "and" ? and3(r, pcond(g, PR[n])) : or3(r, pcond(g, PR[n]))
	}
	a = pval(g, PL[n]); an = PNULL
	if (k == "between") {
		b = pval(g, PA[n, 1])
		r = an || PNULL ? 2 : rcmp(a, b) >= 0
		b = pval(g, PA[n, 2])
		r = and3(r, an || PNULL ? 2 : rcmp(a, b) <= 0)
	} else if (k == "in") {
		r = 0
		for (j = 1; j <= PNA[n] && r != 1; j++) {
			b = pval(g, PA[n, j])
			r = or3(r, an || PNULL ? 2 : rcmp(a, b) == 0)
		}
	} else {
		b = pval(g, PR[n])
		if (an || PNULL) return 2
		k = PVAL[n]
		c = rcmp(a, b)
		return k == "==" ? c == 0 : k == "!=" ? c != 0 : k == "<" ? c < 0 : \
		       k == "<=" ? c <= 0 : k == ">" ? c > 0 : c >= 0
	}
	return PVAL[n] + 0 ? (r == 2 ? 2 : !r) : r
}

function post_row(g,   c, s, v) {
	POSTG = g
	s = ""
	for (c = 1; c <= NCOL; c++) {
		if (PK[COLE[c]] == "agg") {
			v = cell(g, PVAL[COLE[c]] + 0)
		} else {
			v = pval(g, COLE[c])
			v = PNULL ? "" : rat_text(v)
		}
		s = s (c > 1 ? "," : "") v
	}
	return s
}

# Whether row a (its position in key order, its sort values in SK) comes after row b:
# by each key, NULLs last either way, then by the key order.
function after(a, b,   k, x, y, c) {
	for (k = 1; k <= NORD; k++) {
		if (ORDBY[k] && NBY > 1) {
			c = key_cmp_at(KEYS_AT[a], KEYS_AT[b], ORDBY[k])
		} else if (ORDBY[k]) {
			c = a < b ? -1 : a > b
		} else {
			x = SKN[a, k]; y = SKN[b, k]
			if (x || y) {
				if (x != y) return x > y
				continue
			}
			c = rcmp(SK[a, k], SK[b, k])
		}
		if (ORDDESC[k]) c = -c
		if (c) return c > 0
	}
	return a > b
}

# The groups that pass having, in order, at most LIMIT: their positions in keys[] into
# out[]. Without order by, none past the limit is looked at.
function post_pick(keys, nk, out,   j, n, k, i, t) {
	n = 0
	for (j = 1; j <= nk; j++) KEYS_AT[j] = keys[j]
	for (j = 1; j <= nk && (NORD || !LIMIT || n < LIMIT); j++) {
		POSTG = keys[j]
		if (HAVING && pcond(keys[j], HAVING) != 1) continue
		out[++n] = j
		for (k = 1; k <= NORD; k++) {
			if (ORDBY[k]) continue
			SK[j, k] = pval(keys[j], ORDE[k])
			SKN[j, k] = PNULL
		}
	}
	for (i = 2; i <= n; i++)	# insertion sort: the diff files have few groups
		for (j = i; j > 1 && after(out[j - 1], out[j]); j--) {
			t = out[j]; out[j] = out[j - 1]; out[j - 1] = t
		}
	return LIMIT && LIMIT < n ? LIMIT : n
}

# The rows into ROWS[1..NROWS], before anything prints: an error prints no answer.
function post_answer(keys, nk,   out, n, j) {
	NROWS = 0
	if (!BY) {
		ROWS[++NROWS] = post_row("")
		return
	}
	n = post_pick(keys, nk, out)
	for (j = 1; j <= n; j++) ROWS[++NROWS] = key_cell(keys[out[j]]) "," post_row(keys[out[j]])
}

# Groups sorted as bpfq sorts them: values in order, then texts byte by byte, then NULL.
function answer(   g, nv, nt, vals, texts, keys, nk, j, lone) {
	lone = NAGG == 1 && (KC[1] == 4 || KC[1] == 5)
	if (!BY && POST) {
		post_answer(keys, 0)
		return
	}
	if (!BY) {
		if (lone) bucket_rows("", "")
		else print row("")
		return
	}
	nv = nt = nk = 0
	if (NBY > 1) {
		for (g in GROUPS) keys[++nk] = g
		asort(keys, keys, "keys_cmp")
	}
	for (g in GROUPS) {
		if (NBY > 1) break
		if (g ~ /^v/) vals[++nv] = substr(g, 2) + 0
		else if (g ~ /^t/) texts[++nt] = substr(g, 2)
	}
	asort(vals)
	asort(texts, texts, "@val_str_asc")
	for (j = 1; j <= nv; j++) keys[++nk] = "v" vals[j]
	for (j = 1; j <= nt; j++) keys[++nk] = "t" texts[j]
	if ("n" in GROUPS) keys[++nk] = "n"
	if (POST) {
		post_answer(keys, nk)
		return
	}
	for (j = 1; j <= nk; j++) {
		if (lone) bucket_rows(keys[j], key_cell(keys[j]) ",")
		else print key_cell(keys[j]) "," row(keys[j])
	}
}

# ---- messages ----

# "FILE:LINE:COL" of a byte offset (lines count from the start of the file), and the
# token there (TOKEN: up to 32 bytes, to a separator) as bpfq finds it again.
function place(off,   pos, line, l, n, t) {
	if (FMT == "binary") return "byte " off " of " FILE
	RS = "\n"
	pos = 0
	line = 1
	while ((getline l < FILE) > 0) {
		n = length(l) + length(RT)
		if (pos + n > off) break
		pos += n
		line++
	}
	close(FILE)
	t = substr(l, off - pos + 1, 32)
	# blanks end a token, and csv's delimiter (else ',')
	if (match(t, /[ \t\v\f\r]/)) t = substr(t, 1, RSTART - 1)
	if ((n = index(t, FMT == "csv" ? DELIM : ","))) t = substr(t, 1, n - 1)
	TOKEN = t
	return FILE ":" line ":" (off - pos + 1)
}

function quoted_token(t,   s, j, n) {
	n = length(t)
	s = "'"
	for (j = 1; j <= n; j++) {
		if (j == 32) {
			s = s "..."
			break
		}
		s = s ESC[substr(t, j, 1)]
	}
	return s "'"
}

function first_at(off, token, what,   p) {
	p = place(off)
	if (token) return "; the first, " quoted_token(TOKEN) ", at " p
	return "; the first " what " " p
}

function warnings(   b, s, sep, k, j) {
	b = FMT == "binary"
	j = FMT == "json"	# no token: a JSON value's bytes are not the token at its place
	if (MALF && j)
		print "bpfq: warning: skipped " MALF " line" (MALF == 1 ? " that is" : "s that are") \
			" not a JSON object" first_at(MALF_OFF, 0, "at") > "/dev/stderr"
	else if (MALF)
		print "bpfq: warning: skipped " MALF " " (b ? (MALF == 1 ? "value past int64 (a u64)" : \
			"values past int64 (u64s)") : (MALF == 1 ? "token that is not a number" : \
			"tokens that are not numbers")) first_at(MALF_OFF, !b, "at") > "/dev/stderr"
	if (EMPTY)
		print "bpfq: warning: " EMPTY " empty field" (EMPTY == 1 ? "" : "s") " read as NULL" \
			first_at(EMPTY_OFF, 0, "at") > "/dev/stderr"
	if (BAD)
		print "bpfq: warning: " BAD " field" (BAD == 1 ? " that is" : "s that are") \
			" not a number read as NULL" first_at(BAD_OFF, !b && !j, "at") > "/dev/stderr"
	if (BADTIME)
		print "bpfq: warning: " BADTIME " field" (BADTIME == 1 ? " that is" : "s that are") \
			" not an ISO 8601 time read as NULL" first_at(BADTIME_OFF, 1, "at") > "/dev/stderr"
	if (NULLS) {
		s = "bpfq: warning: " NULLS " field" (NULLS == 1 ? "" : "s") " read as NULL"
		sep = ": "
		for (k = 1; k <= 5; k++) {
			if (!NULL_KIND[k]) continue
			s = s sep NULL_KIND[k] " " NULL_NAME[k]
			sep = ", "
		}
		print s first_at(NULLS_OFF, !j, "at") > "/dev/stderr"
	}
	if (MISS && j)
		print "bpfq: warning: " MISS " field" (MISS == 1 ? "" : "s") " missing (no such key in " \
			"the object) read as NULL" first_at(MISS_OFF, 0, "in the record at") > "/dev/stderr"
	else if (MISS)
		print "bpfq: warning: " MISS " field" (MISS == 1 ? " missing (the record is" : \
			"s missing (the records are") " too short) read as NULL" \
			first_at(MISS_OFF, 0, "in the record at") > "/dev/stderr"
	if (ROUNDED)
		print "bpfq: warning: " ROUNDED " value" (ROUNDED == 1 ? " had more than 18 decimals and " \
			"was" : "s had more than 18 decimals and were") " rounded to 18" \
			first_at(ROUNDED_OFF, !j, "at") > "/dev/stderr"
	if (PARTIAL && !STOPPED)
		print "bpfq: warning: the last " PARTIAL " bytes of " FILE " are not a whole record (" \
			RECSIZE " bytes): not read" > "/dev/stderr"
}

END {
	if (FAILED == "quote")
		print "bpfq: error: a quoted field that starts at " place(ERR_OFF) \
			" is not closed before the end of the input; no answer" > "/dev/stderr"
	else if (FAILED == "groups")
		print "bpfq: error: " KEYLOC ": more than " MAXGROUPS " groups at " place(ERR_OFF) \
			" (raise --max-groups); no answer" > "/dev/stderr"
	else if (FAILED == "beyond") {
		ERR_LOC = place(ERR_OFF)
		print "bpfq: error: a number past int64 (-9223372036854775808 to 9223372036854775807) " \
			"cannot be held, at " ERR_LOC ": " quoted_token(TOKEN) "; no answer" \
			> "/dev/stderr"
	}
	else if (FAILED == "key")
		print "bpfq: error: " KEYLOC ": a group key longer than " KEYCAP " bytes (the most a text key holds) at " place(ERR_OFF) > "/dev/stderr"
	else if (FAILED)
		print "bpfq: error: " ERR_LOC ": " FAILED (ERR_X != "" ? " for x = " dec(ERR_X) : "") \
			" at " place(ERR_OFF) > "/dev/stderr"
	if (FAILED) exit
	if (!STOPPED && FMT == "csv" && QS == 1) {
		# a quoted field open at the end: an error, after its records were read
		print "bpfq: error: a quoted field that starts at " place(FOFF) \
			" is not closed before the end of the input; no answer" > "/dev/stderr"
		exit
	}
	if (POST) {
		answer()
		warnings()
		if (POSTERR != "") print POSTERR > "/dev/stderr"
		for (j = 1; POSTERR == "" && j <= NROWS; j++) print ROWS[j]
		exit
	}
	warnings()
	answer()
}

# ---- times (bpfq-query(7) TIMES): microseconds since 1970-01-01T00:00:00Z ----
# The calendar from the rules (400 years are 146097 days), not from bpfq's
# formulas: a day count is the days of the whole years, then of the months.

function leap(y) {
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

function month_len(y, m) {
	return m == 2 ? 28 + leap(y) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}

# Days from 0000-01-01 to the first of year y (y >= 0).
function year_days(y) {
	return y * 365 + idiv(y + 3, 4) - idiv(y + 99, 100) + idiv(y + 399, 400)
}

# Days since 1970-01-01 of y-m-d.
function civil_days(y, m, d,   k, n) {
	n = year_days(y) - year_days(1970)
	for (k = 1; k < m; k++) n += month_len(y, k)
	return n + d - 1
}

function fdiv(a, b,   q) {
	q = idiv(a, b)
	if (a < 0 && q * b != a) q--
	return q
}

# The date of a time: TY, TM, TD; returns the microseconds into the day.
function tdate(t,   days, y, m) {
	days = fdiv(t, 86400000000)
	y = idiv(days * 400, 146097) + 1970
	while (civil_days(y, 1, 1) > days) y--
	while (civil_days(y + 1, 1, 1) <= days) y++
	days -= civil_days(y, 1, 1)
	for (m = 1; days >= month_len(y, m); m++) days -= month_len(y, m)
	TY = y; TM = m; TD = days + 1
	return t - fdiv(t, 86400000000) * 86400000000
}

function t_part(fn, t,   tod) {
	tod = tdate(t)
	if (fn == "year") return TY
	if (fn == "month") return TM
	if (fn == "day") return TD
	if (fn == "hour") return idiv(tod, 3600000000)
	if (fn == "minute") return idiv(tod, 60000000) % 60
	return idiv(tod, 1000000) % 60
}

function t_trunc(unit, t,   tod, step) {
	tod = tdate(t)
	if (unit == "year") return civil_days(TY, 1, 1) * 86400000000
	if (unit == "month") return civil_days(TY, TM, 1) * 86400000000
	step = unit == "day" ? 86400000000 : unit == "hour" ? 3600000000 : unit == "minute" ? 60000000 : 1000000
	return fdiv(t, step) * step
}

# ISO 8601 text as a time, or "" when it is none.
function parse_time(s,   m, y, mo, d, h, mi, sec, f, us, z) {
	if (!match(s, /^([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])([Tt ]([0-9][0-9]):([0-9][0-9])(:([0-9][0-9])([.,]([0-9]+))?)?([Zz]|[+-][0-9][0-9](:?[0-9][0-9])?)?)?$/, m))
		return ""
	y = m[1] + 0; mo = m[2] + 0; d = m[3] + 0
	h = m[5] + 0; mi = m[6] + 0; sec = m[8] + 0
	if (mo < 1 || mo > 12 || d < 1 || d > month_len(y, mo) || h > 23 || mi > 59 || sec > 59)
		return ""
	f = m[10]
	if (length(f) > 9) return ""
	f = substr(f "000000", 1, 6) + 0
	us = ((civil_days(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec
	us = us * 1000000 + f
	z = m[11]
	if (z ~ /^[+-]/) {
		gsub(/:/, "", z)
		if (length(z) == 3) z = z "00"
		if (substr(z, 2, 2) + 0 > 23 || substr(z, 4, 2) + 0 > 59) return ""
		z = (substr(z, 2, 2) * 60 + substr(z, 4, 2)) * 60000000
		us += substr(m[11], 1, 1) == "-" ? z : -z
	}
	return us
}

# A clock formula of oracle-query.awk: a timestamp (1) or a date (0); "sN":
# slot N's column, whose sampled values held a time with a time of day.
function clock(f) {
	if (f ~ /^s/) return CLOCK_SEEN[SLOT_POS[substr(f, 2) + 0]] + 0
	return f + 0
}

# As bpfq prints a time: a date alone at midnight, a timestamp (clk) and
# other times with the time and a fraction.
function tfmt(t, clk,   tod, s, f) {
	tod = tdate(t)
	s = sprintf("%04d-%02d-%02d", TY, TM, TD)
	if (!tod && !clk) return s
	s = s sprintf(" %02d:%02d:%02d", idiv(tod, 3600000000), idiv(tod, 60000000) % 60, idiv(tod, 1000000) % 60)
	f = sprintf("%06d", tod % 1000000)
	sub(/0+$/, "", f)
	return s (f == "" ? "" : "." f)
}
