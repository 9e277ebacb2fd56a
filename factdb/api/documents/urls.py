"""The API's root URL for this request, and the URL of each item."""

from __future__ import annotations

from contextvars import ContextVar

from flask import request

API_PREFIX = "/api/v1"

# This request's API root URL, set when a request starts: a page of facts holds
# hundreds of URLs, and werkzeug works host_url out anew on every access.
_API_ROOT: ContextVar[str | None] = ContextVar("api_root", default=None)


def item_url(resource: str, slug: str) -> str:
    """The absolute URL of an item."""
    return f"{api_root()}/{resource}/{slug}"


def api_root() -> str:
    """This request's API root URL."""
    found = _API_ROOT.get()
    return request.host_url.rstrip("/") + API_PREFIX if found is None else found


def remember_api_root() -> None:
    """A before_request handler: the API root, worked out once for the request."""
    _API_ROOT.set(request.host_url.rstrip("/") + API_PREFIX)


def forget_api_root(_error: BaseException | None = None) -> None:
    """A teardown_request handler: the next request may come from another host."""
    _API_ROOT.set(None)


# The collection of each kind of fact that has one (topics and dates have none).
RESOURCES = {
    "source": "sources",
    "entity": "entities",
    "event": "events",
    "statement": "statements",
    "position": "positions",
    "role": "roles",
    "quantity": "quantities",
}
SINGULAR = {resource: fact_type for fact_type, resource in RESOURCES.items()}
