from django.db import models

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.jobs import Job
from partnerhub.core.models import ConfidentialModel


class ToyRecord(ConfidentialModel):
    title = models.CharField(max_length=200)
    countries = models.ManyToManyField("geo.Country", related_name="+", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class ToyNote(ConfidentialChild):
    record = models.ForeignKey(ToyRecord, on_delete=models.CASCADE, related_name="notes")
    # Not a parent: a note is not read through its organisation (tests/core/test_scoped_queries.py).
    organisation = models.ForeignKey(
        "access.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="toy_notes"
    )
    text = models.TextField()

    def __str__(self) -> str:
        return self.text


class ToyJob(Job):
    """A job with nothing of its own: what every kind of job gets from ``core.jobs.Job``."""

    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
