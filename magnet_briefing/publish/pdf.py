"""The printable briefing: the same HTML, laid out on A4 by WeasyPrint (no browser needed)."""
from __future__ import annotations

import logging
from pathlib import Path

PDF_MAX_IMAGE_DPI = 200


def _weasyprint():
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def warm_up(stylesheet: Path) -> None:
    """Import WeasyPrint and load the fonts ahead of time, e.g. while the kernel runs."""
    css = stylesheet.read_text(encoding="utf-8")
    _weasyprint().HTML(string=f"<style>{css}</style><h1>Warm</h1><p>up <strong>fonts</strong></p>").render()


def write_pdf(html: str, target: Path, base_folder: Path) -> None:
    document = _weasyprint().HTML(string=html, base_url=str(base_folder))
    document.write_pdf(str(target), dpi=PDF_MAX_IMAGE_DPI)
