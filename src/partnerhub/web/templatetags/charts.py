"""Charts and maps in templates, drawn from the descriptions a view puts in its context.

``{% load charts %}`` then ``{% bar_chart chart %}`` (a ``core.charts.BarChart``),
``{% share_bar chart %}`` (a ``ShareBar``), ``{% world_map description as map %}``
(a ``Choropleth``; then ``{{ map }}``, ``map.not_drawn`` and ``{% map_legend map %}``,
the classes as a table, the map's text equivalent) and ``{% country_locator iso3 %}``.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnerhub.core.charts import BarChart, Choropleth, ShareBar
from partnerhub.web.charts import bars, worldmap

register = template.Library()


@register.simple_tag
def bar_chart(chart: BarChart) -> SafeString:
    return bars.bar_chart(chart)


@register.simple_tag
def share_bar(chart: ShareBar) -> SafeString:
    return bars.share_bar(chart)


@register.simple_tag
def world_map(description: Choropleth) -> worldmap.Map:
    return worldmap.choropleth(description)


@register.simple_tag
def country_locator(iso3: str) -> SafeString:
    return worldmap.locator(iso3)


@register.simple_tag
def map_legend(world_map: worldmap.Map) -> SafeString:
    """The legend of a choropleth as a table: colour, range of amounts, number of countries."""
    rows = format_html_join(
        "",
        _LEGEND_ROW,
        ((_swatch(legend_class.colour), legend_class.label, legend_class.count) for legend_class in world_map.classes),
    )
    return format_html(
        '<table class="ecl-table ecl-table--zebra ph-map-legend"><caption class="ecl-u-sr-only">{}</caption>'
        '<thead class="ecl-table__head"><tr class="ecl-table__row"><th scope="col" class="ecl-table__header">{}</th>'
        '<th scope="col" class="ecl-table__header">{}</th><th scope="col" class="ecl-table__header">{}</th></tr>'
        '</thead><tbody class="ecl-table__body">{}<tr class="ecl-table__row"><td class="ecl-table__cell">{}</td>'
        '<td class="ecl-table__cell" colspan="2">{}</td></tr></tbody></table>',
        _("Legend of the map"),
        _("Colour"),
        _("Amount"),
        _("Countries"),
        rows,
        _swatch(world_map.no_amount_colour),
        _("No visible amount"),
    )


_LEGEND_ROW = (
    '<tr class="ecl-table__row"><td class="ecl-table__cell">{}</td><td class="ecl-table__cell">{}</td>'
    '<td class="ecl-table__cell">{}</td></tr>'
)


def _swatch(colour: str) -> SafeString:
    return format_html(
        '<svg viewBox="0 0 18 14" width="18" height="14" aria-hidden="true" focusable="false">'
        '<rect width="18" height="14" fill="{}" stroke="#6b6b6b" stroke-width=".5"/></svg>',
        colour,
    )
