"""The Action Fiche as a DOCX document (python-docx, as the country brief)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from partnerhub.core.formatting import eur
from partnerhub.plans.models import ActionFiche

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fiche_docx(fiche: ActionFiche) -> bytes:
    action, plan = fiche.action, fiche.action.plan
    document = Document()
    document.add_heading(_("Action Fiche"), level=0)
    document.add_paragraph(action.description)
    table = document.add_table(rows=0, cols=2)
    table.style = "Light List Accent 1"
    rows = [
        (_("Action plan"), f"{plan.title} ({plan.country.localized_name})"),
        (_("Objective"), action.objective or "—"),
        (_("Lead organisation"), str(action.lead_organisation)),
        (_("Deadline"), action.deadline.isoformat() if action.deadline else "—"),
        (_("Status"), str(action.get_status_display())),
        (_("Budget"), eur(fiche.budget) if fiche.budget is not None else "—"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for heading, text in (
        (_("Activities"), fiche.activities),
        (_("Implementing partners"), fiche.implementing_partners),
        (_("Risks and how they are met"), fiche.risks),
        (_("Timeline"), fiche.timeline),
    ):
        document.add_heading(heading, level=1)
        document.add_paragraph(text or "—")
    document.add_paragraph(_("Exported from Partnership Hub on %(day)s.") % {"day": timezone.localdate().isoformat()})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
