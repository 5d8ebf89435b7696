"""Tense of a clause, read cheaply from nearby cue words: past, future or unknown."""

from __future__ import annotations

import re

# "next to" and "due to" are prepositions, not plans; "as soon as Friday" sets a date ahead.
_FUTURE_WORDS = (
    r"will|shall|wo|going\sto|plans?\sto|planned|planning|scheduled|expects?|expected|is\sto|are\sto|"
    r"due(?!\sto\b)|upcoming|next(?!\sto\b)|coming|until|till|intends?\sto|intended|hopes?\sto|aims?\sto|"
    r"set\sto|tomorrow|payable|proposed|anticipated|forecast|slated|deadline|as\s(?:soon|early)\sas"
)
_FUTURE = re.compile(r"\b(?:" + _FUTURE_WORDS + r")\b|'ll\b", re.I)
# Words in -ed that are not past verbs ("United States", "a hundred", "succeed", "need").
_NOT_PAST_ED = r"(?:hundred|united|limited|indeed|[a-z]*(?:ceed|need|peed|feed|deed|weed|leed))\b"
_PAST = re.compile(
    r"\b(?!(?:" + _FUTURE_WORDS + r")\b)(?!" + _NOT_PAST_ED + r")(?:was|were|had|did|said|told|ago|last|yesterday|"
    r"earlier|since|previously|been|began|took|came|went|made|met|held|saw|gave|won|lost|became|left|fell|"
    r"rose|grew|[a-z]{3,}ed)\b",
    re.I,
)
# A full stop ends a clause only before a capitalised word, and not after an initial or a
# dotted abbreviation ("a.m.", "U.S.", "J.") or a title: "until 9 a.m. Tuesday" is one clause.
_CLAUSE_END = re.compile(
    r"[!?;\n]|(?<![.\s][A-Za-z])(?<!^[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|No))(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt))"
    r"\.(?=\s{1,3}[\"'`(\u201c\u2018]{0,2}[A-Z])"
)


def _tense(text: str, start: int, end: int) -> int:
    """-1 past, +1 future, 0 unknown: the nearest tense cue in the same clause."""
    left_lo = max(0, start - 80)
    left = text[left_lo:start]
    cut = None
    for cut in _CLAUSE_END.finditer(left):
        pass
    if cut is not None:
        left = left[cut.end() :]
    right = text[end : end + 60]
    stop = _CLAUSE_END.search(right)
    if stop:
        right = right[: stop.start()]
    best: tuple[int, int] = (10**6, 0)
    for rx, sign in ((_FUTURE, -1), (_PAST, 1)):  # sign flipped back below: future wins ties
        for m in rx.finditer(left):
            best = min(best, (len(left) - m.end(), sign))
        m2 = rx.search(right)
        if m2:
            best = min(best, (m2.start() + 2, sign))  # a cue after the expression weighs a little less
    return -best[1]
