"""``horizonscan eval``: score each analyser on the development gold sets in ../shared/eval.

Each gold set has a module here exposing ``evaluate(eval_dir: Path, limit: int | None = None)
-> dict[str, float]`` and a floors file ``floors/<set>.json`` mapping metric -> minimum
(a number), or metric -> ``{"max": x}`` for metrics where lower is better (errors in km).
Floors are only ever loosened explicitly, in a commit that says why.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

SETS = ("ner", "places", "dates", "events", "corpus-events", "aiddata")
FLOORS = Path(__file__).parent / "floors"


@dataclass(frozen=True)
class Score:
    set: str
    metric: str
    value: float
    floor: float | None
    lower_is_better: bool = False

    @property
    def ok(self) -> bool:
        if self.floor is None:
            return True
        if self.lower_is_better:
            return self.value <= self.floor + 1e-9
        return self.value + 1e-9 >= self.floor


def floors(name: str) -> dict[str, float | dict[str, float]]:
    path = FLOORS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _score(name: str, metric: str, value: float, floor: float | dict[str, float] | None) -> Score:
    if isinstance(floor, dict):
        return Score(name, metric, value, floor.get("max"), lower_is_better=True)
    return Score(name, metric, value, floor)


def run(name: str, eval_dir: Path, limit: int | None = None) -> list[Score]:
    if name not in SETS:
        raise ValueError(f"unknown gold set {name!r}; choose from {', '.join(SETS)}")
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")  # corpus-events -> corpus_events
    metrics: dict[str, float] = module.evaluate(eval_dir, limit=limit)
    fl = floors(name) if limit is None else {}
    return [_score(name, k, float(v), fl.get(k)) for k, v in metrics.items()]
