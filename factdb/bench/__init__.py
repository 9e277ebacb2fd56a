"""Synthetic corpora and the benchmark of factdb against its floor and Datasette."""
