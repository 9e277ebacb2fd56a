"""Synthetic sources shaped like the seed article, for benchmarks at scale.

Each source is a short dispatch with the seed's kinds of fact, about 50 of them: a
visit and a meeting with dates, places and quantities, a press briefing, an election
with a relative date anchored on it, a strike in "late <month>", roles, direct and
reported statements with their stances. Entities and topics are shared across
sources with a Zipf-like popularity, and dates spread over 2012-2024. The same seed
always gives the same corpus.

Later sources also report some of these facts (factdb.bench.shared); generate_source
writes a source's own facts alone.

Sources go through the real loader (schema validation, excerpt location, date
computation, the ORM writer), so `factdb check` holds on the result.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from factdb.bench.dispatch import Dispatch, Excerpt
from factdb.bench.pools import PoolEntity, ZipfPool, quote_word
from factdb.bench.words import FIRST_DAY, LAST_DAY, MONTHS, STANCES, ordinal, spoken_date

# 3 since later sources report earlier sources' facts too (factdb.bench.shared).
GENERATOR_VERSION = 3
STATEMENTS_PER_SOURCE = 14


class SourceBuilder:
    """Writes one synthetic source: its text and its facts mapping."""

    def __init__(self, number: int, seed: int, pools: dict[str, ZipfPool], topics: ZipfPool):
        self.rng = rng = random.Random(f"{seed}:{number}")
        self.slug = f"dispatch-{number:06d}"
        self.people: list[PoolEntity] = []
        while len(self.people) < 6:
            person = pools["person"].draw(rng)
            if person not in self.people:
                self.people.append(person)
        self.place, self.country = pools["place"].draw(rng), pools["country"].draw(rng)
        self.organization = pools["organization"].draw(rng)
        self.topics = list(dict.fromkeys(topics.draw(rng) for _ in range(2)))
        self.visit_day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        self.election_day = self.visit_day + dt.timedelta(days=rng.randint(3, 20))
        a, b = self.people[:2]
        self.dispatch = Dispatch()
        self.facts: dict[str, Any] = {
            "source": {"slug": self.slug, "title": f"{a.name} meets {b.name} in {self.place.name}"}
        }
        for section in ("entities", "topics", "dates", "events", "roles"):
            self.facts[section] = []
        for section in ("statements", "positions", "quantities"):
            self.facts[section] = []

    def key(self, name: str) -> str:
        return f"{self.slug}-{name}"

    def mention(self, entity: PoolEntity, excerpt: Excerpt) -> str:
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

    def event(
        self, name: str, kind: str, title: str, date: str, roles: dict[str, str], **more: Any
    ) -> None:
        participants = [{"entity": slug, "role": role} for slug, role in roles.items()]
        self.facts["events"].append(
            {
                "key": self.key(name),
                "kind": kind,
                "title": title,
                "date": self.key(date),
                "place": self.place.slug,
                "participants": participants,
                **more,
            }
        )

    def build(self) -> tuple[str, dict[str, Any], str]:
        self.visit_and_meeting()
        self.election_and_strike()
        for index in range(STATEMENTS_PER_SOURCE):
            self.statement_and_position(index)
        self.advisers_and_crowd()
        return self.slug, self.facts, self.dispatch.text

    def visit_and_meeting(self) -> None:
        a, b, facts = self.people[0], self.people[1], self.facts
        title, e_a, e_place, e_day, e_b = self.dispatch.add(
            "Leader",
            (" ",),
            a.name,
            (" travelled to ",),
            self.place.name,
            (" on ",),
            spoken_date(self.visit_day),
            (" to meet ",),
            b.name,
            (".",),
        )
        self.mention(a, e_a), self.mention(b, e_b), self.mention(self.place, e_place)
        facts["dates"].append(
            {"key": self.key("visit-day"), "text": e_day, "when": str(self.visit_day)}
        )
        facts["roles"].append(
            {
                "key": self.key("leader"),
                "holder": a.slug,
                "title": "Leader",
                "date": self.key("visit-day"),
                "evidence": [title],
            }
        )
        pair = {a.slug: "visitor", b.slug: "host"}
        self.event(
            "visit",
            "visit",
            f"{a.name} visits {self.place.name}",
            "visit-day",
            pair,
            evidence=[e_day],
        )
        hours, nth = self.rng.randint(1, 6), self.rng.randint(2, 40)
        e_nth, e_hours, e_topic = self.dispatch.add(
            ("It was their ",),
            ordinal(nth),
            (" meeting; the ",),
            f"{hours}-hour",
            (" talks covered ",),
            f"the {self.topics[0].replace('-', ' ')}",
            (".",),
        )
        for topic in self.topics:
            facts["topics"].append(
                {"slug": topic, "name": topic.replace("-", " ").capitalize(), "evidence": [e_topic]}
            )
        self.event(
            "meeting",
            "meeting",
            f"{a.name} and {b.name} meet",
            "visit-day",
            {a.slug: "guest", b.slug: "host"},
            evidence=[e_hours],
            topics=self.topics,
            part_of=self.key("visit"),
        )
        for name, excerpt, value, unit in (
            ("nth", e_nth, nth, "meeting (ordinal)"),
            ("hours", e_hours, hours, "hour"),
        ):
            facts["quantities"].append(
                {
                    "key": self.key(name),
                    "text": excerpt,
                    "value": value,
                    "unit": unit,
                    "subject": {"event": self.key("meeting")},
                    "description": f"the meeting's {name}",
                }
            )
        (e_briefing,) = self.dispatch.add(("They then held ",), "a joint press briefing", (".",))
        self.event(
            "briefing",
            "press_briefing",
            "Joint press briefing",
            "visit-day",
            {a.slug: "speaker", b.slug: "speaker"},
            evidence=[e_briefing],
            part_of=self.key("visit"),
        )

    def election_and_strike(self) -> None:
        facts, a = self.facts, self.people[0]
        e_country, e_day = self.dispatch.add(
            ("The election in ",),
            self.country.name,
            (" is due on ",),
            spoken_date(self.election_day),
            (".",),
        )
        self.mention(self.country, e_country)
        facts["dates"].append(
            {"key": self.key("election-day"), "text": e_day, "when": str(self.election_day)}
        )
        self.event(
            "election",
            "election",
            f"Election in {self.country.name}",
            "election-day",
            {a.slug: "candidate"},
            evidence=[e_day],
        )
        gap = (self.election_day - self.visit_day).days
        (e_gap,) = self.dispatch.add(
            ("The visit came ",), f"{gap} days before the election", (".",)
        )
        facts["dates"].append(
            {
                "key": self.key("before-election"),
                "text": e_gap,
                "relative": {"anchor": self.key("election"), "offset_days": -gap},
            }
        )
        month_end = self.visit_day.replace(day=1) - dt.timedelta(days=1)
        e_late, e_org, e_place = self.dispatch.add(
            ("In ",),
            f"late {MONTHS[month_end.month - 1]}",
            (", ",),
            self.organization.name,
            (" struck sites in ",),
            self.place.name,
            (".",),
        )
        self.mention(self.organization, e_org)
        facts["dates"].append(
            {
                "key": self.key("late-month"),
                "text": e_late,
                "when": month_end.strftime("%Y-%m"),
                "part": "late",
            }
        )
        self.event(
            "strike",
            "military_strike",
            f"{self.organization.name} strikes {self.place.name}",
            "late-month",
            {self.organization.slug: "attacker"},
            evidence=[e_place],
        )

    def statement_and_position(self, index: int) -> None:
        speaker = self.people[self.rng.randrange(len(self.people))]
        other = self.people[(self.people.index(speaker) + 1) % len(self.people)]
        words = " ".join(quote_word(self.rng) for _ in range(self.rng.randint(5, 12)))
        direct = index % 2 == 0
        if direct:
            e_speaker, e_words = self.dispatch.add(
                speaker.name, (" said: “",), words.capitalize() + ".", ("”",)
            )
        else:
            e_speaker, e_words = self.dispatch.add(speaker.name, (" said that ",), words, (".",))
        self.mention(speaker, e_speaker)
        statement = self.key(f"statement-{index}")
        self.facts["statements"].append(
            {
                "key": statement,
                "speaker": speaker.slug,
                "speaker_text": speaker.name,
                "mode": "direct" if direct else "indirect",
                "text": e_words,
                "event": self.key("briefing"),
                "date": self.key("visit-day"),
                "mentions": [other.slug],
            }
        )
        target = (
            {"entity": other.slug}
            if index % 3
            else {"topic": self.topics[index % len(self.topics)]}
        )
        self.facts["positions"].append(
            {
                "key": self.key(f"position-{index}"),
                "holder": speaker.slug,
                "stance": STANCES[index % len(STANCES)],
                "target": target,
                "description": f"{speaker.name} on {words[:40]}",
                "statement": statement,
                "date": self.key("visit-day"),
                "evidence": [e_words],
            }
        )
        if all(item["slug"] != other.slug for item in self.facts["entities"]):
            (e_other,) = self.dispatch.add(("Also present was ",), other.name, (".",))
            self.mention(other, e_other)

    def advisers_and_crowd(self) -> None:
        for index, person in enumerate(self.people[2:5]):
            (e_person,) = self.dispatch.add(
                person.name, (f" serves as adviser number {index + 1}.",)
            )
            self.mention(person, e_person)
            self.facts["roles"].append(
                {
                    "key": self.key(f"adviser-{index}"),
                    "holder": person.slug,
                    "title": "Adviser",
                    "evidence": [e_person],
                }
            )
        crowd = self.rng.randint(2, 90)
        (e_crowd,) = self.dispatch.add(("About ",), f"{crowd} thousand", (" people watched.",))
        self.facts["quantities"].append(
            {
                "key": self.key("crowd"),
                "text": e_crowd,
                "value": crowd * 1000,
                "unit": "person",
                "approximate": True,
                "subject": {"event": self.key("visit")},
                "description": "onlookers",
            }
        )


def generate_source(
    number: int, seed: int, pools: dict[str, ZipfPool], topics: ZipfPool
) -> tuple[str, dict[str, Any], str]:
    """(slug, facts mapping, text) of synthetic source ``number``."""
    return SourceBuilder(number, seed, pools, topics).build()
