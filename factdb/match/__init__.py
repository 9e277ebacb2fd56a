"""`factdb match`: propose, for each fact of a stored source, the facts of other stored
sources that may report the same thing, for a reviewer to accept or reject.

rules.py names the rules and sums their judgements into a score; candidates.py finds
the candidates by indexed paths; records.py reads them; events.py, statements.py,
holders.py (roles and positions) and quantities.py score a pair of each kind, with
text.py (word similarity) and dates.py (date closeness); matcher.py puts one source's
proposals together, and trial.py those of a source not stored (a draft), loaded in
a transaction and rolled back; writer.py writes them into its facts file as text;
command.py is the command.
"""
