"""The query layer's filter fields as Typer options, defined once and shared by commands.

``@with_filter(...)`` appends the named options to a command's signature (Typer reads
the signature) and hands the command one validated :class:`horizonscan.query.Filter`
as its ``filter`` argument, so no command repeats twenty option declarations or the
call that turns them into a filter. Invalid values exit with status 2 and the
validation message, like every other usage error.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Optional, TypeVar

import typer

from .common import fail

F = TypeVar("F", bound=Callable[..., Any])

# name (a make_filter field) -> (annotation, Typer option). The flag names are the CLI's.
OPTIONS: dict[str, tuple[Any, Any]] = {
    "type": (Optional[str], typer.Option(None, "--type", "-t", help="PLOVER type(s), comma-separated, e.g. AID,SUPPORT.")),
    "mode": (Optional[str], typer.Option(None, "--mode", help="Event mode(s), e.g. humanitarian.")),
    "actor": (Optional[str], typer.Option(None, "--actor", "-a", help="Actor id(s) as source or target (events) or mentioned (documents), e.g. igo:sco.")),
    "source_actor": (Optional[str], typer.Option(None, "--source-actor", help="Actor id(s) as the event's source.")),
    "target_actor": (Optional[str], typer.Option(None, "--target-actor", help="Actor id(s) as the event's target.")),
    "actor_kind": (Optional[str], typer.Option(None, "--actor-kind", help="Kind of source or target: state, government, military, igo, ngo, company, person, group.")),
    "country": (Optional[str], typer.Option(None, "--country", "-c", help="ISO-3 code(s) or group(s) as source or target country, e.g. KGZ or central-asia.")),
    "source_country": (Optional[str], typer.Option(None, "--source-country", help="ISO-3 code(s) or group(s) of the source, e.g. CHN.")),
    "target_country": (Optional[str], typer.Option(None, "--target-country", help="ISO-3 code(s) or group(s) of the target.")),
    "region": (Optional[str], typer.Option(None, "--region", "--place", "-p", help="Country or group of the event's place, e.g. central-asia, m49:143, KAZ.")),
    "involving": (Optional[str], typer.Option(None, "--involving", help="Country or group taking part as source, target or place, e.g. KGZ.")),
    "near": (Optional[str], typer.Option(None, "--near", help="Places within a radius: LAT,LON,KM, e.g. 42.87,74.59,100.")),
    "bbox": (Optional[str], typer.Option(None, "--bbox", help="Places in a box: SOUTH,WEST,NORTH,EAST.")),
    "date_from": (Optional[str], typer.Option(None, "--from", help="Dates on or after (YYYY, YYYY-MM, YYYY-Qn or YYYY-MM-DD).")),
    "date_to": (Optional[str], typer.Option(None, "--to", help="Dates on or before (a period counts to its end).")),
    "date_rule": (str, typer.Option("overlap", "--date-rule", help="overlap: the date's period touches the range; within: it lies inside.")),
    "language": (Optional[str], typer.Option(None, "--language", "-l", help="Document language(s), ISO 639-1, e.g. en,ru.")),
    "source": (Optional[str], typer.Option(None, "--source", "-s", help="Document source (exact), e.g. a feed URL.")),
    "theme": (Optional[str], typer.Option(None, "--theme", help="Theme label(s), e.g. health, economic.")),
    "min_confidence": (float, typer.Option(0.0, "--min-confidence", help="Events with at least this confidence (0-1).")),
    "include_negated": (bool, typer.Option(False, "--include-negated", help="Also count negated events (did not send ...).")),
    "include_hypothetical": (bool, typer.Option(False, "--include-hypothetical", help="Also count hypothetical events (may send ...).")),
    "include_duplicates": (bool, typer.Option(False, "--duplicates", help="Include near-duplicate copies of documents.")),
    "document": (Optional[str], typer.Option(None, "--document", "-d", help="Only events of these document id(s), comma-separated (from `horizonscan documents`).")),
}

# Every field: for event lists, timelines and networks.
ALL = tuple(OPTIONS)
# Document-level fields only (the new-since window counts documents' mentions).
DOCUMENT = ("language", "source", "theme", "include_duplicates")
# Fields of a document listing: published date, mentioned actor, language, source, theme.
DOCUMENT_LIST = ("date_from", "date_to", "date_rule", "actor") + DOCUMENT


def build_filter(raw: dict[str, Any]) -> Any:
    """Validate option values into a Filter; unset options are left out."""
    from ..query import ValidationError, make_filter

    values = {k: v for k, v in raw.items() if v not in (None, False, 0.0, "")}
    if values.get("date_rule") == "overlap":
        del values["date_rule"]  # the default; not a user choice worth validating
    try:
        return make_filter(**values)
    except ValidationError as exc:
        fail(str(exc), 2)


def with_filter(*names: str) -> Callable[[F], F]:
    """Add the options ``names`` to a command and pass it ``filter=`` built from them."""
    unknown = set(names) - set(OPTIONS)
    if unknown:
        raise ValueError(f"unknown filter options: {sorted(unknown)}")

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        own = [p for p in sig.parameters.values() if p.name != "filter"]
        extra = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=OPTIONS[n][1], annotation=OPTIONS[n][0]) for n in names]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            raw = {n: kwargs.pop(n) for n in names}
            return fn(filter=build_filter(raw), **kwargs)

        # Typer reads both the signature and the type hints (evaluated from __annotations__).
        command.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
        command.__annotations__ = {**{k: v for k, v in fn.__annotations__.items() if k != "filter"},
                                   **{n: OPTIONS[n][0] for n in names}}
        return command  # type: ignore[return-value]

    return decorate
