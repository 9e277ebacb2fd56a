"""The article as sentences and paragraphs (spaCy, no trained model), and excerpts that
occur exactly once (the loader's own span matching decides)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factdb.loader.schema_fields import Excerpt
from factdb.loader.spans import ExcerptError, locate


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's blank English pipeline with the rule-based sentencizer, built once."""
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    index: int


_PARAGRAPH = re.compile(r"(?:[^\n]|\n(?![ \t\u00a0]*\n))+")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph: lines up to a blank line (a hard-wrapped
    paragraph stays one)."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def sentences(text: str, body_start: int = 0) -> list[Sentence]:
    """The sentences from ``body_start`` on, never across a paragraph break."""
    spans = [(s, e) for s, e in paragraphs(text) if e > body_start]
    found: list[Sentence] = []
    docs = nlp().pipe(text[max(s, body_start) : e] for s, e in spans)
    for number, ((start, _), doc) in enumerate(zip(spans, docs, strict=True)):
        offset = max(start, body_start)
        for sent in doc.sents:
            words = sent.text.strip()
            if not words:
                continue
            begin = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            found.append(Sentence(begin, begin + len(words), words, number, len(found)))
    return found


def headline_end(text: str) -> int:
    """Where the body begins: after a first line that reads as a headline (no final
    full stop), else 0."""
    first = text.split("\n", 1)[0]
    # The headline is its own paragraph: it ends at its line.
    if "\n" in text and first.strip() and not first.rstrip().endswith((".", "!", "?", "”", '"')):
        return len(first) + 1
    return 0


def words_of(fragment: str) -> str:
    """The fragment's words with each white space run made one space."""
    return " ".join(fragment.split())


def excerpt_for(text: str, start: int, end: int) -> str | dict[str, str]:
    """The excerpt naming exactly text[start:end]: the words alone when they occur once,
    else with the shortest prefix of whole words in front that makes them unique."""
    while start < end and text[start].isspace():
        start += 1
    words = words_of(text[start:end])
    if _unique_at(text, Excerpt(words), start):
        return words
    # Word starts in front, nearest first: one more word of prefix at a time.
    starts = _word_starts(text)
    index = bisect_left(starts, start) - 1
    while index >= 0 and start - starts[index] <= PREFIX_WINDOW:
        raw = text[starts[index] : start]
        before = words_of(raw) + (" " if raw[-1:].isspace() else "")
        if _unique_at(text, Excerpt(words, before), start):
            return {"before": before, "text": words}
        index -= 1
    raise ExcerptError(f"no unique excerpt for {words!r} at {start}")


PREFIX_WINDOW = 2000  # characters of prefix tried before giving up on an excerpt
_WORD_START = re.compile(r"(?<!\S)\S")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4)
def _word_starts(text: str) -> list[int]:
    return [match.start() for match in _WORD_START.finditer(text)]


@lru_cache(maxsize=4)
def _collapsed(text: str) -> str:
    # The text as the loader searches it: every white space run one space.
    return _SPACES.sub(" ", text)


def _unique_at(text: str, excerpt: Excerpt, start: int) -> bool:
    # A cheap count first; the loader's own locate() decides.
    before = words_of(excerpt.before) + (" " if excerpt.before[-1:].isspace() else "")
    if _collapsed(text).count(before + words_of(excerpt.text)) != 1:
        return False
    try:
        return locate(text, excerpt).start == start
    except ExcerptError:
        return False
