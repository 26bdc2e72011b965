"""Broken and hostile input, one row per finding of the hardening review, replayed as a user would:
each gets one clear line and a non-zero exit, with no traceback, no process left behind, and the
reports folder byte for byte as it was. Slow: each run of the command starts a kernel."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import psutil
import pytest

from magnet_briefing import cli
from magnet_briefing.config import PROJECT_ROOT, ParameterError, recipients
from magnet_briefing.publish import folders
from magnet_briefing.publish.index import write_edition_record, write_index
from magnet_briefing.publish.mail import build_email

pytestmark = pytest.mark.slow

DATA = PROJECT_ROOT / "data"
HEADER = "claim_id,series,period,measure,value,unit,qualifier,source_id\n"
SOURCES = "source_id,publisher,title,published,url\ns,Wire,Title,2025-06,\n"
GOOD = "g1,magnets/world,2025-05,level,1238,t,exact,s\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def our_processes() -> list[psutil.Process]:
    return psutil.Process().children(recursive=True)


@pytest.fixture()
def reports(tmp_path) -> Path:
    """A reports folder with an earlier edition and its index, which no failed run may touch."""
    root = tmp_path / "reports"
    edition = root / "2025-06"
    edition.mkdir(parents=True)
    (edition / "briefing.html").write_text("<p>the June edition</p>", encoding="utf-8")
    write_edition_record(edition, "2025-06", "June", "1 t shipped", {})
    write_index(root)
    return root


def ledger(folder: Path, claims: bytes | str, sources: bytes | str = SOURCES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (("claims.csv", claims), ("sources.csv", sources)):
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def chain_of_rates() -> str:
    rows = "c0,magnets/world,2010-01,level,1000,t,exact,s\n"
    rows += "".join(f"c{year},magnets/world,{year}-01,yoy_pct,999999,%,exact,s\n" for year in range(2011, 2026))
    return HEADER + rows


YAML_BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
             + "".join(f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
             + "series: [*i, *i, *i]\n")

# (finding, claims.csv (or claims.csv and sources.csv), params.yaml or None, extra command-line
#  arguments, fragment of the one line)
CASES = [
    ("1 script in a claim id", HEADER + "<svg onload=alert(document.domain)>,magnets/world,2025-05,level,1238,t,exact,s\n",
     None, [], "claim_id '<svg onload=alert(document.domain)>' is not an id"),
    ("1 script tag as a claim id", HEADER + "<script>,magnets/world,2025-05,level,1238,t,exact,s\n",
     None, [], "claim_id '<script>' is not an id"),
    ("1 markup in a source's web address",
     (HEADER + GOOD, 'source_id,publisher,title,published,url\ns,Wire,Title,2025-06,"https://x.org/""><script>"\n'),
     None, [], "url 'https://x.org/\"><script>' is not a web address"),
    ("1 markup as a series", HEADER + "g1,magnets/<b>,2025-05,level,1238,t,exact,s\n", None, [],
     "series 'magnets/<b>' is not <product>/<destination>"),
    ("2 a shell command as the month", HEADER + GOOD, None, ["--month", "2025-07; touch pwned"],
     "month: '2025-07; touch pwned' is not a month"),
    ("2 an option smuggled into the month", HEADER + GOOD, None, ["--month", "2025-07 --reports /elsewhere"],
     "is not a month YYYY-MM"),
    ("4 a claim dated 9999-12", HEADER + GOOD + "g2,magnets/world,9999-12,level,1238,t,exact,s\n", None, [],
     "period '9999-12': the year 9999 is outside"),
    ("4 a typo 2205-08 from a source of 2025-06", HEADER + GOOD + "g2,magnets/world,2205-08,level,5,t,exact,s\n",
     None, [], "the year 2205 is outside"),
    ("4 a month after its source was published", HEADER + GOOD + "g2,magnets/world,2025-09,level,5,t,exact,s\n",
     None, [], "starts in 2025-09, after its source was published (2025-06)"),
    ("5 a formula as a claim id", HEADER + "=1+1,magnets/world,2025-05,level,1238,t,exact,s\n", None, [],
     "claim_id '=1+1' is not an id"),
    ("5 a function as a claim id", HEADER + "@SUM(A1:A9),magnets/world,2025-05,level,1238,t,exact,s\n", None, [],
     "is not an id"),
    ("5 a command as a claim id", HEADER + "\"+cmd|'/C calc'!A0\",magnets/world,2025-05,level,1238,t,exact,s\n",
     None, [], "is not an id"),
    ("6 a file that is not UTF-8", (HEADER + GOOD + "g2,magnets/world,2025-04,level,2628,t,exact,s\n").encode()
     .replace(b"2628", b"26\xe928"), None, [], "claims.csv:3: byte 0xE9 is not UTF-8 text"),
    ("6 a UTF-16 file", (HEADER + GOOD).encode("utf-16"), None, [], "claims.csv:1: is UTF-16 text"),
    ("6 a field of 200,000 characters", HEADER + "g1,magnets/world,2025-05,level,1238,t,exact," + "s" * 200_000 + "\n",
     None, [], "cannot be read as CSV"),
    ("6 a field of 5,000 characters", HEADER + "g1,magnets/world,2025-05,level,1238,t,exact," + "s" * 5_000 + "\n",
     None, [], "source_id is 5,000 characters long"),
    ("6 1e309", HEADER + "g1,magnets/world,2025-05,level,1e309,t,exact,s\n", None, [],
     "value '1e309' is too large or too small to be a figure"),
    ("6 rates that chain to 1e60 t", chain_of_rates(), 'control_start: "2010-01"\nseries: magnets/world\nas_of: latest\n',
     [],
     "above 1,000,000,000 t"),
    ("6 series: 5", HEADER + GOOD, "series: 5\n", [], "series: expected a name"),
    ("6 data: a list", HEADER + GOOD, "data: [a, b]\n", [], "data: expected text"),
    ("6 control_start after the month", HEADER + GOOD, 'control_start: "2025-09"\n', [],
     "control_start: 2025-09 is after the edition month 2025-05"),
    ("6 email_to with a line break", HEADER + GOOD, 'email_to: "desk@example.org\\nBcc: spy@example.org"\n', [],
     "email_to: 'desk@example.org\\nBcc: spy@example.org' holds a control character"),
    ("6 a YAML bomb under a known key", HEADER + GOOD, YAML_BOMB, [], "YAML aliases (*name) are not allowed"),
    ("6 a reports folder that cannot be written",
     HEADER + GOOD + "g0,magnets/world,2025-01..2025-03,level,15000,t,exact,s\n", None,
     ["--reports", "/sys/magnet-reports"],
     "Operation not permitted"),
    ("review: a source dated in month 13, cited",
     (HEADER + GOOD, "source_id,publisher,title,published,url\ns,Wire,Title,2025-13,\n"), None, [],
     "published '2025-13' is not a real date (month 13)"),
    ("review: a source dated in the year 0",
     (HEADER + GOOD, "source_id,publisher,title,published,url\ns,Wire,Title,0000-06-01,\n"), None, [],
     "published '0000-06-01': the year 0 is outside"),
    ("review: 0e999", HEADER + "g1,magnets/world,2025-05,level,0e999,t,exact,s\n", None, [],
     "value '0e999' is too large or too small to be a figure"),
    ("review: a headline series with only hedged levels", HEADER + "g1,magnets/world,2025-05,level,1000,t,over,s\n",
     "series: magnets/world\n", [], "the claims pin no month of magnets/world"),
    ("review: a series listed twice", HEADER + GOOD, "series: [magnets/world, magnets/world]\n", [],
     "series: magnets/world listed more than once"),
    ("review: a sources file with a header only",
     (HEADER + GOOD, "source_id,publisher,title,published,url\n"), None, [], "source_id 's' is not in sources.csv"),
    ("review: a column twice in the header",
     ("claim_id,series,period,measure,value,unit,qualifier,source_id,value\n" + GOOD.strip() + ",5\n", SOURCES),
     None, [], "claims.csv:1: value appears more than once in the header"),
    ("review: email_to: 0", HEADER + GOOD, "email_to: 0\n", [], "email_to: expected addresses, not 0"),
    ("9 Arabic-Indic digits", HEADER + "g1,magnets/world,2025-05,level,١٢٣٨,t,exact,s\n", None, [],
     "value '١٢٣٨' is not a number"),
    ("9 an ANSI escape in a value", HEADER + "g1,magnets/world,2025-05,level,\x1b[31m1238,t,exact,s\n", None, [],
     "value has a control character (\\x1b) at character 1"),
    ("9 a record over several lines, at its first line", HEADER + GOOD
     + 'g2,magnets/world,2025-04,level,"26\n28",t,exact,s\n', None, [], "claims.csv:3: value has a control character"),
    ("9 a Bcc smuggled into email_to", HEADER + GOOD, 'email_to: "desk@example.org, Bcc: spy@example.org"\n', [],
     "email_to: 'Bcc: spy@example.org' is not an e-mail address"),
]


@pytest.mark.parametrize("finding,claims,params,arguments,fragment", CASES, ids=[case[0] for case in CASES])
def test_bad_input_gets_one_line_and_changes_nothing(tmp_path, capsys, reports, finding, claims, params,
                                                     arguments, fragment):
    claims, sources = claims if isinstance(claims, tuple) else (claims, SOURCES)
    data = ledger(tmp_path / "ledger", claims, sources)
    command = ["report", "--reports", str(reports)]
    if "data:" not in (params or ""):  # else the parameter file names the ledger
        command += ["--data", str(data)]
    if params is not None:
        (tmp_path / "params.yaml").write_text(params, encoding="utf-8")
        command += ["--params", str(tmp_path / "params.yaml")]
    before = snapshot(reports)
    started = time.perf_counter()
    code = cli.main(command + arguments)
    captured = capsys.readouterr()
    assert code != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], captured.err
    assert "Traceback" not in captured.err + captured.out and "\x1b" not in captured.err
    assert snapshot(reports) == before
    assert not our_processes()
    assert time.perf_counter() - started < 60  # no hang


def test_special_files_and_a_broken_edition_record_give_one_line(tmp_path, capsys, reports):
    """A device or a pipe where a file should be is refused, never read for ever; a broken edition.json
    of an earlier edition is skipped, not fatal for every later run."""
    data = ledger(tmp_path / "ledger", HEADER + GOOD)
    (data / "claims.csv").unlink()
    (data / "claims.csv").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "params.yaml")
    (reports / "2025-05").mkdir()
    (reports / "2025-05" / "edition.json").write_text("[]")
    before = snapshot(reports)
    for command, fragment in ((["--data", str(data)], "claims.csv:0: cannot be read (not a regular file)"),
                              (["--params", str(tmp_path / "params.yaml")], "params.yaml: cannot be read")):
        assert cli.main(["report", "--reports", str(reports)] + command) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and fragment in err[0], err
    assert snapshot(reports) == before and not our_processes()


def test_braces_in_a_folder_name_are_braces(tmp_path, capsys):
    """papermill formats the paths it is given with the parameters: '{month}' in a folder name stays."""
    root = tmp_path / "reports {month} {}"
    assert cli.main(["report", "--reports", str(root)]) == 0, capsys.readouterr().err
    assert (root / "2025-07" / "briefing.ipynb").exists()


def test_the_published_notebook_runs_again_on_its_own(tmp_path, capsys):
    """The build hands the notebook a file of its own, then deletes it: the published notebook must
    not point at it."""
    import nbformat
    import papermill
    assert cli.main(["report", "--reports", str(tmp_path / "reports")]) == 0, capsys.readouterr().err
    published = tmp_path / "reports" / "2025-07" / "briefing.ipynb"
    injected = [c for c in nbformat.read(str(published), as_version=4).cells
                if "injected-parameters" in c.metadata.get("tags", [])]
    assert "reconstruction = None" in injected[0].source
    rerun = papermill.execute_notebook(str(published), str(tmp_path / "again.ipynb"), kernel_name="python3",
                                       cwd=str(PROJECT_ROOT / "notebooks"), progress_bar=False)
    assert not [o for c in rerun.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_markup_and_math_in_every_free_text_field_stay_text(tmp_path, capsys):
    """Ids, series, periods and values are of fixed forms (the cases above); publishers and titles
    are free text: markup in them reaches the HTML, the e-mail and the index escaped, and a '$' in a
    chart's source line is a dollar sign, not math markup."""
    data = tmp_path / "ledger"
    shutil.copytree(DATA, data)
    sources = (data / "sources.csv").read_text(encoding="utf-8")
    sources = sources.replace("The Leaders Globe,China's Rare Earth Magnet Exports Rebound Sharply in July",
                              '"<script>alert(1)</script> $\\frac{1}{$ Globe","<svg onload=alert(document.domain)>"')
    (data / "sources.csv").write_text(sources, encoding="utf-8")
    root = tmp_path / "reports"
    assert cli.main(["report", "--data", str(data), "--reports", str(root)]) == 0, capsys.readouterr().err
    html = (root / "2025-07" / "briefing.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<svg" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;svg onload=alert(document.domain)&gt;" in html
    message = message_from_bytes((root / "2025-07" / "briefing.eml").read_bytes(), policy=policy.default)
    assert "<script" not in message.get_body(("html",)).get_content()
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index
    assert "Another ledger:" in index  # built from a copy, not the project's own ledger: the index says so


def test_csv_cells_that_look_like_formulas_are_text(tmp_path):
    import pandas as pd

    from magnet_briefing.engine.tables import write_csv
    frame = pd.DataFrame({"text": ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\tx", "plain"],
                          "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0]})
    write_csv(frame, tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.rsplit(",", 1)[0] for line in lines] == ["'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3",
                                                          "'\tx", "plain"]
    assert [line.rsplit(",", 1)[1] for line in lines][:3] == ["-1.5", "2.0", "-3.0"]  # numbers stay numbers


def test_email_to_is_a_list_of_addresses():
    assert recipients(["desk@example.org", "Chief Economist <chief@example.org>"]) == (
        "desk@example.org", "Chief Economist <chief@example.org>")
    assert recipients("a@example.org, b@example.org") == ("a@example.org", "b@example.org")
    from magnet_briefing.briefing.edition import Masthead
    message = build_email(Masthead("T", "H", []), "2025-07", [], b"%PDF", to=recipients(["a@x.org", "b@y.org"]))
    assert message["To"] == "a@x.org, b@y.org"
    for bad in ("not an address", "a@x.org; b@y.org", "undisclosed-recipients:;"):
        with pytest.raises(ParameterError):
            recipients(bad)


def test_a_concurrent_build_that_wins_the_rename_race_is_replaced_not_fatal(tmp_path, monkeypatch):
    """Another build of the month creates the edition between our check and our rename (ENOTEMPTY):
    ours replaces it, and nothing is left over."""
    final = tmp_path / "2025-07"
    staging = folders.make_staging_folder(tmp_path, "2025-07")
    (staging / "briefing.html").write_text("ours")
    real_exists = Path.exists
    raced = []

    def exists(path):
        if path == final and not raced:
            raced.append(True)
            final.mkdir()
            (final / "briefing.html").write_text("theirs")
            return False
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", exists)
    folders.move_into_place(staging, final)
    assert (final / "briefing.html").read_text() == "ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-07"]


KILL_BETWEEN_RENAMES = """
import errno, os, signal, sys
from pathlib import Path
from magnet_briefing.publish import folders

root = Path(sys.argv[1])
staging = folders.make_staging_folder(root, "2025-06")
(staging / "briefing.html").write_text("the new June edition")

def no_exchange(a, b):
    raise OSError(errno.ENOSYS, "no renameat2 here")

folders.exchange = no_exchange  # the two-rename swap, as on systems without renameat2
real_rename = Path.rename

def rename(self, target):
    moved = real_rename(self, target)
    if ".old-" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)  # between the two renames
    return moved

Path.rename = rename
folders.move_into_place(staging, root / "2025-06")
"""


def test_a_kill_between_the_two_renames_loses_no_edition(tmp_path, reports, capsys):
    before = snapshot(reports / "2025-06")
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(reports)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert not (reports / "2025-06").exists() and {p.name[:5] for p in reports.iterdir()} >= {".old-", ".tmp-"}
    # the next run fails (a broken ledger) but first puts the edition back and clears the leftovers
    broken = ledger(tmp_path / "broken", HEADER + "g1,magnets/world,2025-13,level,1,t,exact,s\n")
    assert cli.main(["report", "--data", str(broken), "--reports", str(reports)]) == 1
    assert "2025-13" in capsys.readouterr().err
    assert snapshot(reports / "2025-06") == before
    assert sorted(p.name for p in reports.iterdir()) == ["2025-06", "index.html"]
    assert 'href="2025-06/briefing.html"' in (reports / "index.html").read_text(encoding="utf-8")


def test_the_index_links_only_editions_that_exist(tmp_path, reports, capsys):
    shutil.rmtree(reports / "2025-06")  # removed by hand
    broken = ledger(tmp_path / "broken", HEADER + "g1,magnets/world,2025-13,level,1,t,exact,s\n")
    cli.main(["report", "--data", str(broken), "--reports", str(reports)])
    assert "2025-06" not in (reports / "index.html").read_text(encoding="utf-8")


def build_command(reports: Path) -> list[str]:
    return [sys.executable, "-m", "magnet_briefing", "report", "--reports", str(reports)]


def test_no_process_of_ours_outlives_a_killed_build(tmp_path):
    build = subprocess.Popen(build_command(tmp_path / "reports"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 60
    children = []
    while time.monotonic() < deadline and len(children) < 2:  # the kernel and the renderers' helper
        children = psutil.Process(build.pid).children(recursive=True)
        time.sleep(0.1)
    assert len(children) >= 2, "the build never started its kernel and helper"
    build.send_signal(signal.SIGKILL)  # as the out-of-memory killer would
    build.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [" ".join(p.cmdline()) for p in alive]
    build.communicate(timeout=10)  # the pipe closes: nothing of ours holds it open (TimeoutExpired if not)


def test_a_reader_that_goes_away_does_not_stop_the_build(tmp_path):
    """`make report | head -2`: the build carries on and publishes, quietly."""
    build = subprocess.Popen(build_command(tmp_path / "reports"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=PROJECT_ROOT)
    first_two = [build.stdout.readline() for _ in range(2)]
    build.stdout.close()
    assert build.wait(timeout=120) == 0, build.stderr.read().decode()
    assert first_two[0].startswith(b"==> Edition")
    assert json.loads((tmp_path / "reports" / "2025-07" / "edition.json").read_text())["month"] == "2025-07"


def test_make_passes_values_as_single_words(tmp_path):
    """The Makefile quotes MONTH, DATA and REPORTS: a ';' runs nothing, an option inside MONTH is not
    an option, and a folder name with a space works."""
    env = {**os.environ, "MAKEFLAGS": ""}
    marker = tmp_path / "pwned"
    for month in (f"2025-07; touch {marker}", f"$(shell touch {marker})", f"2025-07' ; touch {marker}; echo '"):
        run = subprocess.run(["make", "-s", "report", f"MONTH={month}", f"REPORTS={tmp_path / 'reports'}"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, env=env)
        assert run.returncode != 0 and not marker.exists()
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(f"error: month: '{month[:20]}")
        assert errors[0].endswith("is not a month YYYY-MM (latest month with data: 2025-07)")
    spaced = tmp_path / "a ledger"
    shutil.copytree(DATA, spaced)
    run = subprocess.run(["make", "-s", "report", f"DATA={spaced}", f"REPORTS={tmp_path / 'the reports'}"],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "the reports" / "2025-07" / "briefing.pdf").exists()


def test_make_takes_its_values_from_the_command_line_only_and_force_means_yes(tmp_path):
    """A DATA or MONTH left in the environment by something else must not change the edition built;
    FORCE=0 does not force, and a FORCE that means neither is one line."""
    def dry_run(*arguments, **environment):
        env = {**os.environ, "MAKEFLAGS": "", **environment}
        return subprocess.run(["make", "-n", *arguments, "STAMP=", "PY=echo"], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, env=env)

    from_environment = dry_run("report", "editions", DATA="/somewhere", MONTH="2024-01", FORCE="1")
    assert from_environment.returncode == 0
    assert "/somewhere" not in from_environment.stdout and "--force" not in from_environment.stdout
    assert "--month" not in from_environment.stdout
    assert "--force" not in dry_run("editions", "FORCE=0").stdout
    assert "--force" in dry_run("editions", "FORCE=1").stdout
    assert "--data '/x'" in dry_run("report", "DATA=/x").stdout
    refused = dry_run("editions", "FORCE=maybe")
    assert refused.returncode != 0 and "FORCE: use FORCE=1" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
