from partnerhub.geo.models import Country
from tests.toyapp.models import ToyNote, ToyRecord
from tests.toyapp.services import retitle_toy_record, rewrite_toy_note


def hidden_toy_record(cast, *, secret: str) -> ToyRecord:
    record = ToyRecord.objects.create(owner=cast.german_interior, sharing_level="originator", title=secret)
    record.countries.set([Country.objects.get(iso3="MAR")])
    return record


def hidden_toy_note(cast, *, secret: str) -> ToyNote:
    return ToyNote.objects.create(record=hidden_toy_record(cast, secret=secret), text=secret)


def retitle(cast, record: ToyRecord) -> None:
    retitle_toy_record(record, f"{record.title} (revised)", acting_user=cast.german_ministry_editor)


def rewrite(cast, note: ToyNote) -> None:
    rewrite_toy_note(note, f"{note.text} (revised)", acting_user=cast.german_ministry_editor)
