"""`factdb draft` end to end: the files it writes load unchanged; bad input is refused
with the file named; stored names are matched (on the engine under test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from factdb import create_app
from factdb.api.http import request_db
from factdb.commands import check_command, draft_command, load_command
from factdb.config import SEED_DIR
from factdb.draft.pipeline import MAX_BYTES

ARTICLE = """Harbour Talks Resume in Marvel

Portuguese Prime Minister Ines Calado travelled to the port city of Marvel on May 4th for
talks with Governor Ruben Osei. “The harbour deal is close,” Calado said at a press
briefing after the meeting. “We expect to sign it within weeks.”

Osei said the ferries would run again before the election. About 3,000 dock workers
have been idle since March.
"""


@pytest.fixture
def empty_app(empty_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    yield app
    request_db.dispose(app)


@pytest.fixture
def empty_runner(empty_app: Flask) -> FlaskCliRunner:
    return empty_app.test_cli_runner()


@pytest.fixture
def own_seeded_runner(empty_url: str) -> Iterator[FlaskCliRunner]:
    """A database of the test's own holding the seed, for a test that loads more: the
    session's seeded database is shared by read-only tests (and the docs' examples)."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    runner = app.test_cli_runner()
    loaded = runner.invoke(load_command, [str(SEED_DIR / "netanyahu-fails-to-impress-putin")])
    assert loaded.exit_code == 0, loaded.output
    yield runner
    request_db.dispose(app)


def _article(tmp_path: Path, name: str = "harbour.txt", text: str = ARTICLE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_draft_writes_a_source_the_loader_accepts(
    empty_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = _article(tmp_path)
    out = tmp_path / "seed"
    result = empty_runner.invoke(
        draft_command, [str(path), "--out", str(out), "--published", "2024-05-06"]
    )
    assert result.exit_code == 0, result.output
    folder = out / "harbour-talks-resume-in-marvel"
    assert (folder / "article.txt").read_bytes() == path.read_bytes()
    facts = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
    assert facts["source"]["drafted"] is True
    assert facts["source"]["title"] == "Harbour Talks Resume in Marvel"
    assert facts["source"]["publisher"] is None and facts["source"]["url"] is None
    assert facts["source"]["published_on"] == "2024-05-06"
    assert all(s["reviewed"] is False for s in facts["statements"])
    loaded = empty_runner.invoke(load_command, [str(folder)])
    assert loaded.exit_code == 0, loaded.output
    checked = empty_runner.invoke(check_command, [])
    assert checked.exit_code == 0, checked.output


def test_an_existing_folder_is_refused_unless_forced(
    empty_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = _article(tmp_path)
    args = [str(path), "--out", str(tmp_path / "out"), "--title", "Harbour"]
    assert empty_runner.invoke(draft_command, args).exit_code == 0
    again = empty_runner.invoke(draft_command, args)
    assert again.exit_code == 1
    assert "exists: give --force" in again.output
    assert empty_runner.invoke(draft_command, [*args, "--force"]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["harbour"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty article"),
        (b"   \n\n", "empty article"),
        (b"Caf\xe9 talks\n", "not UTF-8"),
        (b"Talks\x00\x01", "binary file (NUL bytes)"),
        (b"a" * (MAX_BYTES + 1), "over the limit of 5,242,880 bytes (5 MB)"),
    ],
)
def test_bad_articles_are_refused_naming_the_file(
    empty_runner: FlaskCliRunner, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    out = tmp_path / "out"
    result = empty_runner.invoke(draft_command, [str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.output and str(path) in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_a_batch_goes_on_past_failures_and_lists_them(
    empty_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _article(folder, "a-good.txt")
    _article(folder, "b-second.txt", ARTICLE.replace("Harbour Talks Resume", "Ferry Line Opens"))
    (folder / "c-binary.txt").write_bytes(b"\x00\x00")
    (folder / "d-latin1.txt").write_bytes(b"Caf\xe9\n")
    (folder / "e-empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = empty_runner.invoke(draft_command, [str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "drafted a-good.txt" in result.output  # one line per article off a terminal
    assert "drafted 2 article(s)" in result.output
    assert "failed 3:" in result.output
    for name in ("c-binary.txt", "d-latin1.txt", "e-empty.txt"):
        assert f"{folder / name}" in result.output
    assert "could not place" in result.output  # "since March": no year without --published
    assert sorted(p.name for p in out.iterdir()) == [
        "ferry-line-opens-in-marvel",
        "harbour-talks-resume-in-marvel",
    ]


def test_stored_names_are_matched(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """On the seeded database of the engine under test: Putin, Netanyahu and Moscow (a
    metonym of Russia) are the stored entities, not new ones."""
    path = _article(
        tmp_path,
        text="Kremlin Talks\n\nPutin met Netanyahu again. "
        "Moscow said the talks were useful for both sides.\n",
    )
    out = tmp_path / "out"
    result = runner.invoke(draft_command, [str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    content = (out / "kremlin-talks" / "facts.yaml").read_text(encoding="utf-8")
    facts = yaml.safe_load(content)
    assert facts["entities"] == []
    assert "# vladimir-putin: Putin" in content and "# russia: Moscow" in content
    assert facts["statements"][0]["speaker"] == "russia"
    participants = {p["entity"] for p in facts["events"][0]["participants"]}
    assert participants == {"vladimir-putin", "benjamin-netanyahu"}


def test_compare_prints_the_table_and_the_misses(empty_runner: FlaskCliRunner) -> None:
    seed = SEED_DIR / "netanyahu-fails-to-impress-putin"
    result = empty_runner.invoke(
        draft_command,
        [
            str(seed / "article.txt"),
            "--compare",
            str(seed / "facts.yaml"),
            "--published",
            "2019-09-12",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("type ")
    assert "entities: people" in result.output and "miss " in result.output


def test_a_draft_never_reuses_a_key_of_a_stored_source(
    own_seeded_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Titled "Netanyahu Putin", a meeting would be keyed netanyahu-putin-meeting: the
    seed's key. The draft takes another key, and loads beside the seed."""
    runner = own_seeded_runner
    path = _article(
        tmp_path,
        text="Netanyahu Putin\n\nPutin met Netanyahu in Sochi on Monday. "
        "Moscow said the meeting was useful.\n",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        draft_command, [str(path), "--out", str(out), "--title", "Netanyahu Putin"]
    )
    assert result.exit_code == 0, result.output
    folder = out / "netanyahu-putin"
    facts = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
    keys = [event["key"] for event in facts["events"]]
    assert "netanyahu-putin-meeting-2" in keys and "netanyahu-putin-meeting" not in keys
    loaded = runner.invoke(load_command, [str(folder)])
    assert loaded.exit_code == 0, loaded.output
    assert runner.invoke(check_command, []).exit_code == 0
    # Drafted again into the database that now holds it, the source keeps its own keys.
    again = runner.invoke(
        draft_command, [str(path), "--out", str(out), "--title", "Netanyahu Putin", "--force"]
    )
    assert again.exit_code == 0, again.output
    redrafted = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
    assert [event["key"] for event in redrafted["events"]] == keys


def test_two_articles_of_a_batch_never_share_a_key(
    empty_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Their titles share four words, so their keys would: the later takes other keys,
    and both load into one database."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, title in (
        ("a.txt", "Harbour Talks Resume In Marvel"),
        ("b.txt", "Harbour Talks Resume In Ostra"),
    ):
        _article(folder, name, f"{title}\n\nCalado met Osei in Marvel for talks.\n")
    out = tmp_path / "out"
    result = empty_runner.invoke(draft_command, [str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    keys = []
    for slug in ("harbour-talks-resume-in-marvel", "harbour-talks-resume-in-ostra"):
        facts = yaml.safe_load((out / slug / "facts.yaml").read_text(encoding="utf-8"))
        keys.append({event["key"] for event in facts["events"]})
        loaded = empty_runner.invoke(load_command, [str(out / slug)])
        assert loaded.exit_code == 0, loaded.output
    assert keys[0] == {"harbour-talks-resume-in-meeting"}
    assert keys[1] == {"harbour-talks-resume-in-meeting-2"}
