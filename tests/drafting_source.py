"""A small source of invented news that uses every field of drafting: a drafted file,
rules for dates, a quote in parts, a relayed statement, approximations, statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SLUG = "harbour-council-delays-bridge"
ARTICLE = """Harbour Council Puts Off the Bridge Vote

Mayor Ilse Varga said on Thursday that the harbour council would not vote on the new \
bridge before January. “The talks were useful,” Varga said, “and they will go on.” As the \
transport minister, Dario Pell, had told her, more than 40 residents had written to his \
office. The council, founded 75 years ago, meets again in three months. The January vote \
is planned; the harbour fair was cancelled.
"""
Facts = dict[str, Any]


def entity(slug: str, name: str, kind: str, evidence: str) -> Facts:
    return {"slug": slug, "name": name, "kind": kind, "description": name, "evidence": [evidence]}


def facts() -> Facts:
    return {
        "source": {
            "slug": SLUG,
            "title": "Harbour Council Puts Off the Bridge Vote",
            "published_on": "2026-03-14",  # a Saturday
            "drafted": True,
            "year": {"value": 2026, "reason": "the published date's year"},
        },
        "entities": [
            entity("ilse-varga", "Ilse Varga", "person", "Mayor Ilse Varga"),
            entity("dario-pell", "Dario Pell", "person", "Dario Pell"),
            entity("harbour-council", "Harbour council", "organization", "the harbour council"),
        ],
        "dates": [
            {
                "key": "council-thursday",
                "text": "on Thursday",
                "relative": {"anchor": "published", "weekday": "thursday"},
            },
            {
                "key": "vote-january",
                "text": {"before": "bridge before ", "text": "January"},
                "when": "--01",
                "year": {"value": 2027, "reason": "a coming month in an article of March 2026"},
            },
            {
                "key": "council-founded",
                "text": "75 years ago",
                "relative": {"anchor": "published", "offset": -75, "unit": "years"},
            },
            {
                "key": "next-meeting",
                "text": "in three months",
                "relative": {"anchor": "council-talks", "offset": 3, "unit": "months"},
            },
            {
                "key": "day-before-talks",
                "text": "Thursday that",
                "relative": {"anchor": "council-talks", "offset_days": -1},
            },
        ],
        "events": [
            {
                "key": "council-talks",
                "kind": "meeting",
                "title": "The harbour council meets",
                "date": "council-thursday",
                "participants": [{"entity": "harbour-council", "role": "host"}],
                "reviewed": True,
                "evidence": ["the harbour council would not vote"],
            },
            {
                "key": "bridge-vote",
                "kind": "other",
                "title": "The council's vote on the bridge",
                "date": "vote-january",
                "status": "planned",
                "evidence": ["The January vote is planned"],
            },
            {
                "key": "harbour-fair",
                "kind": "other",
                "title": "The harbour fair",
                "status": "cancelled",
                "evidence": ["the harbour fair was cancelled"],
            },
        ],
        "roles": [
            {
                "key": "varga-mayor",
                "holder": "ilse-varga",
                "title": "Mayor",
                "evidence": ["Mayor Ilse Varga"],
            }
        ],
        "statements": [
            {
                "key": "varga-talks-useful",
                "speaker": "ilse-varga",
                "speaker_text": "Varga",
                "mode": "direct",
                "text": ["The talks were useful,", "and they will go on."],
                "event": "council-talks",
                "evidence": ["Varga said, “and"],
            },
            {
                "key": "pell-residents-wrote",
                "speaker": "dario-pell",
                "speaker_text": "Dario Pell",
                "relayed_by": "ilse-varga",
                "relayed_by_text": "her",
                "mode": "indirect",
                "text": "more than 40 residents had written to his office",
                "reviewed": False,
            },
        ],
        "positions": [
            {
                "key": "varga-for-talks",
                "holder": "ilse-varga",
                "stance": "supports",
                "target": {"entity": "harbour-council"},
                "description": "Varga finds the talks useful",
                "statement": "varga-talks-useful",
                "evidence": ["The talks were useful"],
            }
        ],
        "quantities": [
            {
                "key": "residents-who-wrote",
                "text": "more than 40",
                "value": 40,
                "unit": "person",
                "approximation": "over",
                "subject": {"entity": "harbour-council"},
                "description": "Residents who wrote to the minister",
            }
        ],
    }


def write_source(parent: Path, data: Facts) -> Path:
    folder = parent / SLUG
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / "facts.yaml").write_text(text, encoding="utf-8")
    return folder
