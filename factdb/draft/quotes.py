"""Direct quotes in straight or curly marks, their attribution before or after, quotes
split around it, quotes over paragraphs; short quoted words are left to speech.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factdb.draft.rules import Why
from factdb.draft.speakers import VERBS, Speaker, Speakers
from factdb.draft.text import paragraphs

OPEN, CLOSE = '“"', '”"'
AFTER = re.compile(
    rf"^\s*(?:(?P<who>[^.,“”\"]{{1,60}}?)\s+(?:{VERBS})\b|(?:{VERBS})\s+(?P<who2>[^.,“”\"]{{1,60}}?)(?=[.,]|\s+(?:at|in|on|after|following)\b))"
)
BEFORE = re.compile(
    rf"(?:(?P<who>[^.“”\"]{{1,60}}?)\s+(?:{VERBS})(?:\s+\w+)?"
    rf"|[Aa]ccording to (?P<who2>[^.,“”\"]{{1,60}}))\s*[,:]?\s*$"
)
MIN_WORDS = 4  # fewer quoted words without attribution: a scare quote, not a statement


@dataclass
class Segment:
    start: int  # first quoted character (after the mark)
    end: int  # after the last quoted character
    open_mark: int
    close_mark: int | None  # None: the quote runs on past the paragraph


@dataclass
class Quote:
    parts: list[Segment]
    speaker: Speaker
    why: Why
    attribution: tuple[int, int]
    extra_notes: list[str] = field(default_factory=list)


def segments(text: str, body: int) -> list[Segment]:
    """Quoted runs, paragraph by paragraph; a run with no closing mark ends with its
    paragraph (a quote continued in the next one)."""
    found = []
    for start, end in paragraphs(text):
        if end <= body:
            continue
        index = max(start, body)
        while index < end:
            opening = _next(text, OPEN, index, end)
            if opening == -1:
                break
            closing = _next(text, CLOSE, opening + 1, end)
            if closing == -1:
                inner_end = end
                found.append(Segment(opening + 1, inner_end, opening, None))
                break
            found.append(Segment(opening + 1, closing, opening, closing))
            index = closing + 1
    return [s for s in found if text[s.start : s.end].strip()]


def _next(text: str, marks: str, start: int, end: int) -> int:
    positions = [text.find(mark, start, end) for mark in marks]
    hits = [p for p in positions if p != -1]
    return min(hits) if hits else -1


def _words(text: str, segment: Segment) -> int:
    return len(text[segment.start : segment.end].split())


def chains(text: str, found: list[Segment]) -> list[list[Segment]]:
    """Segments joined into quotes over paragraphs: a run left open at a paragraph's
    end goes on with the run that opens the next paragraph."""
    joined: list[list[Segment]] = []
    for segment in found:
        if (
            joined
            and joined[-1][-1].close_mark is None
            and _continues_paragraph(text, joined[-1][-1], segment)
        ):
            joined[-1].append(segment)
        else:
            joined.append([segment])
    return joined


def _attribution(
    text: str, parts: list[Segment], speakers: Speakers
) -> tuple[Speaker | None, str, tuple[int, int]]:
    last = parts[-1]
    closing = last.close_mark if last.close_mark is not None else last.end
    _, line_end = _paragraph_of(text, closing)
    match = AFTER.match(text[closing + 1 : line_end])
    if match:
        group = "who" if match.group("who") else "who2"
        begin = closing + 1 + match.start(group)
        speaker = speakers.at(begin, closing + 1 + match.end(group))
        if speaker is not None:
            return speaker, "quote-said-after", (begin, closing + 1 + match.end())
    first = parts[0]
    line_start, _ = _paragraph_of(text, first.open_mark)
    found = BEFORE.search(text[line_start : first.open_mark])
    if found:
        group = "who" if found.group("who") else "who2"
        speaker = speakers.at(line_start + found.start(group), line_start + found.end(group))
        if speaker is not None:
            return (
                speaker,
                "quote-said-before",
                (line_start + found.start(), line_start + found.end()),
            )
    return None, "", (0, 0)


def _paragraph_of(text: str, index: int) -> tuple[int, int]:
    for start, end in paragraphs(text):
        if start <= index <= end:
            return start, end
    return index, index


def find_quotes(text: str, body: int, speakers: Speakers) -> tuple[list[Quote], list[Segment]]:
    """Attributed quotes, and the short quoted fragments left over."""
    quotes: list[Quote] = []
    fragments: list[Segment] = []
    previous: Quote | None = None
    for parts in chains(text, segments(text, body)):
        first = parts[0]
        after_previous = previous is not None and _right_after(text, previous, first)
        if (
            previous is not None
            and after_previous
            and text[first.start : first.start + 1].islower()
        ):
            # “The talks,” she said, “will go on.”: one quote around its attribution.
            previous.parts += parts
            matched = text[previous.parts[0].start : first.start + 20]
            previous.why = Why("quote-split", matched, previous.speaker.note)
            continue
        speaker, rule, span = _attribution(text, parts, speakers)
        if speaker is None and previous is not None and after_previous:
            speaker, rule, span = previous.speaker, "quote-continued", previous.attribution
        words = sum(_words(text, part) for part in parts)
        if speaker is None or words < MIN_WORDS:
            fragments += parts
            continue
        matched = text[span[0] : span[1]]
        if len(parts) > 1:
            rule = "quote-paragraphs"
            matched = f"{len(parts)} paragraphs, {matched}"
        quote = Quote(parts, speaker, Why(rule, matched, speaker.note), span)
        quotes.append(quote)
        previous = quote
    return quotes, fragments


def _continues_paragraph(text: str, last: Segment, segment: Segment) -> bool:
    between = text[last.end : segment.open_mark]
    return between.strip() == "" and "\n" in between


def _right_after(text: str, previous: Quote, segment: Segment) -> bool:
    # The next quote within the attribution's sentence or just after it.
    last = previous.parts[-1]
    gap_start = max(last.close_mark or last.end, previous.attribution[1])
    gap = text[gap_start : segment.open_mark]
    in_paragraph = re.search(r"\n\s*\n", gap) is None
    return len(gap) < 120 and in_paragraph and gap.count(".") <= 1
