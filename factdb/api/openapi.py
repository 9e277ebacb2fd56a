"""Additions to the generated OpenAPI document that marshmallow schemas cannot express."""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin


class CollectionFormatsPlugin(BasePlugin):
    """Document what every collection can also answer: CSV, and facet rows (group_by)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            names = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
            responses = operation.get("responses", {})
            ok = responses.get(200, responses.get("200"))
            if "format" not in names or not isinstance(ok, dict):
                continue
            content = ok.setdefault("content", {})
            content["text/csv"] = {
                "schema": {"type": "string", "description": "The same rows as CSV, every page."}
            }
