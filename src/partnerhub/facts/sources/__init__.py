"""The parsers of ``partnerhub load-facts``, by SOURCE name (see ``base.py`` for what they return)."""

from partnerhub.facts.sources.base import Parser
from partnerhub.facts.sources.worldbank import parse_knomad, parse_wdi

PARSERS: dict[str, Parser] = {
    "wdi": parse_wdi,
    "knomad": parse_knomad,
}
