"""Literal prefilters for the codebook's regexes: skip a scan that cannot match.

Each theme's patterns are one alternation, and scanning a short text with it
costs ~50 µs in Python's ``re`` (it tries every branch at every position),
about 0.6 ms per text for all themes. Almost every branch contains a plain
piece of text that any match must include ("субсид" in ``субсид\\w*``,
"деньг"/"денег" in ``(денег|деньги)\\s+нет``). If none of a theme's required
pieces occurs in the text (a substring test in C), the regex cannot match and
the scan is skipped; otherwise it runs exactly as before. So evidence is
identical, only cheaper.

The required pieces come from the parse tree of ``re`` (``re._parser``). A
pattern whose tree is not understood (flags, lookarounds, an unknown node)
gets no filter and is always scanned: the filter may be missing, never wrong.
"""

from __future__ import annotations


def _best(cands: list[list[str]]) -> list[str] | None:
    """The most selective alternative: the longest shortest piece, then pieces that are not
    letters ("&" is rarer than "r"), then the fewest pieces."""
    good = [c for c in cands if c and min(map(len, c)) >= 1]
    if not good:
        return None
    return max(good, key=lambda c: (min(map(len, c)), not any(x.isalnum() for x in c), -len(c)))


def _required(seq, c) -> list[str] | None:
    """Pieces of text at least one of which every match of the node sequence ``seq`` contains."""
    cands: list[list[str]] = []
    run: list[str] = []
    for op, av in seq:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            cands.append(["".join(run)])
            run = []
        if op is c.AT:
            continue  # \b, ^, $: consume nothing
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return None
            found = _required(sub, c)
        elif op is c.BRANCH:
            alts = [_required(b, c) for b in av[1]]
            found = None if any(a is None for a in alts) else sorted({x for a in alts for x in a})
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, _hi, sub = av
            found = _required(sub, c) if lo >= 1 else None
        elif op in (c.IN, c.ANY, c.NOT_LITERAL, c.CATEGORY):
            found = None  # one character of a class: no fixed text
        elif op in (c.ASSERT, c.ASSERT_NOT):
            found = None  # a lookaround only narrows matches and consumes nothing
        else:
            raise ValueError(op)  # back-references, possessive repeats, ...: do not guess
        if found:
            cands.append(found)
    if run:
        cands.append(["".join(run)])
    return _best(cands)


def required_literals(pattern: str) -> list[str] | None:
    """Texts one of which every match of ``pattern`` contains, or None when no safe filter exists."""
    try:
        from re import _constants as c
        from re import _parser as parser

        tree = parser.parse(pattern)
        if tree.state.flags & (c.SRE_FLAG_IGNORECASE | c.SRE_FLAG_VERBOSE):
            return None
        lits = _required(tree, c)
    except Exception:  # private API of re, or an unexpected node: no filter, scan always
        return None
    if lits is None:
        return None
    # a piece that contains another piece adds nothing ("технологи" when "технолог" is there)
    return [x for x in lits if not any(y != x and y in x for y in lits)]
