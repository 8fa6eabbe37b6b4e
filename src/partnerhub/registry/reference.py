"""Loading the theme taxonomy and the funding instruments."""

import csv
from pathlib import Path

import yaml
from django.db import transaction

from partnerhub.registry.models import Instrument, Theme

FIXTURES = Path(__file__).parent / "fixtures"


@transaction.atomic
def load_themes() -> int:
    entries = yaml.safe_load((FIXTURES / "themes.yaml").read_text(encoding="utf-8"))
    position = 0
    for entry in entries:
        position = _save_theme(entry, None, position)
        for child in entry.get("children", []):
            position = _save_theme(child, entry["code"], position)
    return Theme.objects.count()


def _save_theme(entry: dict, parent_code: str | None, position: int) -> int:
    parent = Theme.objects.get(code=parent_code) if parent_code else None
    Theme.objects.update_or_create(
        code=entry["code"],
        defaults={
            "name": entry["name"],
            "name_fr": entry.get("name_fr", ""),
            "interest": entry["interest"],
            "parent": parent,
            "sources": entry.get("sources", ""),
            "position": position,
        },
    )
    return position + 1


@transaction.atomic
def load_instruments() -> int:
    path = FIXTURES / "instruments.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in rows:
        code = row.pop("code")
        Instrument.objects.update_or_create(code=code, defaults=row)
    return len(rows)
