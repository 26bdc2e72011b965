"""The briefing notebook, run by papermill as `make report` runs it, and the numbers it quotes (slow:
each run starts a kernel)."""
import json
from pathlib import Path

import papermill
import pytest

from magnet_briefing import cli
from magnet_briefing.engine import reconstruct
from magnet_briefing.engine.saved import write_reconstruction
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "briefing.ipynb"
SERIES = ["magnets/world", "magnets/US", "magnets/DE", "rare_earths/world"]

pytestmark = pytest.mark.slow


def run_notebook(tmp_path, **parameters):
    output = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(output), parameters=parameters, kernel_name="python3",
                               cwd=str(NOTEBOOK.parent), progress_bar=False)
    return json.loads(output.read_text())


def outputs_after(notebook, source_fragment):
    """The outputs of the code cell whose source contains the fragment."""
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and source_fragment in "".join(c["source"]))
    return cell["outputs"]


def text_of(outputs) -> str:
    parts = []
    for output in outputs:
        data = output.get("data", {})
        parts.append("".join(data.get("text/html", "")) + "".join(data.get("text/markdown", "")))
    return "\n".join(parts)


def images_in(outputs, email_only: bool = False) -> int:
    """Charts for the pages (or, email_only, the phone-width copies drawn for the e-mail)."""
    return sum("image/png" in output.get("data", {}) and bool(output.get("metadata", {}).get("email_only")) == email_only
               for output in outputs)


@pytest.fixture(scope="module")
def july(tmp_path_factory):
    return run_notebook(tmp_path_factory.mktemp("july"), month="2025-07", data=str(ROOT / "data"), series=SERIES)


@pytest.fixture(scope="module")
def shipped():
    return reconstruct(load_ledger(ROOT / "data").claims)


def estimate(result, series, month):
    table = result.monthly
    return float(table[(table["series"] == series) & (table["month"] == month)]["estimate"].iloc[0])


def test_summary_quotes_the_reconstructed_numbers(july, shipped):
    summary = text_of(outputs_after(july, "show_summary"))
    july_level = estimate(shipped, "magnets/world", "2025-07")
    q1_mean = estimate(shipped, "magnets/world", "2025-01..2025-03") / 3
    july_2024 = estimate(shipped, "magnets/world", "2024-07")
    assert f"{july_level:,.0f} t" in summary
    assert f"{july_level / q1_mean * 100:.0f}% of the Jan–Mar 2025 monthly average" in summary
    # a change a source states is quoted as it said it (c11: "about 5.7%"), the month-on-month one too (c09)
    assert f"about 5.7% above July 2024 (≈{july_2024:,.0f} t)" in summary
    assert f"July magnet exports were {july_level:,.0f} t, nearly +75% on June" in summary
    may = estimate(shipped, "magnets/world", "2025-05")
    assert f"The low point was May 2025 at {may:,.0f} t" in summary
    # June is below the Jan–Mar average and July above it: the first month back above 100%, in words
    assert "back above 100% of baseline in July 2025." in summary
    us_july, us_july_2024 = estimate(shipped, "magnets/US", "2025-07"), estimate(shipped, "magnets/US", "2024-07")
    assert f"the US {us_july:,.0f} t (nearly +5% on July 2024, ≈{us_july_2024:,.0f} t)" in summary  # c16
    assert us_july / us_july_2024 - 1 == pytest.approx(0.045, abs=0.005)  # which the figures bear out
    assert summary.count("<li>") in range(3, 6)
    assert "[c08" in summary or "c08" in summary  # key points cite their claims


def test_every_section_has_its_output(july):
    assert images_in(outputs_after(july, "show_recovery_curve")) == 1
    assert images_in(outputs_after(july, "show_monthly_tonnage")) == 1
    # the two e-mail charts are drawn again at a phone's width, for the e-mail alone
    assert images_in(outputs_after(july, "show_recovery_curve"), email_only=True) == 1
    assert images_in(outputs_after(july, "show_monthly_tonnage"), email_only=True) == 1
    assert images_in(outputs_after(july, "show_destinations"), email_only=True) == 0
    assert images_in(outputs_after(july, "show_destinations")) == 1
    metrics = text_of(outputs_after(july, "show_recovery_metrics"))
    assert "Trough" in metrics and "May 2025" in metrics and "Regained 100% of baseline" in metrics
    ytd = outputs_after(july, "show_year_to_date")
    assert images_in(ytd) == 1 and "July" in text_of(ytd)
    assert images_in(outputs_after(july, "show_magnets_vs_rare_earths")) == 1
    appendix = text_of(outputs_after(july, "show_data_quality"))
    assert "Reconstructed months" in appendix and "Claims not taken as stated" in appendix
    assert "The Leaders Globe" in appendix and "TrendForce News" in appendix
    assert "Jan–Mar 2025 total" in appendix  # the Q1 total, shown as a total
    assert "Jan–Apr 2024, each" in appendix  # four months with the same bounds, one line
    assert "May 2025" in appendix
    errors = [o for c in july["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    streams = [o for c in july["cells"] for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not errors and not streams


def test_reconstructed_months_are_never_shown_as_reported(july, shipped):
    appendix = text_of(outputs_after(july, "show_data_quality"))
    april = estimate(shipped, "magnets/world", "2025-04")
    assert f"≈{april:,.0f}" in appendix
    table = shipped.monthly
    bounded = table[(table["basis"] == "bounded") & (table["series"] == "magnets/world")]
    assert bounded["estimate"].isna().all()


def test_synthetic_ledger_in_a_tmp_folder(tmp_path):
    data = tmp_path / "ledger"
    data.mkdir()
    (data / "sources.csv").write_text("source_id,publisher,title,published,url\nsyn,Synthetic Wire,Test,2025-07,\n")
    (data / "claims.csv").write_text(
        "claim_id,series,period,measure,value,unit,qualifier,source_id\n"
        "s1,magnets/world,2025-01..2025-03,level,15012,t,exact,syn\n"
        "s2,magnets/world,2025-04,level,2500,t,exact,syn\n"
        "s3,magnets/world,2025-05,level,1250,t,exact,syn\n"
        "s4,magnets/world,2025-06,mom_pct,96,%,exact,syn\n")
    notebook = run_notebook(tmp_path, month="2025-06", data=str(data), series=["magnets/world"])
    summary = text_of(outputs_after(notebook, "show_summary"))
    # June is derived from May's level and growth: 1,250 t x 1.96, against a 5,004 t monthly baseline
    assert "≈2,450 t" in summary and "49% of the Jan–Mar 2025 monthly average" in summary
    assert images_in(outputs_after(notebook, "show_recovery_curve")) == 1
    assert "Synthetic Wire" in text_of(outputs_after(notebook, "show_data_quality"))


def test_month_without_data_stops_with_one_clear_message(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run_notebook(tmp_path, month="2025-09", data=str(ROOT / "data"))
    assert raised.value.ename == "ParameterError"
    assert "no data for 2025-09" in raised.value.evalue and "2025-07" in raised.value.evalue


@pytest.mark.parametrize("month,fragment", [("2025-09", "no data for 2025-09"),
                                            ("2025-02", "do not pin magnets/world in 2025-02"),
                                            ("2019-01", "no data for 2019-01")])
def test_cli_refuses_a_month_without_data_before_building(tmp_path, capsys, month, fragment):
    params = tmp_path / "params.yaml"
    params.write_text('control_start: "2025-01"\nas_of: latest\n')  # February 2025 is after the controls
    code = cli.main(["report", "--month", month, "--params", str(params), "--reports", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 1 and fragment in err and "2025-07" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "reports" / month).exists()


def test_unknown_parameter_is_an_error(tmp_path, capsys):
    params = tmp_path / "params.yaml"
    params.write_text('month: "2025-07"\nbasline: same_month_prior_year\n')
    code = cli.main(["report", "--params", str(params), "--reports", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 1 and "unknown parameter 'basline'" in err and "baseline" in err


def test_the_notebook_shows_the_reconstruction_it_is_handed(tmp_path):
    """`make report` reconstructs once and hands the result over: the notebook must show that file's
    numbers, not reconstruct the ledger again."""
    ledger = load_ledger(ROOT / "data")
    result = reconstruct(ledger.claims)
    monthly = result.monthly
    july = monthly.index[(monthly["series"] == "magnets/world") & (monthly["month"] == "2025-07")][0]
    monthly.loc[july, ["estimate", "low", "high"]] = [9999.0, 9998.5, 9999.5]  # only the handed-over file says so
    saved = write_reconstruction(result, ledger.claims, tmp_path / "reconstruction.pickle")
    notebook = run_notebook(tmp_path, month="2025-07", data=str(ROOT / "data"), reconstruction=str(saved))
    summary = text_of(outputs_after(notebook, "show_summary"))
    assert "9,999 t" in summary and "5,577 t" not in summary


def test_every_table_has_one_header_row_and_every_cited_claim_links_to_its_row(july):
    import re
    html = "".join(text_of(c.get("outputs", [])) for c in july["cells"] if c["cell_type"] == "code")
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) >= 5
    assert all(table.split("</thead>")[0].count("<tr") == 1 for table in tables)
    rows = set(re.findall(r'<tr id="(claim-[^"]+)"', html))
    assert len(rows) == 39  # every claim of the series shown has its row
    links = set(re.findall(r'<a class="claim-id" href="#(claim-[^"]+)"', html))
    assert links and links <= rows
    summary = text_of(outputs_after(july, "show_summary"))
    assert '<a class="claim-id" href="#claim-c08">c08</a>' in summary
    assert "nearly +75% on the month before" in html  # c09, in words


def test_a_misspelt_papermill_parameter_stops_the_first_cell_with_one_line(tmp_path):
    """papermill only warns about a parameter the notebook does not define: the notebook refuses it,
    and says so in one line, not a traceback."""
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run_notebook(tmp_path, basline="same_month_prior_year")
    assert raised.value.ename == "ParameterError" and "unknown parameter 'basline'" in raised.value.evalue
    executed = json.loads((tmp_path / "executed.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1 and len(errors[0]["traceback"]) == 1


def test_one_series_as_a_papermill_string_works(tmp_path):
    notebook = run_notebook(tmp_path, series="magnets/world")  # what `papermill -p series magnets/world` passes
    assert images_in(outputs_after(notebook, "show_recovery_curve")) == 1
