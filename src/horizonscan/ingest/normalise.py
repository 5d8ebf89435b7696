"""Text normalisation and the content hash that is a document's id."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")
# C0/C1 control characters other than tab/newline/carriage return are noise from bad converters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text as stored: NFC, control characters dropped, line ends unified, outer blank space trimmed.

    Paragraph breaks are kept (they matter to the analyser); this is what
    offsets of every mention refer to.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    return text.strip()


def normalise_for_hash(text: str) -> str:
    """Canonical form for identity: NFKC, case-folded, all whitespace runs collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WS.sub(" ", text).strip()


def content_id(text: str) -> str:
    """Document id: the first 16 hex digits of SHA-256 of the normalised text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()[:16]
