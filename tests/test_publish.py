"""Publishing end to end: slow (each build runs a kernel), so editions are built once per module."""
from __future__ import annotations

import datetime
import io
import json
import re
import shutil
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import nbformat
import psutil
import pytest
from pypdf import PdfReader

from magnet_briefing import cli
from magnet_briefing.briefing.edition import Masthead
from magnet_briefing.briefing.labels import month_label
from magnet_briefing.config import PROJECT_ROOT, resolve
from magnet_briefing.ledger.load import load_ledger
from magnet_briefing.publish import build_edition, build_editions
from magnet_briefing.publish.build import OUTPUT_FILES
from magnet_briefing.publish.folders import clean_leftovers
from magnet_briefing.publish.html import STYLESHEET
from magnet_briefing.publish.index import read_edition_records
from magnet_briefing.publish.mail import build_email, email_subject
from magnet_briefing.publish.notebook import email_charts, read_notebook

pytestmark = pytest.mark.slow

DATA = PROJECT_ROOT / "data"
REAL_NOTEBOOK = PROJECT_ROOT / "notebooks" / "briefing.ipynb"
EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)

PARAMETERS_CELL = ('month = "latest"\ncontrol_start = "2025-04"\nbaseline = "pre_control_mean"\n'
                   'series = ["magnets/world"]\ndata = "data"')
CHART_CELL = """fig, ax = plt.subplots(figsize=(6.4, 3.2))
ax.plot(range(12), [((i * {n}) % 7) * 100 + 900 for i in range(12)], marker="o")
ax.set_title("Chart {n}: exports in tonnes")
plt.show()"""


def _notebook(path: Path, extra_cells=()) -> Path:
    """A small briefing-like notebook: Markdown, three different charts (two tagged for e-mail), a table."""
    cell = nbformat.v4
    parameters = cell.new_code_cell(PARAMETERS_CELL, metadata={"tags": ["parameters"]})
    cells = [parameters,
             cell.new_code_cell("import sys\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
                                "print('kernel noise', file=sys.stderr)"),
             cell.new_markdown_cell("## Exports after the controls\n\nA paragraph of *analysis*.")]
    for n in (1, 2, 3):
        tags = ["email-chart"] if n in (2, 3) else []
        cells.append(cell.new_code_cell(CHART_CELL.format(n=n), metadata={"tags": tags}))
        cells.append(cell.new_markdown_cell(f"### Section {n}\n\n" + "Words of analysis. " * 40))
    cells.append(cell.new_code_cell("pd.DataFrame({'month': ['2025-06', '2025-07'], 'tonnes': [1238.0, 2154.5]})"
                                    ".set_index('month')"))
    cells.extend(extra_cells)
    nb = cell.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}})
    nbformat.write(nb, str(path))
    return path


def count_png_outputs(nb) -> int:
    """The charts the pages show (not the phone-width copies drawn for the e-mail alone)."""
    return sum("image/png" in output.get("data", {}) and not output.get("metadata", {}).get("email_only")
               for cell in nb.cells for output in cell.get("outputs", []))


def _drawn_images(pdf: PdfReader) -> int:
    """Image XObjects painted by the pages' content (WeasyPrint shares one resource dictionary)."""
    drawn = 0
    for page in pdf.pages:
        xobjects = page["/Resources"].get("/XObject")
        images = {name for name, ref in (xobjects.get_object().items() if xobjects else [])
                  if ref.get_object().get("/Subtype") == "/Image"}
        painted = re.findall(rb"(/[^\s/]+)\s+Do\b", page.get_contents().get_data())
        drawn += sum(name.decode() in images for name in painted)
    return drawn


def _kernels_left() -> list[str]:
    """Kernel processes this test process started and did not stop (`report` starts one early)."""
    return [" ".join(child.cmdline()) for child in psutil.Process().children(recursive=True)
            if "ipykernel" in " ".join(child.cmdline())]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def ledger():
    return load_ledger(DATA)


@pytest.fixture(scope="module")
def params(ledger):
    return resolve({}, ledger)


@pytest.fixture(scope="module")
def chart_notebook(tmp_path_factory):
    return _notebook(tmp_path_factory.mktemp("notebooks") / "briefing.ipynb")


@pytest.fixture(scope="module")
def failing_notebook(tmp_path_factory):
    boom = nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure for the test')")
    return _notebook(tmp_path_factory.mktemp("failing") / "briefing.ipynb", [boom])


@pytest.fixture(scope="module")
def reports(tmp_path_factory, params, ledger, chart_notebook):
    root = tmp_path_factory.mktemp("reports")
    build_edition(params, ledger, reports_root=root, notebook=chart_notebook, say=lambda line: None)
    return root


@pytest.fixture(scope="module")
def edition(reports, params):
    return reports / params.month


@pytest.fixture()
def earlier_edition(reports, params, tmp_path):
    """A copy of the built reports folder that a test may try to overwrite."""
    root = tmp_path / "reports"
    shutil.copytree(reports, root)
    return root, _snapshot(root / params.month)


def test_html_has_no_code_and_no_external_url(edition):
    html = (edition / "briefing.html").read_text(encoding="utf-8")
    assert "plt.subplots" not in html and "input_area" not in html and "In&nbsp;[" not in html
    assert not EXTERNAL_URL.search(html)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "kernel noise" not in html
    assert html.count('src="data:image/png;base64,') == 3
    assert "Exports after the controls" in html and "2154.5" in html


def test_pdf_has_pages_every_chart_and_text(edition):
    pdf = PdfReader(edition / "briefing.pdf")
    executed = read_notebook(edition / "briefing.ipynb")
    assert len(pdf.pages) >= 2
    assert _drawn_images(pdf) == count_png_outputs(executed) == 3
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Exports after the controls" in text
    assert f"page 2 of {len(pdf.pages)}" in text


def test_email_draft_has_inline_charts_and_the_pdf(edition, params):
    message = message_from_bytes((edition / "briefing.eml").read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert month_label(params.month) in message["Subject"] or params.month in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert message.get_body(("plain",)).get_content().strip()
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    images = {part["Content-ID"].strip("<>"): part for part in message.walk() if part.get_content_type() == "image/png"}
    assert referenced and referenced == set(images)
    assert "data:" not in html and not EXTERNAL_URL.search(html)
    attachments = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    assert attachments[0].get_content() == (edition / "briefing.pdf").read_bytes()
    executed = read_notebook(edition / "briefing.ipynb")
    assert [part.get_content() for part in images.values()] == [png for png, _ in email_charts(executed)]


def test_index_and_tables(reports, edition, params):
    assert (edition / "monthly.csv").exists() and (edition / "consistency.csv").exists()
    index = (reports / "index.html").read_text(encoding="utf-8")
    origin = json.loads((edition / "edition.json").read_text(encoding="utf-8"))["provenance"]
    assert origin["claims"] == 39 and origin["default_ledger"] and len(origin["ledger_sha256"]) == 64
    assert origin["as_of"] == "2025-08-31" and origin["code_version"]  # the end of the month after July
    assert "39 claims · data as of 2025-08-31" in index and "Another ledger" not in index
    assert f'href="{params.month}/briefing.pdf"' in index
    assert [record["month"] for record in read_edition_records(reports)] == [params.month]
    assert not [path for path in reports.iterdir() if path.name.startswith(".")]


def test_two_builds_give_identical_html(edition, params, ledger, chart_notebook, tmp_path):
    again = build_edition(params, ledger, reports_root=tmp_path, notebook=chart_notebook, say=lambda line: None)
    assert (again.folder / "briefing.html").read_bytes() == (edition / "briefing.html").read_bytes()


def test_broken_ledger_changes_nothing(earlier_edition, params, chart_notebook, tmp_path, capsys):
    root, before = earlier_edition
    broken = tmp_path / "broken-data"
    shutil.copytree(DATA, broken)
    claims = broken / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(",1238,", ",1,238,", 1), encoding="utf-8")
    code = cli.main(["report", "--data", str(broken), "--reports", str(root), "--notebook", str(chart_notebook)])
    assert code != 0
    assert "claims.csv:" in capsys.readouterr().err
    assert _snapshot(root / params.month) == before
    assert _kernels_left() == []
    assert sorted(path.name for path in root.iterdir()) == sorted([params.month, "index.html"])


def test_failing_notebook_keeps_the_earlier_edition(earlier_edition, params, failing_notebook, capsys):
    root, before = earlier_edition
    code = cli.main(["report", "--reports", str(root), "--notebook", str(failing_notebook)])
    assert code != 0
    err = capsys.readouterr().err
    assert "RuntimeError: deliberate failure for the test" in err
    assert _snapshot(root / params.month) == before
    kept = root / ".failed" / params.month / "briefing.ipynb"
    assert kept.exists() and str(Path(".failed") / params.month / "briefing.ipynb") in err
    assert not [path for path in root.iterdir() if path.name.startswith(".tmp-")]
    assert _kernels_left() == []


def test_rejected_month_changes_nothing(earlier_edition, params, chart_notebook, capsys):
    root, before = earlier_edition
    code = cli.main(["report", "--month", "2001-01", "--reports", str(root), "--notebook", str(chart_notebook)])
    assert code != 0
    assert "month: no data for 2001-01" in capsys.readouterr().err
    assert _snapshot(root / params.month) == before


def test_editions_report_a_rejected_month_and_build_the_rest(ledger, params, chart_notebook, tmp_path):
    outcomes = build_editions({}, ledger, months=["2001-01", params.month], reports_root=tmp_path,
                              notebook=chart_notebook, workers=2, say=lambda line: None)
    assert [(outcome.month, outcome.ok) for outcome in outcomes] == [("2001-01", False), (params.month, True)]
    assert "no data for 2001-01" in outcomes[0].message
    assert (tmp_path / params.month / "briefing.pdf").exists()
    assert f'href="{params.month}/briefing.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_real_notebook_builds(tmp_path, params, capsys):
    assert cli.main(["report", "--reports", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "==> Executing notebook" in out and "Traceback" not in out
    folder = tmp_path / params.month
    # every output, and nothing else (the reconstruction handed to the notebook is not part of it)
    assert sorted(path.name for path in folder.iterdir()) == sorted(OUTPUT_FILES)
    assert not EXTERNAL_URL.search((folder / "briefing.html").read_text(encoding="utf-8"))
    pdf = PdfReader(folder / "briefing.pdf")
    executed = read_notebook(folder / "briefing.ipynb")
    assert len(pdf.pages) >= 2 and count_png_outputs(executed) >= 5
    assert _drawn_images(pdf) == count_png_outputs(executed)
    # set in the fonts the project ships, whatever this machine has installed (no fallback font)
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1] for page in pdf.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.startswith(("/Briefing-", "Briefing-")) for name in fonts), fonts
    message = message_from_bytes((folder / "briefing.eml").read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    cids = {part["Content-ID"].strip("<>") for part in message.walk() if part.get_content_type() == "image/png"}
    assert set(re.findall(r'src="cid:([^"]+)"', html)) == cids and len(cids) == 2
    # the e-mail's charts are the phone-width copies, described by their own findings and units
    from PIL import Image
    widths = [Image.open(io.BytesIO(part.get_content())).width for part in message.walk()
              if part.get_content_type() == "image/png"]
    assert all(width <= 700 for width in widths)
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', html)
    assert len(alts) == 2 and all(alt.startswith("Chart: ") and len(alt) > 40 for alt in alts), alts
    assert "of baseline" in alts[0] and "magnet" in alts[0].lower()
    page_alts = re.findall(r'<img[^>]*\balt="([^"]*)"', (folder / "briefing.html").read_text(encoding="utf-8"))
    assert alts[0] in page_alts and all(alt.startswith("Chart: ") for alt in page_alts)


def test_leftovers_of_killed_runs_are_cleaned(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = int(finished.stdout)
    staging = tmp_path / f".tmp-2025-07-{dead}-0a1b"
    set_aside = tmp_path / f".old-2025-06-{dead}-0a1b"
    in_progress = tmp_path / f".tmp-2025-05-{__import__('os').getpid()}-0a1b"
    for folder in (staging, set_aside, in_progress):
        folder.mkdir()
    (set_aside / "briefing.html").write_text("June")
    clean_leftovers(tmp_path)
    assert not staging.exists() and in_progress.exists()
    assert (tmp_path / "2025-06" / "briefing.html").read_text() == "June"


def test_email_charts_prefer_tagged_cells():
    def chart_cell(png: bytes, tags=()):
        import base64
        output = nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()})
        return nbformat.v4.new_code_cell("", outputs=[output], metadata={"tags": list(tags)})

    cells = [chart_cell(b"one"), chart_cell(b"two", ["email-chart"]), chart_cell(b"three")]
    assert email_charts(nbformat.v4.new_notebook(cells=cells)) == [(b"two", "Chart 1")]
    untagged = [chart_cell(bytes([n])) for n in range(5)]
    assert [png for png, _ in email_charts(nbformat.v4.new_notebook(cells=untagged))] == [b"\x00", b"\x01", b"\x02"]


def test_email_subject_and_recipient():
    head = Masthead(title="China's rare-earth magnet exports: July 2025 briefing",
                    headline="Exports rose to 5,577 t", key_points=["One.", "Two."])
    noon = datetime.datetime(2025, 8, 31, 12, tzinfo=datetime.UTC)
    message = build_email(head, "2025-07", [(b"png", "A chart of July")], b"%PDF-1.7", to=("desk@example.org",),
                          sender="Desk <desk@example.org>", date=noon)
    assert message["From"] == "Desk <desk@example.org>" and message["Date"] == "Sun, 31 Aug 2025 12:00:00 +0000"
    assert 'alt="A chart of July"' in message.get_body(("html",)).get_content()
    assert message["To"] == "desk@example.org"
    assert message["Subject"] == "China's rare-earth magnet exports: July 2025 briefing — Exports rose to 5,577 t"
    assert email_subject(Masthead(title="Magnet briefing", headline="", key_points=[]), "2025-07") == \
        "Magnet briefing (July 2025)"


def test_an_early_kernel_keeps_no_history_and_leaves_no_client_behind(tmp_path):
    """The kernel `report` starts itself must behave like papermill's own: no IPython history file,
    and once stopped, no kernel client (heartbeat thread, sockets) left in this process."""
    import threading

    from magnet_briefing.publish.notebook import execute_notebook, start_kernel, stop_kernel
    cell = nbformat.v4
    source = tmp_path / "history.ipynb"
    nbformat.write(cell.new_notebook(
        cells=[cell.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
               cell.new_code_cell("print(get_ipython().history_manager.hist_file)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), str(source))
    counts = []
    for run in range(2):
        kernel = start_kernel(source)
        assert kernel is not None
        try:
            executed = execute_notebook(source, tmp_path / f"out{run}.ipynb", {"x": 2}, kernel=kernel)
        finally:
            stop_kernel(kernel)
        assert executed.cells[-1].outputs[0]["text"].strip() == ":memory:"
        counts.append((threading.active_count(), psutil.Process().num_fds()))
    assert counts[1] == counts[0]
    assert _kernels_left() == []


def test_pdf_leaves_no_font_folder_behind(tmp_path, monkeypatch):
    # WeasyPrint copies the @font-face files into a temporary folder for every document
    import tempfile

    from magnet_briefing.publish import pdf as pdf_stage

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    pdf_stage.write_pdf("<h1>Exports</h1><p>1,234 t</p>", tmp_path / "one.pdf", tmp_path)
    pdf_stage.warm_up(STYLESHEET)
    assert PdfReader(tmp_path / "one.pdf").pages[0].extract_text().startswith("Exports")
    assert list(scratch.iterdir()) == []


def test_the_email_says_what_changed_and_what_the_mark_means():
    head = Masthead(title="Briefing: July 2025", headline="≈5,577 t shipped", key_points=["One <b>."],
                    changes="Revised since the June 2025 edition: June 2025 ≈3,100 t → 3,188 t (+2.8%).",
                    as_of="data as of 31 August 2025")
    message = build_email(head, "2025-07", [], b"%PDF-1.7")
    kicker = message.get_body(("html",)).get_content().split("</p>")[0]
    assert kicker.endswith("July 2025 &middot; data as of 31 August 2025") and "&amp;" not in kicker
    for body in (message.get_body(("html",)).get_content(), message.get_body(("plain",)).get_content()):
        assert "June 2025 ≈3,100 t → 3,188 t" in body
        assert "Figures marked ≈ are reconstructed" in body
    assert "One &lt;b&gt;." in message.get_body(("html",)).get_content()
    quiet = build_email(Masthead(title="Briefing", headline="", key_points=[]), "2025-07", [], b"%PDF-1.7")
    assert "What changed" not in quiet.get_body(("plain",)).get_content()
