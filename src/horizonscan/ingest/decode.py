"""Bytes to text: BOM-aware, UTF-8 first, then charset detection; refuses binary junk.

Readers call :func:`check_input` first (size and emptiness, same messages for
every format), then :func:`decode_text` when the format is plain text.
"""

from __future__ import annotations

import codecs
import re

from ..errors import ReadError
from .registry import Origin

# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of common binary formats that sometimes arrive with a text extension.
_MAGIC: tuple[bytes, ...] = (
    b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0", b"RIFF",
    b"OggS", b"fLaC", b"ID3", b"\x00\x00\x01\x00", b"SQLite format 3",
)
# Control bytes that real text does not contain (tab, LF, FF, CR and ESC are allowed).
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_CONTROL_TABLE = bytes(sorted(_CONTROL_BYTES))  # for bytes.translate(None, ...) counting
_SAMPLE = 8192
# Legacy encodings we try when a text is not UTF-8, in order of preference on ties
# (Western European first: the commonest legacy encoding of the documents our users get).
LEGACY = (
    "cp1252", "cp1251", "koi8_r", "gb18030", "big5", "cp932", "euc_kr", "cp1250",
    "cp1256", "cp1254", "cp1253", "cp1255", "cp874", "cp1257", "cp1258", "koi8_u", "euc_jp",
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")


def check_input(data: bytes, origin: Origin) -> None:
    """Refuse empty or over-size input before any parser sees it."""
    limit = origin.settings.max_bytes
    if len(data) > limit:
        raise ReadError(f"E108 input too large ({len(data):,} bytes; limit {limit:,})")
    if not data.strip():
        raise ReadError("E101 empty file")


def _bom(data: bytes) -> str | None:
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return codec
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII-range characters has NULs in every other byte."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even) and _latin_units(even, odd):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd) and _latin_units(odd, even):
        return "utf-16-be"
    return None


def _latin_units(low: bytes, high: bytes) -> bool:
    """Characters U+0000-U+00FF in the guessed UTF-16 must be printable, or it is binary with NULs."""
    units = [lo for lo, hi in zip(low, high) if hi == 0]
    good = sum(1 for b in units if b in (0x09, 0x0A, 0x0D) or 0x20 <= b <= 0x7E or b >= 0xA0)
    return good >= 0.95 * len(units)


def declared_charset(media_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, if any."""
    m = re.search(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", media_type or "", re.I)
    return m.group(1) if m else None


def looks_binary(head: bytes) -> bool:
    """True when ``head`` (the first bytes of an input) is not text in any encoding we read."""
    if not head:
        return False
    if _bom(head):
        return False
    if head.startswith(_MAGIC):
        return True
    sample = head[:_SAMPLE]
    if b"\x00" in sample and _utf16_without_bom(sample):
        return False
    # A stray NUL or bell from a bad converter does not make a text binary; many of them do.
    if sample.count(0) > max(2, len(sample) // 100):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_TABLE))
    return controls > max(2, len(sample) // 20)


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode a stray non-UTF-8 byte as Windows-1252 (Latin-1 for its five holes)."""
    assert isinstance(exc, UnicodeDecodeError)
    chunk = exc.object[exc.start : exc.end]
    try:
        return chunk.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        return chunk.decode("latin-1"), exc.end


codecs.register_error("horizonscan-cp1252", _cp1252_fallback)


def _utf8_share(data: bytes) -> tuple[int, int]:
    """(valid non-ASCII UTF-8 characters, invalid sequences) in ``data``, counted at C speed."""
    decoded = data.decode("utf-8", errors="replace")
    bad = decoded.count("\ufffd")
    good = len(decoded) - len(decoded.encode("ascii", errors="ignore")) - bad
    return good, bad


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text; raises ``ReadError`` (E104) for binary content.

    Order: byte-order mark; strict UTF-8; UTF-8 with a few stray Windows-1252
    bytes (files edited by several tools); charset detection for legacy
    encodings (cp1252, GB18030, KOI8-R, Shift-JIS, ...). Never fails on
    undecodable bytes: they become U+FFFD.
    """
    if not data:
        return ""
    codec = _bom(data)
    if codec:
        return data[len(codecs.BOM_UTF8) if codec == "utf-8" else 0 :].decode(codec, errors="replace").lstrip("\ufeff")
    if looks_binary(data[:_SAMPLE]):
        raise ReadError("E104 binary content, not text")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # unknown name or a lie: detect instead
    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    good, bad = _utf8_share(data[: 1 << 20])
    if good >= bad:
        # Mostly valid UTF-8 with some stray legacy bytes: keep the UTF-8, repair the rest.
        return data.decode("utf-8", errors="horizonscan-cp1252")
    sample = data[: 1 << 20]
    if len(sample) - len(sample.translate(None, _HIGH_BYTES)) < 0.05 * len(sample):
        # Mostly ASCII with a few accented letters: too little evidence to tell
        # legacy code pages apart, and Windows-1252 is by far the likeliest.
        return data.decode("cp1252", errors="horizonscan-cp1252")
    encoding = _detect_legacy(data)
    if encoding:
        return data.decode(encoding, errors="replace")
    return data.decode("cp1252", errors="horizonscan-cp1252")


def _detect_legacy(data: bytes) -> str | None:
    """Most plausible legacy encoding of ``data`` (charset_normalizer, restricted and re-ranked).

    Restricting the candidates matters: left to itself, charset_normalizer
    stops at the first clean decoding, and KOI8-R Russian decodes "cleanly"
    as Japanese half-width katakana. Half-width katakana are rare in real
    text, so they count as noise here.
    """
    from charset_normalizer import from_bytes

    ranked: list[tuple[float, float, int, str]] = []
    for match in from_bytes(data, cp_isolation=list(LEGACY)):
        sample = str(match)[:20000]
        kana = len(_HALFWIDTH_KANA.findall(sample)) / max(1, len(sample))
        order = LEGACY.index(match.encoding) if match.encoding in LEGACY else len(LEGACY)
        ranked.append((round(match.chaos + kana, 3), -round(match.coherence, 3), order, match.encoding))
    return min(ranked)[3] if ranked else None
