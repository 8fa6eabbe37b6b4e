"""The overlap finder as a background task, and the record of its runs.

``start_overlap_run(country, acting_user=...)`` records a queued run and queues
``run_overlap_finder`` once the record is committed; a worker
(``partnerhub db_worker``) then runs the finder and keeps the run's stage up
to date. ``partnerhub find-overlaps`` runs it in the foreground and records
its run the same way, so that pages can say when the last run finished.
Schedule that command (cron, a systemd timer) for the nightly whole-portfolio
run; coordinators start runs for one country from its profile.

A run is not queued twice: while a run covering the same scope waits or runs
(one for the whole portfolio covers every country), starting another returns
that one (see ``overlaps.active_run``), unless it seems stalled (``core.jobs.Job.seems_stalled``).
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from partnerhub.geo.models import Country
from partnerhub.overlaps.finder import OverlapProgress, OverlapRunReport, Progress, find_overlaps
from partnerhub.overlaps.models import OverlapRun
from partnerhub.overlaps.queries import active_run
from partnerhub.overlaps.services import may_review_overlaps

logger = logging.getLogger(__name__)


def start_overlap_run(country: Country | None, *, acting_user) -> tuple[OverlapRun, bool]:
    """Queue a run for ``country`` (None: the whole portfolio). Returns the run and whether it is new:
    an active run covering the same scope is returned instead of a second one."""
    if not may_review_overlaps(acting_user):
        raise PermissionDenied(
            _(
                "Only coordinators and administrators of EU institutions and Member State "
                "bodies start the overlap finder."
            )
        )
    return _queue(country, started_by=acting_user)


def refresh_after_import() -> OverlapRun:
    """Imported engagements may overlap others: queue a run over the whole portfolio
    (or leave the one already waiting or running)."""
    run, _new = _queue(None, started_by=None)
    return run


def _queue(country: Country | None, *, started_by) -> tuple[OverlapRun, bool]:
    with transaction.atomic():
        running = active_run(country)
        if running is not None:
            return running, False
        run = OverlapRun.objects.create(country=country, started_by=started_by)
        # A failure to queue must not undo the record: the page then says the run waits for a worker.
        transaction.on_commit(partial(run_overlap_finder.enqueue, run.pk), robust=True)
    return run, True


@task()
def run_overlap_finder(run_id: int) -> str:
    """Run a queued run, unless another worker has claimed it or it is finished."""
    run = OverlapRun.claim(run_id)
    if run is None:
        return "skipped"
    execute_run(run)
    return run.status


def execute_run(run: OverlapRun, progress: Progress | None = None) -> OverlapRunReport | None:
    """Run the finder for ``run`` (already marked running) and record how it ended; ``progress``
    also hears of each step."""
    try:
        report = find_overlaps(run.country, progress=RunStage(run, progress))
    except Exception as error:
        logger.exception("Overlap finder run %s failed", run.pk)
        run.fail(
            _(
                "The run stopped on an unexpected error (%(error)s). The pairs found before are unchanged; "
                "an administrator can read the details in the worker's log."
            )
            % {"error": error.__class__.__name__}
        )
        return None
    except BaseException:
        run.fail(_("The run was interrupted: its worker stopped."))
        raise
    run.finish(report.as_dict())
    return report


def record_foreground_run(country: Country | None) -> OverlapRun:
    """A run started from the command line, already running."""
    run = OverlapRun.objects.create(country=country)
    run.start()
    return run


# Well within ``core.jobs.STALLED_AFTER``: a long stage still shows that its worker runs.
SIGN_OF_LIFE_EVERY = timedelta(minutes=1)


class RunStage:
    """Passes the finder's stage on to the run's record: once per stage, and at least every
    ``SIGN_OF_LIFE_EVERY`` within one, so that a long run never seems stalled."""

    def __init__(self, run: OverlapRun, also: Progress | None = None):
        self.run, self.also = run, also

    def __call__(self, progress: OverlapProgress) -> None:
        if self.also is not None:
            self.also(progress)
        if progress.stage != self.run.stage or self._sign_of_life_due():
            self.run.advance(progress.done, progress.total, stage=progress.stage)

    def _sign_of_life_due(self) -> bool:
        return timezone.now() - self.run.last_sign_of_life() >= SIGN_OF_LIFE_EVERY
