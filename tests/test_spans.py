"""Locating excerpts: the collapsed-space search against the rule it implements, any run
of white space in an excerpt matching any run in the text, as a regular expression."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdb.loader.facts_file import Excerpt
from factdb.loader.spans import ExcerptError, Span, locate


def by_pattern(text: str, excerpt: Excerpt) -> list[tuple[int, int]]:
    """Every (start, end) of the words, overlapping matches included: the reference."""

    def pattern(words: str) -> str:
        return r"\s+".join(re.escape(part) for part in words.split())

    words = pattern(excerpt.text)
    if excerpt.before.strip():
        gap = r"\s+" if excerpt.before[-1:].isspace() else ""
        regex = re.compile(f"{pattern(excerpt.before)}{gap}({words})")
    else:
        regex = re.compile(f"({words})")
    spans, match = [], regex.search(text)
    while match is not None:
        spans.append(match.span(1))
        match = regex.search(text, match.start() + 1)
    return spans


# Few letters and several kinds of white space, so that repeats and gaps are common.
LETTERS = st.sampled_from(["a", "b", "a", "b", " ", "  ", "\u00a0", "\n", "\t"])
TEXTS = st.lists(LETTERS, min_size=1, max_size=40).map("".join)
WORDS = st.lists(LETTERS, min_size=1, max_size=6).map("".join).filter(lambda w: w.strip())


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, words=WORDS, before=st.one_of(st.just(""), WORDS, WORDS.map(str.strip)))
def test_the_search_agrees_with_the_pattern(text: str, words: str, before: str) -> None:
    excerpt = Excerpt(words, before)
    expected = by_pattern(text, excerpt)
    if len(expected) == 1:
        ((start, end),) = expected
        assert locate(text, excerpt) == Span(start, end, text[start:end])
    else:
        with pytest.raises(ExcerptError, match="not found" if not expected else "occurs"):
            locate(text, excerpt)


def test_a_no_break_space_matches_a_space() -> None:
    text = "Prime Minister\u00a0Benjamin  Netanyahu said"
    span = locate(text, Excerpt("Minister Benjamin Netanyahu"))
    assert (span.start, span.end, span.text) == (6, 34, "Minister\u00a0Benjamin  Netanyahu")


def test_an_ambiguous_excerpt_names_its_offsets() -> None:
    with pytest.raises(ExcerptError, match=r"occurs 2 times \(at 0, 8\)"):
        locate("Moscow; Moscow", Excerpt("Moscow"))
    assert locate("Moscow; Moscow", Excerpt("Moscow", before="; ")).start == 8
