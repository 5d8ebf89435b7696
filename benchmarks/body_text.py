"""Body text (analysis/layout.py) on real texts nobody here wrote: what is recognised as
not body, and how that agrees with an annotator's coded regions.

No spaCy: only the layout, the citation and the date stages run, so this takes seconds.

- ../shared/corpus: regions per text; for the two texts of ../shared/eval/corpus-events,
  the share of lines outside the annotator's coded regions that the layout recognises,
  and the characters of coded body text it wrongly takes (goal 0);
- GeoVirus, TimeBank/AQUAINT, AidData, French TimeBank, Russian FactRuEval: regions per
  kind (datelines in wire copy; elsewhere every region is a false one).

    python benchmarks/body_text.py [--show]
"""

from __future__ import annotations

import argparse
import collections
import glob
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def page_of(text: str):  # type: ignore[no-untyped-def]
    from horizonscan.analysis import citations, dates, layout, pipeline
    from horizonscan.packs import load_pack

    notes = citations.note_layout(text)
    found = dates.find_dates(layout.masked(text, layout.glued_markers(text, notes)))
    return layout.find_layout(text, load_pack("china_abroad"), found, is_place=pipeline._is_place, notes=notes)


def tml_texts(pattern: str) -> list[str]:
    out = []
    for f in sorted(glob.glob(pattern)):
        raw = Path(f).read_text(encoding="utf-8", errors="replace")
        m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
        out.append(html.unescape(re.sub(r"<[^>]+>", "", m.group(1) if m else raw)))
    return out


def sets() -> Iterable[tuple[str, list[str]]]:
    geo = SHARED / "eval" / "geovirus" / "GeoVirus.xml"
    if geo.exists():
        yield "geovirus", [a.findtext("text") or "" for a in ET.parse(geo).getroot()]
    yield "timebank+aquaint", tml_texts(str(SHARED / "eval" / "timebank-aquaint" / "*" / "*.tml"))
    aid = SHARED / "eval" / "aiddata-dev" / "gcof-v1-dev.jsonl"
    if aid.exists():
        rows = [json.loads(line) for line in aid.read_text(encoding="utf-8").splitlines() if line.strip()]
        yield "aiddata-dev", [f"{r.get('title') or ''}\n\n{r.get('description') or ''}" for r in rows]
    yield "fr-timebank", tml_texts(str(SHARED / "eval" / "multilingual" / "fr-timebank-dev" / "Data" / "*.tml"))
    ru = sorted(glob.glob(str(SHARED / "eval" / "multilingual" / "ru-factrueval-dev" / "devset" / "*.txt")))
    yield "ru-factrueval", [Path(f).read_text(encoding="utf-8") for f in ru]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every region")
    a = ap.parse_args()
    sys.path.insert(0, str(SHARED / "eval" / "corpus-events"))
    try:
        import score_corpus_events as gold  # the annotator's coded regions
    except ImportError:
        gold = None
    coded_of = {d["text"]: d["regions"] for d in gold.DOCS.values()} if gold else {}
    for path in sorted((SHARED / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        page = page_of(text)
        kinds = collections.Counter(r.kind for r in page.regions)
        line = f"{path.name}: {len(page.regions)} regions {dict(sorted(kinds.items()))}, {len(page.markers)} markers"
        if path.name in coded_of:
            coded = gold.line_regions(text, coded_of[path.name])
            wrong = sum(max(0, min(r.end, b) - max(r.start, s)) for r in page.regions for s, b in coded)
            outside = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip() and not any(s <= m.start() < b for s, b in coded)]
            found = sum(page.region_at(m.start(), m.end()) is not None for m in outside)
            line += f"; lines outside the coded regions recognised {found}/{len(outside)}, coded characters taken {wrong}"
        print(line)
        if a.show:
            for r in page.regions:
                print(f"    {r.kind:17s} {text[r.start:r.end][:100]!r}")
    for name, texts in sets():
        kinds = collections.Counter()
        with_regions = 0
        for text in texts:
            page = page_of(text)
            with_regions += bool(page.regions)
            kinds.update(r.kind for r in page.regions)
            if a.show:
                for r in page.regions:
                    print(f"    {r.kind:17s} {text[r.start:r.end][:100]!r}")
        print(f"{name}: {len(texts)} texts, {with_regions} with regions {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
