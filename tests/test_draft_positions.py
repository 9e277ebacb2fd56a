"""Positions from stance verbs."""

from __future__ import annotations

from tests.draft_helpers import draft, facts


def test_stance_verbs_give_holder_stance_and_target() -> None:
    result = draft(
        "Governor Mira Solano strongly opposed the new toll on the coastal road. "
        "Mayor Oskar Brandt backs Solano. The solid support of voters helped."
    )
    positions = facts(result, "positions")
    assert [(p["holder"], p["stance"], p["target"]) for p in positions] == [
        ("mira-solano", "opposes", {"topic": "test-headline-the-new-toll-on-the-coastal-road"}),
        ("oskar-brandt", "supports", {"entity": "mira-solano"}),
    ]
    topics = facts(result, "topics")
    assert topics[0]["name"] == "The new toll on the coastal road"


def test_a_holder_before_an_appositive_takes_the_stance() -> None:
    result = draft(
        "The Brisket Growers Guild, which represents 900 farms, rejected the quota plan. "
        "Governor Mira Solano's deputy, Tomas Keel, welcomed the ruling."
    )
    found = [(p.data["holder"], p.data["stance"], p.why.rule) for p in result.facts["positions"]]
    assert found == [
        ("brisket-growers-guild", "opposes", "position-appositive"),
        ("tomas-keel", "supports", "position-appositive"),
    ]
    assert "holder: the subject before the appositive" in result.facts["positions"][0].why.note


def test_a_reported_intention_and_a_negated_support() -> None:
    result = draft(
        "The Harbour Party said it would vote against the levy. "
        "Senator Ilse Varga would not support the new bridge."
    )
    found = [(p.data["holder"], p.data["stance"], p.why.rule) for p in result.facts["positions"]]
    assert found == [
        ("harbour", "opposes", "position-said-would"),
        ("ilse-varga", "opposes", "position-verb"),
    ]
    assert "negated support" in str(result.facts["positions"][1].why.note)


def test_a_quoted_object_and_what_is_not_a_stance() -> None:
    result = draft(
        "Mayor Oskar Brandt condemned “the reckless driving” on the coast road. "
        "Governor Mira Solano did not oppose the plan. "
        "In Marvel, where the storm hit, the support of neighbours helped."
    )
    positions = result.facts["positions"]
    assert [(p.data["holder"], p.data["stance"]) for p in positions] == [
        ("oskar-brandt", "opposes")
    ]
    topic = facts(result, "topics")[0]
    assert topic["name"] == "The reckless driving"
