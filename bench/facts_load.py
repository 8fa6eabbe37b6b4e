"""Benchmark: ``partnerhub load-facts`` on the real UNHCR population file, against its parser alone.

Measures in the same run, each in a fresh subprocess on a new SQLite database
(reference data loaded first, not timed):

(a) floor: the parser alone (``facts.sources.PARSERS[source](path)``), which
    reads the file into a ``Reading`` and writes nothing;
(b) the first load (``partnerhub load-facts``: parser, loader, job), every figure new;
(c) the second load of the same file, every figure unchanged.

The last line is one JSON object.

    .venv/bin/python bench/facts_load.py [--source unhcr-population] [--path FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATS = ROOT.parent / "shared" / "data" / "stats"
DEFAULT_PATH = STATS / "unhcr" / "unhcr_population_2010plus.csv"
PARTNERHUB = str(ROOT / ".venv" / "bin" / "partnerhub")
PARSE_ONLY = (
    "import sys, django; django.setup(); from pathlib import Path; "
    "from partnerhub.facts.sources import PARSERS; PARSERS[sys.argv[1]](Path(sys.argv[2]))"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="unhcr-population")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    return parser.parse_args()


def seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (our own command)
    return round(time.perf_counter() - started, 2)


def main() -> None:
    options = parse_args()
    with tempfile.TemporaryDirectory(prefix="facts-bench-") as data_dir:
        env = {**os.environ, "PARTNERHUB_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "partnerhub.settings"}
        env.pop("DATABASE_URL", None)
        subprocess.run([PARTNERHUB, "setup"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        load = [PARTNERHUB, "load-facts", options.source, str(options.path)]
        figures = {
            "source": options.source,
            "file": options.path.name,
            "parser_alone_s": seconds([sys.executable, "-c", PARSE_ONLY, options.source, str(options.path)], env),
            "first_load_s": seconds(load, env),
            "second_load_s": seconds(load, env),
        }
    figures["first_load_over_parser"] = round(figures["first_load_s"] / figures["parser_alone_s"], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
