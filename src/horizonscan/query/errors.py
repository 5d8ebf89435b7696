"""Query errors with stable E4xx codes (see docs/query.md).

E401–E403 are raised by ``store.read``/``store.search``; the query layer uses E410–E419.
"""

from __future__ import annotations

from ..errors import HorizonscanError


class QueryError(HorizonscanError):
    """A query could not be answered; the message starts with its code."""

    code = "E410"


class ValidationError(QueryError):
    """Bad input to a query function: nothing was sent to the database.

    ``field``: the input field at fault when one is (a form marks it and shows the message beside it).
    """

    field: str | None = None


class UnknownParameter(ValidationError):
    """A request named a parameter its endpoint does not take: answered 422, never ignored
    (an ignored filter gives an unfiltered answer that looks like a filtered one)."""

    code = "E411"
    status = 422


class QueryTimeout(QueryError):
    """The database did not answer within the query's time bound."""

    code = "E415"


def invalid(code: str, message: str, field: str | None = None) -> ValidationError:
    err = ValidationError(f"{code} {message}")
    err.code = code
    err.field = field
    return err


# Codes, in one place so docs and tests can refer to them.
BAD_DATE = "E410"  # not a date, or from after to
UNKNOWN_FIELD = "E411"  # unknown filter field, facet, sort key or option
BAD_LIMIT = "E412"  # limit / top / bucket count out of range
BAD_VALUE = "E413"  # a value of the wrong shape (country code, confidence, type ...)
BAD_CURSOR = "E414"  # cursor not produced by the same query
TIMEOUT = "E415"  # statement time limit reached
UNKNOWN_GROUP = "E416"  # unknown country group
BAD_GEO = "E417"  # latitude/longitude/radius/bounding box out of range
UNKNOWN_ACTOR = "E418"  # an actor name that is no actor's, or several actors' (the candidates are listed)
