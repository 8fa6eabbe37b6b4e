"""The one SVG renderer of bar charts (web/charts/bars.py): bars by theme, actor and instrument,
columns by year, bars of several series, and the balance between what the EU and the partner want."""

from decimal import Decimal
from itertools import pairwise

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.core.charts import SERIES_COLOURS, SHARE_COLOURS, Bar, BarChart, Layout, Share, ShareBar
from partnerhub.web.charts.bars import (
    BAR_CHART_WIDTH,
    BAR_LEFT,
    BAR_VALUE_SPACE,
    COLUMN_MIN_SLOT,
    COLUMN_PLOT_HEIGHT,
    LABEL_CHARACTERS,
    SHARE_WIDTH,
    bar_chart,
    share_bar,
    whole_percentages,
)

SVG = "{http://www.w3.org/2000/svg}"
LONGEST_BAR = BAR_CHART_WIDTH - BAR_LEFT - BAR_VALUE_SPACE

THEMES = (
    Bar("Return and readmission", Decimal("12400000"), link="/engagements/?country=MAR&theme=RETURN"),
    Bar("Legal pathways", Decimal("3100000"), link="/engagements/?country=MAR&theme=LEGAL"),
    Bar("Border management", Decimal("6200000"), note="+ undisclosed"),
)


def parsed(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def rect_widths(svg: str) -> list[float]:
    return [float(rect.get("width")) for rect in parsed(svg).iter(f"{SVG}rect")]


def themes_chart(bars=THEMES) -> str:
    return bar_chart(BarChart("Team Europe money by theme", "EUR, commitments", tuple(bars)))


def years_chart(bars) -> str:
    return bar_chart(BarChart("By year", "EUR", tuple(bars), Layout.COLUMNS))


# -- bars --------------------------------------------------------------------------


def test_bars_are_proportional_to_the_amounts_and_the_largest_takes_the_whole_length():
    assert rect_widths(themes_chart()) == [LONGEST_BAR, LONGEST_BAR / 4, LONGEST_BAR / 2]


def test_each_bar_ends_with_its_amount_in_compact_euros_and_its_note():
    texts = ["".join(text.itertext()) for text in parsed(themes_chart()).iter(f"{SVG}text")]
    assert "€12.4 m" in texts and "€3.1 m" in texts and "€6.2 m + undisclosed" in texts


def test_desk_officer_follows_a_bar_to_the_engagements_behind_it():
    root = parsed(themes_chart())
    links = {a.get("href"): a.findtext(f"{SVG}title") for a in root.iter(f"{SVG}a")}
    assert links == {
        "/engagements/?country=MAR&theme=RETURN": "Return and readmission: €12.4 m",
        "/engagements/?country=MAR&theme=LEGAL": "Legal pathways: €3.1 m",
    }
    unlinked = [g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g")]
    assert unlinked == ["Border management: €6.2 m (+ undisclosed)"]


def test_a_long_label_is_cut_with_an_ellipsis_and_kept_whole_in_the_title():
    label = "Support to the national strategy on migration and asylum, second phase, with municipalities"
    root = parsed(themes_chart([Bar(label, 1_000_000)]))
    shown = [text.text for text in root.iter(f"{SVG}text") if text.text and text.text.startswith("Support")]
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) <= LABEL_CHARACTERS
    assert root.find(f".//{SVG}title").text == f"{label}: €1 m"


def test_labels_links_and_titles_are_escaped():
    bars = (Bar('<script>alert("x")</script>', 5, link='/e/?q="><script>', note="<i>n</i>"),)
    svg = bar_chart(BarChart("<b>T</b>", "EUR & co", bars))
    assert "<script" not in svg and "<i>" not in svg and "<b>" not in svg
    root = parsed(svg)
    assert next(root.iter(f"{SVG}a")).get("href") == '/e/?q="><script>'
    assert root.get("aria-label").startswith("<b>T</b> (EUR & co)")


def test_zero_negative_and_unknown_amounts_draw_no_bar_and_no_error():
    bars = [Bar("A", 0), Bar("B", Decimal("-5")), Bar("C", None), Bar("D", 10)]
    assert rect_widths(themes_chart(bars)) == [0, 0, 0, LONGEST_BAR]
    assert rect_widths(themes_chart([Bar("A", 0), Bar("B", 0)])) == [0, 0]


def test_huge_amounts_keep_their_proportions():
    bars = [Bar("A", Decimal("4e15")), Bar("B", Decimal("1e15")), Bar("C", 1)]
    widths = rect_widths(themes_chart(bars))
    assert widths[:2] == [LONGEST_BAR, LONGEST_BAR / 4] and 0 <= widths[2] < 0.1
    assert "€4,000,000 bn" in themes_chart(bars)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(BarChart("T", "EUR", ())),
        lambda: bar_chart(BarChart("T", "EUR", (), Layout.COLUMNS)),
        lambda: share_bar(ShareBar("T", ())),
        lambda: share_bar(ShareBar("T", (Share("EU", 0, "eu"), Share("Partner", 0, "partner")))),
    ],
)
def test_an_empty_chart_says_there_is_nothing_to_chart(chart):
    assert chart() == '<p class="ph-chart-empty">Nothing to chart.</p>'


def test_a_chart_is_one_responsive_accessible_image():
    root = parsed(themes_chart())
    assert root.get("role") == "img" and root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.get("aria-label") == (
        "Team Europe money by theme (EUR, commitments): 3 values, the largest Return and readmission at €12.4 m."
    )
    assert all(a.get("tabindex") == "-1" for a in root.iter(f"{SVG}a"))
    assert root.get("font-family") is None  # the page's font


def test_a_french_reader_gets_french_numbers_in_the_chart():
    with translation.override("fr"):
        svg = themes_chart()
    assert "12,4" in svg
    parsed(svg)


def test_charts_are_drawn_from_their_descriptions_by_the_template_tags():
    template = Template("{% load charts %}{% bar_chart themes %}{% bar_chart years %}{% share_bar balance %}")
    rendered = template.render(
        Context(
            {
                "themes": BarChart("By theme", "EUR", THEMES),
                "years": BarChart("By year", "EUR", YEARS, Layout.COLUMNS),
                "balance": ShareBar("Balance", (Share("Shared", 100, "shared"),)),
            }
        )
    )
    assert rendered.count("<svg") == 3 and "&lt;svg" not in rendered
    assert 'class="ph-chart ph-chart--bars"' in rendered and 'class="ph-chart ph-chart--columns"' in rendered


def test_a_script_in_a_label_reaches_the_page_escaped_through_the_tag():
    chart = BarChart("By theme", "EUR", (Bar("<script>alert(1)</script>", 5, link="/engagements/?theme=X&y=1"),))
    rendered = Template("{% load charts %}{% bar_chart chart %}").render(Context({"chart": chart}))
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert 'href="/engagements/?theme=X&amp;y=1"' in rendered


# -- several series ------------------------------------------------------------------

ACTORS = BarChart(
    "Money by actor",
    "EUR",
    (
        Bar("European Union", 8_000_000, series="Reported"),
        Bar("European Union", 6_000_000, series="Counted once"),
        Bar("Germany", 4_000_000, series="Reported"),
        Bar("Germany", 2_000_000, series="Counted once"),
    ),
)


def test_bars_of_several_series_sit_under_their_label_coloured_by_series_with_a_legend():
    root = parsed(bar_chart(ACTORS))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "18"]
    assert [float(rect.get("width")) for rect in bars] == [
        LONGEST_BAR,
        LONGEST_BAR * 3 / 4,
        LONGEST_BAR / 2,
        LONGEST_BAR / 4,
    ]
    assert [rect.get("fill") for rect in bars] == [*SERIES_COLOURS[:2], *SERIES_COLOURS[:2]]
    labels = [text.text for text in root.iter(f"{SVG}text") if text.get("text-anchor") == "end"]
    assert labels == ["European Union", None, "Germany", None]
    assert [text.text for text in root.iter(f"{SVG}text")][-2:] == ["Reported", "Counted once"]
    titles = [g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g")]
    assert titles[:2] == ["European Union (Reported): €8 m", "European Union (Counted once): €6 m"]


def test_columns_compare_no_series():
    with pytest.raises(ValueError, match="columns show one series"):
        BarChart("By year", "EUR", ACTORS.bars, Layout.COLUMNS)


# -- columns by year ---------------------------------------------------------------

YEARS = tuple(
    Bar(str(year), amount, link=f"/engagements/?year={year}")
    for year, amount in [(2022, 2_000_000), (2023, 8_000_000), (2024, 0), (2025, 4_000_000)]
)


def test_columns_keep_the_order_of_the_years_and_their_heights_are_proportional():
    root = parsed(years_chart(YEARS))
    heights = [float(rect.get("height")) for rect in root.iter(f"{SVG}rect")]
    assert heights == [COLUMN_PLOT_HEIGHT / 4, COLUMN_PLOT_HEIGHT, 0, COLUMN_PLOT_HEIGHT / 2]
    years = [text.text for text in root.iter(f"{SVG}text") if text.text and text.text.isdigit()]
    assert years == ["2022", "2023", "2024", "2025"]
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [bar.link for bar in YEARS]


def test_columns_stand_on_one_baseline():
    root = parsed(years_chart(YEARS))
    bottoms = {float(rect.get("y")) + float(rect.get("height")) for rect in root.iter(f"{SVG}rect")}
    assert len(bottoms) == 1


def test_many_years_widen_the_chart_instead_of_overlapping_labels():
    many = [Bar(str(year), 1_000_000) for year in range(2000, 2031)]
    root = parsed(years_chart(many))
    xs = [float(rect.get("x")) for rect in root.iter(f"{SVG}rect")]
    assert min(b - a for a, b in pairwise(xs)) == pytest.approx(COLUMN_MIN_SLOT, abs=0.1)


# -- the balance -------------------------------------------------------------------

BALANCE = (
    Share("Mainly the EU", Decimal("45.5"), "eu"),
    Share("Shared", Decimal("20"), "shared"),
    Share("Mainly the partner country", Decimal("34.5"), "partner"),
)


def test_the_balance_bar_splits_its_width_by_share():
    root = parsed(share_bar(ShareBar("Whose interests the portfolio serves", BALANCE)))
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "32"]
    assert [float(rect.get("width")) for rect in segments] == pytest.approx(
        [SHARE_WIDTH * 0.455, SHARE_WIDTH * 0.2, SHARE_WIDTH * 0.345], abs=0.1
    )
    assert [rect.get("fill") for rect in segments] == [SHARE_COLOURS[key][0] for key in ("eu", "shared", "partner")]


def test_the_balance_shows_percentages_that_add_up_to_100():
    root = parsed(share_bar(ShareBar("Balance", BALANCE)))
    assert root.get("aria-label") == "Balance: Mainly the EU: 46 %; Shared: 20 %; Mainly the partner country: 34 %"


def test_a_tiny_share_reads_as_under_one_percent_not_as_none():
    svg = share_bar(
        ShareBar("Balance", (Share("Mainly the EU", Decimal("99.6"), "eu"), Share("Shared", Decimal("0.4"), "shared")))
    )
    assert "Shared: &lt; 1 %" in svg


def test_an_unknown_share_key_is_a_programming_error_named_clearly():
    with pytest.raises(ValueError, match="unknown share key 'green'"):
        share_bar(ShareBar("Balance", (Share("Other", 100, "green"),)))


@given(
    st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=8).filter(
        lambda shares: sum(shares) > 0
    )
)
def test_whole_percentages_always_add_up_to_100_and_stay_within_one_point(shares):
    wholes = whole_percentages(shares)
    assert sum(wholes) == 100
    total = sum(shares)
    assert all(abs(whole - share / total * 100) < 1 for whole, share in zip(wholes, shares, strict=True))
