"""From an article's text to proposed claims with their evidence, checked against the ledger
before an analyst accepts them (it uses the ledger and the engine).

- text.py        the article as sentences, each with its exact span in the original text
- numbers.py     figures: numbers with units (t, kg, %), the value as the codebook writes it
- periods.py     period mentions and how they resolve against the publication date
- measures.py    direction words, base cues, multiples, rankings
- qualifiers.py  the hedge word before a figure
- series.py      products and destinations
- scope.py       what is not an export figure (shares, production, prices, forecasts, imports)
- rules.py       propose(): the rules put together, sentence by sentence
- proposal.py    the Proposal row
- proposal_csv.py  data/proposed/<source_id>.csv, written and read
- check.py       check_against_ledger(): corroboration and the engine's contradictions
- accept.py      accept(): the proposal joins the ledger, validated and atomic; source ids
- review.py      the review table the command prints
- session.py     one ingest as the command runs it: read the article, propose, check, write
- command.py     the `ingest` and `accept` commands cli.py runs, one line per problem
- score.py       precision and recall on the development set
"""
from .accept import accept, next_claim_ids, source_id
from .check import Check, check_against_ledger
from .proposal import Proposal
from .proposal_csv import MACHINE_COLUMNS, PROPOSAL_COLUMNS, proposals_csv, read_proposal, write_proposal
from .review import review_table
from .rules import extract, propose
from .score import score
from .session import ArticleError, Ingested, ingest_text, read_article

__all__ = ["ArticleError", "Check", "Ingested", "MACHINE_COLUMNS", "PROPOSAL_COLUMNS", "Proposal", "accept",
           "check_against_ledger", "extract", "ingest_text", "next_claim_ids", "propose", "proposals_csv",
           "read_article", "read_proposal", "review_table", "score", "source_id", "write_proposal"]
