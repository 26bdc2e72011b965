"""Execute the briefing notebook with papermill and pick what publishing needs from it."""
from __future__ import annotations

import base64
import copy
import warnings
from pathlib import Path

import nbformat
from nbformat import NotebookNode

CHART_DPI = 150
EMAIL_ONLY = "email_only"  # output metadata of a chart for the e-mail alone (briefing/sections.py draws it)
EMAIL_CHART_TAG = "email-chart"
KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=CRITICAL",
    f"--InlineBackend.rc={{'figure.dpi': {CHART_DPI}}}",
]
CELL_TIMEOUT_SECONDS = 600
# what the notebook's first cell imports: pandas, matplotlib, seaborn and the engine, ~2 s
PRELOAD = "--IPKernelApp.exec_lines=import magnet_briefing.briefing.sections"


class NotebookFailed(Exception):
    """The notebook did not run to the end; `summary` is one line for the user."""

    def __init__(self, summary: str):
        super().__init__(summary)
        self.summary = summary


def _first_line(text: str, limit: int = 240) -> str:
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _client_tracking_manager():
    from jupyter_client.manager import KernelManager

    class ClientTrackingKernelManager(KernelManager):
        """Remembers the clients it hands out: nbclient leaves its client running when it does not own
        the manager (a heartbeat thread and a ZMQ context per build), so stop_kernel closes them."""

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.__dict__.setdefault("clients_made", []).append(made)
            return made

    return ClientTrackingKernelManager


def start_kernel(notebook: Path):
    """Start the python3 kernel for `notebook` now, importing the briefing package, so both happen
    while this process loads the ledger; None if it cannot start (papermill will then say why).

    Like the kernels nbclient starts, it keeps no IPython history file: a build must not write to
    ~/.ipython, nor compete with other kernels for its database."""
    try:
        kernel = _client_tracking_manager()(kernel_name="python3")
        kernel.start_kernel(cwd=str(Path(notebook).resolve().parent),
                            extra_arguments=KERNEL_ARGUMENTS + ["--HistoryManager.hist_file=:memory:", PRELOAD])
        return kernel
    except Exception:
        return None


def stop_kernel(kernel) -> None:
    if kernel is None:
        return
    for client in kernel.__dict__.pop("clients_made", []):
        client.stop_channels()
    if kernel.has_kernel:
        kernel.shutdown_kernel(now=True)


def execute_notebook(notebook: Path, output: Path, parameters: dict, kernel=None) -> NotebookNode:
    """Run `notebook` in its own folder with the python3 kernel; the executed copy goes to `output`.

    `kernel`, from start_kernel(), is used instead of starting one (its owner stops it).
    Charts get CHART_DPI unless the notebook sets its own figure.dpi, so they stay sharp in the PDF.
    """
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    def literal(path: Path) -> str:  # papermill formats paths with the parameters: braces must stay braces
        return str(path).replace("{", "{{").replace("}", "}}")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return papermill.execute_notebook(
                literal(notebook), literal(output), parameters=parameters, kernel_name="python3",
                cwd=str(notebook.parent), progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT_SECONDS,
                extra_arguments=KERNEL_ARGUMENTS, **({"km": kernel} if kernel is not None else {}))
    except PapermillExecutionError as error:
        where = f"cell [{error.exec_count}]" if error.exec_count else f"cell #{error.cell_index}"
        raise NotebookFailed(f"{where} raised {error.ename}: {_first_line(error.evalue)}") from None
    except CellTimeoutError:
        raise NotebookFailed(f"a cell ran longer than {CELL_TIMEOUT_SECONDS} s") from None
    except DeadKernelError:
        raise NotebookFailed("the kernel died (out of memory or killed)") from None
    except NoSuchKernel:
        raise NotebookFailed("no 'python3' kernel: is ipykernel installed in this environment?") from None


def forget_parameter(nb: NotebookNode, name: str, comment: str) -> NotebookNode:
    """Set `name` back to None in the cell papermill injected, so the executed notebook runs again
    on its own (a value that pointed at a file of the build, say); and drop the run's timestamps,
    so the same edition is the same notebook."""
    run = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "output_path"):  # where the staging folder was, and when
        run.pop(key, None)
    if name in run.get("parameters", {}):
        run["parameters"][name] = None
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell["id"] = f"cell-{number}"  # nbformat draws random ids
        if "injected-parameters" in cell.metadata.get("tags", []):
            lines = cell.source.splitlines()
            cell.source = "\n".join(f"{name} = None  # {comment}" if line.startswith(f"{name} = ") else line
                                     for line in lines)
    return nb


def _png_outputs(cell: NotebookNode) -> list[NotebookNode]:
    return [output for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


def _email_only(output: NotebookNode) -> bool:
    return bool(output.get("metadata", {}).get(EMAIL_ONLY))


def email_charts(nb: NotebookNode, limit: int = 3) -> list[tuple[bytes, str]]:
    """(PNG, alt text) of the charts of cells tagged `email-chart` (without tags, the notebook's first
    charts): the phone-width copy where the cell drew one. The alt text is the chart's own (its
    finding and units), else the cell's description."""
    tagged = [cell for cell in nb.cells if EMAIL_CHART_TAG in cell.get("metadata", {}).get("tags", [])]
    charts = []
    for cell in tagged or nb.cells:
        outputs = _png_outputs(cell)
        for output in [o for o in outputs if _email_only(o)][:1] or [o for o in outputs if not _email_only(o)]:
            alt = output.get("metadata", {}).get("alt") or cell.get("metadata", {}).get("alt", "")
            charts.append((base64.b64decode(output.data["image/png"]), alt))
    return [(png, alt or f"Chart {number}") for number, (png, alt) in enumerate(charts[:limit], start=1)]


def presentable(nb: NotebookNode) -> NotebookNode:
    """A copy for readers: no run-specific metadata, stderr or empty code cells, stable ids, alt text.

    Cells tagged `remove-cell` are dropped and `remove-output` outputs hidden (Jupyter Book tags).
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    kept, chart_number = [], 0
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if "remove-cell" in tags:
            continue
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            if "remove-output" in tags:
                cell.outputs = []
            cell.outputs = [output for output in cell.outputs
                            if not (output.output_type == "stream" and output.get("name") == "stderr")
                            and not _email_only(output)]
            if not cell.outputs:
                continue
            for output in _png_outputs(cell):
                chart_number += 1
                if not output.metadata.get("alt") and not cell.metadata.get("alt"):
                    output.metadata["alt"] = f"Chart {chart_number}"
        cell["id"] = f"c{len(kept) + 1}"
        kept.append(cell)
    nb.cells = kept
    return nb


def read_notebook(path: Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)
