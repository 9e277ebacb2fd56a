"""Q5's starting point: the cursor of page 1000 of the statements, found by following
next-page tokens through factdb's API, and Datasette's page 1000 likewise."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import quote

PAGE_SIZE = 50
TARGET_PAGE = 1000


def walk_pages(
    next_of: Callable[[str | None, int], str | None], target_page: int, budget_s: float
) -> tuple[str, int, str]:
    """Follow next-page tokens (``next_of(token, page size)``) from page 1 to
    ``target_page``, or to the last page, or until ``budget_s`` is spent: (token of the
    page reached, its number, a note). On a single page, the token after its first row."""
    deadline = time.monotonic() + budget_s
    token: str | None = None
    page = 1
    following = next_of(None, PAGE_SIZE)
    while following is not None and page < target_page:
        token, page = following, page + 1
        if page == target_page or time.monotonic() > deadline:
            break
        following = next_of(token, PAGE_SIZE)
    if token is None:
        token = next_of(None, 1)
        if token is None:
            raise ValueError("the collection holds fewer than 2 rows")
        return token, 1, f"a single page of {PAGE_SIZE}: the position after its first row"
    if page == target_page:
        return token, page, ""
    if following is not None:
        return token, page, f"stopped at page {page}: the walk ran out of time"
    return token, page, f"only {page} pages of {PAGE_SIZE}: the last page"


def walk_factdb_cursor(
    sqlite_path: str, target_page: int = TARGET_PAGE, budget_s: float = 900
) -> tuple[str, int, str]:
    """The cursor of page ``target_page`` of /statements (limit 50), found by following
    next_cursor through the API (test client); on smaller data, of the last page. With a
    single page, the cursor after the first row (as limit=1 gives it)."""
    from factdb.api.http import request_db
    from factdb.app import create_api_app

    app = create_api_app({"DATABASE_URL": f"sqlite:///{sqlite_path}"})
    client = app.test_client()

    def next_of(cursor: str | None, limit: int) -> str | None:
        path = f"/api/v1/statements?limit={limit}&fields=id"
        response = client.get(path if cursor is None else f"{path}&cursor={quote(cursor)}")
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        found = response.get_json()["meta"]["next_cursor"]
        return None if found is None else str(found)

    try:
        return walk_pages(next_of, target_page, budget_s)
    finally:
        request_db.dispose(app)


def walk_datasette(
    base_url: str, db: str, target_page: int = TARGET_PAGE, budget_s: float = 600
) -> tuple[str, int, str]:
    """Datasette's URL of page ``target_page`` of the statements table (rowid order, 50
    a page), following its ``next`` tokens; on small data as ``walk_factdb_cursor``."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("load goes to 127.0.0.1 only")
    table = f"/{quote(db)}/statements.json?_size={PAGE_SIZE}"

    def next_of(token: str | None, size: int) -> str | None:
        path = table.replace(f"_size={PAGE_SIZE}", f"_size={size}")
        path = path if token is None else f"{path}&_next={quote(token)}"
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            found = json.loads(response.read()).get("next")
        return None if found is None else str(found)

    token, page, note = walk_pages(next_of, target_page, budget_s)
    return f"{table}&_next={quote(token)}", page, note
