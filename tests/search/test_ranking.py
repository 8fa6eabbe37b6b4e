"""Ranking, stemming and matching on small corpora built for each test."""

from partnerhub.search.services import SearchRequest, search


def titles(user, text, **filters):
    return [hit.title for hit in search(user, SearchRequest(text=text, **filters)).hits]


def engagement(cast, title, description="", **fields):
    return cast.engagement(
        cast.commission, cast.commission_desk_officer, title=title, description=description, **fields
    )


def test_a_title_match_ranks_above_a_body_match(cast):
    engagement(cast, "Border management support", "Training of officers.")
    engagement(cast, "Police training", "Support to reintegration at the border of Morocco.")
    assert titles(cast.commission_desk_officer, "reintegration") == ["Police training"]
    assert titles(cast.commission_desk_officer, "border") == ["Border management support", "Police training"]


def test_english_stems(cast):
    engagement(cast, "Assisted voluntary returns", "Help for each migrant.")
    assert titles(cast.commission_desk_officer, "returning") == ["Assisted voluntary returns"]
    assert titles(cast.commission_desk_officer, "migrants") == ["Assisted voluntary returns"]


def test_french_stems_and_accents(cast):
    engagement(cast, "Appui aux migrants rapatriés", "Gestion de la frontière sud.")
    user = cast.commission_desk_officer
    assert titles(user, "rapatriements") == ["Appui aux migrants rapatriés"]
    assert titles(user, "frontières") == ["Appui aux migrants rapatriés"]
    assert titles(user, "frontiere") == ["Appui aux migrants rapatriés"]
