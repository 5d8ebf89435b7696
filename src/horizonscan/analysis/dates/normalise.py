"""Which normaliser reads each pattern kind."""

from __future__ import annotations

from typing import Callable

from .find import _Cand
from .norm_calendar import _norm_calendar, _norm_spelledyear, _norm_year
from .norm_context import _Ctx, _Norm
from .norm_durations import _norm_duration, _norm_set
from .norm_holidays import _norm_holiday
from .norm_periods import _norm_qcode, _norm_quarter, _norm_season
from .norm_relative import (
    _norm_ago,
    _norm_attime,
    _norm_clock,
    _norm_deictic,
    _norm_midpart,
    _norm_partofday,
    _norm_relative,
    _norm_weekday,
    _norm_weekend,
    _norm_yearago,
    _norm_yearend,
)

_HANDLERS: dict[str, Callable[[_Cand, _Ctx], _Norm | None]] = {
    "iso": _norm_calendar, "numeric": _norm_calendar, "dmy": _norm_calendar, "mdy": _norm_calendar,
    "dayrange": _norm_calendar, "mdayrange": _norm_calendar, "monthyear": _norm_calendar,
    "month": _norm_calendar, "isomonth": _norm_calendar, "year": _norm_year, "midyear": _norm_year,
    "yearrange": _norm_year, "decade": _norm_year, "century": _norm_year, "season": _norm_season,
    "quarter": _norm_quarter, "qcode": _norm_qcode, "relative": _norm_relative, "ago": _norm_ago,
    "yearago": _norm_yearago, "duration": _norm_duration, "halfunit": _norm_duration,
    "fuzzy": _norm_duration, "theyear": _norm_duration, "deictic": _norm_deictic,
    "partofday": _norm_partofday, "clock": _norm_clock, "clock24": _norm_clock,
    "clockword": _norm_clock, "set": _norm_set, "setfreq": _norm_set, "setword": _norm_set,
    "weekday": _norm_weekday, "yearend": _norm_yearend, "weekend": _norm_weekend, "holiday": _norm_holiday,
    "attime": _norm_attime, "midpart": _norm_midpart, "spelledyear": _norm_spelledyear,
}  # fmt: skip
