"""Original articles for the drafter's benchmark: templates of invented countries,
people and places, filled in at random (seeded) to any number of distinct articles."""

from __future__ import annotations

import random

COUNTRIES = [
    ("Ruritania", "Ruritanian"), ("Zembla", "Zemblan"), ("Borduria", "Bordurian"),
    ("Syldavia", "Syldavian"), ("Molvania", "Molvanian"), ("Freedonia", "Freedonian"),
]  # fmt: skip
PEOPLE = [
    "Anna Verhoven", "Tomas Kelder", "Mira Solano", "Pavel Ostrik", "Lena Marchetti",
    "Oskar Brandt", "Ilse Varga", "Jonas Petrell", "Clara Dumont", "Viktor Ansel",
]  # fmt: skip
CITIES = ["Port Alder", "Velmora", "Kastrin", "Oddeby", "Larnevik", "Sorrento Bay"]
MONTHS = ["March", "April", "May", "June", "September", "October"]

PARAGRAPHS = [
    "{c1dem} Prime Minister {p1} travelled to the coastal city of {city} on {month} {day}th "
    "for her {n}th meeting with {c2dem} President {p2}, to discuss trade and the border.",
    "“The talks were useful, and they will go on,” {p1last} said at a press briefing "
    "following the three-hour meeting with {p2last}. “We agreed on more than we expected.”",
    "{p2last} noted the importance of cooperation on energy between {c1} and {c2}. He added "
    "that his country would not tolerate any delay in the pipeline project.",
    "Five days before the general election in {c1}, {p1last} was keen on securing support "
    "from hundreds of thousands of {c2dem} workers who live in her country.",
    "In late {month}, {c2} said it had struck militant camps near the border to prevent "
    "attacks. {c1} condemned the strikes, and its foreign ministers said on {month} {day2}th "
    "that the operation was an “overreaction” that would harm the talks.",
    "About 1.5 million {c1dem} citizens live in {c2}, according to officials, and some "
    "40,000 of them work in {city}. The Labour Party of {p3} backs closer ties.",
    "“Security coordination is always important, but it is especially important now,” the "
    "{c1dem} premier said. {p3}, who leads the opposition, will meet {p2last} next month.",
    "Two days before {p1last}\u2019s plane touched down in {city}, {c2} warned that a deal would "
    "not be signed before the election. It said the border question remained open.",
]


def article(number: int, repeats: int = 3) -> tuple[str, str]:
    """(title, text) of the ``number``-th article, about 4,000 characters."""
    rng = random.Random(number)
    (c1, c1dem), (c2, c2dem) = rng.sample(COUNTRIES, 2)
    p1, p2, p3 = rng.sample(PEOPLE, 3)
    values = {
        "c1": c1, "c1dem": c1dem, "c2": c2, "c2dem": c2dem, "p1": p1, "p2": p2, "p3": p3,
        "p1last": p1.split()[-1], "p2last": p2.split()[-1], "city": rng.choice(CITIES),
        "month": rng.choice(MONTHS), "day": rng.randint(4, 9), "day2": rng.randint(4, 9),
        "n": rng.randint(4, 19),
    }  # fmt: skip
    paragraphs = []
    for _ in range(repeats):
        # Each round its own numbers, so that no paragraph is written twice.
        values.update(day=rng.randint(4, 9), day2=rng.randint(10, 28), n=rng.randint(4, 19))
        values.update(month=rng.choice(MONTHS), city=rng.choice(CITIES))
        order = PARAGRAPHS[:]
        rng.shuffle(order)
        paragraphs += [p.format(**values) for p in order]
    title = f"{p1} Visits {values['city']} in Talks No. {number}"
    return title, title + "\n\n" + "\n\n".join(paragraphs) + "\n"
