from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

LESSON_FACTORIES = "tests.knowledge.factories"


class KnowledgeConfig(AppConfig):
    name = "partnerhub.knowledge"
    label = "knowledge"
    verbose_name = _("Lessons, crises and focal points")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        # crises and directory
        # A crisis is about one partner country (its authorities read it at the partner level). Focal
        # points are not confidential by level (FocalPointQuerySet.visible_to: EU side, or one's own entry).
        register(
            "knowledge.Crisis",
            partner_countries="country",
            factory="tests.knowledge.crisis_factories.hidden_crisis",
            search=Searchable(
                kind="crisis",
                title="title",
                body=("description", "closing_note"),
                countries="country",
                themes="themes",
                date="started_on",
            ),
            urls=record_urls(
                page="knowledge:crisis_detail", change_page="knowledge:crisis_update", api="api:get_crisis"
            ),
            edit="tests.knowledge.crisis_factories.raise_severity",
        )
        # end of crises and directory
        self._register_lessons()

    # lessons
    def _register_lessons(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register
        from partnerhub.knowledge import lesson_panels

        register(
            "knowledge.Lesson",
            partner_countries="countries",
            factory=f"{LESSON_FACTORIES}.hidden_lesson",
            urls=record_urls(
                page="knowledge:lesson_detail", change_page="knowledge:lesson_update", api="api:get_lesson"
            ),
            edit=f"{LESSON_FACTORIES}.raise_impact",
            search=Searchable(
                kind="lesson",
                title="title",
                body=(
                    "tried",
                    "worked",
                    "did_not_work",
                    "conditions",
                    "recommendations",
                    "what_to_change",
                    "attachments.extracted_text",
                ),
                countries="countries",
                themes="themes",
                date="dated",
            ),
        )
        register(
            "knowledge.OutcomeFigure",
            parents=("lesson",),
            factory=f"{LESSON_FACTORIES}.hidden_outcome",
            # A figure is read on its lesson's page.
            urls=record_urls(change_page="knowledge:outcome_update", api="api:get_lesson_outcome"),
            edit=f"{LESSON_FACTORIES}.remeasure_outcome",
        )
        register(
            "knowledge.Attachment",
            parents=("lesson",),
            factory=f"{LESSON_FACTORIES}.hidden_attachment",
            # A document is listed on its lesson's page and sent only as a download.
            urls=record_urls(
                page="knowledge:attachment_download",
                change_page="knowledge:attachment_delete",
                api="api:get_lesson_attachment",
            ),
            edit=f"{LESSON_FACTORIES}.remove_hidden_attachment",
        )
        lesson_panels.register_panels()
