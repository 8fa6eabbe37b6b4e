"""The parsers of ``partnerhub load-facts``, by SOURCE name (see ``base.py`` for what they return)."""

from partnerhub.facts.sources.base import Parser
from partnerhub.facts.sources.tidy import parse_tidy
from partnerhub.facts.sources.undesa import parse_undesa_stock
from partnerhub.facts.sources.unhcr import (
    parse_unhcr_asylum_applications,
    parse_unhcr_asylum_decisions,
    parse_unhcr_population,
    parse_unhcr_solutions,
)
from partnerhub.facts.sources.worldbank import parse_knomad, parse_wdi

PARSERS: dict[str, Parser] = {
    "wdi": parse_wdi,
    "knomad": parse_knomad,
    "unhcr-population": parse_unhcr_population,
    "unhcr-asylum-applications": parse_unhcr_asylum_applications,
    "unhcr-asylum-decisions": parse_unhcr_asylum_decisions,
    "unhcr-solutions": parse_unhcr_solutions,
    "undesa-stock": parse_undesa_stock,
    "tidy": parse_tidy,
}
