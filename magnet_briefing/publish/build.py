"""Build editions: execute the notebook, write every output in a staging folder, swap it into place."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from ..briefing.edition import NoDataYet, masthead, prepare_edition, vintages
from ..config import NOTEBOOK, REPORTS_ROOT, EditionParameters, ParameterError, resolve
from ..engine import Reconstruction, reconstruct, write_csvs
from ..engine.saved import write_reconstruction
from ..engine.scale_out import die_with_parent
from ..engine.tables import write_csv
from ..ledger.load import Ledger
from ..ledger.periods import parse_month
from ..ledger.vintage import as_of as vintage
from . import folders
from . import pdf as pdf_stage
from .html import STYLESHEET, render_html
from .index import recorded_key, write_edition_record, write_index
from .mail import build_email, email_bytes
from .notebook import NotebookFailed, email_charts, execute_notebook, forget_parameter, read_notebook
from .provenance import content_key, provenance

OUTPUT_FILES = ("briefing.html", "briefing.pdf", "briefing.eml", "briefing.ipynb",
                "monthly.csv", "consistency.csv", "revisions.csv", "edition.json")
# for the notebook's kernel only, next to each other in the staging folder; not part of the edition
RECONSTRUCTION_FILE = "reconstruction.pickle"
PREVIOUS_FILE = "previous.pickle"   # the previous edition's reconstruction, for "what changed"


class BuildError(Exception):
    """An edition that could not be built; the previous edition, if any, is untouched."""

    def __init__(self, month: str, summary: str, kept_notebook: Path | None = None):
        super().__init__(summary)
        self.month = month
        self.summary = summary
        self.kept_notebook = kept_notebook


@dataclass(frozen=True)
class EditionBuild:
    month: str
    folder: Path
    stage_seconds: dict[str, float] = field(default_factory=dict)
    consistency: pd.DataFrame | None = None   # consistency.csv: which claims were not taken as stated


@dataclass(frozen=True)
class EditionOutcome:
    month: str
    ok: bool
    seconds: float
    message: str = ""
    state: str = "built"   # built, unchanged (skipped), no data (nothing published by its day), failed


def _silent(_: str) -> None:
    pass


def _warm_up_renderers() -> None:
    """Pay the HTML and PDF stages' imports and font loading ahead of time."""
    try:
        render_html(nbformat.v4.new_notebook(), title="", month="2000-01")
        pdf_stage.warm_up(STYLESHEET)
    except Exception:  # only an optimisation: the real stage will report any problem
        pass


def _warm_up_when_ready(helper: ProcessPoolExecutor, kernel) -> None:
    """Warm the renderers up on the helper; with a kernel started early, only once it is ready,
    so the warm-up takes the core left free while cells run, not one the kernel's imports need."""
    if kernel is None:
        helper.submit(_warm_up_renderers)
        return

    def wait_then_submit():
        client = kernel.blocking_client()
        try:
            client.start_channels()
            client.wait_for_ready(timeout=60)
        except Exception:  # a kernel that never gets ready: papermill reports it
            pass
        finally:
            client.stop_channels()
        try:
            helper.submit(_warm_up_renderers)
        except RuntimeError:  # the build already ended and shut the helper down
            pass

    threading.Thread(target=wait_then_submit, daemon=True).start()


def _write_html_and_pdf(staging: Path, title: str, month: str, headline_text: str, origin: str, as_of: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        executed = read_notebook(staging / "briefing.ipynb")
        html = render_html(executed, title=title, month=month, headline=headline_text, provenance=origin, as_of=as_of)
        (staging / "briefing.html").write_text(html, encoding="utf-8")
        pdf_stage.write_pdf(html, staging / "briefing.pdf", staging)


def _start_helper(background: bool) -> ProcessPoolExecutor | None:
    """A forked process for work that need not wait for the kernel: warming up the HTML and PDF
    renderers, which then render on another core."""
    if not background or "fork" not in multiprocessing.get_all_start_methods():
        return None
    helper = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent)
    # fork it now, from this thread: a process dies with the thread that forked it (PDEATHSIG),
    # and the first real task may come from a short-lived thread (_warm_up_when_ready)
    helper.submit(int).result()
    return helper


def notebook_parameters(params: EditionParameters, ledger: Ledger, reconstruction: Path) -> dict:
    """The ledger folder goes in as an absolute path, so the notebook's working folder does not matter."""
    return {**params.notebook_parameters(), "data": str(Path(ledger.folder).resolve()),
            "reconstruction": str(reconstruction)}


def build_edition(params: EditionParameters, ledger: Ledger, *, reports_root: Path = REPORTS_ROOT,
                  notebook: Path = NOTEBOOK, say: Callable[[str], None] = print,
                  update_index: bool = True, clean_up_leftovers: bool = True,
                  render_in_background: bool = True, kernel=None,
                  result: Reconstruction | None = None) -> EditionBuild:
    """Build reports_root/<month>/ atomically; raise BuildError if the notebook fails.

    The ledger is reconstructed here once (or `result` is its reconstruction already) and the
    notebook reads that reconstruction from the staging folder. render_in_background overlaps
    the renderers' start-up with the kernel; builds that run many editions in one process turn
    it off, their imports are paid once anyway. `kernel` is one notebook.start_kernel() started
    early (the caller stops it); by default papermill starts its own.
    """
    reports_root, notebook = Path(reports_root).resolve(), Path(notebook).resolve()
    month = params.month
    seconds: dict[str, float] = {}

    @contextmanager
    def stage(name: str):
        say(f"==> {name}")
        started = time.perf_counter()
        yield
        seconds[name] = time.perf_counter() - started

    if not notebook.exists():
        raise BuildError(month, f"{notebook}: notebook not found")
    if clean_up_leftovers:
        folders.clean_leftovers(reports_root)
    full, ledger = ledger, vintage(ledger, params.as_of)  # the claims published by the edition's as-of day
    result = reconstruct(ledger.claims) if result is None else result
    prepare_edition(params, ledger, result)  # refuses a month it cannot brief, before the vintages' work
    changes, revisions, previous = vintages(full, params, result)
    edition = prepare_edition(params, ledger, result, changes, revisions)
    head = masthead(edition)
    origin = provenance(ledger, params.as_of)
    staging = folders.make_staging_folder(reports_root, month)
    helper = None
    try:
        helper = _start_helper(render_in_background)
        write_csvs(result.monthly, result.consistency, staging)
        write_csv(revisions, staging / "revisions.csv")
        saved = write_reconstruction(result, ledger.claims, staging / RECONSTRUCTION_FILE)
        if previous is not None:
            write_reconstruction(previous, vintage(full, changes.previous_as_of).claims, staging / PREVIOUS_FILE)
        with stage("Executing notebook"):
            if helper:
                _warm_up_when_ready(helper, kernel)
            try:
                executed = execute_notebook(notebook, staging / "briefing.ipynb",
                                            notebook_parameters(params, ledger, saved), kernel=kernel)
            except NotebookFailed as failure:
                kept = folders.keep_failed_notebook(staging / "briefing.ipynb", reports_root, month)
                raise BuildError(month, f"the notebook failed: {failure.summary}", kept) from None
            saved.unlink()
            (staging / PREVIOUS_FILE).unlink(missing_ok=True)
            # the published notebook re-runs on its own: it reconstructs the ledger itself
            nbformat.write(forget_parameter(executed, "reconstruction", "the build's copy is gone: reconstruct here"),
                           str(staging / "briefing.ipynb"))
        with stage("Writing HTML and PDF"):
            render = (staging, head.title, month, head.headline, origin.line(), head.as_of)
            if helper:
                helper.submit(_write_html_and_pdf, *render).result()
            else:
                _write_html_and_pdf(*render)
        with stage("Writing e-mail draft"):
            pdf = (staging / "briefing.pdf").read_bytes()
            message = build_email(head, month, email_charts(executed), pdf, to=params.email_to,
                                  sender=params.email_from, date=origin.as_of_date())
            (staging / "briefing.eml").write_bytes(email_bytes(message))
        level = edition.numbers.level
        figure = {"series": params.headline, "month": month, "shown": round(level.value), "basis": level.basis}
        write_edition_record(staging, month, head.title, head.headline, origin.as_dict(), content_key(ledger, params),
                             figure)
        final = reports_root / month
        folders.move_into_place(staging, final)
    finally:
        if helper:
            helper.shutdown(cancel_futures=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    folders.forget_failed_notebook(reports_root, month)
    if update_index:
        with stage("Updating the index of editions"):
            try:
                write_index(reports_root)
            except OSError as error:  # the edition is published; the next run writes the index
                say(f"    warning: {reports_root.name}/index.html not updated ({error.strerror})")
    return EditionBuild(month=month, folder=final, stage_seconds=seconds, consistency=result.consistency)


def edition_months(params: dict, ledger: Ledger) -> list[str]:
    """control_start to the latest month with data; raises ParameterError if the base parameters are bad."""
    latest = resolve({**params, "month": "latest"}, ledger)
    months = pd.period_range(parse_month(latest.control_start), parse_month(latest.month), freq="M")
    return [str(month) for month in months]


def _build_month(params: dict, month: str, ledger: Ledger, reports_root: Path, notebook: Path,
                 render_in_background: bool = False) -> EditionOutcome:
    started = time.perf_counter()

    def outcome(ok: bool, message: str = "", state: str = "failed") -> EditionOutcome:
        return EditionOutcome(month, ok, time.perf_counter() - started, message, state)

    try:
        edition = resolve({**params, "month": month}, ledger)
        build_edition(edition, ledger, reports_root=reports_root, notebook=notebook, say=_silent,
                      update_index=False, clean_up_leftovers=False, render_in_background=render_in_background)
    except NoDataYet as error:  # an edition that could not have been written on its day: none
        return outcome(True, str(error), "no data")
    except ParameterError as error:
        return outcome(False, str(error))
    except BuildError as error:
        kept = f" (failed notebook: {error.kept_notebook})" if error.kept_notebook else ""
        return outcome(False, error.summary + kept)
    except Exception as error:  # one month's bug must not stop the others
        return outcome(False, f"{type(error).__name__}: {error}")
    return outcome(True, state="built")


def unchanged(params: dict, month: str, ledger: Ledger, reports_root: Path) -> bool:
    """Whether the edition of `month` in reports_root was made of the claims, parameters and code it
    would be made of now (its content key), with every output in place."""
    try:
        edition = resolve({**params, "month": month}, ledger)
    except ParameterError:
        return False
    folder = reports_root / month
    if not all((folder / name).is_file() for name in OUTPUT_FILES):
        return False
    return recorded_key(folder) == content_key(vintage(ledger, edition.as_of), edition)


def _say_outcome(say: Callable[[str], None], result: EditionOutcome, done: int, total: int) -> None:
    status = {"built": "ok", "no data": f"no edition: {result.message}"}.get(result.state, f"FAILED: {result.message}")
    say(f"    [{done}/{total}] {result.month} {status} ({result.seconds:.1f} s)")


def build_editions(params: dict, ledger: Ledger, *, months: list[str] | None = None,
                   reports_root: Path = REPORTS_ROOT, notebook: Path = NOTEBOOK,
                   workers: int | None = None, force: bool = False,
                   say: Callable[[str], None] = print) -> list[EditionOutcome]:
    """Build every month in parallel, each as of its own day; failures are collected, not raised.
    An edition whose claims, parameters and code are those it was built from is left as it is,
    unless `force`. Outcomes (built or skipped) are in month order."""
    reports_root = Path(reports_root).resolve()
    months = edition_months(params, ledger) if months is None else list(months)
    if not months:
        return []
    folders.clean_leftovers(reports_root)
    skipped = [] if force else [month for month in months if unchanged(params, month, reports_root=reports_root,
                                                                         ledger=ledger)]
    if skipped:
        say(f"==> Skipping {len(skipped)} unchanged editions ({', '.join(skipped)}): same claims as of their day, "
            "same parameters and code (FORCE=1 rebuilds them)")
    outcomes = [EditionOutcome(month, True, 0.0, "unchanged", "unchanged") for month in skipped]
    months = [month for month in months if month not in skipped]
    if not months:
        write_index(reports_root)
        return outcomes
    if len(months) == 1:  # the usual month: built here, as `report` builds it, without starting a worker
        say(f"==> Building {months[0]}")
        outcomes.append(_build_month(params, months[0], ledger, reports_root, Path(notebook),
                                     render_in_background=True))
        _say_outcome(say, outcomes[-1], 1, 1)
    else:
        outcomes += _build_in_workers(params, months, ledger, reports_root, Path(notebook), workers, say)
    if any(outcome.ok for outcome in outcomes):
        write_index(reports_root)
    return sorted(outcomes, key=lambda result: result.month)


def _build_in_workers(params: dict, months: list[str], ledger: Ledger, reports_root: Path, notebook: Path,
                      workers: int | None, say: Callable[[str], None]) -> list[EditionOutcome]:
    outcomes = []
    workers = max(1, min(workers or os.cpu_count() or 1, len(months)))
    say(f"==> Building {len(months)} editions ({months[0]} to {months[-1]}) with {workers} workers")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent) as pool:
        futures = {pool.submit(_build_month, params, month, ledger, reports_root, Path(notebook)): month
                   for month in months}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                result = future.result()
            except Exception as error:  # the worker process itself died
                result = EditionOutcome(futures[future], False, 0.0, f"worker failed: {error or type(error).__name__}",
                                        "failed")
            outcomes.append(result)
            _say_outcome(say, result, done, len(months))
    return outcomes
