"""Uploaded IATI files, imported in the background.

``start_import_job`` stores the upload under a random name, records the job
and queues ``run_import_job`` once the job is committed; a worker
(``partnerhub db_worker``) then runs the import and keeps the job's progress
and report up to date. A job runs once: a finished job is never run again.

The import acts for the uploader: it writes only what their organisations own
(``import_rights``), with the rights they hold when the worker runs it.
"""

import logging
import secrets
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from partnerhub.access.models import Organisation
from partnerhub.iati.models import ImportJob, JobProgress, importing_organisation_ids
from partnerhub.iati.services import ImportProgress, ImportReport, import_iati_files
from partnerhub.iati.sync import sync_publishers
from partnerhub.overlaps.tasks import refresh_after_import

logger = logging.getLogger(__name__)

UPLOAD_FOLDER = "iati"
PROGRESS_EVERY_SECONDS = 1.0
PROGRESS_EVERY_ACTIVITIES = 1000
ERRORS_KEPT = 1000


# -- starting a job --------------------------------------------------------


def start_import_job(upload: UploadedFile, organisation: Organisation, *, keep_all: bool, acting_user) -> ImportJob:
    """Keep the uploaded file and queue its import for ``organisation``."""
    if not importing_organisation_ids(acting_user).filter(organisation_id=organisation.pk).exists():
        raise PermissionDenied(_("Only coordinators and administrators of an organisation import IATI files."))
    stored_name = store_upload(upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                started_by=acting_user,
                organisation=organisation,
                stored_name=stored_name,
                original_name=Path(upload.name or "").name[:255],
                keep_all=keep_all,
            )
            # A failure to queue must not undo the upload: the page then says a worker is needed.
            transaction.on_commit(partial(run_import_job.enqueue, job.pk), robust=True)
    except BaseException:
        (Path(settings.UPLOAD_DIR) / stored_name).unlink(missing_ok=True)
        raise
    return job


def store_upload(upload: UploadedFile) -> str:
    """Write the upload under a random name; returns the name relative to UPLOAD_DIR."""
    relative = f"{UPLOAD_FOLDER}/{secrets.token_hex(16)}.xml"
    target = Path(settings.UPLOAD_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as stream:
        for chunk in upload.chunks():
            stream.write(chunk)
    return relative


# -- running it ------------------------------------------------------------


@task()
def run_import_job(job_id: int) -> str:
    """Import the job's file, unless another run has claimed it or it is finished."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    if job.started_by is None:
        # Without its uploader the import would act for nobody, that is for the site operator.
        _fail(job, _("The person who uploaded this file no longer has an account: nothing was imported."))
        return job.status
    try:
        report = import_iati_files(
            [job.file_path],
            keep_all=job.keep_all,
            progress=JobProgressRecorder(job),
            source_names={Path(job.file_path): job.original_name},
            acting_user=job.started_by,
        )
        _finish(job, report)
    except Exception as error:
        logger.exception("IATI import job %s failed", job.pk)
        _fail(
            job,
            _(
                "The import stopped on an unexpected error (%(error)s). An administrator can read "
                "the details in the worker's log."
            )
            % {"error": error.__class__.__name__},
        )
        return job.status
    except BaseException:
        _fail(
            job,
            _(
                "The import was interrupted: the worker stopped. Upload the file again; what was "
                "already imported is recognised and not duplicated."
            ),
        )
        raise
    return job.status


def _claim(job_id: int) -> ImportJob | None:
    return ImportJob.claim(job_id, files_total=1)  # an upload is one file


def _fail(job: ImportJob, message: str) -> None:
    job.fail(message, report=job.report)
    job.forget_live_progress()


def _finish(job: ImportJob, report: ImportReport) -> None:
    job.files_done, job.files_total = report.files, report.files
    job.activities_read = report.activities_read
    job.bytes_read = job.bytes_total = job.file_path.stat().st_size if job.file_path.exists() else 0
    job.current_file = ""
    progress = ("files_done", "files_total", "activities_read", "bytes_read", "bytes_total", "current_file")
    refusal, kept_report = _refusal_message(report), _report_for_people(job, report)
    if refusal:
        job.fail(refusal, report=kept_report, also_saving=progress)
    else:
        job.finish(kept_report, also_saving=progress)
    job.forget_live_progress()
    if report.created or report.updated:
        refresh_after_import()


def _report_for_people(job: ImportJob, report: ImportReport) -> dict:
    """The report with the findings that did not stop an activity, naming the file
    as its uploader knows it rather than by its stored name."""
    data = report.as_dict()
    # An upload of another publisher's large file is refused activity by activity: keep the job row small.
    data["errors_not_kept"] = max(len(data["errors"]) - ERRORS_KEPT, 0)
    data["errors"] = data["errors"][:ERRORS_KEPT]
    data["warnings"] = [notice.as_dict() for notice in report.notices]
    data["warnings_not_kept"] = report.notices_left_out
    for problem in data["errors"] + data["warnings"]:
        if problem["file"] == str(job.file_path):
            problem["file"] = job.original_name
    return data


def _refusal_message(report: ImportReport) -> str:
    """Empty unless every file was refused as a whole; then the reason of the first."""
    if not report.files or report.failed_files < report.files or not report.errors:
        return ""
    # The line, when known, is in the report's table below the message.
    return _("The file was refused: %(reason)s") % {"reason": report.errors[0].reason}


class JobProgressRecorder:
    """Passes the importer's progress on to the job page, once a second or
    every thousand activities at most, whichever comes first."""

    def __init__(self, job: ImportJob, *, clock: Callable[[], float] = time.monotonic):
        self.job, self.clock = job, clock
        self.last_time: float | None = None
        self.last_activities = 0

    def __call__(self, progress: ImportProgress) -> None:
        now = self.clock()
        if not self._due(now, progress.activities_read):
            return
        self.last_time, self.last_activities = now, progress.activities_read
        try:
            self.job.write_live_progress(
                JobProgress(
                    files_done=progress.file_number - 1,
                    files_total=progress.files_total,
                    activities_read=progress.activities_read,
                    bytes_read=progress.bytes_read,
                    bytes_total=progress.bytes_total,
                    current_file=self.job.original_name,
                )
            )
        except OSError:
            # The page then shows less; the import itself must go on.
            logger.warning("Progress of IATI import job %s could not be written", self.job.pk, exc_info=True)

    def _due(self, now: float, activities: int) -> bool:
        if self.last_time is None:
            return True
        return (
            now - self.last_time >= PROGRESS_EVERY_SECONDS
            or activities - self.last_activities >= PROGRESS_EVERY_ACTIVITIES
        )


# -- the nightly sync from the IATI Registry ---------------------------------


@task()
def run_iati_sync() -> dict:
    """Sync every subscribed publisher (``iati.sync``); queued nightly by ``sync-iati --nightly``."""
    reports = sync_publishers()
    return {"publishers": [report.as_dict() for report in reports]}
