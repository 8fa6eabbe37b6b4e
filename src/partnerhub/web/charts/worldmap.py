"""World maps drawn on the server as inline SVG: a choropleth of amounts per country and a locator.

Boundaries come from Natural Earth (public domain) through the npm package
world-atlas 2.0.2 (ISC licence): ``countries-110m.json``, TopoJSON with
quantized, delta-encoded arcs. A small decoder below turns it into rings of
longitude and latitude; the Equal Earth projection (Šavrič, Patterson & Jenny,
"The Equal Earth map projection", IJGIS 33(3), 2019) turns them into SVG paths
fitted to a 960 × 500 view box. The paths are computed once per process;
each map then only chooses fills, titles and links, in a few milliseconds.

No JavaScript is needed: links work and the map prints. A page describes its
map with ``partnerhub.core.charts.Choropleth`` and draws it with the
``{% world_map %}`` tag.
"""

import functools
import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partnerhub.core.charts import BAR_COLOUR, TEXT_COLOUR, Choropleth
from partnerhub.core.formatting import compact_eur, compact_number, to_decimal
from partnerhub.core.names import localized_country_name
from partnerhub.geo.models import Country

ATLAS_FILE = "world-atlas/countries-110m.json"
ATLAS_DESCRIPTION = gettext_lazy(
    "Boundaries: Natural Earth 1:110m (public domain), from the world-atlas package (ISC licence). "
    "Boundaries and names shown do not imply endorsement or acceptance."
)
ANTARCTICA = "010"
# Three Natural Earth features have no ISO code. Somaliland and northern Cyprus
# are drawn as part of the country the EU recognises there; Kosovo takes the
# code XKX if the country table ever holds it, and stays grey otherwise.
UNCODED_FEATURES = {"Somaliland": "SOM", "N. Cyprus": "CYP", "Kosovo": "XKX"}

VIEW_WIDTH, VIEW_HEIGHT = 960, 500
MAP_BOX = (10, 10, 950, 400)  # left, top, right, bottom of the map inside the view box
LEGEND_TOP = 418

# ColorBrewer 2.0 "Blues" (Cynthia Brewer, Pennsylvania State University, Apache
# licence 2.0), 6-class scheme without its lightest step so that the first
# class stays apart from the grey of "no amount"; sequential and colour-blind safe.
BLUES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_AMOUNT_COLOUR = "#d9d9d9"
HIGHLIGHT_COLOUR = "#c2410c"
LOCATOR_COLOUR = BAR_COLOUR
SEA_COLOUR = "#eef3f6"
MAX_CLASSES = 5

Point = tuple[float, float]
Ring = list[Point]


# -- TopoJSON -----------------------------------------------------------------


def decode_arcs(topology: Mapping) -> list[Ring]:
    """Absolute longitude/latitude of every arc of a quantized, delta-encoded topology."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for encoded in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in encoded:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: Iterable[int], arcs: list[Ring]) -> Ring:
    """One closed ring stitched from arcs; ``~i`` (a negative index) is arc ``i`` reversed."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def geometry_polygons(geometry: Mapping, arcs: list[Ring]) -> list[list[Ring]]:
    """The polygons (outer ring first, then holes) of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [[ring_from_arcs(ring, arcs) for ring in polygon] for polygon in polygons]


# -- Equal Earth ----------------------------------------------------------------

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
EQUAL_EARTH_M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> Point:
    """Equal Earth projection of a point in degrees, on the unit sphere; y grows northwards."""
    theta = math.asin(EQUAL_EARTH_M * math.sin(math.radians(latitude)))
    theta2 = theta * theta
    theta6 = theta2 * theta2 * theta2
    x = (
        2
        * math.sqrt(3)
        * math.radians(longitude)
        * math.cos(theta)
        / (3 * (A1 + 3 * A2 * theta2 + theta6 * (7 * A3 + 9 * A4 * theta2)))
    )
    y = theta * (A1 + A2 * theta2 + theta6 * (A3 + A4 * theta2))
    return x, y


# -- the atlas, projected once --------------------------------------------------


@dataclass(frozen=True)
class AtlasFeature:
    numeric: str | None
    name: str
    path: SafeString
    bbox: tuple[float, float, float, float]
    main_bbox: tuple[float, float, float, float]  # of the largest polygon: France without Guiana


@functools.cache
def atlas_features() -> tuple[AtlasFeature, ...]:
    topology = json.loads((settings.NODE_MODULES / ATLAS_FILE).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    shapes = [
        (geometry.get("id"), geometry["properties"]["name"], _projected(geometry_polygons(geometry, arcs)))
        for geometry in topology["objects"]["countries"]["geometries"]
        if geometry.get("id") != ANTARCTICA
    ]
    to_view = _fit(point for _, _, polygons in shapes for polygon in polygons for point in polygon[0])
    features = (_feature(numeric, name, polygons, to_view) for numeric, name, polygons in shapes)
    return tuple(feature for feature in features if feature is not None)


def _projected(polygons: list[list[Ring]]) -> list[list[Ring]]:
    pieces = [piece for polygon in polygons for piece in split_at_antimeridian(polygon)]
    return [[[equal_earth(lon, lat) for lon, lat in ring] for ring in piece] for piece in pieces]


def split_at_antimeridian(polygon: list[Ring]) -> list[list[Ring]]:
    """The polygon cut where it crosses 180° (eastern Russia, Fiji): world-atlas keeps such rings
    whole, as a spherical renderer needs them, but a flat map would draw them across the world."""
    unwrapped = [_unwrapped(ring) for ring in polygon]
    if all(-180 <= lon <= 180 for ring in unwrapped for lon, _lat in ring):
        return [polygon]
    pieces = []
    for shift in (-360, 0, 360):
        rings = [_clipped_to_world([(lon + shift, lat) for lon, lat in ring]) for ring in unwrapped]
        if len(rings[0]) >= 3:
            pieces.append([ring for ring in rings if len(ring) >= 3])
    return pieces


def _unwrapped(ring: Ring) -> Ring:
    """Longitudes made continuous: no step between neighbours is larger than 180°."""
    points = ring[:1]
    for lon, lat in ring[1:]:
        previous = points[-1][0]
        points.append((lon + 360 * round((previous - lon) / 360), lat))
    return points


def _clipped_to_world(ring: Ring) -> Ring:
    """Sutherland–Hodgman clipping of a ring to -180° ≤ longitude ≤ 180°."""
    for inside, edge in ((lambda lon: lon <= 180, 180), (lambda lon: lon >= -180, -180)):
        clipped: Ring = []
        for current, following in zip(ring, ring[1:] + ring[:1], strict=True):
            if inside(current[0]):
                clipped.append(current)
            if inside(current[0]) != inside(following[0]):
                share = (edge - current[0]) / (following[0] - current[0])
                clipped.append((edge, current[1] + share * (following[1] - current[1])))
        ring = clipped
    return ring


def _fit(points: Iterable[Point]):
    """The function taking projected points into the map box, centred, north up, in tenths of a unit."""
    xs, ys = zip(*points, strict=True)
    left, top, right, bottom = MAP_BOX
    scale = min((right - left) / (max(xs) - min(xs)), (bottom - top) / (max(ys) - min(ys)))
    offset_x = (left + right - scale * (max(xs) + min(xs))) / 2
    offset_y = (top + bottom + scale * (max(ys) + min(ys))) / 2

    def to_view(point: Point) -> tuple[int, int]:
        return round((offset_x + scale * point[0]) * 10), round((offset_y - scale * point[1]) * 10)

    return to_view


def _feature(numeric, name, polygons, to_view) -> AtlasFeature | None:
    rings = [[_view_ring(ring, to_view) for ring in polygon] for polygon in polygons]
    rings = [[ring for ring in polygon if len(ring) >= 3] for polygon in rings]
    rings = [polygon for polygon in rings if polygon and len(polygon[0]) >= 3]
    if not rings:
        return None
    outer = [polygon[0] for polygon in rings]
    main = max(outer, key=_ring_area)
    # Only digits, signs, dots, spaces and M/l/z: nothing to escape, so each map does not escape 60 KB again.
    path = SafeString("".join(_ring_path(ring) for polygon in rings for ring in polygon))
    return AtlasFeature(numeric, name, path, _bbox(point for ring in outer for point in ring), _bbox(main))


def _view_ring(ring: Ring, to_view) -> list[tuple[int, int]]:
    """The ring in tenths of a view unit, without repeated points and without the closing point."""
    points: list[tuple[int, int]] = []
    for point in map(to_view, ring):
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _ring_path(ring: list[tuple[int, int]]) -> str:
    """``M x y l dx dy … z`` with relative moves between rounded points, so no error accumulates."""
    (x0, y0), tokens = ring[0], []
    for (px, py), (x, y) in zip(ring, ring[1:], strict=False):
        tokens += [_tenths(x - px), _tenths(y - py)]
    return f"M{_tenths(x0)} {_tenths(y0)}l" + _joined(tokens) + "z"


def _tenths(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def _joined(tokens: list[str]) -> str:
    """Numbers separated only where SVG needs it: ``.5.4`` reads as 0.5 then 0.4, ``1-2`` as 1 then -2."""
    parts: list[str] = []
    previous = "-"
    for token in tokens:
        needs_space = token[0] != "-" and not (token[0] == "." and "." in previous)
        parts.append(" " + token if needs_space and parts else token)
        previous = token
    return "".join(parts)


def _ring_area(ring: list[tuple[int, int]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _bbox(points: Iterable[tuple[int, int]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs) / 10, min(ys) / 10, max(xs) / 10, max(ys) / 10


# -- countries of the hub -------------------------------------------------------


@dataclass(frozen=True)
class CountryRef:
    iso3: str
    name: str
    is_eu_member: bool

    @property
    def localized_name(self) -> str:
        return localized_country_name(self.name)


@functools.cache
def _load_country_index() -> dict[str, CountryRef]:
    rows = Country.objects.values_list("iso3", "numeric", "name", "is_eu_member")
    index = {}
    for iso3, numeric, name, is_eu_member in rows:
        index[iso3] = CountryRef(iso3, name, is_eu_member)
        if numeric:
            index[numeric] = index[iso3]
    return index


def country_index() -> dict[str, CountryRef]:
    """Countries by ISO numeric code and by ISO3, read from the table once per process."""
    index = _load_country_index()
    if not index:
        _load_country_index.cache_clear()  # reference data not loaded yet: read again next time
    return index


def feature_country(feature: AtlasFeature, index: Mapping[str, CountryRef]) -> CountryRef | None:
    code = feature.numeric or UNCODED_FEATURES.get(feature.name)
    return index.get(code) if code else None


# -- classes --------------------------------------------------------------------


@dataclass(frozen=True)
class LegendClass:
    lower: Decimal
    upper: Decimal
    colour: str
    count: int
    in_eur: bool = True

    @property
    def label(self) -> str:
        amount = compact_eur if self.in_eur else compact_number
        if self.lower == self.upper:
            return amount(self.lower)
        return _("%(lower)s – %(upper)s") % {"lower": amount(self.lower), "upper": amount(self.upper)}


def legend_classes(values: Iterable[Decimal], *, in_eur: bool = True) -> tuple[LegendClass, ...]:
    """Up to five classes from the quantiles of the positive values, bounds rounded to two significant
    digits; the first starts at or below the smallest value, the last ends at or above the largest."""
    ordered = sorted(value for value in values if value > 0)
    if not ordered:
        return ()
    breaks = class_breaks(ordered)
    colours = _palette(len(breaks) - 1 or 1)
    if len(breaks) == 1:
        return (LegendClass(breaks[0], breaks[0], colours[0], len(ordered), in_eur),)
    counts = [0] * (len(breaks) - 1)
    for value in ordered:
        counts[_class_index(value, breaks)] += 1
    return tuple(
        LegendClass(lower, upper, colour, count, in_eur)
        for (lower, upper), colour, count in zip(pairwise(breaks), colours, counts, strict=True)
    )


def class_breaks(ordered: list[Decimal]) -> list[Decimal]:
    low, high = _two_digits(ordered[0], ROUND_FLOOR), _two_digits(ordered[-1], ROUND_CEILING)
    classes = min(MAX_CLASSES, len(set(ordered)))
    inner = {_two_digits(_quantile(ordered, step / classes), ROUND_HALF_UP) for step in range(1, classes)}
    return sorted({low, high} | {value for value in inner if low < value < high})


def _quantile(ordered: list[Decimal], share: float) -> Decimal:
    position = Decimal(str(share)) * (len(ordered) - 1)
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (ordered[below + 1] - ordered[below]) * (position - below)


def _two_digits(value: Decimal, rounding: str) -> Decimal:
    quantum = Decimal(1).scaleb(value.adjusted() - 1)
    return value.quantize(quantum, rounding=rounding).normalize()


def _palette(count: int) -> tuple[str, ...]:
    if count == 1:
        return (BLUES[3],)
    return tuple(BLUES[round(step * (len(BLUES) - 1) / (count - 1))] for step in range(count))


def _class_index(value: Decimal, breaks: list[Decimal]) -> int:
    """Classes include their lower bound and exclude their upper one, except the last."""
    return min(bisect_right(breaks, value) - 1, len(breaks) - 2)


def class_of(value: Decimal, classes: tuple[LegendClass, ...]) -> LegendClass | None:
    if not classes or not classes[0].lower <= value <= classes[-1].upper:
        return None
    if len(classes) == 1:
        return classes[0]
    return classes[_class_index(value, [legend_class.lower for legend_class in classes] + [classes[-1].upper])]


# -- the choropleth -------------------------------------------------------------


@dataclass(frozen=True)
class Map:
    svg: SafeString
    classes: tuple[LegendClass, ...]
    not_drawn: tuple[str, ...]  # ISO3 codes with an amount that the 1:110m atlas has no shape for
    no_amount_colour: str = NO_AMOUNT_COLOUR

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


def choropleth(description: Choropleth) -> Map:
    """A world map of amounts in EUR per country (keys are ISO3 codes), each country a link when
    the description has one. Countries without an amount, or unknown to the country table, stay grey."""
    legend_title = description.legend_title
    amounts = {iso3: amount for iso3, value in description.values.items() if (amount := to_decimal(value)) is not None}
    paint = _Paint(
        amounts,
        legend_classes(amounts.values(), in_eur=description.in_eur),
        description.links,
        description.labels,
        description.highlight,
        description.in_eur,
    )
    index = country_index()
    drawn = [(feature, feature_country(feature, index)) for feature in atlas_features()]
    drawn.sort(key=lambda pair: paint.is_highlighted(pair[1]))  # the highlighted outline on top
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" class="ph-map" role="img"'
        ' aria-label="{}"><desc>{}</desc><g stroke="#fff" stroke-width=".5" stroke-linejoin="round">{}</g>{}</svg>',
        VIEW_WIDTH,
        VIEW_HEIGHT,
        paint.summary(legend_title),
        ATLAS_DESCRIPTION,
        format_html_join("", "{}", ((paint.shape(feature, country),) for feature, country in drawn)),
        _legend(legend_title, paint.classes),
    )
    on_map = {country.iso3 for _feature, country in drawn if country}
    return Map(svg, paint.classes, tuple(sorted(set(amounts) - on_map)))


@dataclass(frozen=True)
class _Paint:
    """What one choropleth says about each country: fill, title, link, outline."""

    amounts: dict[str, Decimal]
    classes: tuple[LegendClass, ...]
    links: Mapping[str, str]
    labels: Mapping[str, str]
    highlight: str | None
    in_eur: bool = True

    def amount(self, value: Decimal) -> str:
        return compact_eur(value) if self.in_eur else compact_number(value)

    def is_highlighted(self, country: CountryRef | None) -> bool:
        return bool(self.highlight and country and country.iso3 == self.highlight)

    def shape(self, feature: AtlasFeature, country: CountryRef | None) -> SafeString:
        amount = self.amounts.get(country.iso3) if country else None
        legend_class = class_of(amount, self.classes) if amount is not None else None
        outline = format_html(' stroke="{}" stroke-width="2"', HIGHLIGHT_COLOUR) if self.is_highlighted(country) else ""
        path = format_html(
            '<path d="{}" fill="{}"{}><title>{}</title></path>',
            feature.path,
            legend_class.colour if legend_class else NO_AMOUNT_COLOUR,
            outline,
            self.title(feature, country, amount),
        )
        href = self.links.get(country.iso3) if country else None
        # The map is one image for assistive technology; the table printed with it holds the same
        # links for the keyboard, so its shapes stay out of the tab order.
        return format_html('<a href="{}" tabindex="-1">{}</a>', href, path) if href else path

    def title(self, feature: AtlasFeature, country: CountryRef | None, amount: Decimal | None) -> str:
        name = (self.labels.get(country.iso3) or country.localized_name) if country else feature.name
        if amount is not None:
            return _("%(country)s: %(amount)s") % {"country": name, "amount": self.amount(amount)}
        if country and country.is_eu_member:
            return _("%(country)s: EU Member State") % {"country": name}
        if not self.in_eur:
            return _("%(country)s: no visible figure") % {"country": name}
        return _("%(country)s: no visible engagements") % {"country": name}

    def summary(self, legend_title: str) -> str:
        shown = sorted(amount for amount in self.amounts.values() if amount > 0)
        if not shown:
            return _("%(title)s: world map with no amounts to show.") % {"title": legend_title}
        return ngettext(
            "%(title)s: world map of %(count)s country, %(lowest)s.",
            "%(title)s: world map of %(count)s countries, from %(lowest)s to %(highest)s.",
            len(shown),
        ) % {
            "title": legend_title,
            "count": len(shown),
            "lowest": self.amount(shown[0]),
            "highest": self.amount(shown[-1]),
        }


def _legend(legend_title: str, classes: tuple[LegendClass, ...]) -> SafeString:
    entries = [(legend_class.colour, legend_class.label) for legend_class in classes]
    entries.append((NO_AMOUNT_COLOUR, _("No visible amount")))
    items, x, y = [], MAP_BOX[0], LEGEND_TOP + 24
    for colour, label in entries:
        width = 32 + 8 * len(label)
        if x + width > MAP_BOX[2]:
            x, y = MAP_BOX[0], y + 22
        items.append(
            format_html(
                '<rect x="{}" y="{}" width="18" height="14" fill="{}" stroke="#6b6b6b" stroke-width=".5"/>'
                '<text x="{}" y="{}">{}</text>',
                x,
                y,
                colour,
                x + 24,
                y + 12,
                label,
            )
        )
        x += width
    return format_html(
        '<g class="ph-map__legend" font-size="13" fill="{}"><text x="{}" y="{}" font-weight="bold">{}</text>{}'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text></g>',
        TEXT_COLOUR,
        MAP_BOX[0],
        LEGEND_TOP + 12,
        legend_title,
        format_html_join("", "{}", ((i,) for i in items)),
        MAP_BOX[2],
        VIEW_HEIGHT - 6,
        _("Boundaries: Natural Earth"),
    )


# -- the locator ------------------------------------------------------------------

LOCATOR_WIDTH, LOCATOR_HEIGHT = 240, 180
LOCATOR_MIN_HALF_WIDTH = 60  # view units, about 22 degrees of longitude at the equator
LOCATOR_CONTEXT = 2.5  # the region shown is this many times the country's own extent


def locator(iso3: str) -> SafeString:
    """A small map of the region around one country, the country highlighted; empty when the
    1:110m atlas does not draw it (small island states)."""
    index, iso3 = country_index(), iso3.upper()
    own: list[AtlasFeature] = []
    others: list[AtlasFeature] = []
    for feature in atlas_features():
        country = feature_country(feature, index)
        (own if country and country.iso3 == iso3 else others).append(feature)
    own_country = feature_country(own[0], index) if own else None
    if own_country is None:
        return SafeString("")
    name = own_country.name
    box = _locator_box(_union(feature.main_bbox for feature in own))
    stroke = box[2] / LOCATOR_WIDTH * 0.75
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" width="{}" height="{}" class="ph-locator"'
        ' role="img" aria-label="{}"><desc>{}</desc><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<g fill="{}" stroke="#fff" stroke-width="{}" stroke-linejoin="round">{}</g>'
        '<g fill="{}" stroke="#fff" stroke-width="{}" stroke-linejoin="round">{}</g>{}</svg>',
        *box,
        LOCATOR_WIDTH,
        LOCATOR_HEIGHT,
        _("Location of %(country)s") % {"country": name},
        ATLAS_DESCRIPTION,
        *box,
        SEA_COLOUR,
        NO_AMOUNT_COLOUR,
        _short(stroke),
        format_html_join("", '<path d="{}"/>', ((f.path,) for f in others if _overlaps(f.bbox, box))),
        LOCATOR_COLOUR,
        _short(stroke),
        format_html_join("", '<path d="{}"><title>{}</title></path>', ((f.path, name) for f in own)),
        _small_country_ring(own, box),
    )


def _locator_box(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """x, y, width, height of the region around an extent, 4:3 (flatter for Russia), kept inside the map."""
    left, top, right, bottom = extent
    half_width = max((right - left) / 2, (bottom - top) / 2 * 4 / 3) * LOCATOR_CONTEXT
    half_width = min(max(half_width, LOCATOR_MIN_HALF_WIDTH), (MAP_BOX[2] - MAP_BOX[0]) / 2)
    width, height = half_width * 2, min(half_width * 2 * 3 / 4, MAP_BOX[3] - MAP_BOX[1])
    x = _clamp((left + right) / 2 - half_width, MAP_BOX[0], MAP_BOX[2] - width)
    y = _clamp((top + bottom) / 2 - height / 2, MAP_BOX[1], MAP_BOX[3] - height)
    return round(x, 1), round(y, 1), round(width, 1), round(height, 1)


def _small_country_ring(own: list[AtlasFeature], box) -> SafeString:
    """A circle around a country too small to see at the locator's size (The Gambia, Lebanon)."""
    left, top, right, bottom = _union(feature.main_bbox for feature in own)
    if (right - left) * (bottom - top) > (box[2] / 20) ** 2:
        return SafeString("")
    return format_html(
        '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="{}"/>',
        _short((left + right) / 2),
        _short((top + bottom) / 2),
        _short(box[2] / 20),
        HIGHLIGHT_COLOUR,
        _short(box[2] / LOCATOR_WIDTH * 2),
    )


def _union(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    lefts, tops, rights, bottoms = zip(*boxes, strict=True)
    return min(lefts), min(tops), max(rights), max(bottoms)


def _overlaps(bbox, box) -> bool:
    x, y, width, height = box
    return bbox[0] <= x + width and bbox[2] >= x and bbox[1] <= y + height and bbox[3] >= y


def _clamp(value: float, lowest: float, highest: float) -> float:
    return max(lowest, min(value, highest)) if lowest <= highest else lowest


def _short(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
