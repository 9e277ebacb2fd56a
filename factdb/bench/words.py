"""The vocabulary synthetic sources are written with."""

import datetime as dt
import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Ada Bela Cyr Dara Emil Faro Gita Hugo Ines Jora Kato Lena Milo Nadia Oren Pia Quin "
    "Rosa Saul Tara Ugo Vera Wim Xena Yuri Zora"
)
LAST_NAMES = _words(
    "Abend Borin Calder Dunmore Elstov Farrow Gallo Hadar Ivers Jessup Kovan Lorne Marek "
    "Novak Orsini Pardo Quill Rask Sorel Tamar Ulven Varga Wendt Yarrow Zeller"
)
SYLLABLES = _words(
    "ar be cor dan el fa gor hal is jun ka lor mir nal or pel qua ros sil tor ul van wes yor zan"
)
# Common words: of quotes, where each is drawn as often as the others, and of topics.
WORDS = _words(
    "security border trade talks peace ceasefire election coalition budget reform sanctions "
    "energy pipeline treaty alliance refugees inflation drought harvest vaccine tariffs "
    "embargo summit parliament referendum protest strike corruption court ruling minister "
    "envoy veto missiles drones troops airspace reservoir railway port grain wages pensions"
)


def _tail_words(count: int) -> tuple[str, ...]:
    """``count`` made-up words of four syllables and ten letters or more. A name's
    made-up words have two or three syllables, nine letters at most: none is a name."""
    rng = random.Random(0)
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(4))
        if len(word) >= 10 and word not in WORDS:
            found[word] = None
    return tuple(found)


# The long tail of quotes' words: as in news, most words are rare. Drawn with a Zipf
# skew for one word of a quote in five, its first words are about as frequent as a
# common word and its last ones seldom drawn, so that corpora of every size hold words
# of every frequency and a search can be asked for as many hits on each.
TAIL_WORDS = _tail_words(5000)
TAIL_SHARE = 0.2
MONTHS = _words(
    "January February March April May June July August September October November December"
)
# One entity in twenty of each kind but persons, who are most of them.
KINDS = ("person",) * 14 + ("country", "organization", "organization", "party", "place", "group")
STANCES = ("supports", "opposes", "seeks", "concerned_about", "cool_towards")
FIRST_DAY = dt.date(2012, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th…"""
    teen = 11 <= number % 100 <= 13
    suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def spoken_date(day: dt.date) -> str:
    """October 14th, 2020."""
    return f"{MONTHS[day.month - 1]} {ordinal(day.day)}, {day.year}"
