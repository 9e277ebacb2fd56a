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
    rf"^\s*(?:(?P<who>[^.“”\"]{{1,60}}?)\s+(?:{VERBS})\b|(?:{VERBS})\s+(?P<who2>[^.,“”\"]{{1,60}}?)(?=[.,]|\s+(?:at|in|on|after|following)\b))"
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


def find_quotes(text: str, body: int, speakers: Speakers) -> tuple[list[Quote], list[Segment]]:
    """Attributed quotes, and the short quoted fragments left over."""
    quotes: list[Quote] = []
    fragments: list[Segment] = []
    previous: Quote | None = None
    for segment in segments(text, body):
        if (
            previous
            and previous.parts[-1].close_mark is None
            and _continues_paragraph(text, previous.parts[-1], segment)
        ):
            previous.parts.append(segment)
            previous.why = Why("quote-paragraphs", text[segment.open_mark : segment.open_mark + 40])
            continue
        line_end = text.find("\n", segment.end)
        line_end = len(text) if line_end == -1 else line_end
        closing = segment.close_mark if segment.close_mark is not None else segment.end
        tail = text[closing + 1 : line_end]
        match = AFTER.match(tail)
        speaker, rule, span = None, "", (0, 0)
        if match:
            group = "who" if match.group("who") else "who2"
            begin = closing + 1 + match.start(group)
            speaker = speakers.at(begin, closing + 1 + match.end(group))
            rule, span = "quote-said-after", (begin, closing + 1 + match.end())
        if speaker is None:
            line_start = text.rfind("\n", 0, segment.open_mark) + 1
            head = text[line_start : segment.open_mark]
            found = BEFORE.search(head)
            if found:
                group = "who" if found.group("who") else "who2"
                speaker = speakers.at(
                    line_start + found.start(group), line_start + found.end(group)
                )
                rule, span = (
                    "quote-said-before",
                    (line_start + found.start(), line_start + found.end()),
                )
        if speaker is None and previous is not None and _right_after(text, previous, segment):
            if text[segment.start : segment.start + 1].islower():
                previous.parts.append(segment)
                previous.why = Why(
                    "quote-split", text[previous.parts[0].start : segment.start + 20]
                )
                continue
            speaker, rule, span = previous.speaker, "quote-continued", previous.attribution
        if speaker is None or (_words(text, segment) < MIN_WORDS and rule != "quote-said-after"):
            fragments.append(segment)
            continue
        matched = (
            text[span[0] : span[1]]
            if span[1] > span[0]
            else text[segment.start : segment.start + 40]
        )
        quote = Quote([segment], speaker, Why(rule, matched, speaker.note), span)
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
    return len(gap) < 120 and "\n" not in gap.strip(" ,.\u00a0") and gap.count(".") <= 1
