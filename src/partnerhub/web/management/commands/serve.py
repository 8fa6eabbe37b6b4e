"""``partnerhub serve``: the development server and the background worker in one command.

Each runs in a process group of its own, so that stopping reaches the
runserver's autoreloaded child too: Ctrl-C (or SIGTERM) stops both, and when
one of them stops by itself, the other is stopped with it.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 10
# Digests are due once a day or once a week; looking every quarter of an hour sends them soon after.
DIGEST_INTERVAL_SECONDS = 900
POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Serve the site, run the background worker (imports, overlap runs), send the e-mail digests and, "
        "with PARTNERHUB_IATI_SYNC_HOUR, queue the nightly IATI sync, until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        partnerhub = [sys.executable, "-m", "partnerhub.cli"]
        commands = [
            [*partnerhub, "db_worker"],
            [*partnerhub, "runserver", addrport],
            [*partnerhub, "send-digests", "--every", str(DIGEST_INTERVAL_SECONDS)],
        ]
        if str(settings.IATI_SYNC_HOUR).strip():
            # Queues the IATI Registry sync for the worker once a night (docs/iati-sync.md).
            commands.append([*partnerhub, "sync-iati", "--nightly"])
        code = run_together(commands)
        if code:
            sys.exit(code)


def run_together(commands: list[list[str]]) -> int:
    """Run the commands side by side until one ends or this process is told to stop."""
    processes = [subprocess.Popen(command, start_new_session=True) for command in commands]  # noqa: S603
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return _wait_for_first_exit(processes)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_all(processes)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def _wait_for_first_exit(processes: list[subprocess.Popen]) -> int:
    while True:
        for process in processes:
            code = process.poll()
            if code is not None:
                return code
        time.sleep(POLL_SECONDS)


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Ask every process group to stop; kill what still runs after the grace time.

    SIGTERM rather than SIGINT: a process started in the background inherits an
    ignored SIGINT, and the worker finishes its current task on either.
    """
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        _signal_group(process, signal.SIGKILL)  # children the leader left behind (the autoreloader's)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
