"""Additions to the generated OpenAPI document that marshmallow schemas cannot express."""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

# The response header that says how the filters' entity names were resolved.
HEADER = "Factdb-Resolved"
RESOLVED_HEADER = {
    "description": (
        "How each entity name of the filters was resolved, as the resolved member says: "
        "`speaker=Moscow -> moscow (name): 0; also russia (metonym): 1`, one entry per "
        "name, comma-separated; values and slugs percent-encoded. Absent when no filter "
        "names an entity."
    ),
    "schema": {"type": "string"},
}


# What the server (factdb.serving's gunicorn worker) answers any request whose request
# line or headers are over its limits, before the app sees it: named by flask-smorest's
# error responses, so that these answers are in the document too.
REFUSALS = {414: "REQUEST_URI_TOO_LONG", 431: "REQUEST_HEADER_FIELDS_TOO_LARGE"}


class CollectionFormatsPlugin(BasePlugin):
    """Document what every collection can also answer: CSV, facet rows (group_by), and
    the Factdb-Resolved header; and what every operation may answer: an over-long
    request line or headers."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status, name in REFUSALS.items():
                responses.setdefault(status, name)
            names = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
            responses = operation.get("responses", {})
            ok = responses.get(200, responses.get("200"))
            if "format" not in names or not isinstance(ok, dict):
                continue
            content = ok.setdefault("content", {})
            content["text/csv"] = {
                "schema": {"type": "string", "description": "The same rows as CSV, every page."}
            }
            ok.setdefault("headers", {})[HEADER] = RESOLVED_HEADER
