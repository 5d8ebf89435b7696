"""Records to JSON and back, so a Parquet row can hold a Document and its Analysis.

``records.py`` gives ``to_dict``; this module is the inverse, driven by the
dataclass type hints, so a new field in a record needs no change here.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, TypeVar

from ..records import Analysis, Document

T = TypeVar("T")


def dumps(record: Any) -> str:
    """Compact JSON of a record; values JSON cannot hold (rare, in ``extra``) become strings."""
    return json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str)


@functools.lru_cache(maxsize=64)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild dataclass ``cls`` from the plain dict ``to_dict`` made (unknown keys are ignored)."""
    hints = _hints(cls)
    kwargs = {f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}  # type: ignore[arg-type]
    return cls(**kwargs)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(args[0], value) if len(args) == 1 else value
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def load_document(text: str) -> Document:
    return from_dict(Document, json.loads(text))


def load_analysis(text: str | None) -> Analysis | None:
    return None if text is None else from_dict(Analysis, json.loads(text))
