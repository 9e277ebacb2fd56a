"""A second report of the seed's Sochi meeting, written for these tests: it names the
seed's facts under same_as and disagrees with the seed on a date, a place, a statement's
mode and the meeting's length; it announces a further meeting the seed does not report."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SLUG = "sochi-talks-second-report"
ARTICLE = """Sochi Talks Ran Long, Aides Say

Benjamin Netanyahu sat down with Vladimir Putin in Sochi on September 13th. Aides on \
both sides said the talks lasted five hours.

Putin told reporters that the outcome of the Israeli vote mattered a great deal to \
Russia. A further meeting is planned for October. The visit came five days ahead of \
the Israeli elections.
"""
Facts = dict[str, Any]

FACTS: Facts = {
    "source": {
        "slug": SLUG,
        "title": "Sochi Talks Ran Long, Aides Say",
        "publisher": "The Coastal Ledger",
        "published_on": "2019-09-14",
        "year": {"value": 2019, "reason": "The year it was published in."},
    },
    # The seed's entities, with this report's own evidence (their descriptions as the
    # seed gives them).
    "entities": [
        {
            "slug": "benjamin-netanyahu",
            "name": "Benjamin Netanyahu",
            "kind": "person",
            "description": "Prime Minister of Israel; visited Putin in Sochi five days before"
            " the Knesset election",
            "evidence": ["Benjamin Netanyahu"],
        },
        {
            "slug": "vladimir-putin",
            "name": "Vladimir Putin",
            "kind": "person",
            "description": "President of Russia; hosted Netanyahu at his summer residence in Sochi",
            "evidence": ["Vladimir Putin"],
        },
        {
            "slug": "sochi",
            "name": "Sochi",
            "kind": "place",
            "description": "Russian city on the Black Sea, site of Putin's summer residence",
            "located_in": "russia",
            "evidence": ["in Sochi"],
        },
        {
            "slug": "russia",
            "name": "Russia",
            "kind": "country",
            "description": 'Country led by President Vladimir Putin; "Moscow" stands for its'
            " government in the text",
            "evidence": ["Russia"],
        },
    ],
    "dates": [
        {"key": "second-report-talks-day", "text": "September 13th", "when": "--09-13"},
        {"key": "second-report-october", "text": "October", "when": "--10"},
    ],
    "events": [
        {
            "key": "second-report-talks",
            "same_as": "netanyahu-putin-meeting",
            "kind": "meeting",
            "title": "Netanyahu and Putin meet in Sochi",
            "date": "second-report-talks-day",
            "place": "sochi",
            "participants": [
                {"entity": "benjamin-netanyahu", "role": "visitor"},
                {"entity": "vladimir-putin", "role": "host"},
            ],
            "evidence": ["sat down with Vladimir Putin"],
        },
        {
            "key": "second-report-further-meeting",
            "kind": "meeting",
            "title": "A further Netanyahu-Putin meeting",
            "date": "second-report-october",
            "status": "planned",
            "evidence": ["A further meeting is planned for October"],
        },
    ],
    "statements": [
        {
            "key": "second-report-vote-matters",
            "same_as": "putin-election-important",
            "speaker": "vladimir-putin",
            "speaker_text": "Putin",
            "mode": "indirect",
            "text": "the outcome of the Israeli vote mattered a great deal to Russia",
            "date": "second-report-talks-day",
            "evidence": ["Putin told reporters"],
        }
    ],
    "quantities": [
        {
            "key": "second-report-talks-length",
            "same_as": "meeting-length",
            "text": "five hours",
            "value": 5,
            "unit": "hour",
            "subject": {"event": "second-report-talks"},
            "description": "The talks lasted five hours",
        }
    ],
}


def facts() -> Facts:
    """The facts file's data, a copy each call, for tests to change."""
    return copy.deepcopy(FACTS)


THIRD_SLUG = "sochi-talks-third-report"


def third_report() -> Facts:
    """A third report, the second's facts under keys of its own, its meeting naming the
    second report's (an earlier later report): the meeting then has three sources."""
    third = facts()
    for section in ("dates", "events", "statements", "quantities"):
        for item in third[section]:
            item["key"] = item["key"].replace("second-report", "third-report")
    third["events"][0]["same_as"] = "second-report-talks"
    third["events"][0]["date"] = "third-report-talks-day"
    third["events"][1]["date"] = "third-report-october"
    third["statements"][0]["date"] = "third-report-talks-day"
    third["quantities"][0]["subject"] = {"event": "third-report-talks"}
    return third


def write_report(parent: Path, data: Facts | None = None, slug: str = SLUG) -> Path:
    """The report's folder under ``parent`` (its article and facts file)."""
    data = facts() if data is None else data
    data["source"]["slug"] = slug
    folder = parent / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / "facts.yaml").write_text(text, encoding="utf-8")
    return folder
