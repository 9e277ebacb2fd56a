"""The match step of `factdb draft`: the drafted facts' same_as proposals against the
stored sources, written into the draft as `factdb match` writes them, for a reviewer.

The draft is not stored: factdb.match.trial loads it in a transaction, matches it and
rolls the load back. Each proposal goes under its fact as a ``same_as_proposals``
entry with its score and reasons; nothing becomes ``same_as`` here, and the drafted
facts stay ``reviewed: false``: only a person accepts a link, by moving its key under
``same_as``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from factdb.db import make_engine
from factdb.draft.facts import Draft
from factdb.draft.pipeline import DrafterBug
from factdb.loader.errors import SeedError
from factdb.loader.plan import FACTS_FILE
from factdb.match.matcher import KINDS, MIN_SCORE, Matches
from factdb.match.trial import match_unstored, other_sources
from factdb.match.writer import FactsFileError, facts_text, write_proposals


class MatchRefused(ValueError):
    """--match was given but there is nothing to match against (no schema, no source)."""


@dataclass(frozen=True)
class Proposed:
    """The draft's facts file, with its proposals when it was matched (``matches``),
    or as drafted and ``why_not`` saying why it was not."""

    content: str
    matches: Matches | None = None
    why_not: str | None = None

    def summary(self) -> str:
        """One line: how many proposals of each kind, or why there are none."""
        if self.matches is None:
            return f"not matched: {self.why_not}"
        counts = self.matches.counts()
        kinds = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS)
        return (
            f"{sum(counts.values())} same_as proposal(s) at or above "
            f"{self.matches.min_score:.2f}: {kinds}; none accepted"
        )


def propose(
    engine: Engine, content: str, text: str, folder: Path, min_score: float = MIN_SCORE
) -> Proposed:
    """The draft ``content`` (of the article ``text``) with its proposals against the
    stored sources under its facts; the draft is to be written to ``folder``. Nothing
    is stored. DrafterBug when the loader's writer or the proposals' writer refuses the
    draft: the drafter writes what both take."""
    try:
        matches = match_unstored(engine, content, text, min_score)
        facts = facts_text(content, folder / FACTS_FILE)
        written = write_proposals(facts, {kind: matches.proposals(kind) for kind in KINDS})
    except SeedError as error:
        problems = "; ".join(str(problem) for problem in error.problems[:5])
        raise DrafterBug(f"the loader refuses the draft of {folder.name}: {problems}") from None
    except FactsFileError as error:
        raise DrafterBug(str(error)) from None
    return Proposed(written, matches)


class MatchStep:
    """The step as configured: ``engine`` is None when it is off for every draft
    (--no-match, or no schema), with ``why_not`` saying why."""

    def __init__(self, engine: Engine | None, why_not: str | None = None) -> None:
        self.engine = engine
        self.why_not = why_not

    def __call__(self, draft: Draft, content: str, folder: Path) -> Proposed:
        """The draft's file with its proposals, or as drafted when the step is off or
        the database holds no source but the draft's own (a draft of a stored article
        replaces it: matching it against itself proposes nothing)."""
        if self.engine is None:
            return Proposed(content, why_not=self.why_not)
        if other_sources(self.engine, draft.source["slug"]) == 0:
            return Proposed(content, why_not="the database holds no other source")
        return propose(self.engine, content, draft.text, folder)


@contextmanager
def match_step(url: str, asked: bool | None) -> Iterator[MatchStep]:
    """The match step on the database at ``url``: ``asked`` is True (--match), False
    (--no-match) or None (on when the database holds another source). MatchRefused
    when --match is given and there is nothing to match against."""
    if asked is False:
        yield MatchStep(None, "--no-match")
        return
    engine = make_engine(url)
    try:
        why = None
        if not inspect(engine).has_table("sources"):
            why = "the database has no schema (factdb db upgrade)"
        elif other_sources(engine, "") == 0:
            why = "the database holds no other source"
        if why is not None and asked:
            raise MatchRefused(f"--match: {why}, so there is nothing to match against")
        yield MatchStep(None if why else engine, why)
    finally:
        engine.dispose()
