"""Input that an engine would choke on is refused up front, the same on every engine."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/statements?speaker=%00", "speaker"),
        ("/api/v1/statements/%00x", "ref"),
        ("/api/v1/search?q=a%00b", "q"),
        ("/api/v1/entities?q=%00", "q"),
        ("/api/v1/events?source=x%00", "source"),
    ],
)
def test_a_nul_character_is_a_400_naming_the_parameter(
    client: FlaskClient, path: str, parameter: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"][0]["parameter"] == parameter
