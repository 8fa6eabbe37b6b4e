"""The benchmark scripts of bench/, loaded as modules so that their tests can call their parts."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def script(name: str) -> Path:
    return ROOT / "bench" / f"{name}.py"


def load_bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_bench", script(name))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_small(name: str, *arguments: str, cwd: Path) -> dict:
    """Runs bench/<name>.py with ``arguments`` and returns the figures of its last line (a JSON object)."""
    completed = subprocess.run(  # noqa: S603 (the project's own script)
        [sys.executable, str(script(name)), *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])
