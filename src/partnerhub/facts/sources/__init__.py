"""The parsers of ``partnerhub load-facts``, by SOURCE name (see ``base.py`` for what they return)."""

from partnerhub.facts.sources.base import Parser

PARSERS: dict[str, Parser] = {}
