"""Tables as the briefing sets them: escaped, one header row, merged outer labels, and 'short'
(kept on one page) only when the table is short in rows and in text."""
import pandas as pd
from markupsafe import Markup

from magnet_briefing.briefing.html_table import SHORT_CHARACTERS, SHORT_ROWS, table_html


def test_text_is_escaped_but_links_made_by_the_briefing_are_kept():
    frame = pd.DataFrame({"Title": ["<script>alert(1)</script>"], "Claim": [Markup('<a href="#claim-c1">c1</a>')]},
                         index=pd.Index(["x & y"], name="Publisher"))
    html = table_html(frame)
    assert "<script>" not in html and "&lt;script&gt;" in html and "x &amp; y" in html
    assert '<a href="#claim-c1">c1</a>' in html
    assert html.split("</thead>")[0].count("<tr") == 1


def test_an_outer_label_is_on_every_row_so_a_page_break_cannot_lose_it():
    index = pd.MultiIndex.from_tuples([("Magnets", "May"), ("Magnets", "Jun"), ("Rare earths", "May")],
                                      names=["Series", "Month"])
    html = table_html(pd.DataFrame({"t": [1, 2, 3]}, index=index), row_ids=["r1", "r2", "r3"])
    assert "rowspan" not in html and html.count(">Magnets<") == 2
    assert '<th class="repeated">Magnets</th>' in html and '<th>Rare earths</th>' in html
    assert '<tr id="r2">' in html


def test_short_means_few_rows_and_little_text():
    few = pd.DataFrame({"Reason": ["brief"] * SHORT_ROWS})
    assert "short" in table_html(few)
    assert "short" not in table_html(pd.DataFrame({"Reason": ["brief"] * (SHORT_ROWS + 1)}))
    wordy = pd.DataFrame({"Reason": ["x" * (SHORT_CHARACTERS // 3 + 1)] * 3})
    assert "short" not in table_html(wordy)
