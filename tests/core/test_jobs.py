"""Every kind of background job follows one record (``core.jobs.Job``): queued, claimed by one
worker, advancing stage by stage, then done with its report and findings, or failed with a message.

``tests/toyapp``'s ``ToyJob`` has nothing of its own but a name.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerhub.core.jobs import STALLED_AFTER, WAITING_HINT_AFTER, JobStatus, still_active
from partnerhub.iati.models import ImportJob
from tests.toyapp.models import ToyJob

pytestmark = pytest.mark.django_db


def queued_job(**fields) -> ToyJob:
    return ToyJob.objects.create(name="nightly load", **fields)


def backdate(job: ToyJob, **fields) -> ToyJob:
    ToyJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_queued_job_is_claimed_by_one_worker_only(cast):
    job = queued_job(started_by=cast.commission_desk_officer)
    claimed = ToyJob.claim(job.pk, stage="loading")
    assert (claimed.status, claimed.stage, claimed.started_by) == (
        JobStatus.RUNNING,
        "loading",
        cast.commission_desk_officer,
    )
    assert claimed.started_at is not None
    assert ToyJob.claim(job.pk) is None


def test_a_finished_job_is_never_claimed_again():
    job = queued_job()
    job.finish({"rows": 0})
    assert ToyJob.claim(job.pk) is None


def test_a_job_run_in_the_foreground_starts_without_the_queue():
    job = queued_job()
    job.start("reading")
    job.refresh_from_db()
    assert (job.status, job.stage, job.is_finished) == (JobStatus.RUNNING, "reading", False)


def test_progress_is_a_share_of_the_work_once_its_size_is_known():
    job = ToyJob.claim(queued_job().pk)
    assert job.percent_done is None
    job.advance(0, 400, stage="saving")
    job.advance(100)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.stage, job.percent_done) == (100, 400, "saving", 25)


def test_a_done_job_keeps_its_report_and_what_it_found_about_each_row():
    job = ToyJob.claim(queued_job().pk)
    job.note({"row": 4, "field": "title"}, "error", "The title is empty.")
    job.finish({"created": 3})
    job.refresh_from_db()
    assert (job.status, job.report, job.stage, job.is_finished) == (JobStatus.DONE, {"created": 3}, "", True)
    assert job.findings == [
        {"where": {"row": 4, "field": "title"}, "severity": "error", "message": "The title is empty."}
    ]
    assert job.finished_at is not None


def test_a_failed_job_says_why():
    job = ToyJob.claim(queued_job().pk)
    job.fail("The file could not be read.")
    job.refresh_from_db()
    assert (job.status, job.error_message, job.report, job.is_finished) == (
        JobStatus.FAILED,
        "The file could not be read.",
        None,
        True,
    )


def test_a_job_waiting_for_a_worker_too_long_says_so():
    job = queued_job()
    assert not job.is_waiting_long
    job = backdate(job, created_at=timezone.now() - WAITING_HINT_AFTER - timedelta(seconds=1))
    assert job.is_waiting_long


def test_a_running_job_seems_stalled_only_after_a_long_time_without_progress():
    long_ago = timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    job = backdate(ToyJob.claim(queued_job().pk), started_at=long_ago)
    assert job.seems_stalled
    job.advance(1, 10)
    assert not job.seems_stalled


minutes_ago = st.one_of(st.none(), st.integers(min_value=0, max_value=3 * 60))


@settings(max_examples=40, deadline=None)
@given(
    status=st.sampled_from(JobStatus),
    created=st.integers(min_value=0, max_value=3 * 60),
    started=minutes_ago,
    progressed=minutes_ago,
)
def test_a_query_for_active_jobs_follows_the_same_rule_as_seems_stalled(status, created, started, progressed):
    now = timezone.now()

    def ago(minutes: int | None):
        return None if minutes is None else now - timedelta(minutes=minutes)

    job = backdate(
        queued_job(), status=status, created_at=ago(created), started_at=ago(started), last_progress_at=ago(progressed)
    )
    active = ToyJob.objects.filter(still_active(), pk=job.pk).exists()
    assert active == (status == JobStatus.QUEUED or (status == JobStatus.RUNNING and not job.seems_stalled))


def test_a_kind_of_job_may_name_its_running_state_for_what_it_does():
    assert dict(ToyJob._meta.get_field("status").choices)[JobStatus.RUNNING] == "Running"
    assert dict(ImportJob._meta.get_field("status").choices)[JobStatus.RUNNING] == "Importing"
