"""``partnerhub sync-iati``: read the subscribed publishers' files from the IATI Registry and import what changed.

``--nightly`` keeps running and queues the sync for the background worker
once a day at ``PARTNERHUB_IATI_SYNC_HOUR`` (UTC); ``partnerhub serve`` starts
it so when that setting is given.
"""

import json
import logging
import time
from datetime import UTC, date, datetime
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.iati.schedule import is_due, sync_hour
from partnerhub.iati.sync import PublisherReport, SyncError, sync_publishers
from partnerhub.iati.tasks import run_iati_sync

logger = logging.getLogger(__name__)
SCHEDULE_POLL_SECONDS = 60


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Read the subscribed IATI publishers' activity files from the IATI Registry, download the ones that "
        "changed and import them; activities that vanished from a publisher's files are marked withdrawn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publisher", metavar="ID", help=_("only this publisher (its IATI Registry identifier)"))
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )
        parser.add_argument(
            "--nightly",
            action="store_true",
            help=_("keep running and queue the sync for the worker every day at PARTNERHUB_IATI_SYNC_HOUR (UTC)"),
        )

    def handle(self, *args: Any, publisher: str | None, as_json: bool, nightly: bool, **options: Any) -> None:
        if nightly:
            self._schedule()
            return
        try:
            reports = sync_publishers(publisher)
        except SyncError as error:
            raise CommandError(str(error)) from error
        self._write(reports, as_json)
        if any(report.failed for report in reports):
            raise CommandError(_("Some files could not be synced: see the errors above."))

    def _write(self, reports: list[PublisherReport], as_json: bool) -> None:
        for report in reports:
            for problem in report.errors:
                self.stdout.write(f"{report.publisher_id} {problem['dataset']}: {problem['error']}")
            if report.skipped_reason:
                self.stdout.write(f"{report.publisher_id}: {report.skipped_reason}")
                continue
            self.stdout.write(
                _(
                    "%(publisher)s: %(datasets)d files listed, %(downloaded)d downloaded and imported, "
                    "%(unchanged)d unchanged, %(failed)d failed; %(activities_read)d activities read, "
                    "%(created)d created, %(updated)d updated, %(withdrawn)d withdrawn, %(stated_again)d stated again."
                )
                % report.as_dict()
            )
        if as_json:
            self.stdout.write(json.dumps([report.as_dict() for report in reports], ensure_ascii=False))

    def _schedule(self) -> None:
        hour = sync_hour()
        if hour is None:
            raise CommandError(_("--nightly needs PARTNERHUB_IATI_SYNC_HOUR (0–23, UTC)."))
        last_queued: date | None = None
        while True:
            now = datetime.now(UTC)
            if is_due(now, hour, last_queued):
                try:
                    run_iati_sync.enqueue()
                except Exception:  # the database away for a while: try again at the next turn
                    logger.exception("The nightly IATI sync could not be queued")
                else:
                    last_queued = now.date()
                    self.stdout.write(_("IATI sync queued for the worker."))
            time.sleep(SCHEDULE_POLL_SECONDS)
