"""``horizonscan eval``: score each analyser on the development gold sets in ../shared/eval.

Each gold set has a module here exposing ``evaluate(eval_dir: Path, limit: int | None = None)
-> dict[str, float]`` and a floors file ``floors/<set>.json`` mapping metric -> minimum.
Floors are only ever lowered explicitly, in a commit that says why.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

SETS = ("ner", "places", "dates", "events")
FLOORS = Path(__file__).parent / "floors"


@dataclass(frozen=True)
class Score:
    set: str
    metric: str
    value: float
    floor: float | None

    @property
    def ok(self) -> bool:
        return self.floor is None or self.value + 1e-9 >= self.floor


def floors(name: str) -> dict[str, float]:
    path = FLOORS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def run(name: str, eval_dir: Path, limit: int | None = None) -> list[Score]:
    if name not in SETS:
        raise ValueError(f"unknown gold set {name!r}; choose from {', '.join(SETS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    metrics: dict[str, float] = module.evaluate(eval_dir, limit=limit)
    fl = floors(name) if limit is None else {}
    return [Score(name, k, float(v), fl.get(k)) for k, v in metrics.items()]
