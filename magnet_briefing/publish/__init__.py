"""Publishing: turn an executed briefing notebook into HTML, PDF, an e-mail draft and an index."""
import sys

# jsonschema (via nbformat) builds an Earley parser for IRI checks at import when rfc3987_syntax
# is installed: 2-3 s per process. Notebook validation never checks IRIs, so skip it.
sys.modules.setdefault("rfc3987_syntax", None)

from .build import BuildError, EditionBuild, EditionOutcome, build_edition, build_editions, edition_months  # noqa: E402

__all__ = ["BuildError", "EditionBuild", "EditionOutcome", "build_edition", "build_editions", "edition_months"]
