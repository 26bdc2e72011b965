"""Command line used by the Makefile: `report` builds one edition, `editions` builds them all;
`ingest` proposes claims from an article and `accept` adds the reviewed ones to the ledger.

Whatever goes wrong, the user gets one line per problem and a non-zero exit, never a traceback:
an unexpected error prints its one-line cause and leaves the traceback in a log under
reports/.failed/. The heavy modules (pandas, the engine, nbconvert) are imported inside the
commands: `report` starts the notebook's kernel first, so its imports run while this process loads.
"""
from __future__ import annotations

import argparse
import datetime
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from .config import NOTEBOOK, PARAMS_FILE, REPORTS_ROOT
from .ledger.csv_file import shown


def shown_path(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return shown(str(Path(path).resolve().relative_to(Path.cwd().resolve())), 200)
    except ValueError:
        return shown(str(path), 200)


def _write(stream, line: str) -> None:
    """Print a line; if the reader went away (`make report | head -2`), carry on without output."""
    try:
        print(line, file=stream, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # later writes, and the flush at exit, go nowhere
        os.close(devnull)


def say(line: str) -> None:
    _write(sys.stdout, line)


def warn(line: str) -> None:
    _write(sys.stderr, line)


def file_size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.2f} MB"
    return f"{max(1, round(size / 1000))} KB"


def tidy_reports(reports_root: Path) -> None:
    """Before anything else, even a run that then fails: put back an edition a killed run had set
    aside, remove killed runs' staging folders, and make the index list only the editions that exist."""
    from .publish.folders import clean_leftovers
    from .publish.index import INDEX_NAME, write_index

    if clean_leftovers(reports_root) or (reports_root / INDEX_NAME).is_file():
        write_index(reports_root)


def load_inputs(args: argparse.Namespace):
    """params.yaml with the command-line overrides, and the validated ledger."""
    from .config import ParameterError, check_names, ledger_folder, read_params_file
    from .ledger.load import load_ledger

    params = {}  # params.yaml itself holds the defaults, which resolve() fills in
    if args.params:
        if not Path(args.params).exists():
            raise ParameterError(f"{shown(args.params)}: file not found")
        params = read_params_file(Path(args.params))
        check_names(params, where=shown_path(Path(args.params)))
    if getattr(args, "month", None):
        params["month"] = args.month
    if args.data:
        params["data"] = args.data
    ledger = load_ledger(ledger_folder(params.get("data")))
    return params, ledger


def run_report(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from .publish.notebook import start_kernel, stop_kernel

    kernel = start_kernel(Path(args.notebook))
    try:
        return _report(args, started, kernel)
    finally:
        stop_kernel(kernel)


def _report(args: argparse.Namespace, started: float, kernel) -> int:
    from .config import resolve
    from .publish.build import OUTPUT_FILES, BuildError, build_edition

    tidy_reports(Path(args.reports))
    params, ledger = load_inputs(args)
    edition = resolve(params, ledger)
    say(f"==> Edition {edition.month} from {shown_path(ledger.folder)} ({len(ledger.claims)} claims)")
    try:
        built = build_edition(edition, ledger, reports_root=Path(args.reports), notebook=Path(args.notebook),
                              say=say, kernel=kernel)
    except BuildError as error:
        warn(f"error: {error.summary}")
        if error.kept_notebook:
            warn(f"       the failed notebook is kept at {shown_path(error.kept_notebook)}")
        warn(f"       {shown_path(Path(args.reports) / edition.month)} was left as it was")
        return 1
    say(f"Done in {time.perf_counter() - started:.1f} s. Edition {edition.month} is in {shown_path(built.folder)}/:")
    for name in OUTPUT_FILES:
        path = built.folder / name
        if path.exists():
            say(f"    {name:<16} {file_size_label(path.stat().st_size):>9}")
    say(f"Index of all editions: {shown_path(Path(args.reports) / 'index.html')}")
    report_claims(built.consistency, built.folder / "consistency.csv")
    return 0


def report_claims(consistency, path: Path) -> None:
    """The claims set aside or disputed, one line each with its reason, cut to the terminal's width;
    how many were kept within the allowance."""
    import shutil

    width = shutil.get_terminal_size((100, 24)).columns
    listed = consistency[consistency["status"].isin(["disputed", "inconsistent"])]
    spread = int((consistency["status"] == "spread").sum())
    if listed.empty and not spread:
        return
    say(f"Claims not taken as stated ({shown_path(path)}):")
    for row in listed.itertuples():
        line = f"    {row.claim_id} {'set aside' if row.status == 'inconsistent' else 'disputed'}: {row.reason}"
        say(shown(line, max(width - 2, 20)))  # with its "…", one character short of the width
    if spread:
        say(f"    {spread} claim{'s' if spread > 1 else ''} kept within the allowance for revisions and rounding")


def run_editions(args: argparse.Namespace) -> int:
    from .publish.build import build_editions

    tidy_reports(Path(args.reports))
    params, ledger = load_inputs(args)
    outcomes = build_editions(params, ledger, reports_root=Path(args.reports), notebook=Path(args.notebook),
                              workers=args.jobs, force=args.force, say=say)
    if not outcomes:
        warn("No edition months between control_start and the latest month with data.")
        return 1
    failed = [outcome for outcome in outcomes if not outcome.ok]
    counts = {state: sum(outcome.state == state for outcome in outcomes) for state in ("built", "unchanged", "no data")}
    say(f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['no data']} with no data by their day, "
        f"{len(failed)} failed, of {len(outcomes)} months in {shown_path(Path(args.reports))}/ "
        f"(index: {shown_path(Path(args.reports) / 'index.html')})")
    for outcome in failed:
        warn(f"    FAILED {outcome.month}: {outcome.message}")
    return 1 if failed else 0


def run_reconstruct(args: argparse.Namespace) -> int:
    """The engine alone: monthly.csv and consistency.csv for a ledger, without the notebook."""
    import tempfile

    from .config import ledger_folder
    from .engine import reconstruct, write_csvs
    from .ledger.load import load_ledger

    ledger = load_ledger(ledger_folder(args.data))
    say(f"==> Reconstructing {shown_path(ledger.folder)} ({len(ledger.claims)} claims)")
    started = time.perf_counter()
    result = reconstruct(ledger.claims)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".reconstruct-") as partial:
        write_csvs(result.monthly, result.consistency, Path(partial))
        for name in ("monthly.csv", "consistency.csv"):  # each file whole, or not at all
            os.replace(Path(partial) / name, out / name)
    counts = result.consistency["status"].value_counts()
    summary = ", ".join(f"{counts[status]} {status}" for status in counts.index)
    say(f"Done in {time.perf_counter() - started:.1f} s: {len(result.monthly)} rows in "
        f"{shown_path(out / 'monthly.csv')}; claims: {summary} ({shown_path(out / 'consistency.csv')})")
    return 0


def run_ingest(args: argparse.Namespace) -> int:
    """An article's figures as proposed claims: the review table and data/proposed/<source_id>.csv,
    or (--format csv) the proposal on stdout and nothing written."""
    from .ingest.command import ingest_command

    return ingest_command(args.file, args.published, publisher=args.publisher or "", title=args.title or "",
                          url=args.url or "", fmt=args.format, data=args.data, say=say, warn=warn)


def run_accept(args: argparse.Namespace) -> int:
    from .ingest.command import accept_command

    return accept_command(args.proposal, data=args.data, say=say, warn=warn)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m magnet_briefing",
                                     description="Monthly briefings on China's rare-earth magnet exports.")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="build one edition into reports/<YYYY-MM>/")
    report.add_argument("--month", help="edition month YYYY-MM (default: params.yaml, 'latest')")
    report.set_defaults(run=run_report)
    editions = commands.add_parser("editions", help="build every month from control_start to the latest data")
    editions.add_argument("--jobs", type=int, default=None, help="parallel builds (default: all cores)")
    editions.add_argument("--force", action="store_true", help="rebuild the editions that have not changed too")
    editions.set_defaults(run=run_editions)
    engine = commands.add_parser("reconstruct", help="write monthly.csv and consistency.csv, without the notebook")
    engine.add_argument("--data", help="ledger folder with claims.csv and sources.csv (default: params.yaml's)")
    engine.add_argument("--out", required=True, help="folder for monthly.csv and consistency.csv")
    engine.add_argument("--reports", default=str(REPORTS_ROOT), help=argparse.SUPPRESS)  # for the error log
    engine.set_defaults(run=run_reconstruct)
    ingest = commands.add_parser("ingest", help="propose ledger claims from an article's text, checked against "
                                                "the ledger (nothing is written to it)")
    ingest.add_argument("file", metavar="FILE", help="the article as plain text (UTF-8), or - for standard input")
    ingest.add_argument("--published", required=True, help="the article's publication date YYYY-MM-DD")
    ingest.add_argument("--publisher", help="who published it (sources.csv's publisher)")
    ingest.add_argument("--title", help="its headline (default: the text's first line)")
    ingest.add_argument("--url", help="where it was read")
    ingest.add_argument("--format", choices=("table", "csv"), default="table",
                        help="table: the review table and data/proposed/<source_id>.csv (default); "
                             "csv: the proposal on standard output, nothing written")
    ingest.set_defaults(run=run_ingest)
    accept = commands.add_parser("accept", help="append a reviewed proposal's rows and its source to the ledger")
    accept.add_argument("proposal", metavar="PROPOSAL", help="data/proposed/<source_id>.csv, as the analyst left it")
    accept.set_defaults(run=run_accept)
    for command in (ingest, accept):
        command.add_argument("--data", help="ledger folder with claims.csv and sources.csv (default: params.yaml's)")
        command.add_argument("--reports", default=str(REPORTS_ROOT), help=argparse.SUPPRESS)  # for the error log
    for command in (report, editions):
        command.add_argument("--data", help="ledger folder with claims.csv and sources.csv")
        command.add_argument("--params", help=f"parameter file (default: {shown_path(PARAMS_FILE)})")
        command.add_argument("--reports", default=str(REPORTS_ROOT), help="output folder (default: reports/)")
        command.add_argument("--notebook", default=str(NOTEBOOK), help="briefing notebook to execute")
    return parser


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _traceback_log(reports_root: Path, error: Exception) -> Path | None:
    """The error's traceback, in a file under reports/.failed/ (or the temp folder)."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in (Path(reports_root) / ".failed", Path(os.environ.get("TMPDIR", "/tmp"))):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / f"traceback-{stamp}-{os.getpid()}.log"
            log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
            from .publish.folders import trim_logs
            trim_logs(Path(reports_root))
            return log
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        warn("interrupted; the previous editions are untouched")
        return 130
    except Exception as error:
        return _failed(error, args)


def _failed(error: Exception, args: argparse.Namespace) -> int:
    """One line per problem for the user (the modules are imported only now, for a quick start)."""
    from .config import ParameterError
    from .engine.reconstruct import ImplausibleClaims
    from .engine.saved import RefusedFile
    from .ledger.load import LedgerError

    if isinstance(error, LedgerError) and len(error.problems) == 1:
        warn(f"error: {error.problems[0]} (nothing was built)")
    elif isinstance(error, LedgerError):
        for problem in error.problems:
            warn(str(problem))
        warn(f"error: the ledger has {len(error.problems)} problems; nothing was built")
    elif isinstance(error, (ParameterError, RefusedFile, ImplausibleClaims)):
        warn(f"error: {error}")
    elif isinstance(error, OSError):
        where = f"{shown_path(Path(error.filename))}: " if error.filename else ""
        warn(f"error: {where}{error.strerror or shown(str(error))}; nothing was published, "
             "the previous editions are untouched")
    else:
        log = _traceback_log(Path(args.reports), error)
        warn(f"error: {type(error).__name__}: {shown(str(error), 300)} (an internal error: "
             f"the traceback is in {shown_path(log) if log else 'no file: nothing is writable'})")
    return 1
