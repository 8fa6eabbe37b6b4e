"""Two editors change the same record at once: the shared play of optimistic locking (``core.concurrency``).

Each record people edit together is described once here (``EditedKind``): how to make one, its edit page
and the form it shows, its API operation, and a text field the play writes into. ``tests/core/
test_two_editors.py`` plays every kind through the page and the API; a new kind is added to ``KINDS``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from partnerhub.access.models import Role
from partnerhub.core.concurrency import version_of
from partnerhub.knowledge.models import Lesson
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan
from partnerhub.plans.services import save_fiche
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import TalentNeed, TalentPartnership, TalentSupply
from tests.knowledge.factories import lesson_for
from tests.plans.factories import action_for, indicator_for, plan_for
from tests.registry.test_edit import resubmission_of, shown_value
from tests.support.clients import logged_in
from tests.support.personas import make_user
from tests.talent.factories import need_for, partnership_for, supply_for


@dataclass(frozen=True)
class EditedKind:
    label: str
    make: Callable[[Any], Model]  # cast → a record the German ministry's editors may change
    page: Callable[[Model], str]  # the record → its edit page
    text_field: str  # a text field of the page's form (and of the model)
    api_template: str | None = None  # under /api, "{pk}" the record's id; None: changed on its page only
    api_method: str = "patch"
    api_field: str | None = None  # the text field in the API body, when it differs

    def api_path(self, record: Model) -> str:
        assert self.api_template is not None
        return self.api_template.format(pk=record.pk, action_id=getattr(record, "action_id", None))

    def stored_text(self, record: Model) -> str:
        fresh = type(record).objects.unrestricted("test").get(pk=record.pk)  # type: ignore[attr-defined]
        text: str = getattr(fresh, self.text_field)
        return text

    def stored_version(self, record: Model) -> int:
        return version_of(type(record).objects.unrestricted("test").get(pk=record.pk))  # type: ignore[attr-defined]


def colleague(cast):
    """A second editor of the German ministry, the first to save."""
    user = make_user("karin.vogel", cast.german_interior, Role.EDITOR)
    user.first_name, user.last_name = "Karin", "Vogel"
    user.save()
    return user


def open_page(user, kind: EditedKind, record: Model):
    """A browser of ``user`` with the edit page open: (browser, the page as shown)."""
    browser = logged_in(Client(), user)
    page = browser.get(kind.page(record))
    assert page.status_code == 200, f"{kind.label}: the edit page answered {page.status_code}"
    return browser, page


def saved_as_shown(page, kind: EditedKind, text: str) -> dict:
    """What the browser sends when the user changes the text field and saves."""
    context = page.context
    if "editor" in context:  # the engagement page: a form, its row sections, the version to send apart
        return resubmission_of(context["editor"], **{kind.text_field: text, "version": str(context["form_version"])})
    form: forms.BaseForm = context["form"]
    data = {field.html_name: shown_value(field) for field in form}
    data[kind.text_field] = text
    return {name: value for name, value in data.items() if value is not None}


def _plan(cast) -> ActionPlan:
    return plan_for(cast)


def _action(cast) -> Action:
    return action_for(cast, plan_for(cast))


def _indicator(cast) -> ActionIndicator:
    return indicator_for(cast, _action(cast))


def _fiche(cast) -> ActionFiche:
    action = _action(cast)
    return save_fiche(action, {"activities": "Training of counsellors"}, acting_user=cast.german_ministry_editor)


def _engagement(cast) -> Engagement:
    return cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Border management training")


def _lesson(cast) -> Lesson:
    return lesson_for(cast)


def _need(cast) -> TalentNeed:
    return need_for(cast, note="Hospitals in Bavaria")


def _supply(cast) -> TalentSupply:
    return supply_for(cast, note="Graduates of the Rabat nursing schools")


def _partnership(cast) -> TalentPartnership:
    return partnership_for(cast)


KINDS = [
    EditedKind(
        "engagement",
        _engagement,
        lambda record: reverse("registry:engagement_update", args=[record.pk]),
        "title",
        "/engagements/{pk}",
    ),
    EditedKind("action plan", _plan, lambda record: reverse("plans:plan_update", args=[record.pk]), "title"),
    EditedKind(
        "action",
        _action,
        lambda record: reverse("plans:action_update", args=[record.pk]),
        "description",
        "/actions/{pk}",
    ),
    EditedKind(
        "indicator",
        _indicator,
        lambda record: reverse("plans:indicator_update", args=[record.pk]),
        "name",
        "/indicators/{pk}",
    ),
    EditedKind(
        "Action Fiche",
        _fiche,
        lambda record: reverse("plans:fiche_edit", args=[record.action_id]),  # type: ignore[attr-defined]
        "activities",
        "/actions/{action_id}/fiche",
        api_method="put",
    ),
    EditedKind(
        "lesson",
        _lesson,
        lambda record: reverse("knowledge:lesson_update", args=[record.pk]),
        "tried",
        "/knowledge/lessons/{pk}",
    ),
    EditedKind(
        "labour need",
        _need,
        lambda record: reverse("talent:need_update", args=[record.pk]),
        "note",
        "/talent/needs/{pk}",
    ),
    EditedKind(
        "talent supply",
        _supply,
        lambda record: reverse("talent:supply_update", args=[record.pk]),
        "note",
        "/talent/supply/{pk}",
    ),
    EditedKind(
        "Talent Partnership",
        _partnership,
        lambda record: reverse("talent:partnership_update", args=[record.pk]),
        "description",
        "/talent/partnerships/{pk}",
    ),
]
