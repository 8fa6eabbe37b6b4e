"""The Action Fiche: written by those who report on the action, read on its page and as DOCX."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from partnerhub.core.history import events_of
from partnerhub.plans.models import ActionFiche
from tests.plans.factories import action_for, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def test_the_lead_organisation_writes_the_fiche_and_everyone_who_sees_the_plan_downloads_it(cast):
    action = action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs)
    client = client_for(cast.french_ministry_editor)
    response = client.post(
        reverse("plans:fiche_edit", args=[action.pk]),
        {"activities": "Counselling and training", "budget": "250000", "risks": "Staff turnover", "timeline": "2026"},
    )
    assert response.status_code == 302
    fiche = ActionFiche.objects.unrestricted("test").get(action=action)
    assert fiche.budget == Decimal(250000)
    assert events_of(fiche, ["fiche.created"]).exists()
    reader = client_for(cast.commission_desk_officer)
    assert "Counselling and training" in reader.get(fiche.get_absolute_url()).content.decode()
    download = reader.get(reverse("plans:fiche_docx", args=[fiche.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(download.content)).paragraphs)
    assert "Counselling and training" in text and "Staff turnover" in text
    assert reader.post(reverse("plans:fiche_edit", args=[action.pk]), {"activities": "x"}).status_code == 403


def test_a_fiche_of_a_hidden_plan_answers_404(cast):
    action = action_for(cast, plan_for(cast, sharing_level="originator"))
    client_for(cast.german_ministry_editor).post(
        reverse("plans:fiche_edit", args=[action.pk]), {"activities": "Hidden"}
    )
    fiche = ActionFiche.objects.unrestricted("test").get(action=action)
    outsider = client_for(cast.french_ministry_editor)
    assert outsider.get(fiche.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("plans:fiche_docx", args=[fiche.pk])).status_code == 404
