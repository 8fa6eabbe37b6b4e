from partnerhub.geo.models import Country
from tests.toyapp.models import ToyNote, ToyRecord


def hidden_toy_record(cast, *, secret: str) -> ToyRecord:
    record = ToyRecord.objects.create(owner=cast.german_interior, sharing_level="originator", title=secret)
    record.countries.set([Country.objects.get(iso3="MAR")])
    return record


def hidden_toy_note(cast, *, secret: str) -> ToyNote:
    return ToyNote.objects.create(record=hidden_toy_record(cast, secret=secret), text=secret)
