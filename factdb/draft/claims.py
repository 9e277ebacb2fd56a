"""Statements (direct, indirect, mixed), quantities and positions of a Builder's article."""

from __future__ import annotations

from typing import Any

from factdb.draft.build import Builder
from factdb.draft.events import EventFound
from factdb.draft.facts import Fact, Unplaced
from factdb.draft.positions import find_positions
from factdb.draft.quantities import find_quantities
from factdb.draft.quotes import find_quotes
from factdb.draft.rules import Why
from factdb.draft.speakers import Speakers
from factdb.draft.speech import find_speech
from factdb.draft.text import words_of

SPEECH_EVENTS = ("press_briefing", "meeting", "visit")


def _event_near(builder: Builder, positions: list[int]) -> EventFound | None:
    """The event named in the statement's sentences, else a speech event (press briefing,
    meeting, visit) named in the sentence just before."""
    sentences = {id(s) for p in positions if (s := builder.sentence_of(p)) is not None}
    near = [e for e in builder.events if any(id(t.sentence) in sentences for t in e.triggers)]
    if not near:
        first = builder.sentence_of(min(positions))
        previous = builder.sentences[first.index - 1] if first and first.index else None
        near = [
            e
            for e in builder.events
            if e.kind in SPEECH_EVENTS and any(t.sentence is previous for t in e.triggers)
        ]
    near.sort(
        key=lambda e: (
            e.kind not in SPEECH_EVENTS,
            SPEECH_EVENTS.index(e.kind) if e.kind in SPEECH_EVENTS else 0,
        )
    )
    return near[0] if near else None


def _mentions(builder: Builder, start: int, end: int) -> list[str]:
    slugs: list[str] = []
    for mention in builder.mentions:
        if start <= mention.start and mention.end <= end and mention.refers not in slugs:
            slugs.append(mention.refers)
    return slugs


def _note_evidence(builder: Builder, slug: str, start: int, end: int) -> None:
    # An entity first named as a speaker (a group noun) rests on that span.
    spans = builder.evidence.setdefault(slug, [])
    if (start, end) not in spans:
        spans.append((start, end))


def statement_facts(builder: Builder) -> list[Fact]:
    text = builder.text
    speakers = Speakers(builder.names, builder.mentions, text)
    quotes, fragments = find_quotes(text, builder.body, speakers)
    quoted = [(q.parts[0].open_mark, q.parts[-1].end + 1) for q in quotes]
    reported = find_speech(builder.sentences, text, speakers, quoted, fragments)
    items: list[tuple[int, dict[str, Any], Why, int]] = []
    for quote in quotes:
        parts = [builder.excerpt(p.start, p.end) for p in quote.parts]
        start, end = quote.parts[0].start, quote.parts[-1].end
        items.append(
            (
                start,
                _statement(
                    builder,
                    quote.speaker,
                    "direct",
                    parts[0] if len(parts) == 1 else parts,
                    start,
                    end,
                    quote.attribution,
                ),
                quote.why,
                end,
            )
        )
    for item in reported:
        excerpt = builder.excerpt(item.start, item.end)
        items.append(
            (
                item.start,
                _statement(
                    builder,
                    item.speaker,
                    item.mode,
                    excerpt,
                    item.start,
                    item.end,
                    item.attribution,
                ),
                item.why,
                item.end,
            )
        )
    facts = []
    for start, data, why, end in sorted(items, key=lambda i: i[0]):
        facts.append(builder.draft.add(Fact("statements", data, why, start, end)))
    return facts


def _statement(
    builder: Builder,
    speaker: Any,
    mode: str,
    excerpt: Any,
    start: int,
    end: int,
    attribution: tuple[int, int],
) -> dict[str, Any]:
    _note_evidence(builder, speaker.slug, speaker.start, speaker.end)
    event = _event_near(builder, [attribution[0], start])
    name = builder.names.entities[speaker.slug].name
    evidence = []
    if attribution[1] > attribution[0]:
        evidence.append(builder.excerpt(attribution[0], attribution[1]))
    return {
        "key": builder.key(name.split()[-1], mode),
        "speaker": speaker.slug,
        "speaker_text": speaker.words,
        "mode": mode,
        "text": excerpt,
        "event": event.key if event else None,
        "date": event.date if event else None,
        "mentions": _mentions(builder, start, end),
        "evidence": evidence,
    }


def quantity_facts(builder: Builder) -> None:
    text = builder.text
    # Numbers of explicit dates are no quantities; "five days" of "five days before" is.
    date_spans = [(d.start, d.end) for d, _ in builder.dates if d.anchor is None]
    for sentence in builder.sentences:
        for quantity in find_quantities(text, sentence.start, sentence.end, date_spans):
            subject, note = _subject(
                builder, sentence, quantity.start, quantity.end, quantity.counted
            )
            if subject is None:
                builder.draft.unplaced.append(
                    Unplaced(
                        "quantities", quantity.words, "no event or entity in its sentence to count"
                    )
                )
                continue
            data = {
                "key": builder.key(quantity.words, quantity.fields["unit"]),
                "text": builder.excerpt(quantity.start, quantity.end),
                **quantity.fields,
                "subject": subject,
                "description": f"{quantity.words} {quantity.counted}".strip(),
            }
            why = Why(quantity.why.rule, quantity.why.matched, _join(quantity.why.note, note))
            builder.draft.add(Fact("quantities", data, why, quantity.start, quantity.end))


def _subject(
    builder: Builder, sentence: Any, start: int, end: int, counted: str
) -> tuple[dict[str, str] | None, str | None]:
    after = [
        (t.start, e)
        for e in builder.events
        for t in e.triggers
        if t.sentence is sentence and t.start >= end
    ]
    if after and min(after, key=lambda p: p[0])[0] - end < 30:
        event = min(after, key=lambda p: p[0])[1]
        return {"event": event.key}, f"counts the {event.kind.replace('_', ' ')}"
    inside = [m for m in builder.mentions if end <= m.start <= end + len(counted) + 2]
    if inside:
        return {"entity": inside[0].refers}, None
    events = [e for e in builder.events if any(t.sentence is sentence for t in e.triggers)]
    if events:
        return {"event": events[0].key}, "subject: an event of the same sentence (unsure)"
    actors = [m for m in builder.mentions if sentence.start <= m.start < sentence.end]
    if actors:
        return {"entity": actors[0].refers}, "subject: the first entity of the sentence (unsure)"
    return None, None


def position_facts(builder: Builder, statements: list[Fact]) -> None:
    for found in find_positions(builder.sentences, builder.text, builder.mentions):
        if found.target_entity is not None:
            target = {"entity": found.target_entity}
        elif found.topic_words is not None:
            start, end = found.topic_words
            words = words_of(builder.text[start:end])
            slug = builder.key(words)
            topic = {
                "slug": slug,
                "name": words[0].upper() + words[1:],
                "evidence": [builder.excerpt(start, end)],
            }
            builder.draft.add(
                Fact("topics", topic, Why("position-verb", words, "a new topic"), start, end)
            )
            target = {"topic": slug}
        else:
            continue
        statement = next(
            (
                s
                for s in statements
                if s.start <= found.start <= s.end or found.start <= s.start <= found.end
            ),
            None,
        )
        holder = builder.names.entities[found.holder].name
        data = {
            "key": builder.key(holder.split()[-1], found.stance),
            "holder": found.holder,
            "stance": found.stance,
            "target": target,
            "outcome": None,
            "description": words_of(builder.text[found.start : found.end]),
            "statement": statement.key if statement else None,
            "date": statement.data["date"] if statement else None,
            "evidence": [builder.excerpt(found.start, found.end)],
        }
        builder.draft.add(Fact("positions", data, found.why, found.start, found.end))


def _join(first: str | None, second: str | None) -> str | None:
    if first and second:
        return f"{first}; {second}"
    return first or second
