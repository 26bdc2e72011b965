"""The printable briefing: the same HTML, laid out on A4 by WeasyPrint (no browser needed).

The PDF is set in the DejaVu fonts that matplotlib ships (so they come with requirements.txt),
loaded from their files by @font-face: which fonts the machine has, and which one fontconfig
picks for "sans-serif", cannot change it. The HTML, read in browsers, keeps its own font stack.
"""
from __future__ import annotations

import importlib.util
import logging
import shutil
from contextlib import contextmanager
from functools import cache
from pathlib import Path

PDF_MAX_IMAGE_DPI = 200
FAMILIES = {  # family -> {(weight, style): file in matplotlib's mpl-data/fonts/ttf}
    "Briefing Serif": {("normal", "normal"): "DejaVuSerif.ttf", ("bold", "normal"): "DejaVuSerif-Bold.ttf",
                       ("normal", "italic"): "DejaVuSerif-Italic.ttf", ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf"},
    "Briefing Sans": {("normal", "normal"): "DejaVuSans.ttf", ("bold", "normal"): "DejaVuSans-Bold.ttf",
                      ("normal", "italic"): "DejaVuSans-Oblique.ttf", ("bold", "italic"): "DejaVuSans-BoldOblique.ttf"},
    "Briefing Mono": {("normal", "normal"): "DejaVuSansMono.ttf", ("bold", "normal"): "DejaVuSansMono-Bold.ttf"},
}


def font_folder() -> Path:
    """matplotlib's bundled fonts, found without importing matplotlib."""
    package = Path(importlib.util.find_spec("matplotlib").origin).parent
    return package / "mpl-data" / "fonts" / "ttf"


@cache
def font_css() -> str:
    faces = [f'@font-face {{ font-family: "{family}"; src: url("{(font_folder() / name).as_uri()}"); '
             f"font-weight: {weight}; font-style: {style}; }}"
             for family, files in FAMILIES.items() for (weight, style), name in files.items()]
    margins = " ".join(f'@{box} {{ font-family: "Briefing Sans" !important; }}'
                       for box in ("top-left", "top-right", "bottom-center"))
    families = ':root { --serif: "Briefing Serif" !important; --sans: "Briefing Sans" !important; ' \
               '--mono: "Briefing Mono" !important; }'
    return "\n".join(faces + [families, f"@page {{ {margins} }}"])


def _weasyprint():
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


@contextmanager
def _stylesheet(weasyprint):
    """The fonts' stylesheet, with WeasyPrint's temporary font folder removed afterwards.

    FontConfiguration copies every @font-face file into a fresh /tmp/weasyprint-* folder and
    removes it only in __del__, which a worker process that exits, or a reference cycle, never
    reaches: about 5 MB left in /tmp by every edition otherwise.
    """
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    try:
        yield weasyprint.CSS(string=font_css(), font_config=fonts), fonts
    finally:
        folder = getattr(fonts, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            fonts._folder = None


def warm_up(stylesheet: Path) -> None:
    """Import WeasyPrint and load the fonts ahead of time, e.g. while the kernel runs."""
    weasyprint = _weasyprint()
    css = stylesheet.read_text(encoding="utf-8")
    with _stylesheet(weasyprint) as (fonts_css, fonts):
        weasyprint.HTML(string=f"<style>{css}</style><h1>Warm</h1><p>up <strong>fonts</strong></p>").render(
            stylesheets=[fonts_css], font_config=fonts)


def write_pdf(html: str, target: Path, base_folder: Path) -> None:
    weasyprint = _weasyprint()
    with _stylesheet(weasyprint) as (fonts_css, fonts):
        document = weasyprint.HTML(string=html, base_url=str(base_folder))
        document.write_pdf(str(target), dpi=PDF_MAX_IMAGE_DPI, stylesheets=[fonts_css], font_config=fonts)
