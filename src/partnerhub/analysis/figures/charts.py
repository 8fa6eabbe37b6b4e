"""The charts of a country profile, described once for the page and the brief.

The page draws these descriptions as SVG (``{% load charts %}``), the brief as
PNG (``analysis.brief.charts``); both show the same bars with the same labels.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from partnerhub.analysis.figures.profile import CountryProfile, Row
from partnerhub.core.charts import Bar, BarChart, Layout, Share, ShareBar


def bar_chart(rows: Iterable[Row], *, title: str, unit: str, layout: Layout = Layout.BARS) -> BarChart:
    """One bar per row of a breakdown, linked to the engagements behind it."""
    return BarChart(title, unit, tuple(Bar(row.label, row.amount, link=row.href or None) for row in rows), layout)


def counted_once_unit(profile: CountryProfile) -> str:
    return _("EUR, %(kind)s, each euro counted once") % {"kind": profile.kind_label.lower()}


def pillar_chart(profile: CountryProfile) -> BarChart:
    pillars = [row for row in profile.by_theme if row.level == 0]
    return bar_chart(pillars, title=_("Team Europe money by pillar"), unit=counted_once_unit(profile))


def team_europe_actor_chart(profile: CountryProfile) -> BarChart:
    actors = [row for row in profile.by_actor if row.is_team_europe]
    return bar_chart(actors, title=_("Team Europe money by actor"), unit=counted_once_unit(profile))


def instrument_chart(profile: CountryProfile) -> BarChart:
    return bar_chart(profile.by_instrument, title=_("Team Europe money by instrument"), unit=counted_once_unit(profile))


def year_chart(profile: CountryProfile) -> BarChart:
    return bar_chart(
        profile.by_year, title=_("Team Europe money by year"), unit=counted_once_unit(profile), layout=Layout.COLUMNS
    )


def reported_and_counted_chart(profile: CountryProfile) -> BarChart:
    """Every actor twice: what it reported, then what counts once after netting."""
    reported, counted = _("Reported"), _("Counted once")
    bars = [
        bar
        for row in profile.by_actor
        for bar in (Bar(row.label, row.reported, series=reported), Bar(row.label, row.amount, series=counted))
    ]
    return BarChart(_("Money by actor, as reported and counted once"), _("EUR"), tuple(bars))


def balance_chart(profile: CountryProfile) -> ShareBar | None:
    """The shares of the balance on its basis (money, or engagements without money); None with nothing to weigh."""
    balance = profile.balance
    if not balance.basis:
        return None
    shares = tuple(
        Share(part.label, part.money_share if balance.basis == "money" else part.engagement_share, part.interest)
        for part in balance.parts
    )
    return ShareBar(_("Whose interests the portfolio serves"), shares, threshold=balance.threshold)
