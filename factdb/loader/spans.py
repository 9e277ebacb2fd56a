"""Find an excerpt in a source's text and turn it into code-point offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from factdb.loader.facts_file import Excerpt


@dataclass(frozen=True)
class Span:
    """[start, end) in Unicode code points (Python ``str`` indices), and the text there."""

    start: int
    end: int
    text: str


class ExcerptError(ValueError):
    """An excerpt that is not in the text, or is in it more than once."""


_SPACES = re.compile(r"\s+")  # for str patterns, \s is exactly what str.isspace() accepts


@dataclass(frozen=True)
class _Collapsed:
    """A text with each run of white space replaced by one space, and how to find the
    index in the original text of each of its characters."""

    text: str
    # After collapsed index breaks[k], original indices run shifts[k] ahead.
    breaks: list[int]
    shifts: list[int]

    def origin(self, index: int) -> int:
        """The original index of the collapsed character at ``index``."""
        return index + self.shifts[bisect_right(self.breaks, index) - 1]


@lru_cache(maxsize=8)
def _collapse(text: str) -> _Collapsed:
    # One source's excerpts are located one after another: its collapsed text is reused.
    breaks, shifts = [0], [0]
    removed = 0
    for run in _SPACES.finditer(text):
        removed += run.end() - run.start() - 1
        # The run's one space keeps the run's first index; what follows shifts further.
        breaks.append(run.start() - shifts[-1] + 1)
        shifts.append(removed)
    return _Collapsed(_SPACES.sub(" ", text), breaks, shifts)


def _words(text: str) -> str:
    return " ".join(text.split())


def locate(text: str, excerpt: Excerpt) -> Span:
    """Return the one span of ``text`` that ``excerpt`` names, or raise ExcerptError.

    Any run of white space in the excerpt matches any run in the text: the article has
    no-break spaces that an editor shows as ordinary spaces. Everything else is matched
    literally. The search runs on the text with its white space collapsed, which is the
    same as matching each gap with ``\\s+`` and much cheaper than compiling a pattern per
    excerpt.
    """
    collapsed = _collapse(text)
    words = _words(excerpt.text)
    prefix = ""
    if excerpt.before.strip():
        # The prefix stands right before the words; white space between them is optional
        # only when the prefix itself ends without any.
        prefix = _words(excerpt.before) + (" " if excerpt.before[-1:].isspace() else "")
    needle = prefix + words
    # Every occurrence, overlapping ones included, which would otherwise hide an ambiguity.
    starts: list[int] = []
    found = collapsed.text.find(needle)
    while found != -1:
        starts.append(found)
        found = collapsed.text.find(needle, found + 1)
    shown = f"{excerpt.before}[{excerpt.text}]" if excerpt.before else excerpt.text
    if not starts:
        raise ExcerptError(f"excerpt not found in the text: {shown!r}")
    first = [collapsed.origin(found + len(prefix)) for found in starts]
    if len(starts) > 1:
        offsets = ", ".join(str(offset) for offset in first[:5])
        raise ExcerptError(
            f"excerpt occurs {len(starts)} times (at {offsets}); "
            f"add a 'before' prefix to pick one: {shown!r}"
        )
    start = first[0]
    end = collapsed.origin(starts[0] + len(needle) - 1) + 1
    return Span(start, end, text[start:end])
