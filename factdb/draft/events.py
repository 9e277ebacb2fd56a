"""Events from trigger words, one per kind (later mentions join the first), with
participants, place, date and status from the sentences they are named in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factdb.draft.dates import FUTURE
from factdb.draft.mentions import Mention
from factdb.draft.rules import Why
from factdb.draft.text import Sentence

TRIGGER_WORDS = [
    ("press_briefing", r"(?:joint\s+)?(?:press|news)\s+(?:briefing|conference)s?"),
    ("meeting", r"meetings?|met|meet|meets|talks|summit"),
    ("visit", r"visit(?:ed|s|ing)?|travell?ed to|trip to|touched down|arrived in|flew to"),
    ("election", r"elections?|polls?"),
    ("military_strike", r"air ?strikes?|strikes?|struck|striking|bomb(?:ed|ing)|shell(?:ed|ing)"),
    ("war", r"war(?:-torn)?"),
]
TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(rf"\b(?:{words})\b", re.I)) for kind, words in TRIGGER_WORDS
]  # fmt: skip
LABELS = {
    "press_briefing": "Press briefing",
    "meeting": "Meeting",
    "visit": "Visit",
    "election": "Election",
    "military_strike": "Military strike",
    "war": "War",
}
ACTORS = ("person", "country", "organization", "party", "group")
PARTICIPANT_WINDOW = 60
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")  # names inside a quote take no part
CITY_OF = re.compile(r"\b(?:city|town|village|capital) of\s+$")
PLACE_PREPOSITION = re.compile(r"\b(?:in|to|at|of)\s+(?:the\s+)?$")


@dataclass
class Trigger:
    start: int
    end: int
    words: str
    sentence: Sentence


@dataclass
class EventFound:
    kind: str
    triggers: list[Trigger]
    why: Why
    key: str = ""
    status: str = "held"
    participants: list[tuple[str, str]] = field(default_factory=list)
    place: str | None = None
    date: str | None = None  # a date key, set by the drafter

    @property
    def start(self) -> int:
        return self.triggers[0].start


def find_events(sentences: list[Sentence], text: str, kinds: dict[str, str]) -> list[EventFound]:
    """Every event kind named in the sentences, its mentions merged."""
    by_kind: dict[str, EventFound] = {}
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        for kind, pattern in TRIGGERS:
            for match in pattern.finditer(text, sentence.start, sentence.end):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append((match.start(), match.end()))
                trigger = Trigger(match.start(), match.end(), match.group(), sentence)
                if kind in by_kind:
                    by_kind[kind].triggers.append(trigger)
                    continue
                before = text[max(sentence.start, match.start() - 40) : match.start()]
                planned = FUTURE.search(before) is not None
                note = "status planned: future or announcement before it" if planned else None
                event = EventFound(kind, [trigger], Why("event-trigger", match.group(), note))
                event.status = "planned" if planned else "held"
                by_kind[kind] = event
    return sorted(by_kind.values(), key=lambda e: e.start)


def place_participants(
    event: EventFound, mentions: list[Mention], kinds: dict[str, str], text: str
) -> None:
    """Participants and place from the first sentence naming the event."""
    trigger = event.triggers[0]
    sentence = trigger.sentence
    # The names before the trigger (its subject) and shortly after it ("meeting with X").
    inside = [
        m
        for m in mentions
        if sentence.start <= m.start < sentence.end
        and (m.end <= trigger.start or m.start - trigger.end < PARTICIPANT_WINDOW)
    ]
    quoted = [(m.start(), m.end()) for m in QUOTED.finditer(text, sentence.start, sentence.end)]
    inside = [m for m in inside if not any(s <= m.start < e for s, e in quoted)]
    seen: set[str] = set()
    for mention in inside:
        kind = kinds.get(mention.refers)
        before = text[max(sentence.start, mention.start - 12) : mention.start]
        after_trigger = mention.start >= trigger.end
        if kind == "place" and CITY_OF.search(before):
            event.place = mention.slug  # "the Black Sea city of Sochi": the city
            continue
        if (
            kind in ("place", "country")
            and PLACE_PREPOSITION.search(before)
            and event.place is None
            and (after_trigger or re.search(r"\b(?:in|at)\s+(?:the\s+)?$", before))
        ):
            event.place = mention.slug if kinds.get(mention.slug) == "place" else mention.refers
            if kind == "place":
                continue
        if kind in ACTORS and mention.refers not in seen:
            seen.add(mention.refers)
            role = "participant"
            if event.kind == "visit" and kind == "person" and not event.participants:
                role = "visitor"
            event.participants.append((mention.refers, role))
    if len(event.triggers) > 1:
        note = f"{len(event.triggers)} mentions joined as one {LABELS[event.kind].lower()}"
        event.why = Why(event.why.rule, event.why.matched, _join(event.why.note, note))


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def event_title(event: EventFound, names: dict[str, str]) -> str:
    people = [names[slug] for slug, _ in event.participants[:2]]
    title = LABELS[event.kind]
    if people:
        title += " of " + ", ".join(people)
    if event.place:
        title += f" in {names.get(event.place, event.place)}"
    return title
