"""The read-only REST API under /api/v1: blueprints, errors, caching and headers.

Its packages, each mapped in its own docstring:

- resources/: the endpoints; where a filter or a sort key is added
- documents/: the one definition of each document
- collections/: paging, facets, CSV and items, for any resource
- filters/: query parameters and the conditions they become
- sqljson/: documents built by the database, per engine, and run fast
- http/: parsing, problems, output, the request's database connection
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from factdb.api.documents.envelopes import ProblemOut
from factdb.api.documents.urls import API_PREFIX, forget_api_root, remember_api_root
from factdb.api.http import request_db
from factdb.api.http.openapi import CollectionFormatsPlugin
from factdb.api.http.parsing import Period
from factdb.api.http.problems import (
    MEDIA_TYPE,
    ApiProblem,
    BadParameter,
    errors_from_messages,
    problem_response,
)


class FactdbApi(Api):
    """flask-smorest's Api, answering every HTTP error with problem+json."""

    ERROR_SCHEMA = ProblemOut

    def _register_responses(self) -> None:
        # flask-smorest documents errors as application/json with its own shape.
        super()._register_responses()
        for name, response in self.spec.components.responses_lazy.items():
            content = response.get("content", {})
            if "application/json" in content:
                content[MEDIA_TYPE] = content.pop("application/json")
            self.spec.components.responses_lazy[name] = response

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        headers.update(data.get("headers") or {})
        code = error.code or 500
        title = error.name
        detail = error.description or title
        errors = None
        if "messages" in data or "errors" in data:
            errors = errors_from_messages(data.get("errors") or data.get("messages"))
            title, detail = (
                "Invalid parameter",
                "; ".join(f"{e['parameter']}: {e['detail']}" for e in errors),
            )
            slug = "invalid-parameter"
        else:
            slug = title.lower().replace(" ", "-")
        if code == 405:
            detail = f"this API is read-only; {request.method} is not allowed here"
        return problem_response(
            code, title, detail, slug=slug, errors=errors, headers=headers, instance=request.path
        )


def init_app(app: Flask) -> None:
    """Wire the API into ``app``."""
    app.config.setdefault("API_TITLE", "factdb")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    request_db.init_app(app)
    api = FactdbApi(app, spec_kwargs={"extra_plugins": [CollectionFormatsPlugin()]})
    api.register_field(Period, "string", None)

    from factdb.api.resources import (
        conflicts,
        entities,
        events,
        evidence,
        index,
        positions,
        quantities,
        roles,
        search,
        sources,
        statements,
        timeline,
    )

    for module in (
        index,
        sources,
        entities,
        events,
        statements,
        positions,
        roles,
        quantities,
        conflicts,
        timeline,
        search,
        evidence,
    ):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)

    app.register_error_handler(ApiProblem, _problem)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.before_request(remember_api_root)
    app.teardown_request(forget_api_root)
    app.before_request(_reject_nul)
    app.before_request(_not_modified)
    app.after_request(_headers)


def _problem(error: ApiProblem) -> Response:
    return problem_response(
        error.status,
        error.title,
        error.detail,
        slug=error.slug,
        errors=error.errors,
        instance=request.path,
    )


def _database_error(error: DBAPIError) -> Response:
    # SQLite's progress handler interrupts; PostgreSQL's statement_timeout cancels
    # (query_canceled, 57014). A standby's "canceling statement due to conflict with
    # recovery" is 40001: the query was fine, retrying is the advice, not narrowing.
    timed_out = (
        getattr(error.orig, "sqlstate", None) == "57014" or "interrupted" in str(error.orig).lower()
    )
    if timed_out:
        detail = "the query ran past its time limit and was stopped; narrow the filters"
        slug = "query-timeout"
    else:
        # Not the client's doing: logged in full for whoever runs the server.
        current_app.logger.error("database error on %s: %s", request.full_path, error.orig)
        detail = "the database could not answer this request; try again later"
        slug = "database-unavailable"
    return problem_response(
        503,
        "Service Unavailable",
        detail,
        slug=slug,
        headers={"Retry-After": "1"},
        instance=request.path,
    )


def _etag() -> str:
    """This request's ETag: the data's version, the URL and the wanted format."""
    digest = hashlib.sha256()
    for part in (g.etag_version, request.full_path, request.headers.get("Accept", "")):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _reject_nul() -> None:
    """No engine stores U+0000 in text (PostgreSQL refuses it): such input is a 400."""
    for name, value in [*request.args.items(multi=True), *(request.view_args or {}).items()]:
        if "\x00" in name or "\x00" in str(value):
            raise BadParameter(name.replace("\x00", "\\0"), "contains a NUL character (%00)")


def _serves_data() -> bool:
    """A GET of the data (not of the OpenAPI document), whose ETag is the data's version."""
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(API_PREFIX)
        and request.url_rule is not None
        and request.blueprint != "api-docs"
    )


def _not_modified() -> Response | None:
    # The version is read here, where a timeout or a database error is answered as a
    # problem like any other; after_request handlers have no error handling.
    if not _serves_data():
        return None
    g.etag_version = request_db.content_version()
    # Weak comparison (RFC 9110): a proxy that compresses marks the tag weak.
    if not request.if_none_match or not request.if_none_match.contains_weak(_etag()):
        return None
    response = Response(status=304)
    response.set_etag(_etag())
    return response


def _headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code not in (200, 304) or request.method not in ("GET", "HEAD"):
        return response
    if "etag_version" in g:
        response.set_etag(_etag())
    elif request.blueprint == "api-docs":  # the OpenAPI document: an ETag of its bytes
        response.add_etag()
        response.make_conditional(request)
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Accept")
    return response
