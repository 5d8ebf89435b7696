"""Events per 1,000 words on the GeoVirus news articles, and a random sample to check by hand.

GeoVirus (../shared/eval/geovirus, Gritta et al. 2018) holds 229 real news articles about
epidemics; it has no event gold, so this reports the coder's yield (events per 1,000 words,
share of articles with an event, events by type) and writes a random sample of events with
their sentences, drawn with a fixed seed so the same code gives the same sample, for a
person to mark right or wrong (the precision of that check goes in docs/events.md).

    python benchmarks/events_geovirus.py [--limit N] [--sample 50] [--seed 12] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "test-artifacts" / "events-geovirus-sample.md"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--geovirus", type=Path, default=ROOT.parent / "shared" / "eval" / "geovirus" / "GeoVirus.xml")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--sample", type=int, default=50, help="events in the hand-check sample (default 50)")
    ap.add_argument("--seed", type=int, default=12, help="random seed of the sample (default 12)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown file for the sample")
    args = ap.parse_args()
    if not args.geovirus.exists():
        raise SystemExit(f"GeoVirus not found at {args.geovirus} (../shared missing?)")

    from horizonscan.analysis.pipeline import analyse
    from horizonscan.evaluation.places import read_geovirus

    articles = read_geovirus(args.geovirus)[: args.limit or None]
    words = 0
    found: list[tuple[int, str, dict]] = []  # (article, sentence, event)
    per_article = []
    for i, art in enumerate(articles):
        a = analyse(art.text, language="en")
        words += len(art.text.split())
        per_article.append(len(a.events))
        for e in a.events:
            found.append((i, art.text[e.sentence_start : e.sentence_end], e.to_dict()))
    n_events = len(found)
    rate = 1000 * n_events / words if words else 0.0
    print(f"articles {len(articles)}  words {words}  events {n_events}  events per 1,000 words {rate:.2f}")
    print(f"articles with at least one event {sum(1 for n in per_article if n)} of {len(articles)}")
    print("by type: " + ", ".join(f"{t} {n}" for t, n in Counter(e["type"] for _, _, e in found).most_common()))
    dated = sum(1 for _, _, e in found if e["date"])
    reported = sum(1 for _, _, e in found if e["date"] and e["date"]["reported"])
    print(f"dated {dated} of {n_events} (of which reported: publication date {reported}; GeoVirus gives none, so 0 here)")
    print(f"with money {sum(1 for _, _, e in found if e['amount'] is not None)}, with a quantity {sum(1 for _, _, e in found if e['quantity'] is not None)}")

    sample = random.Random(args.seed).sample(found, min(args.sample, n_events))
    sample.sort(key=lambda x: (x[0], x[2]["sentence_start"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# GeoVirus event sample (seed {args.seed}, {len(sample)} of {n_events} events)", "",
             "Mark each `[ ]` as `[x]` right (type, source and target as the sentence says) or `[-]` wrong.", ""]
    for k, (art, sentence, e) in enumerate(sample, 1):
        src = (e["source"] or {}).get("text")
        tgt = (e["target"] or {}).get("text")
        flags = " ".join(f for f in ("negated", "hypothetical") if e[f])
        money = f" · {e['amount']:g} {e['currency']}" if e["amount"] is not None else ""
        count = f" · {e['quantity']:g} {e['unit']}" if e["quantity"] is not None else ""
        lines.append(f"{k}. [ ] article {art} · **{e['type']}** {src} → {tgt} {flags}{money}{count}")
        lines.append(f"   > {' '.join(sentence.split())}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out.with_suffix(".jsonl")).write_text(
        "".join(json.dumps({"article": a, "sentence": s, "event": e}, ensure_ascii=False) + "\n" for a, s, e in sample),
        encoding="utf-8",
    )
    print(f"sample written to {args.out} (and .jsonl)")


if __name__ == "__main__":
    main()
