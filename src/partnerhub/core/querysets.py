"""The queryset every confidential model's manager is built from."""

from django.db import models

from partnerhub.core.visibility import circle_of, editing_organisation_ids, visibility_q


class ConfidentialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The only way pages, API, exports, searches and totals reach these records."""
        return self.filter(visibility_q(circle_of(user), self.model))

    def hidden_from(self, user):
        """What ``user`` may not read: only ever asked whether it exists, so that
        a total can say "+ undisclosed" without telling how much or how many."""
        return self.exclude(visibility_q(circle_of(user), self.model))

    def editable_by(self, user):
        return self.visible_to(user).filter(
            owner_id__in=editing_organisation_ids(user)
        )
