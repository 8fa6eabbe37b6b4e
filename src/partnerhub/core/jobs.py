"""The record of a piece of background work that people follow: an import, a finder run, a loader.

A job is queued, then one worker claims it and runs it, and it ends done or
failed. While it runs it names its stage and how far it got; it keeps what it
found about rows, lines or fields of its input, its report and, when it
failed, a message for people. Each kind of job is a model inheriting ``Job``
with the fields of its own (its input, who may see it).
"""

from datetime import datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# After this long without a sign of life, a page says the worker may be missing or stuck.
WAITING_HINT_AFTER = timedelta(seconds=30)
# A running job that shows no sign of life for this long seems stalled (its worker stopped):
# pages say so, and a job that must not run twice may be started again.
STALLED_AFTER = timedelta(minutes=15)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


def status_field(running_label: str | Promise = JobStatus.RUNNING.label, **options: Any) -> models.CharField:
    """A job's status; ``running_label`` may name the running state for what the job does ("Importing")."""
    choices = [(status.value, running_label if status == JobStatus.RUNNING else status.label) for status in JobStatus]
    return models.CharField(_("status"), max_length=10, choices=choices, default=JobStatus.QUEUED, **options)


def stalled_before() -> datetime:
    """A running job whose last sign of life is older than this seems stalled."""
    return timezone.now() - STALLED_AFTER


def still_active() -> models.Q:
    """Jobs waiting, or running without seeming stalled: the rule of ``Job.seems_stalled`` in a query,
    reading the sign of life recorded in the database (``Job.last_sign_of_life``)."""
    alive: GreaterThanOrEqual[datetime] = GreaterThanOrEqual(
        Coalesce("last_progress_at", "started_at", "created_at"), stalled_before()
    )
    return models.Q(status=JobStatus.QUEUED) | models.Q(alive, status=JobStatus.RUNNING)


def finding(where: dict[str, Any], severity: str, message: str) -> dict[str, Any]:
    """One entry of ``Job.findings``: ``where`` locates it (``{"row": 4, "field": "title"}``,
    ``{"line": 120}``), ``severity`` is the importer's tier (critical, error, warning)."""
    return {"where": where, "severity": severity, "message": message}


class Job(models.Model):
    Status = JobStatus

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = status_field()
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    # 0 while the size of the work is unknown.
    progress_total = models.PositiveIntegerField(default=0)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    # [{"where": {"row": 4, "field": "title"}, "severity": "error", "message": …}], see ``finding``.
    findings = models.JSONField(default=list, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @classmethod
    def claim(cls, job_id: int, **fields: Any) -> Self | None:
        """The queued job ``job_id``, now running (with ``fields`` set); None if it is not queued.

        One statement: of two workers handed the same job, only one gets it.
        """
        claimed = cls._base_manager.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), **fields
        )
        return cls._base_manager.get(pk=job_id) if claimed else None

    def start(self, stage: str = "") -> None:
        """Marks a job run in the foreground as running, without the queue."""
        self.status, self.stage, self.started_at = JobStatus.RUNNING, stage, timezone.now()
        self.save(update_fields=["status", "stage", "started_at"])

    def advance(self, done: int, total: int | None = None, *, stage: str | None = None) -> None:
        """Records how far the job got: ``done`` of ``total`` (unchanged when None), and its stage."""
        self.progress_done = done
        if total is not None:
            self.progress_total = total
        if stage is not None:
            self.stage = stage
        self.last_progress_at = timezone.now()
        self.save(update_fields=["progress_done", "progress_total", "stage", "last_progress_at"])

    def note(self, where: dict[str, Any], severity: str, message: str) -> None:
        """Keeps a finding about one row, line or field; saved with the job's next write."""
        self.findings.append(finding(where, severity, message))

    def finish(self, report: dict[str, Any] | None = None, *, also_saving: tuple[str, ...] = ()) -> None:
        """Ends the job as done with its report; ``also_saving`` names the subclass's fields set beside."""
        self._end(JobStatus.DONE, report=report, error_message="", also_saving=also_saving)

    def fail(self, message: str, *, report: dict[str, Any] | None = None, also_saving: tuple[str, ...] = ()) -> None:
        """Ends the job as failed, ``message`` telling people why (and what to do)."""
        self._end(JobStatus.FAILED, report=report, error_message=message, also_saving=also_saving)

    def _end(
        self, status: str, *, report: dict[str, Any] | None, error_message: str, also_saving: tuple[str, ...]
    ) -> None:
        self.status, self.report, self.error_message = status, report, error_message
        self.stage, self.finished_at = "", timezone.now()
        self.save(update_fields=["status", "report", "error_message", "stage", "findings", "finished_at", *also_saving])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent_done(self) -> int | None:
        """None while the size of the work is unknown."""
        if not self.progress_total:
            return None
        return min(self.progress_done * 100 // self.progress_total, 100)

    def last_sign_of_life(self) -> datetime:
        """When the worker last showed it runs; a job that writes its progress elsewhere says so here."""
        return self.last_progress_at or self.started_at or self.created_at

    @property
    def is_waiting_long(self) -> bool:
        return self.status == JobStatus.QUEUED and timezone.now() - self.created_at > WAITING_HINT_AFTER

    @property
    def seems_stalled(self) -> bool:
        return self.status == JobStatus.RUNNING and self.last_sign_of_life() < stalled_before()
