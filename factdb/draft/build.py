"""One article in, a Draft out: entities, dates and events (statements, quantities and
positions follow in claims.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from factdb.draft.dates import DateFound, find_dates
from factdb.draft.events import EventFound, event_title, find_events, place_participants
from factdb.draft.facts import Draft, Fact, Unplaced, slugify
from factdb.draft.groups import read_administrations, read_groups
from factdb.draft.mentions import Mention, find_mentions, title_aliases
from factdb.draft.names import Names, read_names
from factdb.draft.rules import Why
from factdb.draft.store import StoredNames
from factdb.draft.text import Sentence, excerpt_for, headline_end, sentences, words_of
from factdb.loader.spans import ExcerptError

_WORD_END = re.compile(r"\S(?=\s|$)")
ANCHOR_WINDOW = 50  # characters between "N days before" and the event word it names
MAX_EVIDENCE = 3
KEY_PREFIX_WORDS = 4


class Builder:
    """The state shared while drafting one article."""

    def __init__(self, draft: Draft, stored: StoredNames, published: dt.date | None) -> None:
        self.draft = draft
        self.text = draft.text
        self.published = published
        # Four words of the source's slug: enough to tell most sources apart (the
        # database's keys settle the rest, in Draft.new_key), short enough to read.
        self.prefix = "-".join(draft.source["slug"].split("-")[:KEY_PREFIX_WORDS])
        self.body = headline_end(self.text)
        self.sentences: list[Sentence] = sentences(self.text, self.body)
        self.names = Names(stored)
        self.mentions: list[Mention] = []
        self.evidence: dict[str, list[tuple[int, int]]] = {}
        self.date_keys: dict[int, str] = {}  # DateFound.start -> key
        self.dates: list[tuple[DateFound, Sentence]] = []
        self.events: list[EventFound] = []

    def key(self, *words: str) -> str:
        return self.draft.new_key(slugify(" ".join((self.prefix, *words)), KEY_PREFIX_WORDS + 8))

    def excerpt(self, start: int, end: int) -> str | dict[str, str]:
        """The unique excerpt of text[start:end]; at the very start of the text, where
        no prefix can help, the words run on to the right until they are unique."""
        try:
            return excerpt_for(self.text, start, end)
        except ExcerptError:
            for match in _WORD_END.finditer(self.text, end):
                try:
                    return excerpt_for(self.text, start, match.end())
                except ExcerptError:
                    continue
            raise

    def sentence_of(self, position: int) -> Sentence | None:
        return next((s for s in self.sentences if s.start <= position < s.end), None)

    def kinds(self) -> dict[str, str]:
        return {slug: entity.kind for slug, entity in self.names.entities.items()}

    # --- entities ---------------------------------------------------------------
    def read_entities(self) -> None:
        spans = [(s.start, s.end) for s in self.sentences]
        read_names(self.names, self.text, self.body, spans)
        read_groups(self.names, self.text, self.body)
        read_administrations(self.names, self.text, self.body)
        title_aliases(self.names, self.text)
        self.mentions = find_mentions(self.names, self.text)
        for mention in self.mentions:
            self.evidence.setdefault(mention.slug, []).append((mention.start, mention.end))
        for slug, spans in self.names.spans.items():
            known = self.evidence.setdefault(slug, [])
            known += [span for span in spans if span not in known]

    def entity_facts(self) -> None:
        for slug, entity in self.names.entities.items():
            spans = self.evidence.get(slug, [])
            if entity.stored:
                if not spans:
                    continue  # known, but not named in this article's words
                self.draft.stored[slug] = [words_of(self.text[s:e]) for s, e in spans]
                self.draft.stored_entities[slug] = (entity.name, entity.kind)
                continue
            if not spans:
                continue
            located_in = None
            if (
                entity.kind == "place"
                and entity.metonyms == []
                and entity.description.startswith("City of")
            ):
                country = entity.description.split(";")[0].removeprefix("City of ")
                located_in = self.names.find(country)
            data: dict[str, Any] = {
                "slug": slug,
                "name": entity.name,
                "kind": entity.kind,
                "description": entity.description
                or f"{entity.kind.capitalize()} named in the article",
                "aliases": entity.aliases,
                "metonyms": entity.metonyms,
                "located_in": located_in,
                "evidence": [self.excerpt(s, e) for s, e in spans[:MAX_EVIDENCE]],
            }
            self.draft.add(Fact("entities", data, entity.why, spans[0][0], spans[0][1]))

    # --- dates ------------------------------------------------------------------
    def read_dates(self) -> None:
        for sentence in self.sentences:
            for date in find_dates(self.text, sentence.start, sentence.end, sentence.text):
                self.dates.append((date, sentence))

    def _date_fact(self, date: DateFound, fields: dict[str, Any], why: Why) -> str:
        key = self.key(date.words)
        data = {"key": key, "text": self.excerpt(date.start, date.end), **fields}
        self.draft.add(Fact("dates", data, why, date.start, date.end))
        self.date_keys[date.start] = key
        return key

    def _unplace(self, date: DateFound, reason: str) -> None:
        self.draft.unplaced.append(
            Unplaced("dates", date.words, reason, {"text": date.words, **date.fields})
        )

    def standalone_dates(self) -> None:
        """Explicit dates and those anchored on the publication date."""
        for date, _ in self.dates:
            if date.anchor is None:
                if date.needs_year and self.published is None:
                    self._unplace(
                        date,
                        "no year in the text and no --published date: "
                        "the loader needs a year (source.year)",
                    )
                    continue
                why = date.why
                if date.needs_year:
                    why = Why(
                        why.rule,
                        why.matched,
                        f"year {self.published.year} from the publication date"
                        if self.published
                        else None,
                    )
                self._date_fact(date, date.fields, why)
            elif date.anchor == "published":
                if self.published is None:
                    self._unplace(
                        date,
                        "relative to the publication date, which is unknown (give --published)",
                    )
                    continue
                self._date_fact(date, date.fields, date.why)

    def event_dates(self) -> None:
        """Each event takes a date of its sentences, else that of an event named with it."""
        for event in self.events:
            for trigger in event.triggers:
                keyed = [
                    d for d, s in self.dates if s is trigger.sentence and d.start in self.date_keys
                ]
                if keyed:
                    event.date = self.date_keys[keyed[0].start]
                    note = f"date {keyed[0].words!r}"
                    event.why = Why(event.why.rule, event.why.matched, _join(event.why.note, note))
                    break
        for event in self.events:
            if event.date is not None or event.kind not in ("press_briefing", "meeting", "visit"):
                continue
            first = event.triggers[0].sentence
            previous = self.sentences[first.index - 1] if first.index else None
            keyed = [d for d, s in self.dates if s is previous and d.start in self.date_keys]
            if previous is not None and previous.paragraph == first.paragraph and keyed:
                event.date = self.date_keys[keyed[-1].start]
                note = f"rule event-date-neighbour: {keyed[-1].words!r} of the sentence before"
                event.why = Why(event.why.rule, event.why.matched, _join(event.why.note, note))
        for event in self.events:
            # Only talk happens on the day of what it is named with: a war does not.
            if event.date is not None or event.kind not in ("press_briefing", "meeting", "visit"):
                continue
            for trigger in event.triggers:
                other = next(
                    (
                        o
                        for o in self.events
                        if o is not event
                        and o.date
                        and any(t.sentence is trigger.sentence for t in o.triggers)
                    ),
                    None,
                )
                if other:
                    event.date = other.date
                    note = (
                        f"rule event-date-linked-event: the date of the {other.word} named with it"
                    )
                    event.why = Why(event.why.rule, event.why.matched, _join(event.why.note, note))
                    break

    def anchored_dates(self) -> None:
        """Dates relative to an event: 'five days before the election', 'two days later'."""
        for date, _ in self.dates:
            if date.anchor not in ("event", "previous-event"):
                continue
            anchor: EventFound | None = None
            end = date.end
            if date.anchor == "event":
                after = [
                    (t, e)
                    for e in self.events
                    for t in e.triggers
                    if date.end <= t.start <= date.end + ANCHOR_WINDOW
                ]
                if after:
                    trigger, anchor = min(after, key=lambda pair: pair[0].start)
                    end = trigger.end
            else:
                dated = [e for e in self.events if e.date and e.start < date.start]
                anchor = dated[-1] if dated else None
            if anchor is None or anchor.date is None:
                self._unplace(date, "relative to an event that was not found or has no date")
                continue
            relative = {**date.fields["relative"], "anchor": anchor.key}
            words = words_of(self.text[date.start : end])
            date.end, date.words = end, words
            self._date_fact(
                date,
                {"relative": relative},
                Why(
                    date.why.rule,
                    words,
                    _join(date.why.note, f"anchor: the {anchor.word.replace('_', ' ')}"),
                ),
            )

    # --- events -----------------------------------------------------------------
    def read_events(self) -> None:
        dated: dict[int, str] = {}
        for date, sentence in self.dates:
            if date.anchor is None:  # explicit: comparable as written down
                dated.setdefault(sentence.index, repr(sorted(date.fields.items())))
        self.events = find_events(self.sentences, self.text, dated)
        for event in self.events:
            place_participants(event, self.mentions, self.kinds(), self.text)
            event.key = self.key(event.word.replace("_", " "))

    def event_facts(self) -> None:
        names = {slug: e.name for slug, e in self.names.entities.items()}
        for event in self.events:
            spans = [(t.start, t.end) for t in event.triggers]
            data = {
                "key": event.key,
                "kind": event.kind,
                "title": event_title(event, names),
                "date": event.date,
                "place": event.place,
                "participants": [
                    {"entity": slug, "role": role} for slug, role in event.participants
                ],
                "topics": [],
                "part_of": None,
                "status": event.status,
                "evidence": _unique([self.excerpt(s, e) for s, e in spans])[:4],
            }
            self.draft.add(Fact("events", data, event.why, spans[0][0], spans[0][1]))

    def role_facts(self) -> None:
        for role in self.names.roles:
            holder = self.names.entities[role.holder]
            data = {
                "key": self.key(holder.name.split()[-1], role.title),
                "holder": role.holder,
                "title": role.title,
                "organization": role.organization,
                "date": None,
                "evidence": [self.excerpt(role.start, role.end)],
            }
            rule = "role-demonym-title-name" if role.organization else "role-title-name"
            self.draft.add(Fact("roles", data, Why(rule, role.words), role.start, role.end))


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
