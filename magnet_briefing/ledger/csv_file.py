"""Reading a hand-edited CSV file as data, whatever it holds: UTF-8 only, bounded fields, no control
characters, each record reported at the line it starts on. Every problem becomes one line of the
form file:line: field message, with the offending text shown escaped, never raw.
"""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_FIELD_CHARS = 2000        # a title or a publisher is far shorter; a longer field is a broken file
MAX_FILE_BYTES = 200_000_000  # a ledger of a million claims is about 70 MB
SHOWN_CHARS = 60              # how much of an offending value a message quotes


@dataclass(frozen=True)
class LedgerProblem:
    path: str
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.column} {self.message}" if self.column else f"{where} {self.message}"


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """A value for a message: control and invisible characters escaped (a terminal never gets an
    escape sequence), cut to `limit` characters."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in cut)


def control_character(text: str) -> tuple[int, str] | None:
    """(position from 1, the character escaped) of the first control or format character, if any."""
    for position, ch in enumerate(text, start=1):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\ufeff":
            return position, ch.encode("unicode_escape").decode("ascii")
    return None


def read_limited(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes; None if it is larger. A device, a pipe
    or a folder is refused (OSError): it could be endless, or never end."""
    if not path.is_file():
        raise IsADirectoryError(21, "not a regular file", str(path))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def _decode(path: Path, label: str, problems: list[LedgerProblem]) -> str | None:
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except OSError as error:
        problems.append(LedgerProblem(label, 0, None, f"cannot be read ({error.strerror})"))
        return None
    if data is None:
        problems.append(LedgerProblem(label, 1, None, f"is larger than {MAX_FILE_BYTES // 1_000_000} MB"))
        return None
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            problems.append(LedgerProblem(label, 1, None, f"is {name} text; save it as UTF-8 (in Excel: CSV UTF-8)"))
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(LedgerProblem(label, line, None, f"byte 0x{data[error.start]:02X} is not UTF-8 text; "
                                                          "save the file as UTF-8 (in Excel: CSV UTF-8)"))
        return None


def read_rows(path: Path, expected: list[str], problems: list[LedgerProblem], label: str):
    """Yield (line the record starts on, {column: stripped text}); problems go to `problems`, and a
    record with a broken field is reported and skipped."""
    if not path.exists():
        problems.append(LedgerProblem(label, 0, None, f"file not found (expected columns: {','.join(expected)})"))
        return
    text = _decode(path, label, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    start, header = 1, None
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            problems.append(LedgerProblem(label, 1, None, f"file is empty; expected the header {','.join(expected)}"))
            return
        header = [cell.strip() for cell in header]
        bad_header = False
        for name in sorted({name for name in header if header.count(name) > 1}):
            problems.append(LedgerProblem(label, 1, name, "appears more than once in the header"))
            bad_header = True
        for position, name in enumerate(header, start=1):
            if name not in expected:
                problems.append(LedgerProblem(label, 1, f"column {position}",
                                              f"header '{shown(name)}' is not one of {', '.join(expected)}"))
                bad_header = True
        for name in expected:
            if name not in header:
                problems.append(LedgerProblem(label, 1, name, "column is missing from the header"))
                bad_header = True
        if bad_header:
            return
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(LedgerProblem(label, line, None,
                                              f"has {len(record)} fields, the header has {len(header)}"))
                continue
            row = {name: cell.strip() for name, cell in zip(header, record)}
            if not _fields_readable(row, line, label, problems):
                continue
            yield line, row
    except csv.Error as error:  # e.g. a field longer than the csv module's own limit
        problems.append(LedgerProblem(label, start, None, f"cannot be read as CSV ({shown(str(error))})"))


def _fields_readable(row: dict, line: int, label: str, problems: list[LedgerProblem]) -> bool:
    ok = True
    for name, cell in row.items():
        if len(cell) > MAX_FIELD_CHARS:
            problems.append(LedgerProblem(label, line, name, f"is {len(cell):,} characters long; "
                                                             f"at most {MAX_FIELD_CHARS:,} are allowed"))
            ok = False
        elif (found := control_character(cell)) is not None:
            position, character = found
            problems.append(LedgerProblem(label, line, name, f"has a control character ({character}) at character "
                                                             f"{position}; fields hold plain text on one line"))
            ok = False
    return ok
