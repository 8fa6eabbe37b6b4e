"""``make run`` → ``partnerhub serve``: the site and the background worker together, stopped together."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from partnerhub.web.management.commands import serve

# A stand-in for runserver: it starts a child of its own (as the autoreloader
# does), writes both process ids, and sleeps; or exits with a code when told.
STAND_IN = textwrap.dedent("""
    import os, subprocess, sys, time
    pid_file, exit_code = sys.argv[1], int(sys.argv[2])
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    with open(pid_file + ".tmp", "w") as out:
        out.write(f"{child.pid}\\n")
    os.replace(pid_file + ".tmp", pid_file)
    if exit_code:
        time.sleep(1)
        sys.exit(exit_code)
    time.sleep(120)
""")


def start_runner(tmp_path: Path, exit_codes: tuple[int, int]) -> tuple[subprocess.Popen, list[Path]]:
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    pid_files = [tmp_path / f"child-{n}.pid" for n in range(2)]
    commands = [
        [sys.executable, str(script), str(pid_file), str(code)]
        for pid_file, code in zip(pid_files, exit_codes, strict=True)
    ]
    runner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from partnerhub.web.management.commands.serve import run_together; "
                f"sys.exit(run_together({commands!r}))"
            ),
        ]
    )
    return runner, pid_files


def wait_for(files: list[Path]) -> None:
    deadline = time.monotonic() + 30
    while not all(path.exists() for path in files):
        assert time.monotonic() < deadline, "the stand-ins did not start"
        time.sleep(0.1)


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def grandchildren(pid_files: list[Path]) -> list[int]:
    return [int(path.read_text()) for path in pid_files]


def wait_until_stopped(pids: list[int]) -> list[int]:
    deadline = time.monotonic() + serve.GRACE_SECONDS + 10
    while any(is_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if is_running(pid)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_the_server_and_the_worker_with_their_children(tmp_path, signum):
    runner, pid_files = start_runner(tmp_path, (0, 0))
    wait_for(pid_files)

    os.kill(runner.pid, signum)  # to the runner alone: the children must be stopped by it

    assert runner.wait(timeout=serve.GRACE_SECONDS + 10) == 0
    assert wait_until_stopped(grandchildren(pid_files)) == []


def test_when_one_process_stops_the_other_is_stopped_and_its_exit_code_kept(tmp_path):
    runner, pid_files = start_runner(tmp_path, (0, 3))
    wait_for(pid_files)

    assert runner.wait(timeout=serve.GRACE_SECONDS + 10) == 3
    assert wait_until_stopped(grandchildren(pid_files)) == []


def test_serve_runs_the_worker_and_the_development_server(monkeypatch):
    started = []
    monkeypatch.setattr(serve, "run_together", lambda commands: started.extend(commands) or 0)

    call_command("serve", "127.0.0.1:8123")

    assert [command[-1] for command in started] == ["db_worker", "127.0.0.1:8123", "900"]
    assert started[1][-2] == "runserver"
    assert started[2][-3:] == ["send-digests", "--every", "900"]


def test_make_run_uses_serve():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "partnerhub serve $(HOST):$(PORT)" in run_recipe
    assert "runserver" not in run_recipe
