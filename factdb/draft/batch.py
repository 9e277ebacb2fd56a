"""Draft one article or a folder of them: write each source folder atomically, show
progress, and sum up what was found, what could not be placed and what failed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from factdb.draft.compare import TYPES, Score, compare_sides, draft_side, reviewed_side
from factdb.draft.facts import SHARED, Draft
from factdb.draft.pipeline import DrafterBug, DraftError, Meta, check, draft_text, read_article
from factdb.draft.proposals import MatchStep
from factdb.draft.store import StoredNames


@dataclass
class Summary:
    found: Counter[str] = field(default_factory=Counter)
    unplaced: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    # The match step: the articles matched and their proposals; why others were not.
    matched: int = 0
    proposals: int = 0
    not_matched: str | None = None

    def lines(self) -> list[str]:
        found = ", ".join(f"{count} {section}" for section, count in self.found.items())
        lines = [f"drafted {len(self.written)} article(s): {found or 'no facts'}"]
        if self.matched:
            lines.append(
                f"{self.proposals} same_as proposal(s) for {self.matched} article(s), none accepted"
            )
        if self.not_matched:
            lines.append(f"not matched: {self.not_matched}")
        if self.unplaced:
            lines.append(f"could not place {len(self.unplaced)}:")
            lines += [f"  {item}" for item in self.unplaced]
        if self.failed:
            lines.append(f"failed {len(self.failed)}:")
            lines += [f"  {item}" for item in self.failed]
        return lines


def draft_file(path: Path, meta: Meta, stored: StoredNames) -> tuple[bytes, Draft, str]:
    """The article's bytes, its draft and the checked facts file; DraftError or
    DrafterBug when it cannot be drafted."""
    data = path.read_bytes()
    text = read_article(data, str(path))
    draft = draft_text(text, meta, stored)
    content, _ = check(draft, stored)
    return data, draft, content


def write_source(parent: Path, slug: str, article: bytes, content: str, force: bool) -> Path:
    """Write parent/slug/ (article.txt, facts.yaml) all at once: into a temporary folder,
    renamed into place. An existing folder is refused unless ``force``."""
    target = parent / slug
    if target.exists() and not force:
        raise DraftError(f"{target} exists: give --force to replace it")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=parent))
    try:
        (staging / "article.txt").write_bytes(article)
        (staging / "facts.yaml").write_text(content, encoding="utf-8")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{slug}.old.", dir=parent))
            os.replace(target, old / slug)
            os.replace(staging, target)
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


@contextmanager
def _progress(paths: list[Path]) -> Iterator[Iterator[Path]]:
    # A bar on a terminal; elsewhere one line per article (written by the caller).
    if sys.stderr.isatty():
        with click.progressbar(paths, label="drafting", file=sys.stderr) as bar:
            yield iter(bar)
    else:
        yield iter(paths)


def draft_many(
    paths: list[Path], out: Path, meta: Meta, stored: StoredNames, force: bool, step: MatchStep
) -> Summary:
    """Draft every path into out/<slug>/, each with its proposals against the stored
    sources (not against the batch's other drafts, which are not stored) when ``step``
    is on; go on past failures, which the summary lists."""
    summary = Summary()
    slugs: set[str] = set()
    terminal = sys.stderr.isatty()
    with _progress(paths) as items:
        for path in items:
            try:
                article, draft, content = draft_file(path, meta, stored)
                slug = draft.source["slug"]
                if slug in slugs:
                    raise DraftError(
                        f"{path}: another article of this batch has the slug {slug!r} (same title)"
                    )
                proposed = step(draft, content, out / slug)
                target = write_source(out, slug, article, proposed.content, force)
            except (DraftError, DrafterBug, OSError) as error:
                summary.failed.append(str(error) if str(path) in str(error) else f"{path}: {error}")
                if not terminal:
                    click.echo(f"failed  {path.name}", err=True)
                continue
            slugs.add(slug)
            # The batch's drafts load together: a later draft must not reuse these keys.
            stored.fact_keys.update(
                (fact.key, slug)
                for section, facts in draft.facts.items()
                if section not in SHARED
                for fact in facts
            )
            summary.written.append(target)
            if proposed.matches is None:
                summary.not_matched = proposed.why_not
            else:
                summary.matched += 1
                summary.proposals += sum(proposed.matches.counts().values())
            summary.found.update({s: n for s, n in draft.counts().items() if n})
            summary.unplaced += [
                f"{path.name}: {u.section} {u.words!r}: {u.reason}" for u in draft.unplaced
            ]
            if not terminal:
                click.echo(f"drafted {path.name} -> {target}", err=True)
    return summary


def compare_corpus(corpus: Path, stored: StoredNames) -> tuple[dict[str, Score], list[str]]:
    """Draft each corpus folder's article.txt (with its reviewed source's metadata) and
    score it against its facts.yaml; the summed scores and the folders that failed."""
    total = {name: Score() for name in TYPES}
    failed = []
    for folder in sorted(
        p
        for p in corpus.iterdir()
        if (p / "article.txt").is_file() and (p / "facts.yaml").is_file()
    ):
        try:
            reviewed = reviewed_side(folder)
            source = _source_meta(folder)
            data = (folder / "article.txt").read_bytes()
            text = read_article(data, str(folder / "article.txt"))
            draft = draft_text(text, source, stored)
            _, plan = check(draft, stored)
        except (ValueError, DrafterBug) as error:
            failed.append(f"{folder.name}: {error}")
            continue
        for name, score in compare_sides(draft_side(draft, plan), reviewed).items():
            score.misses = [f"{folder.name}: {m}" for m in score.misses]
            score.false_finds = [f"{folder.name}: {m}" for m in score.false_finds]
            total[name].add(score)
    return total, failed


def _source_meta(folder: Path) -> Meta:
    """What a drafter would be told of the reviewed source: title, publisher, url, date."""
    source = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))["source"]
    published = source.get("published_on")
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    return Meta(
        title=source.get("title"),
        publisher=source.get("publisher"),
        url=source.get("url"),
        published=published,
    )
