"""horizonscan: who did what to whom, where and when, from documents about China abroad.

The public Python API is small and stable::

    from horizonscan import analyse
    result = analyse("China sent relief supplies to Nepal in 2015.", published="2015-05-01")
    result.to_dict()

Heavy libraries (spaCy, lingua) load lazily on first use, so importing the
package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["analyse", "__version__"]

if TYPE_CHECKING:
    from .records import Analysis


def analyse(text: str, published: Any = None, language: str | None = None, pack: str = "china_abroad") -> "Analysis":
    """Analyse one text: actors, places, dates, themes, citations and events.

    ``published`` (a ``date``, ``datetime`` or ISO string) anchors relative dates.
    Pure and deterministic: the same input gives the same output.
    """
    from .analysis.pipeline import analyse as _analyse

    return _analyse(text, published=published, language=language, pack=pack)
