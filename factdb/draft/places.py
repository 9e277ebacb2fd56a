"""Countries from pycountry, with the everyday names, demonyms and capitals it lacks.

pycountry (ISO 3166) gives official and common names and codes but no demonyms or
capitals, so those two small tables are written here; they only map to ISO codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# Everyday names where ISO's short name is not what articles write.
SHORT_NAMES = {
    "RU": "Russia",
    "IR": "Iran",
    "SY": "Syria",
    "KP": "North Korea",
    "KR": "South Korea",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "VN": "Vietnam",
    "LA": "Laos",
    "TW": "Taiwan",
    "PS": "Palestine",
    "CZ": "Czech Republic",
    "TR": "Turkey",
    "GB": "United Kingdom",
    "US": "United States",
    "CD": "Democratic Republic of the Congo",
}
EXTRA_NAMES = {"US": ["USA", "America"], "GB": ["UK", "Britain"], "NL": ["Holland"]}
# pycountry has no demonyms: adjective -> ISO alpha-2.
DEMONYMS = {
    "American": "US", "US": "US", "British": "GB", "UK": "GB", "Russian": "RU",
    "Israeli": "IL", "Iranian": "IR", "Syrian": "SY", "Iraqi": "IQ", "Turkish": "TR",
    "Egyptian": "EG", "Saudi": "SA", "Jordanian": "JO", "Lebanese": "LB", "Chinese": "CN",
    "Japanese": "JP", "Indian": "IN", "Pakistani": "PK", "Afghan": "AF", "German": "DE",
    "French": "FR", "Italian": "IT", "Spanish": "ES", "Portuguese": "PT", "Dutch": "NL",
    "Belgian": "BE", "Swiss": "CH", "Austrian": "AT", "Polish": "PL", "Ukrainian": "UA",
    "Belarusian": "BY", "Swedish": "SE", "Norwegian": "NO", "Danish": "DK", "Finnish": "FI",
    "Greek": "GR", "Hungarian": "HU", "Romanian": "RO", "Bulgarian": "BG", "Serbian": "RS",
    "Czech": "CZ", "Irish": "IE", "Canadian": "CA", "Mexican": "MX", "Brazilian": "BR",
    "Argentine": "AR", "Chilean": "CL", "Colombian": "CO", "Venezuelan": "VE",
    "Cuban": "CU", "Australian": "AU", "Indonesian": "ID", "Malaysian": "MY",
    "Philippine": "PH", "Filipino": "PH", "Thai": "TH", "Vietnamese": "VN",
    "Korean": "KR", "South Korean": "KR", "North Korean": "KP", "Nigerian": "NG",
    "Kenyan": "KE", "Ethiopian": "ET", "South African": "ZA", "Moroccan": "MA",
    "Algerian": "DZ", "Tunisian": "TN", "Libyan": "LY", "Sudanese": "SD", "Yemeni": "YE",
    "Qatari": "QA", "Emirati": "AE", "Kuwaiti": "KW", "Omani": "OM", "Bahraini": "BH",
    "Palestinian": "PS", "Georgian": "GE", "Armenian": "AM", "Azerbaijani": "AZ",
    "Kazakh": "KZ", "Uzbek": "UZ", "Estonian": "EE", "Latvian": "LV", "Lithuanian": "LT",
    "Icelandic": "IS", "Croatian": "HR", "Slovak": "SK", "Slovenian": "SI", "Taiwanese": "TW",
}  # fmt: skip
# pycountry has no capitals: capital -> ISO alpha-2, for metonyms ("Moscow said").
CAPITALS = {
    "Moscow": "RU", "Washington": "US", "London": "GB", "Paris": "FR", "Berlin": "DE",
    "Beijing": "CN", "Tokyo": "JP", "Tehran": "IR", "Damascus": "SY", "Ankara": "TR",
    "Cairo": "EG", "Riyadh": "SA", "Kyiv": "UA", "Kiev": "UA", "Baghdad": "IQ",
    "Rome": "IT", "Madrid": "ES", "Brussels": "BE", "Ottawa": "CA", "Canberra": "AU",
    "New Delhi": "IN", "Islamabad": "PK", "Kabul": "AF", "Seoul": "KR", "Pyongyang": "KP",
    "Minsk": "BY", "Warsaw": "PL", "Amman": "JO", "Beirut": "LB", "Doha": "QA",
    "Tel Aviv": "IL", "Jerusalem": "IL", "Havana": "CU", "Caracas": "VE", "Brasilia": "BR",
}  # fmt: skip


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    names: tuple[str, ...]


def _name(country: object) -> str:
    code = str(getattr(country, "alpha_2"))  # noqa: B009 - pycountry records are dynamic
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    common = getattr(country, "common_name", None)
    name = str(common or getattr(country, "name"))  # noqa: B009
    return name.split(",")[0]


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """ISO alpha-2 -> the country with every name an article may write."""
    found = {}
    for record in pycountry.countries:
        code = str(record.alpha_2)
        name = _name(record)
        names = {name, str(record.name).split(",")[0], *EXTRA_NAMES.get(code, [])}
        for attribute in ("common_name", "official_name"):
            value = getattr(record, attribute, None)
            if value:
                names.add(str(value))
        found[code] = Country(code, name, tuple(sorted(names)))
    return found


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """casefolded name -> ISO alpha-2, for every country name."""
    return {name.casefold(): c.code for c in countries().values() for name in c.names}


# Countries an article names with their demonym ("Morvania", "Morvanian"), while it is
# drafted: demonym -> country.
_LOCAL: ContextVar[dict[str, Country] | None] = ContextVar("local_countries", default=None)
_CAPITALIZED = re.compile(r"\b[A-Z][a-z]{3,}\b")


def local_countries(text: str) -> dict[str, Country]:
    """Names not in ISO 3166 that the text also writes as a demonym (Kestria and
    Kestrian, Sarvona and Sarvonan): countries of the article's own world."""
    words = set(_CAPITALIZED.findall(text))
    found = {}
    for word in sorted(words):
        name = word[:-1]
        fits = word.endswith("n") and word not in DEMONYMS and name in words
        if fits and name.casefold() not in country_names():
            found[word] = Country(f"local-{name}", name, (name,))
    return found


@contextmanager
def article_countries(text: str) -> Iterator[dict[str, Country]]:
    """Make the text's own countries known to the lookups below while it is drafted."""
    local = local_countries(text)
    token = _LOCAL.set(local)
    try:
        yield local
    finally:
        _LOCAL.reset(token)


def country(code: str) -> Country:
    """The country of an ISO code, or of the article's own world."""
    for local in (_LOCAL.get() or {}).values():
        if local.code == code:
            return local
    return countries()[code]


def country_code(name: str) -> str | None:
    """The code of a country name (any case), ISO or the article's own."""
    for local in (_LOCAL.get() or {}).values():
        if local.name.casefold() == name.casefold():
            return local.code
    return country_names().get(name.casefold())


def demonym_country(word: str) -> Country | None:
    local = (_LOCAL.get() or {}).get(word)
    if local is not None:
        return local
    code = DEMONYMS.get(word)
    return countries()[code] if code else None


def capital_country(name: str) -> Country | None:
    code = CAPITALS.get(name)
    return countries()[code] if code else None
