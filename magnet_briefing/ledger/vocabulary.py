"""What a ledger row may say: its columns, products, measures, units and qualifiers (data/README.md)."""
from __future__ import annotations

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # claim and source ids: they are cited in reports and file names
CLAIM_COLUMNS = ["claim_id", "series", "period", "measure", "value", "unit", "qualifier", "source_id"]
SOURCE_COLUMNS = ["source_id", "publisher", "title", "published", "url"]

PRODUCTS = ("magnets", "rare_earths")
LEVEL_MEASURES = ("level",)
CHANGE_MEASURES = ("mom_pct", "yoy_pct")
RATIO_MEASURES = ("mom_ratio",)
RANK_MEASURES = ("highest_since", "lowest_since")
MEASURES = LEVEL_MEASURES + CHANGE_MEASURES + RATIO_MEASURES + RANK_MEASURES
SINGLE_MONTH_MEASURES = ("mom_pct", "mom_ratio")
LAGS = {"mom_pct": 1, "mom_ratio": 1, "yoy_pct": 12}  # months a growth figure reaches back
QUALIFIERS = ("exact", "about", "nearly", "over", "under")
CENTRAL_QUALIFIERS = ("exact", "about")  # the words that name a central value
UNITS = ("t", "kg", "%", "x", "month")
UNITS_FOR_MEASURE = {
    "level": ("t", "kg"),
    "mom_pct": ("%",),
    "yoy_pct": ("%",),
    "mom_ratio": ("x",),
    "highest_since": ("month",),
    "lowest_since": ("month",),
}
