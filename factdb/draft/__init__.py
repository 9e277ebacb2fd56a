"""`factdb draft`: a plain article in, a reviewable facts file out.

Modules, one job each:
    rules.py       the named rules every drafted fact cites, documented
    facts.py       the draft in memory: facts, their reasons, what could not be placed
    text.py        paragraphs, sentences (spaCy's sentencizer), unique excerpts
    numbers.py     numbers in digits and words
    places.py      countries (pycountry) with demonyms and capitals
    store.py       the entity names, aliases and metonyms already in the database
    roles.py       titles: demonym + title + name
    names.py       entities from capitalized runs, matched to stored names
    groups.py      groups (demonym + plural noun) and administrations
    mentions.py    every mention of every entity (spaCy PhraseMatcher)
    dates.py       date expressions: explicit (dateparser), parts of months, relative
    events.py      events from trigger words, with participants, place and status
    speakers.py    who speaks: names, title phrases, speaker nouns, pronouns
    quotes.py      direct quotes and their attribution
    speech.py      indirect and mixed speech
    quantities.py  quantities with unit, approximation and counted thing
    positions.py   positions from stance verbs
    build.py       one article's entities, dates, events and roles
    claims.py      one article's statements, quantities and positions
    pipeline.py    the whole draft of one article, validated through the loader
    writer.py      the facts file as YAML with a comment per fact
    proposals.py   the match step: same_as proposals against the stored sources
    compare.py     precision, recall and F1 against a reviewed facts file
    batch.py       a folder of articles: progress, summary, failures
    command.py     the click command `factdb draft` (its benchmark is factdb.bench.draft)
"""
