"""One hidden record of each lessons model, and one change of each through the lesson services (named by
the registrations in ``partnerhub.knowledge.apps``); and the lessons the tests build."""

from datetime import date

from partnerhub.geo.models import Country
from partnerhub.knowledge.lesson_services import (
    add_attachment,
    add_outcome,
    create_lesson,
    remove_attachment,
    update_lesson,
    update_outcome,
)
from partnerhub.registry.models import Theme
from tests.knowledge.documents import docx_bytes


def lesson_for(
    cast,
    *,
    title: str = "Reintegration counselling starts before return",
    kind: str = "lesson",
    sharing_level: str = "eu",
    countries=("MAR",),
    themes=(),
    owner=None,
    author=None,
    **fields,
):
    return create_lesson(
        owner=owner or cast.german_interior,
        fields={
            "kind": kind,
            "title": title,
            "dated": date(2025, 3, 1),
            "countries": [Country.objects.get(iso3=code) for code in countries],
            "themes": [Theme.objects.get(code=code) for code in themes],
            "tried": "Counselling in the host country before departure.",
            "worked": "Returnees arrived with a plan.",
            "did_not_work": "Referrals to local employers were slow.",
            "conditions": "A partner NGO present in both countries.",
            "recommendations": "Start counselling three months before return.",
            "impact": "high",
            "what_to_change": "Fund counselling in the host country.",
            "who_should_act": "member_states",
            "sharing_level": sharing_level,
            **fields,
        },
        acting_user=author or cast.german_ministry_editor,
    )


def outcome_for(cast, lesson, *, author=None, **fields):
    return add_outcome(
        lesson,
        {"label": "Returnees employed after 12 months", "value": "42", "unit": "%", "baseline": "18", **fields},
        acting_user=author or cast.german_ministry_editor,
    )


def hidden_lesson(cast, *, secret: str):
    return lesson_for(
        cast,
        title=secret,
        tried=secret,
        worked=secret,
        recommendations=secret,
        what_to_change=secret,
        sharing_level="originator",
    )


def hidden_outcome(cast, *, secret: str):
    lesson = lesson_for(cast, title=secret, kind="evaluation", sharing_level="originator")
    return outcome_for(cast, lesson, label=secret, note=secret)


def hidden_attachment(cast, *, secret: str):
    lesson = lesson_for(cast, title=secret, kind="pilot", sharing_level="originator")
    return add_attachment(
        lesson, f"{secret}.docx", docx_bytes(f"Findings {secret}"), acting_user=cast.german_ministry_editor
    )


def raise_impact(cast, lesson) -> None:
    update_lesson(
        lesson, {"impact": "low" if lesson.impact == "high" else "high"}, acting_user=cast.german_ministry_editor
    )


def remeasure_outcome(cast, figure) -> None:
    update_outcome(figure, {"value": figure.value + 5}, acting_user=cast.german_ministry_editor)


def remove_hidden_attachment(cast, attachment) -> None:
    remove_attachment(attachment, acting_user=cast.german_ministry_editor)
