"""The README's examples are run and their printed answers checked to the character.

FACTDB_UPDATE_README=1 rewrites the answers (and the diagram) from the code instead;
review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from factdb.config import PROJECT_ROOT
from factdb.diagram import mermaid_er

README = PROJECT_ROOT / "README.md"
UPDATE = os.environ.get("FACTDB_UPDATE_README") == "1"
CONSOLE_BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
DIAGRAM = re.compile(r"(<!-- diagram:start -->\n)(.*?)(<!-- diagram:end -->)", re.DOTALL)


def examples(readme: str) -> list[tuple[str, str]]:
    """(command, printed answer) for every `$ ` line of every console block."""
    found = []
    for block in CONSOLE_BLOCK.findall(readme):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.MULTILINE):
            if chunk.startswith("$ "):
                command, _, answer = chunk[2:].partition("\n")
                found.append((command, answer))
    return found


def run_curl(client: FlaskClient, command: str) -> str:
    words = shlex.split(command)
    assert words[:2] == ["curl", "-s"], f"README examples use `curl -s URL`: {command}"
    headers = {}
    for flag, value in zip(words[2:-1:2], words[3:-1:2], strict=True):
        assert flag == "-H", f"only -H is supported in README curl examples: {command}"
        name, _, header_value = value.partition(":")
        headers[name.strip()] = header_value.strip()
    url = urlsplit(words[-1])
    assert url.netloc == "127.0.0.1:5000", f"examples address the default server: {command}"
    path = url.path + (f"?{url.query}" if url.query else "")
    response = client.get(path, headers=headers, base_url="http://127.0.0.1:5000")
    # CSV lines end in CRLF (RFC 4180); a terminal shows them as the README does.
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
    raise AssertionError(f"no runner for README command: {command}")


def test_every_readme_example_prints_what_the_readme_shows(
    client: FlaskClient, seeded_url: str
) -> None:
    readme = README.read_text(encoding="utf-8")
    found = examples(readme)
    assert len(found) >= 9, "the README's examples were not found"
    if UPDATE:
        for command, shown in found:
            actual = answer_of(client, seeded_url, command)
            readme = readme.replace(f"$ {command}\n{shown}", f"$ {command}\n{actual}", 1)
        README.write_text(readme, encoding="utf-8")
        pytest.skip("README answers rewritten; review the diff")
    for command, shown in found:
        assert answer_of(client, seeded_url, command) == shown, f"README answer is stale: {command}"


def test_the_schema_diagram_is_generated_from_the_models() -> None:
    readme = README.read_text(encoding="utf-8")
    match = DIAGRAM.search(readme)
    assert match is not None, "README lacks the diagram markers"
    generated = f"```mermaid\n{mermaid_er()}```\n"
    if UPDATE:
        README.write_text(DIAGRAM.sub(lambda m: m[1] + generated + m[3], readme), encoding="utf-8")
        pytest.skip("README diagram rewritten")
    assert match[2] == generated, "README diagram is stale: run with FACTDB_UPDATE_README=1"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "```sh\nbash .ci/test\n```" in readme
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'exec bash "$(dirname "$0")/test"' in ci


def test_every_resource_in_the_api_index_is_in_the_readme(client: FlaskClient) -> None:
    readme = README.read_text(encoding="utf-8")
    for name in client.get("/api/v1/").get_json()["data"]:
        if name != "openapi":
            assert f"| `{name}` |" in readme, f"README's resource table lacks {name}"


def test_readme_paths_exist() -> None:
    readme = README.read_text(encoding="utf-8")
    for link in re.findall(r"\]\(((?:seed|factdb|tests)/[^)]*)\)", readme):
        assert (Path(PROJECT_ROOT) / link).exists(), link
