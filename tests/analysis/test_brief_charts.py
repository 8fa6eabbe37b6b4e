"""The brief draws the same chart descriptions as the pages, as PNG for DOCX and PDF."""

from decimal import Decimal
from io import BytesIO

from matplotlib.image import imread

from partnerhub.analysis.brief.charts import bar_chart_png, share_bar_png
from partnerhub.core.charts import Bar, BarChart, Layout, Share, ShareBar

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PILLARS = BarChart("Team Europe money by pillar", "EUR", (Bar("Return", Decimal("12400000")), Bar("Legal", 0)))


def height_of(png: bytes) -> int:
    return imread(BytesIO(png), format="png").shape[0]


def test_bars_columns_and_shares_are_drawn_as_png():
    years = BarChart("By year", "EUR", (Bar("2023", 1_000_000), Bar("2024", None)), Layout.COLUMNS)
    balance = ShareBar(
        "Balance",
        (
            Share("Mainly the EU", Decimal("60"), "eu"),
            Share("Shared", None, "shared"),
            Share("Mainly the partner country", Decimal("40"), "partner"),
        ),
        threshold=Decimal("25"),
    )
    for png in (bar_chart_png(PILLARS), bar_chart_png(years), share_bar_png(balance)):
        assert png.startswith(PNG_SIGNATURE)


def test_a_chart_of_two_series_gives_each_label_two_bars_and_grows_with_them():
    compared = BarChart(
        "Money by actor",
        "EUR",
        tuple(
            Bar(bar.label, bar.value, series=series) for bar in PILLARS.bars for series in ("Reported", "Counted once")
        ),
    )
    assert compared.series == ("Reported", "Counted once")
    assert [label for label, _bars in compared.groups] == ["Return", "Legal"]
    assert height_of(bar_chart_png(compared)) > height_of(bar_chart_png(PILLARS))
