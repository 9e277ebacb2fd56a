"""`factdb draft`: draft one article or a folder of them, or score drafts against
reviewed facts files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect

from factdb.config import SEED_DIR
from factdb.db import make_engine

if TYPE_CHECKING:
    from factdb.draft.store import StoredNames


def stored_names(url: str) -> StoredNames:
    """The configured database's names; none (said on stderr) when it has no schema."""
    from factdb.draft.store import StoredNames, read_stored_names

    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("entities"):
            click.echo(
                "the database has no schema (factdb db upgrade): no stored names to match", err=True
            )
            return StoredNames()
        return read_stored_names(engine)
    finally:
        engine.dispose()


@click.command("draft")
@click.argument("article", type=click.Path(exists=True, path_type=Path))
@click.option("--title", help="The title (default: the article's first line).")
@click.option("--publisher", help="The publisher (default: null).")
@click.option("--url", help="The article's address (default: null).")
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date YYYY-MM-DD: the year of dates without one, the anchor of 'on Thursday'.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=SEED_DIR,
    show_default=True,
    help="The folder the new source folder <slug>/ is written into.",
)
@click.option("--force", is_flag=True, help="Replace an existing source folder.")
@click.option(
    "--compare",
    "reviewed",
    type=click.Path(exists=True, path_type=Path),
    help="Draft in memory only and score it against this reviewed facts file (or folder).",
)
@click.option(
    "--corpus",
    is_flag=True,
    help="ARTICLE is a corpus folder (subfolders with article.txt and facts.yaml): score each.",
)
@click.option(
    "--match/--no-match",
    "match",
    default=None,
    help="Propose same_as links from the drafted facts to the stored sources' facts, "
    "written under each fact as factdb match writes them, none accepted. "
    "Default: on when the database holds another source (not with --compare or --corpus).",
)
@with_appcontext
def draft_command(
    article: Path,
    title: str | None,
    publisher: str | None,
    url: str | None,
    published: dt.datetime | None,
    out: Path,
    force: bool,
    reviewed: Path | None,
    corpus: bool,
    match: bool | None,
) -> None:
    """Draft a reviewable facts file from a plain-text ARTICLE (or every .txt of a folder).

    Writes OUT/<slug>/article.txt (the article, byte for byte) and facts.yaml, every fact
    unreviewed and commented with the rule that proposed it. With the match step, each
    fact that may report a stored source's fact gets same_as_proposals (score and
    reasons) for the reviewer to accept or delete; the database is left as it was."""
    # Imported here: spaCy takes seconds to import, which the app and its other
    # commands (the server among them) must not pay.
    from factdb.draft.batch import compare_corpus, draft_file, draft_many, write_source
    from factdb.draft.compare import compare_sides, details, draft_side, reviewed_side, table
    from factdb.draft.pipeline import (
        DrafterBug,
        DraftError,
        Meta,
        check,
        draft_text,
        read_article,
    )
    from factdb.draft.proposals import MatchRefused, match_step
    from factdb.match.command import echo_matches

    database = str(current_app.config["DATABASE_URL"])
    stored = stored_names(database)
    meta = Meta(title, publisher, url, published.date() if published else None)
    if match and (corpus or reviewed is not None):
        raise click.UsageError(
            "--match writes proposals into a draft; --compare and --corpus write none"
        )
    if corpus:
        if not article.is_dir():
            raise click.UsageError("--corpus needs a folder of source folders")
        scores, failed = compare_corpus(article, stored)
        click.echo(table(scores))
        click.echo(details(scores))
        for line in failed:
            click.echo(f"failed {line}", err=True)
        sys.exit(1 if failed else 0)
    if article.is_dir():
        if reviewed is not None:
            raise click.UsageError("--compare takes one article; use --corpus for a folder")
        paths = sorted(article.glob("*.txt"))
        if not paths:
            raise click.ClickException(f"no .txt files in {article}")
        try:
            with match_step(database, match) as step:
                summary = draft_many(paths, out, meta, stored, force, step)
        except MatchRefused as error:
            raise click.UsageError(str(error)) from None
        for line in summary.lines():
            click.echo(line)
        sys.exit(1 if summary.failed else 0)
    try:
        if reviewed is not None:
            text = read_article(article.read_bytes(), str(article))
            draft = draft_text(text, meta, stored)
            _, plan = check(draft, stored)
            scores = compare_sides(draft_side(draft, plan), reviewed_side(reviewed))
            click.echo(table(scores))
            click.echo(details(scores))
            return
        with match_step(database, match) as step:
            data, draft, content = draft_file(article, meta, stored)
            proposed = step(draft, content, out / draft.source["slug"])
        target = write_source(out, draft.source["slug"], data, proposed.content, force)
    except MatchRefused as error:
        raise click.UsageError(str(error)) from None
    except (DraftError, DrafterBug, ValueError) as error:
        raise click.ClickException(str(error)) from None
    counts = ", ".join(f"{n} {s}" for s, n in draft.counts().items() if n)
    click.echo(f"drafted {target}: {counts}")
    if proposed.matches is not None:
        echo_matches(proposed.matches)
    click.echo(proposed.summary())
    for item in draft.unplaced:
        click.echo(f"  not placed: {item.section} {item.words!r}: {item.reason}", err=True)
