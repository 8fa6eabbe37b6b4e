"""Possible overlaps over the API: the pairs the caller sees, one pair, and a reviewer's decision.

A pair exists for a caller only when both of its engagements are visible
(``OverlapPair.objects.visible_to``): a hidden pair answers 404 exactly like a
missing one, whatever the body of a request holds. Reviewers' notes and names
are read by the EU side only, as engagement notes are. Reading needs a log-in
or a token: overlaps are a coordination tool, not public information.
"""

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.access.api import TokenAuth
from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body, session_auth
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.overlaps.filters import OverlapFilter
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.schemas import DecisionIn, OverlapFilterParams, OverlapPairOut
from partnerhub.overlaps.services import decide_overlap, require_overlap_reviewer

router = Router(tags=["overlaps"], auth=[TokenAuth(), session_auth])

PairId = Path(..., ge=1, le=2**63 - 1, description="The pair's id.")


def visible_pairs(user):
    return (
        OverlapPair.objects.visible_to(user)
        .select_related("first__owner", "second__owner", "decided_by")
        .prefetch_related("countries")
    )


@router.get("/overlaps", response=list[OverlapPairOut], summary="List possible overlaps")
@paginate(NumberedPagination)
def list_overlaps(request, filters: Query[OverlapFilterParams]):
    """The pairs whose two engagements you may see, best score first."""
    filterset = OverlapFilter(filters.as_query(), queryset=visible_pairs(request.user))
    if not filterset.is_valid():
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in filterset.errors.items()
                for message in messages
            ]
        )
    pairs = filterset.qs
    return pairs.order_by("-score", "pk")


@router.get("/overlaps/{pair_id}", response={200: OverlapPairOut, 404: Message}, summary="One possible overlap")
def get_overlap(request, pair_id: int = PairId):
    return get_object_or_404(visible_pairs(request.user), pk=pair_id)


@router.post(
    "/overlaps/{pair_id}/decision",
    response={200: OverlapPairOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Record a decision on a possible overlap",
    openapi_extra=json_body_openapi(DecisionIn),
)
def decide(request, pair_id: int = PairId):
    """Coordinators and administrators of EU institutions and Member State bodies who see both
    engagements: duplicate, complementary or unrelated, with an optional note."""
    pair = get_object_or_404(visible_pairs(request.user), pk=pair_id)
    require_overlap_reviewer(request.user)
    # Read only once the pair was found, so that a hidden pair answers 404 whatever the body holds.
    body = read_json_body(request, DecisionIn)
    decide_overlap(pair, body.decision, note=body.note, acting_user=request.user)
    return get_object_or_404(visible_pairs(request.user), pk=pair_id)
