"""The benchmark scripts of bench/, loaded as modules so that their tests can call their parts."""

import importlib.util
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
