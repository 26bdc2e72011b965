"""Where the claims cannot all hold: each claim's status (consistent, spread, inconsistent,
disputed), found group by group of months (verdicts.py) on problems built from the claims'
rows (problem.py), exactly for small groups (exact.py) and by an elastic LP for large ones
(large.py)."""
