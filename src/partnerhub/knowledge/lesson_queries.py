"""What the lesson pages, API, exports and the lessons blocks of other pages read: only lessons the reader
may see, and of a lesson only the engagements the reader may see."""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from partnerhub.core.confidential import entry_for
from partnerhub.core.types import AnyUser
from partnerhub.knowledge.models import Attachment, Crisis, Lesson, OutcomeFigure
from partnerhub.registry.models import Engagement, Theme

# How many lessons a block on another page shows; the block links to the filtered list for the rest.
BLOCK_SIZE = 5


def visible_lessons(user: AnyUser | None) -> QuerySet[Lesson]:
    return (
        Lesson.objects.visible_to(user).select_related("owner").prefetch_related("countries", "themes", "instruments")
    )


def lesson_detail(user: AnyUser | None) -> QuerySet[Lesson]:
    outcomes = Prefetch("outcomes", OutcomeFigure.objects.order_by("pk"))
    documents = Prefetch("attachments", Attachment.objects.defer("extracted_text").order_by("original_name", "pk"))
    lessons = visible_lessons(user).select_related("created_by")
    return lessons.prefetch_related(outcomes).prefetch_related(
        documents, "shared_with_organisations", "shared_with_countries"
    )


def visible_crises(user: AnyUser | None) -> QuerySet[Crisis]:
    """The crises a lesson may be linked to by ``user``: none until crises are registered as confidential."""
    if entry_for(Crisis) is None:
        return Crisis.objects.unrestricted("nothing is read: crises are not registered").none()
    return Crisis.objects.visible_to(user)


def linked_engagements(lesson: Lesson, user: AnyUser | None) -> QuerySet[Engagement]:
    """The engagements linked to the lesson that the reader may see."""
    through = Lesson.engagements.through.objects.filter(lesson=lesson, engagement=OuterRef("pk"))
    return Engagement.objects.visible_to(user).filter(Exists(through)).select_related("owner").order_by("title", "pk")


def visible_engagement_ids(lessons: list[Lesson], user: AnyUser | None) -> dict[int, list[int]]:
    """For each lesson, the ids of its linked engagements that the reader may see."""
    links = list(
        Lesson.engagements.through.objects.filter(lesson__in=[lesson.pk for lesson in lessons]).values_list(
            "lesson_id", "engagement_id"
        )
    )
    visible = set(
        Engagement.objects.visible_to(user)
        .filter(pk__in={engagement for _lesson, engagement in links})
        .values_list("pk", flat=True)
    )
    found: dict[int, list[int]] = {lesson.pk: [] for lesson in lessons}
    for lesson_id, engagement_id in links:
        if engagement_id in visible:
            found[lesson_id].append(engagement_id)
    return {lesson: sorted(ids) for lesson, ids in found.items()}


def lessons_about_country(user: AnyUser | None, country: Any) -> QuerySet[Lesson]:
    return Lesson.objects.visible_to(user).filter(countries=country).select_related("owner")


def lessons_on_theme(user: AnyUser | None, theme: Theme) -> QuerySet[Lesson]:
    """The lessons on the theme or on any theme below it, each once."""
    # One query: the taxonomy is no deeper than three levels (registry.Theme.descendant_ids reads level by level).
    below = Theme.objects.filter(Q(pk=theme.pk) | Q(parent=theme) | Q(parent__parent=theme)).values("pk")
    through = Lesson.themes.through.objects.filter(lesson=OuterRef("pk"), theme_id__in=below)
    return Lesson.objects.visible_to(user).filter(Exists(through)).select_related("owner")


def lessons_from_engagement(user: AnyUser | None, engagement: Engagement) -> QuerySet[Lesson]:
    through = Lesson.engagements.through.objects.filter(lesson=OuterRef("pk"), engagement=engagement)
    return Lesson.objects.visible_to(user).filter(Exists(through)).select_related("owner")


def latest(lessons: QuerySet[Lesson]) -> tuple[list[Lesson], bool]:
    """The newest few lessons of a block, and whether there are more: one query."""
    found = list(lessons.order_by("-dated", "-pk")[: BLOCK_SIZE + 1])
    return found[:BLOCK_SIZE], len(found) > BLOCK_SIZE
