"""reports/index.html, rebuilt from the edition.json that every edition folder carries."""
from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

from markupsafe import escape

from ..briefing.labels import month_label, number
from ..engine.basis import PINNED
from ..ledger.periods import parse_month

RECORD_NAME = "edition.json"
INDEX_NAME = "index.html"
EDITION_FOLDER = re.compile(r"^\d{4}-\d{2}$")
LINKS = (("briefing.html", "HTML"), ("briefing.pdf", "PDF"), ("briefing.eml", "E-mail draft"),
         ("monthly.csv", "monthly.csv"), ("consistency.csv", "consistency.csv"),
         ("briefing.ipynb", "Notebook"))

INDEX_CSS = """
body{margin:2.5rem auto;padding:0 1.25rem;max-width:52rem;color:#1d2126;
font:16px/1.5 "Source Sans 3","Source Sans Pro","Helvetica Neue",Helvetica,Arial,"DejaVu Sans",sans-serif}
h1{font-size:1.6rem;margin:0 0 1.2rem;border-top:4px solid #9b2a1e;padding-top:.6rem}
ol{list-style:none;margin:0;padding:0}
li{padding:.9rem 0;border-bottom:1px solid #d6dade}
.month{font-weight:700;font-size:1.1rem}
.headline{margin:.2rem 0 .35rem;color:#3c434a}
.files a{margin-right:.9rem;font-size:.9rem;color:#9b2a1e}
.origin{margin:.1rem 0 .35rem;font-size:.8rem;color:#5d6670}
.latest{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#fff;background:#9b2a1e;padding:0 .35rem}
.superseded{margin:.1rem 0 .35rem;font-size:.85rem;color:#9b2a1e}
.other{color:#9b2a1e}
""".strip()


def write_edition_record(folder: Path, month: str, title: str, headline: str, origin: dict, key: str = "",
                         figure: dict | None = None) -> None:
    """edition.json: what the index shows, where the edition came from (provenance.py), its content
    key (what it is made of: `make editions` skips an edition whose key has not changed), and its
    headline figure (series, month, shown: whole tonnes), which later editions may revise."""
    record = {"month": month, "title": title, "headline": headline, "provenance": origin, "content_key": key,
              "figure": figure or {}}
    (folder / RECORD_NAME).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def recorded_key(folder: Path) -> str:
    try:
        record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(record.get("content_key", "")) if isinstance(record, dict) else ""


def read_edition_records(reports_root: Path) -> list[dict]:
    """Every complete edition folder, newest first; folders without a readable record are skipped."""
    records = []
    for folder in reports_root.iterdir() if reports_root.is_dir() else []:
        if not (folder.is_dir() and EDITION_FOLDER.match(folder.name)):
            continue
        try:
            record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        origin = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
        figure = record.get("figure") if isinstance(record.get("figure"), dict) else {}
        record = {key: str(record.get(key, "")) for key in ("title", "headline")} | {"provenance": origin,
                                                                                  "figure": figure}
        record["month"] = folder.name
        record["files"] = [name for name, _ in LINKS if (folder / name).exists()]
        records.append(record)
    return sorted(records, key=lambda record: record["month"], reverse=True)


def _figure(record: dict) -> dict | None:
    """The edition's headline figure as edition.json records it, or None if the file was edited into
    something else (an index is never stopped by one odd record)."""
    figure = record.get("figure") or {}
    try:
        return {"series": str(figure["series"]), "month": str(parse_month(str(figure["month"]))),
                "shown": int(figure["shown"]), "basis": str(figure.get("basis", "reported"))}
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def _superseded(reports_root: Path | None, newest: dict, record: dict) -> str:
    figure = _figure(record)
    later = _shown_later(reports_root, newest, figure) if reports_root and figure else None
    if later is None:
        return ""
    return (f'<p class="superseded">Superseded: the {escape(month_label(newest["month"]))} edition, with later data, '
            f'shows {escape(month_label(figure["month"]))} at {escape(later)}, not '
            f'{escape(number(figure["shown"], figure["basis"]))} t.</p>')


def _origin(origin: dict) -> str:
    """Where the edition came from; an edition of another ledger than the project's is marked."""
    if not origin:
        return ""
    other = "" if origin.get("default_ledger", True) else '<strong class="other">Another ledger:</strong> '
    return (f'<p class="origin">{other}{escape(origin.get("ledger", ""))} · {escape(str(origin.get("claims", "")))} '
            f'claims · data as of {escape(origin.get("as_of", ""))} · code {escape(origin.get("code_version", ""))}</p>')


def _shown_later(reports_root: Path, newest: dict, figure: dict) -> str | None:
    """How the newest edition shows an older edition's headline month ('5,580 t'), if differently."""
    if not figure or not newest:
        return None
    try:
        with (reports_root / newest["month"] / "monthly.csv").open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle)
                    if row["series"] == figure.get("series") and row["month"] == figure.get("month")]
    except (OSError, KeyError, csv.Error):
        return None
    if not rows or rows[0]["basis"] not in PINNED or not rows[0]["estimate"]:
        return None
    try:
        later = round(float(rows[0]["estimate"]))
    except (ValueError, OverflowError):
        return None
    return None if later == figure.get("shown") else f"{number(later, rows[0]['basis'])} t"


def render_index(records: list[dict], reports_root: Path | None = None) -> str:
    items = []
    newest = records[0] if records else None
    for record in records:
        month = record["month"]
        labels = dict(LINKS)
        links = " ".join(f'<a href="{month}/{name}">{escape(labels[name])}</a>' for name in record["files"])
        main_link = f"{month}/briefing.html" if "briefing.html" in record["files"] else f"{month}/"
        items.append(
            f'<li><a class="month" href="{main_link}">{escape(month_label(month))}</a>'
            f' <span class="title">{escape(record.get("title", ""))}</span>'
            f'{" <strong class=latest>latest</strong>" if record is newest else ""}'
            f'<p class="headline">{escape(record.get("headline", ""))}</p>'
            f'{_superseded(reports_root, newest, record) if record is not newest else ""}'
            f'{_origin(record["provenance"])}'
            f'<p class="files">{links}</p></li>')
    body = "\n".join(items) if items else "<li>No editions yet: run <code>make report</code>.</li>"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>China rare-earth magnet exports: briefings</title>\n"
            f"<style>{INDEX_CSS}</style>\n</head>\n<body>\n"
            "<h1>China rare-earth magnet exports: monthly briefings</h1>\n"
            f"<ol>\n{body}\n</ol>\n</body>\n</html>\n")


def write_index(reports_root: Path) -> Path:
    """Written to a temporary name and renamed, so a reader never sees half a file; left alone when
    it already says the same."""
    target = reports_root / INDEX_NAME
    text = render_index(read_edition_records(reports_root), reports_root)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return target
    partial = reports_root / f".{INDEX_NAME}.{os.getpid()}.partial"
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    return target
