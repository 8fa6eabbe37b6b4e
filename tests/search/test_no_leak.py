"""Property: records a reader may not see change nothing of what the reader's search gives —
hits, their order, snippets, the total, every facet count, the suggestions, and the API's answer."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.registry.models import Engagement
from partnerhub.search.services import SearchRequest, search, suggest
from tests.support.clients import api_with_session
from tests.toyapp.models import ToyNote, ToyRecord

VOCABULARY = ["border", "returns", "labour", "mobility", "asylum", "training", "frontière", "rapatriés"]
LEVELS = ["public", "partner", "eu", "restricted", "originator"]
OWNERS = ["commission", "german_interior", "french_foreign_affairs"]
QUERIES = ["border", "return", "labour mobility", '"border training"', "asylum -labour", "frontières OR training"]
PREFIXES = ["bo", "re", "lab", "fr", "rapat"]
# Inside and outside the date filter below.
START_DATES = [date(2023, 1, 1), date(2019, 6, 1)]


@dataclass(frozen=True)
class Spec:
    owner: str
    level: str
    title: tuple[str, ...]
    body: tuple[str, ...]
    country: str


specs = st.builds(
    Spec,
    owner=st.sampled_from(OWNERS),
    level=st.sampled_from(LEVELS),
    title=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(tuple),
    body=st.lists(st.sampled_from(VOCABULARY), max_size=4).map(tuple),
    country=st.sampled_from(["MAR", "TUN"]),
)


def author_of(cast, owner: str):
    return {
        "commission": cast.commission_desk_officer,
        "german_interior": cast.german_ministry_editor,
        "french_foreign_affairs": cast.french_ministry_editor,
    }[owner]


def make_engagement(cast, spec: Spec, number: int):
    return cast.engagement(
        getattr(cast, spec.owner),
        author_of(cast, spec.owner),
        sharing_level=spec.level,
        title=f"{' '.join(spec.title)} {number}",
        description=" ".join(spec.body),
        countries=(spec.country,),
        start_date=START_DATES[number % len(START_DATES)],
    )


def everything_seen(user):
    """All that a search can tell the user, for the queries and prefixes above."""
    seen = []
    for text in QUERIES:
        for request in (
            SearchRequest(text=text),
            SearchRequest(text=text, country="MAR"),
            SearchRequest(text=text, kinds=("toy",)),
            # Two filters at once, and the dates: each facet counts with the other filters only.
            SearchRequest(text=text, kinds=("engagement",), theme="RETURN-REINTEGRATION"),
            SearchRequest(text=text, date_from=date(2022, 1, 1), date_to=date(2024, 12, 31)),
        ):
            found = search(user, request, per_page=5)
            seen.append(
                (
                    [(hit.kind, hit.title, str(hit.title_html), str(hit.snippet_html), hit.url) for hit in found.hits],
                    found.total,
                    {name: [(f.value, f.count) for f in values] for name, values in found.facets.items()},
                )
            )
    seen.append([suggest(user, prefix) for prefix in PREFIXES])
    api = api_with_session(user)
    seen.append([api.get("/search", {"q": text, "page_size": 5}).json() for text in QUERIES[:3]])
    return seen


def add_hidden_records(cast, spec: Spec, reader, number: int):
    """Records with the same words, which ``reader`` may not see (checked, not assumed)."""
    hidden = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title=f"{' '.join(spec.title)} {number}",
        description=" ".join(spec.body),
        countries=(spec.country,),
        start_date=START_DATES[number % len(START_DATES)],
    )
    toy = ToyRecord.objects.create(owner=cast.german_interior, sharing_level="originator", title=" ".join(spec.title))
    ToyNote.objects.create(record=toy, text=" ".join(spec.body))
    assert Engagement.objects.hidden_from(reader).filter(pk=hidden.pk).exists()
    assert ToyRecord.objects.hidden_from(reader).filter(pk=toy.pk).exists()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    visible=st.lists(specs, max_size=5),
    hidden=st.lists(specs, min_size=1, max_size=4),
    reader=st.sampled_from(["french_embassy_viewer", "moroccan_ministry_user", "outsider", "giz_viewer"]),
)
def test_hidden_records_change_nothing_a_search_tells(cast, visible, hidden, reader):
    user = getattr(cast, reader)
    with transaction.atomic():
        for number, spec in enumerate(visible):
            make_engagement(cast, spec, number)
        for number, spec in enumerate(visible):
            if number % 2:
                toy = ToyRecord.objects.create(
                    owner=cast.commission, sharing_level=spec.level, title=" ".join(spec.title)
                )
                ToyNote.objects.create(record=toy, text=" ".join(spec.body))
        before = everything_seen(user)
        for number, spec in enumerate(hidden):
            add_hidden_records(cast, spec, user, number)
        assert everything_seen(user) == before
        transaction.set_rollback(True)
