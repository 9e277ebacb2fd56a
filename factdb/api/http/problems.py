"""RFC 9457 problem details: the one error shape of the API."""

from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_TYPE_BASE = "https://factdb.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """An error the API answers with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.slug = slug or title.lower().replace(" ", "-")


class BadParameter(ApiProblem):
    """A 400 naming one query parameter and what is wrong with it."""

    def __init__(self, parameter: str, detail: str, **extra: Any) -> None:
        error = {"parameter": parameter, "detail": detail, **extra}
        super().__init__(
            400, "Invalid parameter", f"{parameter}: {detail}", [error], "invalid-parameter"
        )


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n", status=status, mimetype=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def errors_from_messages(messages: Any) -> list[dict[str, Any]]:
    """Flatten webargs/marshmallow messages ({location: {param: [msg]}}) into a list."""
    errors: list[dict[str, Any]] = []
    if isinstance(messages, dict) and set(messages) <= {"query", "view_args", "path"}:
        messages = {k: v for inner in messages.values() for k, v in inner.items()}
    if not isinstance(messages, dict):
        return [{"parameter": None, "detail": str(messages)}]
    for parameter, details in messages.items():
        if isinstance(details, dict):  # a list parameter: {index: [messages]}
            details = [
                f"value {int(index) + 1}: {message}"
                for index, inner in details.items()
                for message in (inner if isinstance(inner, list) else [inner])
            ]
        for detail in details if isinstance(details, list) else [details]:
            text = detail if isinstance(detail, str) else json.dumps(detail)
            if text == "Unknown field.":
                text = "unknown parameter"
            errors.append({"parameter": str(parameter), "detail": text})
    return errors
