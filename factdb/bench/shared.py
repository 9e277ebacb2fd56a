"""Facts that several synthetic sources report.

Each event and statement of a source is reported by 1 to 5 sources, Zipf-distributed
(about two facts in three by their own source alone). The later reports come from the
next ``WINDOW`` sources: each is a fact entry of its own, with its own key, its own
sentence and excerpts, and ``same_as`` naming the first source's key. About one later
report in twenty disagrees: an event a day off or in another place, a statement in
the other mode. A report naming an entity whose name another entity of the source has
(the pools repeat a few names) is left out.

Which sources report a fact depends only on the seed and the first source's number,
so a source is written knowing nothing but its number, and a corpus of n sources is
the first n sources of a larger one. A source's own facts (corpus.SourceBuilder) are
the same with or without the reports, which follow them in its text.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import OrderedDict
from typing import Any

from factdb.bench.corpus import SourceBuilder
from factdb.bench.dispatch import Dispatch
from factdb.bench.pools import PoolEntity, ZipfPool
from factdb.bench.words import MONTHS, spoken_date

EVENTS = ("visit", "meeting", "briefing", "election", "strike")
REPORTED = (*EVENTS, *(f"statement-{index}" for index in range(14)))
MAX_REPORTS = 5
# Weights of 1..5 reports: 1 / k**2, so 68% of facts have one report, 17% two, 3% five.
REPORT_WEIGHTS = tuple(1 / count**2 for count in range(1, MAX_REPORTS + 1))
WINDOW = 30  # a later report is by one of the next WINDOW sources
CONFLICT_SHARE = 0.05  # of the later reports
# Sources whose own facts are kept for the sources after them: a source reports facts
# of the WINDOW before it, and sources are written in number order.
KEPT = 2 * WINDOW


def reporters(seed: int, number: int) -> dict[str, tuple[int, ...]]:
    """The later sources that report each reportable fact of source ``number``."""
    rng = random.Random(f"{seed}:{number}:reporters")
    found = {}
    for name in REPORTED:
        (count,) = rng.choices(range(1, MAX_REPORTS + 1), REPORT_WEIGHTS)
        offsets = rng.sample(range(1, WINDOW + 1), count - 1)
        found[name] = tuple(sorted(number + offset for offset in offsets))
    return found


class Newsroom:
    """Writes synthetic sources with their reports of earlier sources' facts; keeps the
    last sources' own facts so that writing sources in order builds each once."""

    def __init__(self, seed: int, pools: dict[str, ZipfPool], topics: ZipfPool) -> None:
        self.seed, self.pools, self.topics = seed, pools, topics
        self.kept: OrderedDict[int, SourceBuilder] = OrderedDict()
        self.chosen: OrderedDict[int, dict[str, tuple[int, ...]]] = OrderedDict()

    def source(self, number: int) -> tuple[str, dict[str, Any], str]:
        """(slug, facts mapping, text) of source ``number``, with its reports."""
        own = self._own(number)
        facts = {name: list(items) if isinstance(items, list) else items
                 for name, items in own.facts.items()}  # fmt: skip
        dispatch = Dispatch()
        dispatch.sentences = list(own.dispatch.sentences)
        writer = ReportWriter(own, facts, dispatch, self.pools["place"])
        for first in range(max(1, number - WINDOW), number):
            chosen = self._reporters(first)
            names = [name for name in REPORTED if number in chosen[name]]
            if names:
                rng = random.Random(f"{self.seed}:{first}:{number}:report")
                for name in names:
                    writer.report(self._own(first), name, rng)
        return own.slug, facts, dispatch.text

    def _own(self, number: int) -> SourceBuilder:
        builder = self.kept.get(number)
        if builder is None:
            builder = SourceBuilder(number, self.seed, self.pools, self.topics)
            builder.build()
            self.kept[number] = builder
            if len(self.kept) > KEPT:
                self.kept.popitem(last=False)
        return builder

    def _reporters(self, number: int) -> dict[str, tuple[int, ...]]:
        chosen = self.chosen.get(number)
        if chosen is None:
            chosen = self.chosen[number] = reporters(self.seed, number)
            if len(self.chosen) > KEPT:
                self.chosen.popitem(last=False)
        return chosen


class ReportWriter:
    """Appends one source's reports of other sources' facts to its facts and text."""

    def __init__(
        self, own: SourceBuilder, facts: dict[str, Any], dispatch: Dispatch, places: ZipfPool
    ) -> None:
        self.own, self.facts, self.dispatch, self.places = own, facts, dispatch, places

    def mention(self, entity: PoolEntity, excerpt: dict[str, str]) -> str:
        if all(item["slug"] != entity.slug for item in self.facts["entities"]):
            self.facts["entities"].append(
                {
                    "slug": entity.slug,
                    "name": entity.name,
                    "kind": entity.kind,
                    "description": f"Synthetic {entity.kind} for benchmarks",
                    "evidence": [excerpt],
                }
            )
        return entity.slug

    def clashes(self, *entities: PoolEntity) -> bool:
        """Whether an entity shares its name with another this source names: the loader
        would take both for one (it matches entities by name), so the report is left
        out."""
        names = {item["name"]: item["slug"] for item in self.facts["entities"]}
        return any(names.get(entity.name, entity.slug) != entity.slug for entity in entities)

    def report(self, first: SourceBuilder, name: str, rng: random.Random) -> None:
        """Report fact ``name`` of source ``first``; one time in twenty, differently."""
        conflict = rng.random() < CONFLICT_SHARE
        if name in EVENTS:
            self.event(first, name, rng if conflict else None)
        else:
            self.statement(first, name, conflict)

    def event(self, first: SourceBuilder, name: str, rng: random.Random | None) -> None:
        original = _by_key(first.facts["events"], first.key(name))
        date = _by_key(first.facts["dates"], original["date"])
        entities = {item["slug"]: item for item in first.facts["entities"]}
        place = _entity(entities[original["place"]])
        people = [(_entity(entities[p["entity"]]), p["role"]) for p in original["participants"]]
        day = dt.date.fromisoformat(date["when"]) if "part" not in date else None
        if rng is not None:  # a day off when the event has a day, or another place
            if day is not None and rng.random() < 0.5:
                day += dt.timedelta(days=rng.choice((-1, 1)))
            else:
                while place == _entity(entities[original["place"]]):
                    place = self.places.draw(rng)
        if self.clashes(place, *(person for person, _ in people)):
            return
        key = self.own.key(f"retold-{name}-{first.slug.rsplit('-', 1)[1]}")
        if day is not None:
            spoken, when = spoken_date(day), {"when": day.isoformat()}
        else:
            month = dt.date.fromisoformat(f"{date['when']}-01")
            spoken, when = f"late {MONTHS[month.month - 1]}", {"when": date["when"], "part": "late"}
        pieces: list[str | tuple[str]] = [("As reported, ",)]
        for index, (person, _) in enumerate(people):
            if index:
                pieces.append((" and ",))
            pieces.append(person.name)
        kind = original["kind"].replace("_", " ")
        pieces += [(f" ({kind}) in ",), place.name, (" on " if day else " in ",), spoken, (".",)]
        excerpts = self.dispatch.add(*pieces)
        for (person, _), excerpt in zip(people, excerpts, strict=False):
            self.mention(person, excerpt)
        e_place, e_date = excerpts[-2:]
        self.mention(place, e_place)
        self.facts["dates"].append({"key": f"{key}-date", "text": e_date, **when})
        self.facts["events"].append(
            {
                "key": key,
                "same_as": original["key"],
                "kind": original["kind"],
                "title": original["title"],
                "date": f"{key}-date",
                "place": place.slug,
                "participants": [{"entity": p.slug, "role": role} for p, role in people],
                "evidence": [e_date],
            }
        )

    def statement(self, first: SourceBuilder, name: str, conflict: bool) -> None:
        original = _by_key(first.facts["statements"], first.key(name))
        date = _by_key(first.facts["dates"], original["date"])
        entities = {item["slug"]: item for item in first.facts["entities"]}
        speaker = _entity(entities[original["speaker"]])
        if self.clashes(speaker):
            return
        words = original["text"]["text"].rstrip(".").lower()
        direct = (original["mode"] == "direct") != conflict
        spoken = spoken_date(dt.date.fromisoformat(date["when"]))
        if direct:
            e_date, e_speaker, e_words = self.dispatch.add(
                ("On ",), spoken, (", ",), speaker.name, (" said: “",), words.capitalize() + ".",
                ("”",),
            )  # fmt: skip
        else:
            e_date, e_speaker, e_words = self.dispatch.add(
                ("On ",), spoken, (", ",), speaker.name, (" said that ",), words, (".",)
            )
        self.mention(speaker, e_speaker)
        key = self.own.key(f"retold-{name}-{first.slug.rsplit('-', 1)[1]}")
        self.facts["dates"].append({"key": f"{key}-date", "text": e_date, "when": date["when"]})
        self.facts["statements"].append(
            {
                "key": key,
                "same_as": original["key"],
                "speaker": speaker.slug,
                "speaker_text": speaker.name,
                "mode": "direct" if direct else "indirect",
                "text": e_words,
                "date": f"{key}-date",
            }
        )


def _by_key(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    (found,) = (item for item in items if item["key"] == key)
    return found


def _entity(item: dict[str, Any]) -> PoolEntity:
    return PoolEntity(item["slug"], item["name"], item["kind"])
