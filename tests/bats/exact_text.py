# SPDX-License-Identifier: MIT
"""What bpfq prints for an exact rational and for its square root, from
Fraction and Decimal: an oracle independent of bpfq's GMP code (bats files
put this folder on sys.path)."""
import math
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60


def text(q):
    """Exact when the decimal has at most 38 digits (the zeros after the
    point counted), else the nearest double in Python's repr()."""
    d, twos, fives = q.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    scale = max(twos, fives)
    n = abs(q.numerator) * 10 ** scale // q.denominator
    if d == 1 and scale <= 38 and len(str(n)) <= 38:
        s = str(n).rjust(scale + 1, '0')
        s = s[:len(s) - scale] + ('.' + s[len(s) - scale:] if scale else '')
        return ('-' if q < 0 else '') + s
    return repr(float(q))


def root(q):
    """The square root of q: exact when both terms are squares, else the
    double nearest it (a 60-digit Decimal root)."""
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if a * a == q.numerator and b * b == q.denominator:
        return text(Fraction(a, b))
    return repr(float((Decimal(q.numerator) / Decimal(q.denominator)).sqrt()))
