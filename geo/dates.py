"""Event dates in article text, resolved against the publication date.

`find_dates` reads the expressions news uses for when something happened:

=====================================  ==============================================
text                                   resolved (published 2020-02-17, a Monday)
=====================================  ==============================================
"on February 12", "12 February",       that day; the year is the publication year,
"On October 20 afternoon"              or the year before if the day would be later
"on Sunday", "on Monday, February 10"  the latest such weekday on or before publication
                                       (an explicit day and month win)
"yesterday", "today", "earlier today"  publication day -1 / 0
"earlier in the day"                   basis ``same day``: the day being told about
"three days ago", "a week ago"         publication day minus the span
"last week"                            Monday of the week before (range Mon-Sun)
"over the past 24 hours", "this week"  publication day (range back to the start)
"for more than a week", "for 3 days"   the span before publication (range)
=====================================  ==============================================

A date after the publication date cannot be an event the article reports: it is returned
with ``after_published=True`` so the caller can report it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 3, "few": 3}

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|" \
         r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# At most six digits: a longer number is no span of days (and Python refuses to read one of
# thousands of digits as an int).
_NUM = r"(?P<n>\d{1,6}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)"
_UNIT = r"(?P<unit>days?|weeks?|months?|hours?)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("month_day", re.compile(
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?",
        re.IGNORECASE)),
    ("day_month", re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d\d))?",
        re.IGNORECASE)),
    ("ago", re.compile(rf"\b{_NUM}\s+{_UNIT}\s+ago\b", re.IGNORECASE)),
    ("for_span", re.compile(rf"\bfor\s+(?:more\s+than\s+|over\s+|about\s+)?{_NUM}\s+{_UNIT}\b",
                            re.IGNORECASE)),
    ("past_span", re.compile(
        rf"\b(?:over|in|during)\s+the\s+(?:past|last)\s+(?:{_NUM}\s+)?{_UNIT}", re.IGNORECASE)),
    ("last_week", re.compile(r"\blast\s+week\b", re.IGNORECASE)),
    ("this_week", re.compile(r"\b(?:earlier\s+)?this\s+week\b", re.IGNORECASE)),
    ("yesterday", re.compile(r"\byesterday\b", re.IGNORECASE)),
    ("same_day", re.compile(r"\b(?:earlier|later)\s+(?:in\s+the|that)\s+day\b", re.IGNORECASE)),
    ("today", re.compile(r"\b(?:earlier\s+|later\s+)?today\b", re.IGNORECASE)),
    ("weekday", re.compile(
        r"\b(?:on\s+|last\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|"
        r"sunday)\b", re.IGNORECASE)),
)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "hour": 1 / 24}
_DATE_HINT = re.compile(r"\d|day|week|month|hour|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
                        r"dec", re.IGNORECASE)
"""Every date expression holds one of these; a sentence without any is skipped."""


@dataclass(frozen=True)
class EventDate:
    """A date expression and the day it resolves to.

    ``basis`` says how: ``explicit`` (day and month), ``relative`` (ago, yesterday,
    weekday), ``period`` (last week, for more than a week; see ``range``).
    """

    start: int
    end: int
    text: str
    date: date
    basis: str
    range: tuple[date, date] | None = None
    after_published: bool = False


def _number(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _days(n: str | None, unit: str) -> float:
    return (_number(n) if n else 1) * _UNIT_DAYS[unit.lower().rstrip("s")]


def _month_day(month: str, day: str, year: str | None, published: date) -> date | None:
    m = MONTHS[month.lower().rstrip(".")[:3] if month.lower()[:4] != "sept" else "sept"]
    try:
        if year:
            return date(int(year), m, int(day))
        candidate = date(published.year, m, int(day))
    except ValueError:
        return None
    if candidate > published + timedelta(days=1):
        try:
            candidate = date(published.year - 1, m, int(day))
        except ValueError:
            return None
    return candidate


def _resolve(kind: str, match: re.Match[str], published: date
             ) -> tuple[date, str, tuple[date, date] | None] | None:
    groups = match.groupdict()
    if kind in ("month_day", "day_month"):
        day = _month_day(groups["month"], groups["day"], groups.get("year"), published)
        return (day, "explicit", None) if day else None
    if kind == "ago":
        return published - timedelta(days=round(_days(groups["n"], groups["unit"]))), \
            "relative", None
    if kind == "for_span":
        start = published - timedelta(days=round(_days(groups["n"], groups["unit"])))
        return start, "period", (start, published)
    if kind == "past_span":
        span = max(1, round(_days(groups.get("n"), groups["unit"])))
        return published, "period", (published - timedelta(days=span), published)
    if kind == "last_week":
        monday = published - timedelta(days=published.weekday() + 7)
        return monday, "period", (monday, monday + timedelta(days=6))
    if kind == "this_week":
        monday = published - timedelta(days=published.weekday())
        return published, "period", (monday, published)
    if kind == "yesterday":
        return published - timedelta(days=1), "relative", None
    if kind == "today":
        return published, "relative", None
    if kind == "same_day":  # the day the article is telling about; the caller knows it
        return published, "same day", None
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7
        return published - timedelta(days=back), "relative", None
    return None


def find_dates(text: str, published: date) -> list[EventDate]:
    """Date expressions in ``text`` resolved against ``published``, in text order.

    Overlapping expressions keep the most specific (an explicit day wins over a weekday:
    "On Monday, February 10" is February 10).
    """
    if not _DATE_HINT.search(text):
        return []
    found: list[EventDate] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(f.start <= match.start() < f.end or match.start() <= f.start < match.end()
                   for f in found):
                continue
            try:
                resolved = _resolve(kind, match, published)
            except OverflowError:
                # "99999999999 days ago", or a publication date at the calendar's edge:
                # no calendar day, so no event date.
                continue
            if resolved is None:
                continue
            day, basis, span = resolved
            found.append(EventDate(match.start(), match.end(), match.group(), day, basis, span,
                                   day > published))
    weekday_near_explicit = [
        f for f in found if f.basis == "relative" and re.match(r"(?i)(?:on\s+)?\w+day$", f.text)
        and any(g.basis == "explicit" and 0 <= g.start - f.end <= 3 for g in found)
    ]
    merged = []
    for f in found:
        if f in weekday_near_explicit:
            continue
        weekday = next((w for w in weekday_near_explicit if f.basis == "explicit"
                        and 0 <= f.start - w.end <= 3), None)
        if weekday is not None:
            f = EventDate(weekday.start, f.end, text[weekday.start:f.end], f.date, f.basis,
                          f.range, f.after_published)
        merged.append(f)
    return sorted(merged, key=lambda f: f.start)
