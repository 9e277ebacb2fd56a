"""Events from trigger words, one per kind and date (later mentions join the event of
their kind unless they name another date), with participants, place, date and status
from the sentences they are named in."""

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
# Clear event words of no known kind: events of kind `other`, one per word (a ceremony
# and a protest are two events). Lowercase only: "march" is an event, "March" a month.
OTHER_WORDS = [
    ("ceremony", r"ceremony|ceremonies|inauguration|inaugurated|sworn in"),
    ("protest", r"protests?|protested|demonstrations?|rall(?:y|ies)|marched"),
    ("clash", r"clash(?:es|ed)?|collided|collision"),
    ("signing", r"signed|signing"),
    ("referendum", r"referendum"),
    ("funeral", r"funeral"),
    ("explosion", r"explosions?|exploded"),
]
TRIGGERS: list[tuple[str, str, re.Pattern[str]]] = [
    *((kind, kind, re.compile(rf"\b(?:{words})\b", re.I)) for kind, words in TRIGGER_WORDS),
    *(("other", word, re.compile(rf"\b(?:{words})\b")) for word, words in OTHER_WORDS),
]  # fmt: skip
LABELS = {
    "press_briefing": "Press briefing",
    "meeting": "Meeting",
    "visit": "Visit",
    "election": "Election",
    "military_strike": "Military strike",
    "war": "War",
    **{word: word.capitalize() for word, _ in OTHER_WORDS},
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
    # The trigger group: the kind, or for `other` the event word (ceremony, protest).
    word: str = ""
    key: str = ""
    status: str = "held"
    participants: list[tuple[str, str]] = field(default_factory=list)
    place: str | None = None
    date: str | None = None  # a date key, set by the drafter

    @property
    def start(self) -> int:
        return self.triggers[0].start


def find_events(sentences: list[Sentence], text: str, dated: dict[int, str]) -> list[EventFound]:
    """Every event named in the sentences: a later mention of a kind joins the last event
    of that kind, unless both name explicit dates that differ (``dated``: sentence index ->
    its first explicit date, normalized), which makes it an event of its own."""
    events: list[EventFound] = []
    latest: dict[str, EventFound] = {}
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        for kind, word, pattern in TRIGGERS:
            for match in pattern.finditer(text, sentence.start, sentence.end):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append((match.start(), match.end()))
                trigger = Trigger(match.start(), match.end(), match.group(), sentence)
                known = latest.get(word)
                note = None
                if known is not None:
                    own = dated.get(sentence.index)
                    theirs = next(
                        (
                            dated[t.sentence.index]
                            for t in known.triggers
                            if t.sentence.index in dated
                        ),
                        None,
                    )
                    if own is None or theirs is None or own == theirs:
                        known.triggers.append(trigger)
                        continue
                    note = (
                        "rule event-separate-date: another date than the earlier "
                        + LABELS[word].lower()
                    )
                before = text[max(sentence.start, match.start() - 40) : match.start()]
                planned = FUTURE.search(before) is not None
                if planned:
                    note = _join(note, "status planned: future or announcement before it")
                rule = "event-trigger"
                if kind == "other":
                    rule = "event-other"
                    note = _join(note, f"kind unknown: other ({word}), unsure")
                event = EventFound(kind, [trigger], Why(rule, match.group(), note), word=word)
                event.status = "planned" if planned else "held"
                latest[word] = event
                events.append(event)
    return sorted(events, key=lambda e: e.start)


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


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
        note = f"{len(event.triggers)} mentions joined as one {LABELS[event.word].lower()}"
        event.why = Why(event.why.rule, event.why.matched, _join(event.why.note, note))


def event_title(event: EventFound, names: dict[str, str]) -> str:
    people = [names[slug] for slug, _ in event.participants[:2]]
    title = LABELS[event.word or event.kind]
    if people:
        title += " of " + ", ".join(people)
    if event.place:
        title += f" in {names.get(event.place, event.place)}"
    return title
