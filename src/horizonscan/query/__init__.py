"""The query layer (DESIGN §2): every read path of horizonscan goes through these functions.

Build a filter with :func:`make_filter`, then call a query function with a store::

    from horizonscan.query import make_filter, timeline
    f = make_filter(type="AID", source_country="CHN", target_country="central-asia", date_from="2020", date_to="2020")
    timeline(store, f, granularity="month")

Each function validates its input (E41x), bounds rows and time, and returns plain
records (``horizonscan.query.records``). See docs/query.md.
"""

from .api import (
    corpus_end,
    count_events,
    country_name,
    cooccurrence,
    facets,
    find_documents,
    find_events,
    network,
    new_since,
    search,
    timeline,
    top_actors,
    top_places,
)
from .errors import QueryError, QueryTimeout, ValidationError
from .filters import Filter, make_filter

__all__ = [
    "Filter",
    "QueryError",
    "QueryTimeout",
    "ValidationError",
    "cooccurrence",
    "corpus_end",
    "count_events",
    "country_name",
    "facets",
    "find_documents",
    "find_events",
    "make_filter",
    "network",
    "new_since",
    "search",
    "timeline",
    "top_actors",
    "top_places",
]
