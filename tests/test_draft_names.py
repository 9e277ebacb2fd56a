"""Entities, titles, demonyms, metonyms and stored names."""

from __future__ import annotations

from factdb.draft.store import StoredEntity, StoredNames
from tests.draft_helpers import draft, facts, rules

BODY = (
    "French Foreign Minister Claire Duval met Ruben Osei in the port city of Marvel on "
    "Monday. Duval and Osei spoke about the Green Harbour Party and the Coastal Shipping "
    "Council. Paris said the talks went well. The French minister later left for the "
    "Amber Sea."
)


def test_titles_and_demonyms_place_people_countries_and_roles() -> None:
    result = draft(BODY)
    entities = {e["slug"]: e for e in facts(result, "entities")}
    assert entities["claire-duval"]["kind"] == "person"
    assert entities["claire-duval"]["description"] == "Foreign Minister of France"
    assert "French Foreign Minister" in entities["claire-duval"]["aliases"]
    assert "Duval" in entities["claire-duval"]["aliases"]
    assert entities["france"]["kind"] == "country"
    assert entities["ruben-osei"]["kind"] == "person"
    assert entities["green-harbour"]["kind"] == "party"
    assert entities["coastal-shipping-council"]["kind"] == "organization"
    assert entities["marvel"]["kind"] == "place"
    assert entities["amber-sea"]["kind"] == "place"
    roles = facts(result, "roles")
    assert [(r["holder"], r["title"], r["organization"]) for r in roles] == [
        ("claire-duval", "Foreign Minister", "france")
    ]
    assert rules(result, "roles") == ["role-demonym-title-name"]


def test_a_capital_stands_for_its_country() -> None:
    result = draft(BODY)
    entities = {e["slug"]: e for e in facts(result, "entities")}
    assert entities["france"]["metonyms"] == ["Paris"]
    assert entities["paris"]["kind"] == "place"
    assert entities["paris"]["located_in"] == "france"


def test_stored_names_are_matched_not_redefined() -> None:
    stored = StoredNames(
        entities={"ruben-osei": StoredEntity("ruben-osei", "Ruben K. Osei", "person")},
        names={"ruben k. osei": "ruben-osei", "osei": "ruben-osei", "ruben osei": "ruben-osei"},
    )
    result = draft(BODY, stored=stored)
    slugs = [e["slug"] for e in facts(result, "entities")]
    assert "ruben-osei" not in slugs
    assert result.stored["ruben-osei"] == ["Ruben Osei", "Osei"]


def test_a_new_name_never_takes_a_stored_slug() -> None:
    stored = StoredNames(entities={"ruben-osei": StoredEntity("ruben-osei", "Other", "group")})
    slugs = [e["slug"] for e in facts(draft(BODY, stored=stored), "entities")]
    assert "ruben-osei-2" in slugs


def test_sentence_initial_words_are_not_names() -> None:
    result = draft("Meanwhile the ferry left. Perhaps it will return.")
    assert facts(result, "entities") == []


def test_a_name_written_also_as_a_demonym_is_a_country() -> None:
    result = draft(
        "Kestrian Prime Minister Ivo Rell met envoys in Kestria. The Kestrian Freedom Party "
        "objected."
    )
    entities = {e["slug"]: e for e in facts(result, "entities")}
    assert entities["kestria"]["kind"] == "country"
    assert result.facts["entities"][0].why.rule in ("name-country-demonym", "name-titled-person")
    assert entities["kestrian-freedom"]["kind"] == "party"
    roles = facts(result, "roles")
    assert [(r["holder"], r["organization"]) for r in roles] == [("ivo-rell", "kestria")]
