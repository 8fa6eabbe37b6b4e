"""Every hostile or broken IATI file of the corpus (tests/support/hostile_files.py), through the
upload page and through ``import-iati``: a clear message naming the file (and the line where
there is one), never a 500 nor a hang, and no row written anywhere but the failed job's own."""

import socket
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from partnerhub.access.models import Membership, Role
from partnerhub.iati.models import ImportJob
from tests.support.database import changed_tables, row_counts
from tests.support.hostile_files import IATI_FILES, HostileFile

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("iati:import_job_create")
# Generous: the slowest file (a 50 MB attribute) is refused in about a second.
SECONDS_AT_MOST = 30


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the importer tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def commission_coordinator(client, cast):
    """A coordinator of the Commission, which publishes the corpus's activities."""
    Membership.objects.create(user=cast.coordinator, organisation=cast.commission, role=Role.COORDINATOR)
    client.force_login(cast.coordinator)
    return client


def upload(client, cast, hostile: HostileFile, django_capture_on_commit_callbacks):
    data = {
        "organisation": cast.commission.pk,
        "file": SimpleUploadedFile(hostile.name, hostile.build()),
        "keep_all": "on",
    }
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):  # the import runs once the job is committed
        response = client.post(CREATE_URL, data)
    assert time.monotonic() - started < SECONDS_AT_MOST
    if response.status_code == 302:  # to the job's page, which now tells how the import ended
        response = client.get(response.url)
    return response


@pytest.mark.parametrize("hostile", IATI_FILES, ids=str)
def test_coordinator_uploading_a_hostile_file_reads_why_it_was_refused_and_nothing_is_written(
    commission_coordinator, cast, no_network, django_capture_on_commit_callbacks, hostile
):
    before = row_counts()

    response = upload(commission_coordinator, cast, hostile, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    page = response.content.decode()
    assert hostile.name in page and hostile.expected in page
    job = ImportJob.objects.filter(original_name=hostile.name).first()
    jobs_table = ImportJob._meta.db_table
    if job is None:  # refused by the form, before any job
        assert changed_tables(before, row_counts()) == {}
    else:
        assert job.status == ImportJob.Status.FAILED
        assert changed_tables(before, row_counts()) == {jobs_table: (before[jobs_table], before[jobs_table] + 1)}


@pytest.mark.parametrize("hostile", IATI_FILES, ids=str)
def test_the_import_command_names_file_line_and_reason_and_writes_nothing(cast, tmp_path, no_network, hostile):
    path = tmp_path / hostile.name
    path.write_bytes(hostile.build())
    before = row_counts()
    output = StringIO()

    started = time.monotonic()
    with pytest.raises(CommandError, match="1 file could not be imported"):
        call_command("import-iati", str(path), "--all", stdout=output)

    assert time.monotonic() - started < SECONDS_AT_MOST
    (message,) = [line for line in output.getvalue().splitlines() if line.startswith(str(path))]
    assert hostile.expected in message
    line = message.removeprefix(f"{path}:").split(":")[0]
    assert line.isdigit(), f"no line named in {message!r}"
    assert changed_tables(before, row_counts()) == {}
