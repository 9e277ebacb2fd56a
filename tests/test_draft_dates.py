"""Date expressions: explicit, parts of months, months, weekdays, relative."""

from __future__ import annotations

import datetime as dt

from factdb.draft.dates import find_dates
from tests.draft_helpers import draft, facts

PUBLISHED = dt.date(2024, 3, 8)  # a Friday


def _found(sentence: str) -> list[tuple[str, dict[str, object], str]]:
    return [
        (d.words, d.fields, d.why.rule) for d in find_dates(sentence, 0, len(sentence), sentence)
    ]


def test_explicit_dates_in_both_orders_and_abbreviated() -> None:
    assert _found("It opened on 3 Oct. 2019 and closed on March 5th.") == [
        ("3 Oct. 2019", {"when": "2019-10-03", "part": None}, "date-explicit"),
        ("March 5th", {"when": "--03-05", "part": None}, "date-explicit"),
    ]
    assert _found("They met on September 12, 2021.")[0][1] == {"when": "2021-09-12", "part": None}
    assert _found("It was signed on 12/03/2020.")[0][1] == {"when": "2020-03-12", "part": None}


def test_parts_of_months_months_and_years() -> None:
    assert _found("In late August the rains came.")[0][1] == {"when": "--08", "part": "late"}
    assert _found("It rose in January.")[0][1] == {"when": "--01", "part": None}
    assert _found("It began in 1998.")[0][1] == {"when": "1998", "part": None}
    assert _found("You may go.") == []


def test_relative_expressions_name_their_anchor() -> None:
    ((_, weekday, _),) = _found("The council met on Thursday.")
    assert weekday["relative"] == {
        "anchor": "published",
        "weekday": "thursday",
        "direction": "on_or_before",
    }
    ((_, coming, _),) = _found("The council will meet on Tuesday.")
    assert coming["relative"]["direction"] == "on_or_after"
    ((_, ago, rule),) = _found("The port was built 75 years ago.")
    assert (ago["relative"], rule) == (
        {"anchor": "published", "offset": -75, "unit": "years"},
        "date-ago",
    )
    ((_, last, _),) = _found("Prices rose last month.")
    assert last["relative"] == {"anchor": "published", "offset": -1, "unit": "months"}
    ((_, earlier, rule),) = _found("Two days earlier the crew had left.")
    assert rule == "date-earlier-later" and earlier["relative"]["offset"] == -2


def test_with_published_dates_take_its_year_and_relatives_load() -> None:
    body = (
        "The Vessen council met on March 4th. Five days before the election, the council "
        "met again on Thursday. The bridge opened 75 years ago."
    )
    result = draft(body, PUBLISHED)
    assert result.source["year"] == {"value": 2024, "reason": "from the publication date"}
    dates = {d["key"].split("headline-", 1)[1]: d for d in facts(result, "dates")}
    assert dates["march-4th"]["when"] == "--03-04"
    assert dates["on-thursday"]["relative"]["anchor"] == "published"
    assert dates["75-years-ago"]["relative"] == {
        "anchor": "published",
        "offset": -75,
        "unit": "years",
    }


def test_without_published_nothing_is_invented() -> None:
    result = draft("The council met on March 4th and again on Thursday.")
    assert result.source["year"] is None and result.source["published_on"] is None
    assert facts(result, "dates") == []
    reasons = sorted(u.reason for u in result.unplaced if u.section == "dates")
    assert "no --published" in reasons[0] and "give --published" in reasons[1]
