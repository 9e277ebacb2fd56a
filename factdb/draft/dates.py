"""Date expressions: explicit dates (dateparser), parts of months, months, weekdays and
relative expressions (anchored on the publication date or on an event of the article;
those anchors are this project's own, which dateparser has no notion of)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factdb.draft.numbers import NUMBER, number_value
from factdb.draft.rules import Why

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_UNIT = r"(days?|weeks?|months?|years?)"
# Most specific first: a match hides shorter ones inside it.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("numeric", re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b")),
    ("part", re.compile(rf"\b(early|mid|late)[- ]{_MONTH}(?:\s+{_YEAR})?\b", re.I)),
    ("month-year", re.compile(rf"\b{_MONTH}\s+{_YEAR}\b")),
    (
        "month",
        re.compile(rf"\b(?:in|In|since|Since|until|by|during|of)\s+({_MONTH})(?!\w)(?!\.?\s+\d)"),
    ),
    ("year", re.compile(rf"\b(?:in|In|since|Since|until|by|during)\s+({_YEAR})\b")),
    ("ago", re.compile(rf"\b({NUMBER})\s+{_UNIT}\s+ago\b", re.I)),
    ("event", re.compile(rf"\b({NUMBER})\s+{_UNIT}\s+(before|after)\s+", re.I)),
    ("earlier", re.compile(rf"\b({NUMBER})\s+{_UNIT}\s+(earlier|later)\b", re.I)),
    ("last-next", re.compile(r"\b(last|next|this)\s+(month|year)\b", re.I)),
    ("day-word", re.compile(r"\b(yesterday|today|tomorrow)\b", re.I)),
    (
        "weekday",
        re.compile(r"\b(?:on\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ),
]
FUTURE = re.compile(r"\b(will|would|is to|are to|plans? to|planned|expected to|next|coming)\b")


@dataclass
class DateFound:
    """A date expression: its span, the mapping fields, and what it is anchored on."""

    start: int
    end: int
    words: str
    fields: dict[str, Any]
    why: Why
    # None (explicit), "published", "event" (the event named after it), "previous-event".
    anchor: str | None = None
    needs_year: bool = False


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    import dateparser

    return dateparser


@lru_cache(maxsize=4096)
def _parse(words: str, order: str, parts: tuple[str, ...]) -> Any:
    # dateparser reads month names, abbreviations, ordinals and day/month orders; the same
    # expressions recur from article to article, hence the cache.
    settings = {"DATE_ORDER": order, "REQUIRE_PARTS": list(parts), "PREFER_DAY_OF_MONTH": "first"}
    return _dateparser().parse(words, languages=["en"], settings=settings)


def _explicit(kind: str, match: re.Match[str]) -> DateFound | None:
    group = 1 if kind in ("month", "year") else 0
    words, begin, finish = match.group(group), match.start(group), match.end(group)
    has_year = re.search(_YEAR + r"\b", words) is not None or kind == "numeric"
    if kind in ("mdy", "dmy", "numeric"):
        order = "MDY" if kind == "mdy" else "DMY"
        parsed = _parse(
            words.replace("of ", ""), order if kind != "numeric" else "DMY", ("day", "month")
        )
        if parsed is None:
            return None
        when = (
            f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"
            if has_year
            else f"--{parsed.month:02d}-{parsed.day:02d}"
        )
        rule, fields = "date-explicit", {"when": when, "part": None}
    elif kind in ("month-year", "month"):
        parsed = _parse(words, "MDY", ("month",))
        if parsed is None:
            return None
        when = f"{parsed.year:04d}-{parsed.month:02d}" if has_year else f"--{parsed.month:02d}"
        rule = "date-explicit" if has_year else "date-month"
        fields = {"when": when, "part": None}
    elif kind == "year":
        rule, fields = "date-explicit", {"when": words, "part": None}
    else:  # part of a month
        part = match.group(1).lower()
        month_words = words[len(match.group(1)) + 1 :]
        parsed = _parse(month_words, "MDY", ("month",))
        if parsed is None:
            return None
        when = f"{parsed.year:04d}-{parsed.month:02d}" if has_year else f"--{parsed.month:02d}"
        rule, fields = "date-month-part", {"when": when, "part": part}
    return DateFound(begin, finish, words, fields, Why(rule, words), None, not has_year)


def _relative(kind: str, match: re.Match[str], sentence: str) -> DateFound | None:
    words = match.group()
    if kind == "weekday":
        direction = "on_or_after" if FUTURE.search(sentence) else "on_or_before"
        note = "future tense: the coming one" if direction == "on_or_after" else None
        fields = {
            "relative": {
                "anchor": "published",
                "weekday": match.group(1).lower(),
                "direction": direction,
            }
        }
        return DateFound(
            match.start(), match.end(), words, fields, Why("date-weekday", words, note), "published"
        )
    if kind == "day-word":
        offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[match.group(1).lower()]
        fields = {"relative": {"anchor": "published", "offset": offset, "unit": "days"}}
        return DateFound(
            match.start(), match.end(), words, fields, Why("date-day-word", words), "published"
        )
    if kind == "last-next":
        offset = {"last": -1, "next": 1, "this": 0}[match.group(1).lower()]
        unit = UNITS[match.group(2).lower()]
        fields = {"relative": {"anchor": "published", "offset": offset, "unit": unit}}
        return DateFound(
            match.start(), match.end(), words, fields, Why("date-last-next", words), "published"
        )
    amount = number_value(match.group(1))
    if amount is None or amount != int(amount):
        return None
    unit = UNITS[match.group(2).lower().rstrip("s")]
    if kind == "ago":
        fields = {"relative": {"anchor": "published", "offset": -int(amount), "unit": unit}}
        return DateFound(
            match.start(), match.end(), words, fields, Why("date-ago", words), "published"
        )
    sign = -1 if match.group(3).lower() in ("before", "earlier") else 1
    fields = {"relative": {"anchor": None, "offset": sign * int(amount), "unit": unit}}
    if kind == "earlier":
        why = Why(
            "date-earlier-later", words, "anchored on the last dated event before it (unsure)"
        )
        return DateFound(match.start(), match.end(), words, fields, why, "previous-event")
    return DateFound(
        match.start(),
        match.end(),
        words.rstrip(),
        fields,
        Why("date-before-after-event", words),
        "event",
    )


def find_dates(text: str, start: int, end: int, sentence: str) -> list[DateFound]:
    """Every date expression of one sentence (text[start:end]), without overlaps."""
    found: list[DateFound] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if kind in ("mdy", "dmy", "numeric", "part", "month-year", "month", "year"):
                date = _explicit(kind, match)
            else:
                date = _relative(kind, match, sentence)
            if date is not None:
                found.append(date)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)
