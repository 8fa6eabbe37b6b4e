"""The demo's key facts: real public figures from ../shared/data/stats when the files are there —
World Bank WDI personal remittances received, World Bank–KNOMAD remittance inflows, UN DESA
international migrant stock — loaded through ``facts.loading.load_file`` as public figures of their
publishers; then a demo proposal and a demo dispute on Morocco's 2022 remittances, labelled
``[Demo] ``. Loading is idempotent (a second run finds every figure unchanged), and the proposal and
dispute are taken only where they have not been yet.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from partnerhub.facts.loading import load_file
from partnerhub.facts.models import Observation, ObservationStatus
from partnerhub.facts.services import dispute_observation, propose_observation
from partnerhub.web.demo.content import TITLE_PREFIX

# (loader, file under the shared data directory)
PUBLIC_FIGURES = (
    ("wdi", Path("stats/worldbank/wdi_BX.TRF.PWKR.CD.DT.csv")),
    ("knomad", Path("stats/worldbank/knomad_remittance_inflows_usd_million.csv")),
    ("undesa-stock", Path("stats/undesa/undesa_ims2019_migrants_by_origin_and_destination_total.csv")),
)
PROPOSER = "commission.desk"
DISPUTER = "ma.interior"
PROPOSAL_NOTE = TITLE_PREFIX + (
    "The World Bank's WDI figure is what the Council conclusions quote: propose it as the agreed figure "
    "for Morocco's 2022 remittances."
)
DISPUTE_REASON = TITLE_PREFIX + (
    "The Office des Changes counts transfers of Moroccans abroad more widely; KNOMAD's figure is closer to it."
)
UNSCOPED = "the demo is set up by the operator"


@dataclass
class FactsReport:
    """What the demo did with the key facts, line by line for the operator."""

    lines: list[str] = field(default_factory=list)


def shared_data_dir() -> Path:
    return Path(settings.PARTNERHUB_SHARED_DATA)


def build_facts(users: dict[str, Any]) -> FactsReport:
    report = FactsReport()
    base = shared_data_dir()
    for source_name, relative in PUBLIC_FIGURES:
        path = base / relative
        if not path.is_file():
            report.lines.append(
                _("Demo key facts: %(source)s skipped, %(path)s is absent (set PARTNERHUB_SHARED_DATA).")
                % {"source": source_name, "path": path}
            )
            continue
        job, loaded = load_file(source_name, path, loaded_by=None)
        if loaded is None:
            report.lines.append(
                _("Demo key facts: %(source)s refused: %(message)s")
                % {"source": source_name, "message": job.error_message}
            )
            continue
        report.lines.append(
            _("Demo key facts: %(source)s, %(loaded)d figures loaded, %(unchanged)d unchanged, %(skipped)d skipped.")
            % {"source": source_name, "loaded": loaded.loaded, "unchanged": loaded.unchanged, "skipped": loaded.skipped}
        )
    report.lines.append(_discussion(users))
    return report


def _discussion(users: dict[str, Any]) -> str:
    """The demo proposal and dispute on Morocco's 2022 WDI remittances, each once."""
    figure = (
        Observation.objects.unrestricted(UNSCOPED)
        .filter(
            indicator__code="remittances-received-usd",
            country__iso3="MAR",
            destination=None,
            period="2022",
            source__publisher="World Bank",
            source__dataset__icontains="World Development Indicators",
        )
        .exclude(status=ObservationStatus.SUPERSEDED)
        .first()
    )
    if figure is None:
        return _("Demo key facts: no WDI figure for Morocco's 2022 remittances, so no demo proposal.")
    proposer, disputer = users[PROPOSER], users[DISPUTER]
    if figure.status == ObservationStatus.IMPORTED:
        figure = propose_observation(figure, note=PROPOSAL_NOTE, acting_user=proposer)
    if (
        figure.status in (ObservationStatus.PROPOSED, ObservationStatus.DISPUTED)
        and not figure.endorsements.filter(reason=DISPUTE_REASON).exists()
    ):
        dispute_observation(figure, reason=DISPUTE_REASON, acting_user=disputer)
    return _("Demo key facts: Morocco's 2022 remittances proposed and disputed (demo), figure %(id)d.") % {
        "id": figure.pk
    }
