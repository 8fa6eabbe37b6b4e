"""The toy models' writes, as an app's services write: one transaction, the change in the history."""

from django.db import transaction

from partnerhub.core.history import record_change
from partnerhub.core.models import ObjectChange
from tests.toyapp.models import ToyNote, ToyRecord


def retitle_toy_record(record: ToyRecord, title: str, *, acting_user) -> ToyRecord:
    with transaction.atomic():
        before = {"title": record.title}
        record.title = title
        record.save()
        record_change(record, ObjectChange.Action.UPDATE, before, {"title": title}, user=acting_user)
    return record


def rewrite_toy_note(note: ToyNote, text: str, *, acting_user) -> ToyNote:
    with transaction.atomic():
        before = {"text": note.text}
        note.text = text
        note.save()
        record_change(note, ObjectChange.Action.UPDATE, before, {"text": text}, user=acting_user)
    return note
