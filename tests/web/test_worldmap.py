"""The world map of Team Europe money and the locator at the top of a country profile."""

import math
import re
from decimal import Decimal
from itertools import pairwise

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.core.charts import Choropleth
from partnerhub.geo.models import Country
from partnerhub.web.charts import worldmap
from partnerhub.web.charts.worldmap import (
    HIGHLIGHT_COLOUR,
    NO_AMOUNT_COLOUR,
    choropleth,
    class_of,
    decode_arcs,
    equal_earth,
    geometry_polygons,
    legend_classes,
    locator,
    ring_from_arcs,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
SIZE_BUDGET = 150_000  # bytes of the whole map with every partner country coloured and linked


def parsed(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def shapes_by_title(svg: str) -> dict[str, etree._Element]:
    """Each country's <path>, keyed by the text of its <title>."""
    return {path.findtext(f"{SVG}title"): path for path in parsed(svg).iter(f"{SVG}path")}


def draw(values=None, links=None, labels=None, **options):
    return choropleth(
        Choropleth(
            options.pop("legend_title", "Team Europe commitments"),
            values or {},
            links=links or {},
            labels=labels or {},
            **options,
        )
    )


# -- TopoJSON and projection ------------------------------------------------------

TINY_TOPOLOGY = {
    "transform": {"scale": [2, 0.5], "translate": [-10, 5]},
    "arcs": [[[0, 0], [1, 0], [0, 1]], [[1, 1], [-1, 0], [0, -1]]],
}


def test_arcs_are_delta_decoded_and_placed_by_the_transform():
    first, second = decode_arcs(TINY_TOPOLOGY)
    assert first == [(-10, 5), (-8, 5), (-8, 5.5)]
    assert second == [(-8, 5.5), (-10, 5.5), (-10, 5)]


def test_rings_stitch_arcs_and_read_a_negative_index_as_the_arc_reversed():
    arcs = decode_arcs(TINY_TOPOLOGY)
    forward = ring_from_arcs([0, 1], arcs)
    backward = ring_from_arcs([~1, ~0], arcs)
    assert forward == [(-10, 5), (-8, 5), (-8, 5.5), (-10, 5.5), (-10, 5)]
    assert backward == forward[::-1]


def test_every_ring_of_the_atlas_decodes_closed():
    topology = worldmap.json.loads((worldmap.settings.NODE_MODULES / worldmap.ATLAS_FILE).read_text())
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    rings = [ring for geometry in geometries for polygon in geometry_polygons(geometry, arcs) for ring in polygon]
    assert len(geometries) == 177
    assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings)


def test_equal_earth_matches_the_published_extent():
    assert equal_earth(180, 0)[0] == pytest.approx(2.7066297, abs=1e-6)
    assert equal_earth(0, 90)[1] == pytest.approx(1.3173627, abs=1e-6)
    assert equal_earth(-180, -90) == pytest.approx((-equal_earth(180, 90)[0], -1.3173627), abs=1e-6)


def _projected_cell_area(lon: float, lat: float, size: float, steps: int = 20) -> float:
    edge = [(lon + size * i / steps, lat) for i in range(steps)]
    edge += [(lon + size, lat + size * i / steps) for i in range(steps)]
    edge += [(lon + size - size * i / steps, lat + size) for i in range(steps)]
    edge += [(lon, lat + size - size * i / steps) for i in range(steps)]
    points = [equal_earth(*point) for point in edge]
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


@given(st.floats(min_value=-170, max_value=169), st.floats(min_value=-80, max_value=79))
def test_equal_earth_keeps_areas_equal_everywhere(lon, lat):
    size = 1.0
    on_sphere = math.radians(size) * (math.sin(math.radians(lat + size)) - math.sin(math.radians(lat)))
    assert _projected_cell_area(lon, lat, size) == pytest.approx(on_sphere, rel=1e-3)


def test_the_atlas_is_projected_once_per_process():
    assert worldmap.atlas_features() is worldmap.atlas_features()


def _steps(path: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", re.sub(r"M[^l]*l", " ", path))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def test_russia_and_fiji_are_cut_at_180_degrees_instead_of_drawn_across_the_world():
    features = {feature.name: feature for feature in worldmap.atlas_features()}
    for name in ("Russia", "Fiji"):
        assert max(abs(dx) for dx, _dy in _steps(features[name].path)) < 100
        assert features[name].path.count("M") >= 2  # both sides of the antimeridian


def test_paths_hold_only_path_syntax_so_they_need_no_escaping():
    assert all(re.fullmatch(r"(M[\d. -]+l[\d. -]+z)+", feature.path) for feature in worldmap.atlas_features())


def test_antarctica_is_left_out():
    assert "Antarctica" not in {feature.name for feature in worldmap.atlas_features()}


# -- classes -------------------------------------------------------------------------

amounts = st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e13"), places=2), min_size=1)


@given(amounts)
def test_legend_breaks_increase_and_cover_every_amount(values):
    classes = legend_classes(values)
    bounds = [classes[0].lower] + [legend_class.upper for legend_class in classes]
    assert 1 <= len(classes) <= 5
    assert classes[0].lower <= min(values) and classes[-1].upper >= max(values)
    assert len(classes) == 1 or all(low < high for low, high in pairwise(bounds))
    assert all(class_of(value, classes) is not None for value in values)
    assert sum(legend_class.count for legend_class in classes) == len(values)
    for legend_class in classes:
        assert legend_class.count == sum(1 for value in values if class_of(value, classes) is legend_class)


def test_legend_bounds_are_round_numbers():
    values = [Decimal(n) for n in (123_456, 987_654, 2_345_678, 7_654_321, 12_345_678, 45_678_901, 98_765_432)]
    classes = legend_classes(values)
    assert [c.lower for c in classes] == [Decimal(n) for n in (120_000, 1_300_000, 4_500_000, 10_000_000, 39_000_000)]
    assert classes[-1].upper == Decimal(99_000_000)
    assert [c.label for c in classes][:2] == ["€120 k – €1.3 m", "€1.3 m – €4.5 m"]


def test_a_single_amount_gets_a_single_class():
    (only,) = legend_classes([Decimal("1200000")])
    assert only.lower == only.upper == Decimal("1200000") and only.label == "€1.2 m"


def test_zero_amounts_are_not_classed():
    assert legend_classes([Decimal(0), Decimal(0)]) == ()


# -- the choropleth ------------------------------------------------------------------


def test_morocco_and_france_are_drawn_with_their_amounts_and_links():
    world_map = draw(
        {"MAR": Decimal("12400000"), "FRA": 3_000_000},
        links={"MAR": "/countries/MAR/", "FRA": "/engagements/?country=FRA&theme=3"},
    )
    links = {a.get("href"): a.findtext(f"{SVG}path/{SVG}title") for a in parsed(world_map.svg).iter(f"{SVG}a")}
    assert links == {"/countries/MAR/": "Morocco: €12.4 m", "/engagements/?country=FRA&theme=3": "France: €3 m"}
    assert "country=FRA&amp;theme=3" in world_map.svg


def test_countries_without_visible_money_stay_grey_and_say_so():
    shapes = shapes_by_title(draw({"MAR": 1_000_000}).svg)
    assert shapes["Algeria: no visible engagements"].get("fill") == NO_AMOUNT_COLOUR
    assert shapes["Germany: EU Member State"].get("fill") == NO_AMOUNT_COLOUR
    assert shapes["Morocco: €1 m"].get("fill") != NO_AMOUNT_COLOUR


def test_unknown_amounts_are_left_out_rather_than_breaking_the_map():
    world_map = draw({"MAR": float("nan"), "TUN": None, "SEN": "not a number", "EGY": "2500000"})
    titles = shapes_by_title(world_map.svg)
    assert "Morocco: no visible engagements" in titles and "Egypt: €2.5 m" in titles
    assert [legend_class.count for legend_class in world_map.classes] == [1]


def test_a_country_with_zero_euros_stays_grey_but_shows_its_amount():
    world_map = draw({"MAR": 0, "TUN": 2_000_000})
    assert shapes_by_title(world_map.svg)["Morocco: €0"].get("fill") == NO_AMOUNT_COLOUR
    assert [legend_class.count for legend_class in world_map.classes] == [1]


def test_each_country_is_coloured_by_its_class():
    values = {"MAR": 1_000_000, "TUN": 5_000_000, "SEN": 20_000_000, "NER": 60_000_000, "EGY": 90_000_000}
    world_map = draw(values)
    shapes = shapes_by_title(world_map.svg)
    fills = [
        shapes[f"{Country.objects.get(iso3=iso3).name}: {worldmap.compact_eur(v)}"].get("fill")
        for iso3, v in values.items()
    ]
    assert fills == [legend_class.colour for legend_class in world_map.classes]
    assert len(set(fills)) == 5


def test_the_profile_country_is_outlined_and_drawn_on_top():
    world_map = draw({"MAR": 1_000_000}, links={"MAR": "/countries/MAR/"}, highlight="MAR")
    group = parsed(world_map.svg).find(f"{SVG}g")
    last = group[-1].find(f"{SVG}path")
    assert last.findtext(f"{SVG}title") == "Morocco: €1 m"
    assert last.get("stroke") == HIGHLIGHT_COLOUR
    assert world_map.svg.count(f'stroke="{HIGHLIGHT_COLOUR}"') == 1


def test_labels_and_titles_are_escaped():
    nasty = '<script>alert("x")</script> & Co'
    world_map = draw(
        {"MAR": 1_000_000}, links={"MAR": '/c/"><script>'}, labels={"MAR": nasty}, legend_title="<b>Money</b> & more"
    )
    assert "<script" not in world_map.svg and "<b>" not in world_map.svg
    root = parsed(world_map.svg)
    assert f"{nasty}: €1 m" in shapes_by_title(world_map.svg)
    assert next(root.iter(f"{SVG}a")).get("href") == '/c/"><script>'
    assert root.get("aria-label") == "<b>Money</b> & more: world map of 1 country, €1 m."


def test_the_map_is_one_accessible_image_that_credits_natural_earth():
    root = parsed(draw({"MAR": 1_000_000, "TUN": 3_000_000}).svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Team Europe commitments: world map of 2 countries, from €1 m to €3 m."
    assert "Natural Earth" in root.findtext(f"{SVG}desc") and "world-atlas" in root.findtext(f"{SVG}desc")
    assert root.get("viewBox") == "0 0 960 500" and root.get("width") == "100%"


def test_the_legend_names_every_class_and_the_grey():
    world_map = draw({"MAR": 1_000_000, "TUN": 3_000_000, "SEN": 9_000_000})
    texts = [text.text for text in parsed(world_map.svg).iter(f"{SVG}text")]
    assert texts[0] == "Team Europe commitments"
    assert [legend_class.label for legend_class in world_map.classes] + ["No visible amount"] == texts[1:-1]


def test_a_map_without_amounts_still_draws_the_world():
    world_map = draw({})
    assert world_map.classes == ()
    assert len(shapes_by_title(world_map.svg)) > 150
    assert parsed(world_map.svg).get("aria-label").endswith("with no amounts to show.")


def test_the_map_parses_as_xml_in_french_too():
    with translation.override("fr"):
        world_map = draw({"MAR": Decimal("1234567890123")})
    morocco = next(title for title in shapes_by_title(world_map.svg) if title.startswith("Maroc"))
    assert "1\xa0235" in morocco  # the French thousands separator survives the XML


def test_somaliland_is_drawn_as_part_of_somalia_and_kosovo_stays_grey():
    svg = draw({"SOM": 4_000_000}).svg
    titles = [path.findtext(f"{SVG}title") for path in parsed(svg).iter(f"{SVG}path")]
    assert titles.count("Somalia: €4 m") == 2
    assert "Kosovo: no visible engagements" in titles


def test_small_island_states_missing_from_the_atlas_are_listed_for_the_table():
    world_map = draw({"MDV": 1_000_000, "CPV": 2_000_000, "MAR": 3_000_000})
    assert world_map.not_drawn == ("CPV", "MDV")


def test_the_whole_map_stays_within_its_size_budget():
    partners = Country.objects.partners().values_list("iso3", flat=True)
    values = {iso3: Decimal(1_000_000 + index * 7_919_113) for index, iso3 in enumerate(partners)}
    links = {iso3: f"/countries/{iso3}/?money=commitment" for iso3 in partners}
    world_map = draw(values, links=links, highlight="MAR")
    assert len(world_map.svg.encode()) < SIZE_BUDGET
    assert len(world_map.classes) == 5


def test_the_map_object_renders_as_its_svg_in_templates():
    from django.template import Context, Template

    world_map = draw({"MAR": 1_000_000})
    assert Template("{{ map }}").render(Context({"map": world_map})) == world_map.svg


def test_the_world_map_tag_draws_a_description_and_keeps_what_it_could_not_draw():
    from django.template import Context, Template

    description = Choropleth("Team Europe commitments", {"MAR": 1_000_000, "MDV": 5}, links={"MAR": "/countries/MAR/"})
    rendered = Template(
        "{% load charts %}{% world_map description as drawn %}{{ drawn }}|{{ drawn.not_drawn|join:',' }}"
    ).render(Context({"description": description}))
    svg, not_drawn = rendered.rsplit("|", 1)
    assert svg == choropleth(description).svg and 'href="/countries/MAR/"' in svg
    assert not_drawn == "MDV"


def test_the_legend_table_tag_lists_classes_and_counts():
    from django.template import Context, Template

    world_map = draw({"MAR": 1_000_000, "TUN": 3_000_000})
    table = Template("{% load charts %}{% map_legend map %}").render(Context({"map": world_map}))
    cells = re.findall(r'<td class="ecl-table__cell"[^>]*>(.*?)</td>', table)
    assert [legend_class.label for legend_class in world_map.classes][0] in cells
    assert "No visible amount" in table


# -- the locator ---------------------------------------------------------------------


def test_the_locator_shows_morocco_among_its_neighbours():
    svg = locator("mar")
    root = parsed(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Location of Morocco"
    highlighted = [path for path in root.iter(f"{SVG}path") if path.findtext(f"{SVG}title") == "Morocco"]
    assert len(highlighted) == 1
    assert len(list(root.iter(f"{SVG}path"))) > 10  # Algeria, Spain, Mauritania…
    assert len(svg.encode()) < 40_000


def test_a_tiny_country_gets_a_ring_around_it():
    assert parsed(locator("GMB")).find(f"{SVG}circle") is not None
    assert parsed(locator("MAR")).find(f"{SVG}circle") is None


def test_the_locator_is_empty_for_countries_the_atlas_does_not_draw():
    assert locator("CPV") == ""
    assert locator("XXX") == ""
