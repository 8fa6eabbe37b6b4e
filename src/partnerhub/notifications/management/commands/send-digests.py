import json
import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.notifications.digests import DigestRunReport, send_due_digests

logger = logging.getLogger(__name__)


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Send the e-mail digests that are due: daily ones once a day, weekly ones once a week, each "
        "listing what changed since the user's last digest among what they follow and may see now. "
        "Running it again sends nothing twice. Run it from cron every few minutes, or with --every."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every", type=int, metavar="SECONDS", help=_("keep running, sending what is due every SECONDS seconds")
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )

    def handle(self, *args: Any, every: int | None = None, as_json: bool = False, **options: Any) -> None:
        if every is not None and every < 1:
            raise CommandError(_("--every: give a number of seconds of at least 1."))
        if every is None:
            self._report(send_due_digests(), as_json)
            return
        while True:
            try:
                report = send_due_digests()
            except DatabaseError:  # the database away for a while: try again at the next turn
                logger.exception("Sending the digests failed; trying again in %s seconds", every)
            else:
                if report.sent or report.failed or as_json:
                    self._report(report, as_json)
            time.sleep(every)

    def _report(self, report: DigestRunReport, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(
            _("Digests sent: %(sent)d; nothing new: %(empty)d; failed: %(failed)d.")
            % {"sent": report.sent, "empty": report.nothing_new, "failed": len(report.failed)}
        )
