"""JSON documents built by the database, and the statements that build them run fast.
Make collection JSON faster here; the SQL that differs between SQLite and PostgreSQL
is in dialects.py (and, outside the API, in factdb/sql.py).

- build.py: a schema compiled into SQL, derived from its fields and the models
- reader.py: a model's rows read as documents; JSON text parsed a page at a time
- dialects.py: JSON objects, ordered lists, floats and booleans per engine
- kept.py: large statements built once per shape, rerun with new values
- driver.py: kept statements run on the DBAPI connection, compiled once
"""
