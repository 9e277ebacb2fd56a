"""Find an excerpt in a source's text and turn it into code-point offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.loader.schemas import Excerpt


@dataclass(frozen=True)
class Span:
    """[start, end) in Unicode code points (Python ``str`` indices), and the text there."""

    start: int
    end: int
    text: str


class ExcerptError(ValueError):
    """An excerpt that is not in the text, or is in it more than once."""


def _pattern(words: str) -> str:
    # Any run of white space matches any run: the article has no-break spaces that an
    # editor shows as ordinary spaces. Everything else is matched literally.
    return r"\s+".join(re.escape(part) for part in words.split())


def _all_matches(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    # finditer skips overlapping matches, which would hide an ambiguity.
    found: list[re.Match[str]] = []
    match = regex.search(text)
    while match is not None:
        found.append(match)
        match = regex.search(text, match.start() + 1)
    return found


def locate(text: str, excerpt: Excerpt) -> Span:
    """Return the one span of ``text`` that ``excerpt`` names, or raise ExcerptError."""
    words = _pattern(excerpt.text)
    if excerpt.before.strip():
        # The prefix stands right before the words; white space between them is optional
        # only when the prefix itself ends without any.
        gap = r"\s+" if excerpt.before[-1:].isspace() else ""
        regex = re.compile(f"{_pattern(excerpt.before)}{gap}({words})")
    else:
        regex = re.compile(f"({words})")
    matches = _all_matches(regex, text)
    shown = f"{excerpt.before}[{excerpt.text}]" if excerpt.before else excerpt.text
    if not matches:
        raise ExcerptError(f"excerpt not found in the text: {shown!r}")
    if len(matches) > 1:
        offsets = ", ".join(str(m.start(1)) for m in matches[:5])
        raise ExcerptError(
            f"excerpt occurs {len(matches)} times (at {offsets}); "
            f"add a 'before' prefix to pick one: {shown!r}"
        )
    start, end = matches[0].span(1)
    return Span(start, end, text[start:end])
