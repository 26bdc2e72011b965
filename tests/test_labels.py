"""Labels readers see: months, totals, series names and the mark of a reconstructed figure."""
from magnet_briefing.analysis.figures import Figure
from magnet_briefing.briefing.labels import series_label, series_name, table_month_label, tonnes


def test_appendix_month_labels_tell_a_total_from_a_run_of_months():
    assert table_month_label("2024-05", "2024-05") == "May 2024"
    assert table_month_label("2024-01", "2024-04") == "Jan–Apr 2024, each"
    assert table_month_label("2024-06", "2025-03") == "Jun 2024–Mar 2025, each"
    assert table_month_label("2025-01..2025-03", "2025-01..2025-03") == "Jan–Mar 2025 total"
    assert table_month_label("2024-11..2025-02", "2024-11..2025-02") == "Nov 2024–Feb 2025 total"


def test_series_labels_come_from_the_product_and_the_destination():
    assert series_label("magnets/world") == "Magnets, world"
    assert series_label("magnets/DE") == "Magnets to Germany"
    assert series_label("rare_earths/world") == "Rare earths (17 types), world"
    assert series_name("magnets/US") == "magnet exports to the US"
    assert series_name("rare_earths/world") == "rare-earth exports (17 types)"
    assert series_label("magnets/BR") == "Magnets to BR"  # a destination without a name keeps its code


def test_only_reported_figures_go_unmarked():
    assert tonnes(Figure(5577.0, 5576.5, 5577.5, "reported")) == "5,577 t"
    assert tonnes(Figure(2450.4, 2440.0, 2460.0, "derived")) == "≈2,450 t"


def test_a_claim_in_words_keeps_the_digits_its_source_gave():
    from types import SimpleNamespace as Claim

    from magnet_briefing.briefing.labels import claim_statement
    assert claim_statement(Claim(measure="level", value_text="24827.0", unit="t", qualifier="exact")) == "24,827.0 t"
    assert claim_statement(Claim(measure="level", value_text="1.2e6", unit="kg", qualifier="exact")) == "1.2 million kg"
    assert claim_statement(Claim(measure="yoy_pct", value_text="-14.5", unit="%", qualifier="about")) == \
        "about −14.5% on a year earlier"
    assert claim_statement(Claim(measure="mom_ratio", value_text="3", unit="x", qualifier="nearly")) == \
        "nearly 3 times the month before"
    assert claim_statement(Claim(measure="lowest_since", value_text="2020-02", unit="month", qualifier="exact")) == \
        "the lowest since February 2020"


def test_the_console_lists_set_aside_and_disputed_claims_cut_to_the_width(capsys, monkeypatch):
    import os
    from pathlib import Path

    import pandas as pd

    from magnet_briefing import cli
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=None: os.terminal_size((60, 20)))
    consistency = pd.DataFrame({"claim_id": ["a", "b", "c", "d"],
                                "status": ["consistent", "inconsistent", "disputed", "spread"],
                                "residual": [0.0, 5.0, 1.0, 0.1],
                                "reason": ["", "x" * 200, "it and a cannot both hold", "within 0.25%"]})
    cli.report_claims(consistency, Path("consistency.csv"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Claims not taken as stated")
    assert lines[1].startswith("    b set aside: xxx") and len(lines[1]) <= 59
    assert lines[2] == "    c disputed: it and a cannot both hold"
    assert lines[3] == "    1 claim kept within the allowance for revisions and rounding"


def test_the_gap_to_baseline_says_below_or_above_never_a_negative_shortfall():
    from magnet_briefing.briefing.labels import baseline_gap

    assert baseline_gap(5875.2, 5864.0, 5889.4) == "≈5,875 t below baseline (5,864–5,889 t)"
    assert baseline_gap(-5875.2, -5889.4, -5864.0) == "≈5,875 t above baseline (5,864–5,889 t)"
    assert baseline_gap(-120.0, -120.2, -119.8) == "≈120 t above baseline (120 t)"
    assert baseline_gap(40.0, -300.0, 900.0) == "between 300 t above and 900 t below baseline"
