"""Schemathesis generates requests from the OpenAPI document, in every phase (examples,
coverage, fuzzing, stateful) with every check: no 5xx, schema-valid requests accepted,
schema-violating ones refused, and every answer as the document says (status, content
type, headers, body); against gunicorn serving the seeded database as `factdb serve`
does. tests/schemathesis.toml holds what the document cannot say. And every field name
the document lists for a collection is one the collection takes."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from factdb import create_app
from factdb.config import PROJECT_ROOT
from tests.servers import BIN, GUNICORN, free_port, get, running

CONFIG = Path(__file__).with_name("schemathesis.toml")
# Bounded for the suite's time; docs/development.md has the long run.
EXAMPLES = 10


def _openapi_document() -> dict[str, Any]:
    # Building the document touches no database; the requests go to the seeded app.
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def served(seeded_url: str) -> Iterator[str]:
    """The base URL of gunicorn (factdb's worker, two processes) serving the seeded
    database; stopped after the module."""
    port = free_port()
    command = [*GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "factdb:create_app()"]
    with running(command, seeded_url, port):
        yield f"http://127.0.0.1:{port}"


def test_the_server_serves_the_apps_document(served: str) -> None:
    status, _, body = get(f"{served}/api/v1/openapi.json")
    assert status == 200 and json.loads(body) == _openapi_document()


def test_the_server_answers_as_the_document_says(served: str) -> None:
    # The schemathesis CLI, as docs/development.md runs it longer: it infers the
    # stateful phase's links from the answers, which the pytest plugin does not.
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{served}/api/v1/openapi.json",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "1",
        "--no-color",
    ]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr
    assert re.search(r"Selected: (\d+)/\1\b", result.stdout), "every operation is tested"
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout, phase


def _fields_parameters() -> list[tuple[str, list[str]]]:
    found = []
    for path, item in _openapi_document()["paths"].items():
        for parameter in item["get"].get("parameters", []):
            if parameter["name"] == "fields":
                found.append((path, parameter["schema"]["items"]["enum"]))
    return found


# What a collection needs to list anything.
REQUIRED = {"/api/v1/search": "q=Putin&"}


@pytest.mark.parametrize(("path", "names"), _fields_parameters())
def test_every_field_name_the_document_lists_is_taken(
    corroborated_app: Flask, path: str, names: list[str]
) -> None:
    # The seed and a second report: the seed alone has no conflicts to list.
    client = corroborated_app.test_client()
    assert names and len(names) == len(set(names))
    item = path.endswith("/{ref}")  # a fact's item: the first one
    url = (
        path.replace("{ref}", "1") + "?fields="
        if item
        else f"{path}?{REQUIRED.get(path, '')}limit=1&fields="
    )
    for name in names:
        response = client.get(url + name)
        assert response.status_code == 200, (name, response.get_json())
        data = response.get_json()["data"]
        assert set(data if item else data[0]) == {name.split(".")[0]}
    assert client.get(url + ",".join(names)).status_code == 200
    # Anything else is refused, naming the parameter: a name the rows lack, a space
    # after the comma, an empty name.
    for bad in ("no_such_field", f"{names[0]}, {names[1]}", f"{names[0]},"):
        body = client.get(url + bad).get_json()
        assert body["status"] == 400 and body["errors"][0]["parameter"] == "fields", bad
