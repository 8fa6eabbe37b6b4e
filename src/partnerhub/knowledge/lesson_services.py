"""Every write to lessons (and evaluations and pilot results), their outcome figures and attachments.

Editors of the organisation owning a lesson change it, its outcome figures and its attachments. Each
write validates the whole record (clear messages naming the field), keeps the field-level history and a
named event, all in one transaction. A document's file is written only once every check passed, and
removed again when the database write fails; a deleted attachment's file is removed once the deletion
is committed.
"""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.concurrency import claim_version, give_back_version
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for
from partnerhub.knowledge import attachments, lesson_queries
from partnerhub.knowledge.models import Actor, Attachment, Impact, Lesson, LessonKind, OutcomeFigure
from partnerhub.registry.engagement_links import link_engagements, relink_engagements

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LESSON_FIELDS = (
    "kind",
    "title",
    "crisis",
    "tried",
    "worked",
    "did_not_work",
    "conditions",
    "recommendations",
    "impact",
    "what_to_change",
    "who_should_act",
    "dated",
    "sharing_level",
)
TEXT_FIELDS = ("title", "tried", "worked", "did_not_work", "conditions", "recommendations", "what_to_change")
LINK_FIELDS = ("countries", "themes", "instruments")
CIRCLE_FIELDS = ("shared_with_organisations", "shared_with_countries")
OUTCOME_FIELDS = ("label", "value", "unit", "baseline", "target", "period", "note")
MEASURED_KINDS = (LessonKind.EVALUATION, LessonKind.PILOT)
MAX_FIGURE = Decimal("9999999999999999.99")


# -- who may change what ----------------------------------------------------------------------


def may_change(user: AnyUser | None, lesson: Lesson) -> bool:
    """Editors of the lesson's owner change it, its outcome figures and its attachments."""
    return can_edit_for(user, lesson.owner_id)


def _refuse_unless_editor(acting_user: AnyUser, owner: Organisation) -> None:
    if not can_edit_for(acting_user, owner.pk):
        raise PermissionDenied(
            _("Only editors of %(organisation)s change the lessons it keeps.") % {"organisation": owner}
        )


def _lessons() -> QuerySet[Lesson]:
    return Lesson.objects.unrestricted("re-reads, locked, the lesson in hand; the owner's editors only, below")


def _locked(lesson: Lesson, acting_user: AnyUser) -> Lesson:
    lessons = _lessons()
    locked: Lesson = lessons.select_for_update(of=("self",)).select_related("owner").get(pk=lesson.pk)
    _refuse_unless_editor(acting_user, locked.owner)
    return locked


def _author(acting_user: AnyUser) -> "User | None":
    return acting_user if acting_user.is_authenticated else None


# -- lessons ------------------------------------------------------------------------------------


def create_lesson(*, owner: Organisation, fields: dict[str, Any], acting_user: AnyUser) -> Lesson:
    with transaction.atomic(durable=True):
        _refuse_unless_editor(acting_user, owner)
        author = _author(acting_user)
        lesson = Lesson(owner=owner, created_by=author, updated_by=author, **_only(fields, LESSON_FIELDS))
        check_lesson(lesson, fields, acting_user, creating=True)
        lesson.save()
        _set_circle(lesson, fields)
        for name in LINK_FIELDS:
            getattr(lesson, name).set(fields.get(name) or ())
        link_engagements(lesson, fields.get("engagements") or (), acting_user)
        record_change(lesson, ObjectChange.Action.CREATE, {}, snapshot(lesson), user=acting_user)
        record_event("knowledge.lesson_created", lesson, user=acting_user, kind=lesson.kind)
    return lesson


def update_lesson(
    lesson: Lesson, fields: dict[str, Any], *, acting_user: AnyUser, read_version: int | None = None
) -> Lesson:
    """Only the fields given change; engagements hidden from the editor stay linked.
    ``read_version``: the version the editor read; when the lesson moved on since, ``EditConflict``
    is raised and nothing is written."""
    with transaction.atomic(durable=True):
        claim_version(_lessons(), lesson.pk, read_version)
        lesson = _locked(lesson, acting_user)
        before = snapshot(lesson)
        previous_crisis = lesson.crisis_id
        for name, value in _only(fields, LESSON_FIELDS).items():
            setattr(lesson, name, value)
        check_lesson(lesson, fields, acting_user, creating=False, previous_crisis=previous_crisis)
        lesson.updated_by = _author(acting_user)
        lesson.save()
        _set_circle(lesson, fields)
        for name in LINK_FIELDS:
            if name in fields:
                getattr(lesson, name).set(fields[name] or ())
        if "engagements" in fields:
            relink_engagements(lesson, fields["engagements"] or (), acting_user)
        after = _keep(lesson, before, "knowledge.lesson_updated", acting_user)
        if after == before:
            give_back_version(_lessons(), lesson)
        if any(after[name] != before[name] for name in ("sharing_level", *CIRCLE_FIELDS)):
            record_event(
                "knowledge.lesson_sharing_changed",
                lesson,
                user=acting_user,
                old=before["sharing_level"],
                new=lesson.sharing_level,
            )
    return lesson


def delete_lesson(lesson: Lesson, *, acting_user: AnyUser) -> None:
    """With its outcome figures and attachments, each deletion kept in the history; the files go once
    the deletion is committed."""
    with transaction.atomic(durable=True):
        lesson = _locked(lesson, acting_user)
        for figure in OutcomeFigure.objects.unrestricted("the figures of the lesson locked above").filter(
            lesson=lesson
        ):
            _deleted(figure, "knowledge.outcome_deleted", acting_user)
        files = []
        for document in Attachment.objects.unrestricted("the documents of the lesson locked above").filter(
            lesson=lesson
        ):
            files.append(document.stored_name)
            _deleted(document, "knowledge.attachment_removed", acting_user)
        _deleted(lesson, "knowledge.lesson_deleted", acting_user)
    for stored_name in files:
        attachments.remove(stored_name)


def check_lesson(
    lesson: Lesson,
    fields: dict[str, Any],
    acting_user: AnyUser,
    *,
    creating: bool,
    previous_crisis: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = getattr(lesson, name)
        setattr(lesson, name, "" if value is None else str(value).strip())
    if not lesson.title:
        errors["title"] = _("Give the lesson a title.")
    elif len(lesson.title) > 300:
        errors["title"] = _("A title has at most 300 characters.")
    if lesson.kind not in LessonKind.values:
        errors["kind"] = _("Choose the kind: lesson learnt, evaluation or pilot result.")
    elif not creating and lesson.kind not in MEASURED_KINDS and _has_outcomes(lesson):
        errors["kind"] = _("This record has outcome figures: remove them before making it a lesson learnt.")
    if lesson.impact not in Impact.values:
        errors["impact"] = _("Choose the impact: high, medium or low.")
    lesson.who_should_act = lesson.who_should_act or ""
    if lesson.who_should_act and lesson.who_should_act not in Actor.values:
        errors["who_should_act"] = _("Choose who should act from the list.")
    if lesson.dated is None:
        errors["dated"] = _("Give the date of the lesson.")
    if lesson.sharing_level not in SharingLevel.values:
        errors["sharing_level"] = _("Choose a sharing level.")
    for country in fields.get("shared_with_countries") or ():
        if not country.is_eu_member:
            errors["shared_with_countries"] = _("%(country)s is not an EU Member State.") % {"country": country.name}
    if lesson.crisis_id is not None and lesson.crisis_id != previous_crisis:
        if not lesson_queries.visible_crises(acting_user).filter(pk=lesson.crisis_id).exists():
            errors["crisis"] = _("Link only a crisis you may see.")
    if errors:
        raise ValidationError(errors)


def _has_outcomes(lesson: Lesson) -> bool:
    return OutcomeFigure.objects.unrestricted("the figures of the lesson being changed").filter(lesson=lesson).exists()


def _set_circle(lesson: Lesson, fields: dict[str, Any]) -> None:
    """The organisations and Member States named for a restricted lesson; none at any other level."""
    restricted = lesson.sharing_level == SharingLevel.RESTRICTED
    for name in CIRCLE_FIELDS:
        if not restricted:
            getattr(lesson, name).clear()
        elif name in fields:
            getattr(lesson, name).set(fields[name] or ())


# -- outcome figures ----------------------------------------------------------------------------


def add_outcome(lesson: Lesson, fields: dict[str, Any], *, acting_user: AnyUser) -> OutcomeFigure:
    with transaction.atomic(durable=True):
        lesson = _locked(lesson, acting_user)
        figure = OutcomeFigure(lesson=lesson, **_only(fields, OUTCOME_FIELDS))
        check_outcome(figure)
        figure.save()
        record_change(figure, ObjectChange.Action.CREATE, {}, snapshot(figure), user=acting_user)
        record_event("knowledge.outcome_recorded", figure, user=acting_user, lesson=lesson.pk)
    return figure


def update_outcome(figure: OutcomeFigure, fields: dict[str, Any], *, acting_user: AnyUser) -> OutcomeFigure:
    with transaction.atomic(durable=True):
        figure = _locked_figure(figure, acting_user)
        before = snapshot(figure)
        for name, value in _only(fields, OUTCOME_FIELDS).items():
            setattr(figure, name, value)
        check_outcome(figure)
        figure.save()
        _keep(figure, before, "knowledge.outcome_updated", acting_user, lesson=figure.lesson_id)
    return figure


def delete_outcome(figure: OutcomeFigure, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        _deleted(_locked_figure(figure, acting_user), "knowledge.outcome_deleted", acting_user)


def _locked_figure(figure: OutcomeFigure, acting_user: AnyUser) -> OutcomeFigure:
    lesson = _locked(figure.lesson, acting_user)
    figures = OutcomeFigure.objects.unrestricted("the figure of the lesson locked above")
    locked: OutcomeFigure = figures.get(pk=figure.pk, lesson=lesson)
    locked.lesson = lesson
    return locked


def check_outcome(figure: OutcomeFigure) -> None:
    errors: dict[str, str] = {}
    if figure.lesson.kind not in MEASURED_KINDS:
        errors["lesson"] = _("Outcome figures are recorded for evaluations and pilot results only, not lessons learnt.")
    figure.label = (figure.label or "").strip()
    figure.unit = (figure.unit or "").strip()
    figure.period = (figure.period or "").strip()
    figure.note = (figure.note or "").strip()
    if not figure.label:
        errors["label"] = _("Say what was measured.")
    for name, required in (("value", True), ("baseline", False), ("target", False)):
        value = getattr(figure, name)
        if value is None or value == "":
            setattr(figure, name, None)
            if required:
                errors[name] = _("Give the value measured.")
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[name] = _("Give a number, for example 1250 or 12.5.")
            continue
        if not number.is_finite() or abs(number) > MAX_FIGURE:
            errors[name] = _("Give a number, for example 1250 or 12.5.")
            continue
        setattr(figure, name, number.quantize(Decimal("0.01")))
    for name, longest in (("unit", 60), ("period", 40), ("label", 300)):
        if len(getattr(figure, name)) > longest:
            errors[name] = _("At most %(count)s characters.") % {"count": longest}
    if errors:
        raise ValidationError(errors)


# -- attachments -----------------------------------------------------------------------------


def add_attachment(lesson: Lesson, file_name: str, content: bytes, *, acting_user: AnyUser) -> Attachment:
    """Checked before anything is written (``ValidationError`` on ``file`` naming the reason); the file is
    kept under a random name, and removed again if the database write fails."""
    _refuse_unless_editor(acting_user, lesson.owner)
    try:
        document = attachments.check_document(file_name, content)
    except attachments.AttachmentRefused as refused:
        raise ValidationError({"file": refused.message}) from refused
    stored_name = attachments.store(document.content)
    try:
        with transaction.atomic(durable=True):
            lesson = _locked(lesson, acting_user)
            attachment = Attachment.objects.create(
                lesson=lesson,
                stored_name=stored_name,
                original_name=document.name,
                content_kind=document.kind,
                size=document.size,
                sha256=_sha256(document.content),
                extracted_text=document.text,
                uploaded_by=_author(acting_user),
            )
            record_change(
                attachment, ObjectChange.Action.CREATE, {}, _attachment_snapshot(attachment), user=acting_user
            )
            record_event("knowledge.attachment_added", attachment, user=acting_user, lesson=lesson.pk)
    except BaseException:
        attachments.remove(stored_name)
        raise
    return attachment


def remove_attachment(attachment: Attachment, *, acting_user: AnyUser) -> None:
    with transaction.atomic(durable=True):
        lesson = _locked(attachment.lesson, acting_user)
        documents = Attachment.objects.unrestricted("the document of the lesson locked above")
        locked = documents.get(pk=attachment.pk, lesson=lesson)
        record_change(locked, ObjectChange.Action.DELETE, _attachment_snapshot(locked), {}, user=acting_user)
        record_event("knowledge.attachment_removed", locked, user=acting_user, lesson=lesson.pk)
        locked.delete()
    attachments.remove(locked.stored_name)


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def _attachment_snapshot(attachment: Attachment) -> dict[str, Any]:
    # The text read from the document is not repeated in the history.
    return {
        name: value
        for name, value in snapshot(attachment).items()
        if name not in ("extracted_text", "stored_name", "uploaded_at")
    }


# -- history ------------------------------------------------------------------------------------


def snapshot(record: Model) -> dict[str, Any]:
    """Readable values for the field-level history; linked records by id, so that it names nothing hidden."""
    values: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.name in ("id", "created_at", "updated_at", "updated_by"):
            continue
        value = getattr(record, field.attname)
        values[field.name] = "" if value is None else str(value)
    if record.pk is not None:
        for field in record._meta.many_to_many:
            through = getattr(record, field.name).through.objects
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            values[field.name] = sorted(through.filter(**{source: record.pk}).values_list(f"{target}_id", flat=True))
    return values


def _keep(record: Model, before: dict[str, Any], event: str, acting_user: AnyUser, **data: Any) -> dict[str, Any]:
    after = snapshot(record)
    if after != before:
        record_change(record, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        record_event(event, record, user=acting_user, **data)
    return after


def _deleted(record: Model, event: str, acting_user: AnyUser) -> None:
    before = _attachment_snapshot(record) if isinstance(record, Attachment) else snapshot(record)
    record_change(record, ObjectChange.Action.DELETE, before, {}, user=acting_user)
    record_event(event, record, user=acting_user)
    record.delete()


def _only(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in names}
