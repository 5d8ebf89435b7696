"""Topic packs: user-editable YAML dictionaries (actors, themes, event verbs) loaded by name.

A pack is a folder of YAML files. The shipped default is ``china_abroad``; a user
can point ``HORIZONSCAN_PACKS`` at folders of their own (``os.pathsep``-separated)
to add or override packs without touching code. Each analyser stage reads the
files it owns through :func:`load_pack` and caches what it builds per pack.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import HorizonscanError

BUILTIN = Path(__file__).parent


@dataclass(frozen=True)
class Pack:
    name: str
    path: Path

    def yaml(self, relative: str, default: Any = None) -> Any:
        """Parsed YAML file ``relative`` inside the pack (``default`` when absent)."""
        return _read_yaml(self.path / relative, default)

    def yaml_dir(self, relative: str) -> list[tuple[str, Any]]:
        """All ``*.yaml`` files of a sub-folder, sorted by name, as (stem, data)."""
        folder = self.path / relative
        if not folder.is_dir():
            return []
        return [(p.stem, _read_yaml(p, None)) for p in sorted(folder.glob("*.yaml"))]


def _search_path() -> list[Path]:
    extra = os.environ.get("HORIZONSCAN_PACKS", "")
    return [Path(p) for p in extra.split(os.pathsep) if p] + [BUILTIN]


# libyaml's safe loader when PyYAML was built with it: the generated open dictionaries
# (actors/*_open.yaml) take 1.6 s to read in pure Python and 0.2 s with it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=32)
def _read_yaml(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise HorizonscanError(f"E201 invalid YAML in topic pack file {path}: {exc}") from exc


def load_pack(name: str = "china_abroad") -> Pack:
    """Find the pack folder called ``name`` on the pack search path."""
    for root in _search_path():
        candidate = root / name
        if candidate.is_dir():
            return Pack(name=name, path=candidate)
    raise HorizonscanError(f"E200 unknown topic pack {name!r} (searched {', '.join(map(str, _search_path()))})")
