"""Every error code raised in the source is documented in docs/errors.md (STYLE: tests guard the docs)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_is_documented() -> None:
    used: set[str] = set()
    for path in (ROOT / "src" / "horizonscan").rglob("*.py"):
        used |= set(re.findall(r"[\"'](E\d{3})\b", path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^\| (E\d{3}) \|", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"), re.M))
    assert used, "no codes found: the pattern is broken"
    assert sorted(used - documented) == []
