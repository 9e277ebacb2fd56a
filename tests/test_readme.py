"""The README's and docs/'s examples are run and their printed answers checked to the
character; what they say about the code (resources, filters, tables, views,
configuration, the schema diagram, links) is checked against the code.

FACTDB_UPDATE_README=1 rewrites the answers (and the diagram) from the code instead;
review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from factdb import create_app
from factdb.config import PROJECT_ROOT
from factdb.diagram import mermaid_er

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
# The README first, then every file of docs/: each one's examples are run.
DOCUMENTS = [README, *sorted(DOCS.glob("*.md"))]
API_DOC = DOCS / "api.md"
DATABASE_DOC = DOCS / "database.md"
OPERATIONS_DOC = DOCS / "postgresql.md"
DEVELOPMENT_DOC = DOCS / "development.md"
SEED_README = PROJECT_ROOT / "seed" / "README.md"
UPDATE = os.environ.get("FACTDB_UPDATE_README") == "1"
CONSOLE_BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
DIAGRAM = re.compile(r"(<!-- diagram:start -->\n)(.*?)(<!-- diagram:end -->)", re.DOTALL)
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Parameters every collection takes; the resource table lists the rest.
COMMON_PARAMETERS = {"limit", "cursor", "sort", "group_by", "fields", "format"}


def examples(document: str) -> list[tuple[str, str]]:
    """(command, printed answer) for every `$ ` line of every console block."""
    found = []
    for block in CONSOLE_BLOCK.findall(document):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.MULTILINE):
            if chunk.startswith("$ "):
                command, _, answer = chunk[2:].partition("\n")
                found.append((command, answer))
    return found


def all_examples() -> list[tuple[str, str]]:
    """Every example of the README and of docs/, in that order."""
    return [found for path in DOCUMENTS for found in examples(path.read_text(encoding="utf-8"))]


def run_curl(client: FlaskClient, command: str) -> str:
    words = shlex.split(command)
    assert words[:2] == ["curl", "-s"], f"examples use `curl -s URL`: {command}"
    headers = {}
    for flag, value in zip(words[2:-1:2], words[3:-1:2], strict=True):
        assert flag == "-H", f"only -H is supported in curl examples: {command}"
        name, _, header_value = value.partition(":")
        headers[name.strip()] = header_value.strip()
    url = urlsplit(words[-1])
    assert url.netloc == "127.0.0.1:5000", f"examples address the default server: {command}"
    path = url.path + (f"?{url.query}" if url.query else "")
    response = client.get(path, headers=headers, base_url="http://127.0.0.1:5000")
    # CSV lines end in CRLF (RFC 4180); a terminal shows them as the docs do.
    return response.get_data(as_text=True).replace("\r\n", "\n")


def run_sqlite3(url: str, command: str) -> str:
    words = shlex.split(command)
    assert words[:2] == ["sqlite3", "instance/factdb.sqlite3"], command
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(words[2])).all()
    engine.dispose()
    return "".join("|".join("" if v is None else str(v) for v in row) + "\n" for row in rows)


def answer_of(client: FlaskClient, seeded_url: str, command: str) -> str:
    if command.startswith("curl "):
        return run_curl(client, command)
    if command.startswith("sqlite3 "):
        return run_sqlite3(seeded_url, command)
    raise AssertionError(f"no runner for the documented command: {command}")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_example_prints_what_the_document_shows(
    client: FlaskClient, seeded_url: str, path: Path
) -> None:
    document = path.read_text(encoding="utf-8")
    found = examples(document)
    if UPDATE:
        for command, shown in found:
            actual = answer_of(client, seeded_url, command)
            document = document.replace(f"$ {command}\n{shown}", f"$ {command}\n{actual}", 1)
        path.write_text(document, encoding="utf-8")
        pytest.skip(f"{path.name} answers rewritten; review the diff")
    for command, shown in found:
        assert answer_of(client, seeded_url, command) == shown, f"{path.name} is stale: {command}"


def test_the_examples_are_found() -> None:
    assert len(DOCUMENTS) >= 8, "docs/ was not found"
    assert len(examples(README.read_text(encoding="utf-8"))) >= 5, "the README's examples"
    assert len(all_examples()) >= 10, "the examples were not found"
    assert any(command.startswith("sqlite3 ") for command, _ in all_examples())


def test_the_schema_diagram_is_generated_from_the_models() -> None:
    document = DATABASE_DOC.read_text(encoding="utf-8")
    match = DIAGRAM.search(document)
    assert match is not None, f"{DATABASE_DOC.name} lacks the diagram markers"
    generated = f"```mermaid\n{mermaid_er()}```\n"
    if UPDATE:
        DATABASE_DOC.write_text(
            DIAGRAM.sub(lambda m: m[1] + generated + m[3], document), encoding="utf-8"
        )
        pytest.skip("diagram rewritten")
    assert match[2] == generated, "the diagram is stale: run with FACTDB_UPDATE_README=1"


def test_the_readme_commands_are_what_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "```sh\nbash .ci/test\n```" in readme
    serve = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/factdb serve"
    assert f"```sh\n{serve}\n```" in readme
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'exec bash "$(dirname "$0")/test"' in ci


def resource_table(document: str) -> dict[str, set[str]]:
    """{resource: its filters} from the rows of the API reference's resource table."""
    rows = re.findall(r"^\| `(\w+)` \|[^|\n]*\|([^|\n]*)\|$", document, re.MULTILINE)
    return {name: set(re.findall(r"`(\w+)`", filters)) for name, filters in rows}


def test_the_resource_table_lists_every_resource_and_its_filters(client: FlaskClient) -> None:
    table = resource_table(API_DOC.read_text(encoding="utf-8"))
    index = [name for name in client.get("/api/v1/").get_json()["data"] if name != "openapi"]
    assert sorted(table) == sorted(index), "the resource table and GET /api/v1/ differ"
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for name, documented in table.items():
        parameters = {p["name"] for p in paths[f"/api/v1/{name}"]["get"]["parameters"]}
        assert documented == parameters - COMMON_PARAMETERS, f"{name}'s filters"


def test_the_documented_tables_and_views_are_the_database_s(seeded_url: str) -> None:
    document = DATABASE_DOC.read_text(encoding="utf-8")
    tables_text = re.search(r"^Tables: (.*?)\. Views", document, re.DOTALL | re.MULTILINE)
    views_text = re.search(r"Views that join the names in: (.*?)\.", document, re.DOTALL)
    assert tables_text is not None and views_text is not None, "the tables and views paragraph"
    engine = create_engine(seeded_url)
    found = inspect(engine)
    # FTS5's own shadow tables (search_fts_data, entity_name_fts_idx, …) are not listed.
    shadow = ("_data", "_idx", "_content", "_docsize", "_config")
    tables = {
        t
        for t in found.get_table_names()
        if not (t.startswith(("search_fts_", "entity_name_fts_")) and t.endswith(shadow))
    }
    views = set(found.get_view_names())
    if engine.dialect.name != "sqlite":
        tables |= {"search_fts", "entity_name_fts", "entity_name_fts_vocab"}  # SQLite's only
    engine.dispose()
    assert set(re.findall(r"`(\w+)`", tables_text[1])) == tables - {"alembic_version"}
    assert set(re.findall(r"`(\w+)`", views_text[1])) == views


def test_the_configuration_table_is_the_app_s(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("FACTDB_")]:
        monkeypatch.delenv(name)
    rows = re.findall(
        r"^\| `FACTDB_(\w+)` \|[^|\n]*\| `([^`]*)` \|$",
        OPERATIONS_DOC.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    config = create_app().config
    # The app's own settings: not Flask's, and not flask-smorest's (API_*, OPENAPI_*).
    own = {
        key
        for key in config
        if key not in Flask.default_config and not key.startswith(("API_", "OPENAPI_"))
    }
    assert {name for name, _ in rows} == own
    for name, default in rows:
        shown = str(config[name]).replace(str(PROJECT_ROOT), "<checkout>")
        assert shown.removesuffix(".0") == default, f"FACTDB_{name}'s default"


def heading_anchors(document: str) -> set[str]:
    """GitHub's anchors of a document's headings (by hand: no small library does it)."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", document), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


@pytest.mark.parametrize(
    "path", [*DOCUMENTS, SEED_README], ids=lambda p: str(p.relative_to(PROJECT_ROOT))
)
def test_every_relative_link_resolves(path: Path) -> None:
    links = LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8")))
    assert links, f"{path.name} has no links"
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = unquote(link).partition("#")
        resolved = (path.parent / target).resolve() if target else path
        assert resolved.exists(), f"{path.name}: {link} does not exist"
        if anchor:
            headings = heading_anchors(resolved.read_text(encoding="utf-8"))
            assert anchor in headings, f"{path.name}: {link} names no heading"


def test_every_doc_says_what_it_covers_and_the_readme_maps_them() -> None:
    readme = README.read_text(encoding="utf-8")
    for path in DOCUMENTS[1:]:
        title, blank, *rest = path.read_text(encoding="utf-8").split("\n")
        opening = "\n".join(rest).split("\n\n")[0]
        assert title.startswith("# ") and blank == "", f"{path.name} starts with its title"
        assert "](../README.md)" in opening, f"{path.name}'s opening links back to the README"
        assert f"](docs/{path.name})" in readme, f"the README's map lacks {path.name}"


def test_the_development_layout_names_every_module() -> None:
    layout = re.search(
        r"```\nfactdb/\n(.*?)```", DEVELOPMENT_DOC.read_text(encoding="utf-8"), re.DOTALL
    )
    assert layout is not None, "the layout tree"
    named = set(re.findall(r"[\w*]+\.(?:py|lua)\b", layout[1]))
    package = PROJECT_ROOT / "factdb"
    files = [
        path
        for path in package.rglob("*")
        if path.suffix in (".py", ".lua")
        and "results" not in path.parts
        and (path.name != "__init__.py" or path.parent == package)
    ]
    for path in files:
        assert any(fnmatch(path.name, name) for name in named), f"the layout lacks {path}"
    for name in named:
        assert any(fnmatch(path.name, name) for path in files), f"the layout names no {name}"
    folders = [p for p in package.rglob("*") if p.is_dir() and p.parent.name != "results"]
    for folder in [p for p in folders if p.name != "__pycache__"]:
        assert f"{folder.name}/" in layout[1], f"the layout lacks {folder.name}/"
