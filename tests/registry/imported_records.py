"""An engagement as an IATI import leaves it: a source, sectors, a classifier's
themes, a funding chain on its money, and the findings the import flagged.

The importer writes these columns itself; the pages and the API only read them,
so the tests set them directly on a record created through the services.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from partnerhub.registry.models import (
    DataSource,
    Engagement,
    EngagementSector,
    EngagementTheme,
    MoneyLine,
)

FINDINGS = [
    {"tier": "error", "field": "sector", "message": "A sector without a code was dropped."},
    {"tier": "warning", "field": "value", "message": "The value -5e-10 was read as 0."},
]
EXPLANATION = "'réintégration' in description → Return, readmission and reintegration"


def looks_imported(engagement: Engagement, *, refreshed_days_ago: int = 3, stale_after_days: int = 120) -> Engagement:
    source = DataSource.objects.create(
        kind=DataSource.Kind.IATI,
        name=f"ec-intpa-{engagement.pk}.xml",
        last_refreshed_at=timezone.now() - timedelta(days=refreshed_days_ago),
        stale_after_days=stale_after_days,
    )
    Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(
        provenance="iati",
        source=source,
        humanitarian=True,
        action_plan_reference="AP-MAR-3.2",
        notes="Discussed at the Rabat meeting.",
        import_findings=FINDINGS,
        iati_last_updated=timezone.now() - timedelta(days=10),
    )
    EngagementTheme.objects.unrestricted("test").filter(engagement=engagement).update(
        assigned_by="classifier",
        confidence=Decimal("0.850"),
        explanation=EXPLANATION,
    )
    EngagementSector.objects.bulk_create(
        [
            EngagementSector(engagement=engagement, vocabulary="1", code="15190", percentage=Decimal("60")),
            EngagementSector(engagement=engagement, vocabulary="2", code="151", percentage=Decimal("40")),
        ]
    )
    MoneyLine.objects.unrestricted("test").filter(engagement=engagement).update(
        provider_ref="XI-IATI-EC_INTPA",
        provider_activity="XI-IATI-EC_INTPA-2021/123",
        receiver_ref="XM-DAC-47066",
        receiver_activity="XM-DAC-47066-MA-77",
    )
    engagement.refresh_from_db()
    return engagement
