"""Every corpus article and a run of synthetic ones draft into files the loader accepts;
the corpus compare reports every type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factdb.bench.draft_articles import article
from factdb.draft.batch import compare_corpus
from factdb.draft.compare import TYPES, table
from factdb.draft.pipeline import Meta, check, draft_text, read_article
from factdb.draft.store import StoredNames

CORPUS = Path(__file__).parent / "corpus"
FOLDERS = sorted(p for p in CORPUS.iterdir() if (p / "article.txt").is_file())


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
@pytest.mark.parametrize("published", [None, dt.date(2025, 6, 2)], ids=["undated", "dated"])
def test_corpus_articles_draft_into_loadable_files(folder: Path, published: dt.date | None) -> None:
    text = read_article((folder / "article.txt").read_bytes(), folder.name)
    draft = draft_text(text, Meta(published=published), StoredNames())
    check(draft, StoredNames())  # DrafterBug if the loader refuses it


def test_synthetic_articles_draft_into_loadable_files() -> None:
    for number in range(15):
        title, text = article(number)
        draft = draft_text(text, Meta(title=title, published=dt.date(2026, 6, 1)), StoredNames())
        check(draft, StoredNames())


def test_corpus_compare_scores_every_type() -> None:
    scores, failed = compare_corpus(CORPUS, StoredNames())
    assert failed == []
    assert list(scores) == TYPES
    assert scores["dates"].recall is not None and scores["dates"].recall >= 0.7
    assert (
        scores["entities: people"].recall is not None and scores["entities: people"].recall >= 0.7
    )
    assert table(scores).count("\n") == len(TYPES)
