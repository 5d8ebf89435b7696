"""Cells written for spreadsheets: text that a spreadsheet would run as a formula is made inert.

A document's sentence, title or actor name can start with ``=``, ``+``, ``-`` or ``@``
(``=HYPERLINK(...)``, ``@SUM(...)``); opened in Excel or LibreOffice, such a cell is a
formula that can fetch URLs or run commands. Following OWASP's advice on CSV
injection, every CSV/TSV cell whose text starts with ``= + - @``, a tab or a carriage
return gets a leading single quote: spreadsheets then show it as text (the quote is
visible in other tools; that is the price of the protection).

Numbers stay numbers: ``int``/``float`` values are never touched, and neither is text
that is only a plain decimal number (``-6``, ``-12.50000``, ``+3e2``, as the TSV
export formats scores and coordinates), since a spreadsheet reads it as that number
and nothing else.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as it may safely be written into a CSV/TSV cell (text with a leading quote when it could be a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of ``row`` through ``spreadsheet_cell``."""
    return {key: spreadsheet_cell(value) for key, value in row.items()}
