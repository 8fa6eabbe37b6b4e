"""The ISCO-08 groups a test names: every test database holds the whole structure, loaded from our
fixture as ``load-reference`` loads it (tests/conftest.py)."""

from partnerhub.talent.models import Occupation


def isco_groups(*codes: str) -> list[Occupation]:
    """The groups ``codes`` (2221 …), in the order named."""
    found = {occupation.code: occupation for occupation in Occupation.objects.filter(code__in=codes)}
    return [found[code] for code in codes]
