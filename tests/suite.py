"""How the test suite is run: which tests ``make test-fast`` must leave out, and how ``make test`` shares the
modules out between its processes (used by tests/conftest.py)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

#: Programs that make a test slow (a Jupyter kernel, papermill, LibreOffice, Chromium): a test that starts one is
#: marked ``slow`` (``pytestmark = pytest.mark.slow`` for a module), and a run without the slow tests refuses it.
SLOW_PROGRAMS = ("ipykernel_launcher", "papermill", "soffice", "libreoffice", "chromium")


def slow_program(args: object) -> str | None:
    """The slow program a command starts (a ``qdanalysis run`` starts a kernel), or None."""
    if isinstance(args, (str, bytes)):
        argv = os.fsdecode(args).split()  # a shell command line
    elif isinstance(args, os.PathLike):
        argv = [os.fsdecode(args)]
    else:
        argv = [os.fsdecode(a) if isinstance(a, (str, bytes, os.PathLike)) else "" for a in args]  # type: ignore[union-attr]
    words = [os.path.basename(a) for a in argv]
    for word in words:
        for program in SLOW_PROGRAMS:
            if word == program or word.startswith((program + "-", program + ".")):
                return program
    if "run" in words and any(w in ("qdanalysis", "qdanalysis.run.cli") for w in words):
        return "qdanalysis run"
    return None


#: Checks a command must pass before it starts, each given its argv (tests/conftest.py's refusal of the slow programs
#: in a run that leaves the slow tests out): a Popen makes them, and so do the commands tests/limited_runs.py forks.
BEFORE_START: list = []


#: How much more a test function marked slow weighs than another test when the modules are shared out (its
#: further parameters weigh 1: the slow one is often one of them). 40 to 80 share the suite's time evenly.
SLOW_WEIGHT = 50


def shard_of(modules: dict[str, float], shards: int, load: list[float] | None = None) -> dict[str, int]:
    """The shard (0-based) of each module: heaviest first, each to the lightest shard so far (``load``: each shard's
    seconds so far, added to). A module stays whole, so that its module-scoped fixtures are built once."""
    load = [0.0] * shards if load is None else load
    out: dict[str, int] = {}
    for name, weight in sorted(modules.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        out[name] = k
        load[k] += weight
    return out


#: Each test module's measured seconds (``make test-timings`` writes it from a whole run): the shares are weighed
#: by these, so that each process finishes at about the same time. A module not listed (a new one) is weighed by
#: its tests (:data:`SLOW_WEIGHT`) at :data:`UNIT_SECONDS` each.
TIMINGS = Path(__file__).with_name("module_seconds.json")
#: The seconds a unit weighs in a module not yet measured, on the scale of :data:`TIMINGS`: in the measured modules,
#: their seconds over their units (417.3 s in all in the run that wrote it, a fresh clone at load 0.5-2.5).
UNIT_SECONDS = 0.032


def shares(measured: dict[str, float], new_units: dict[str, float], shards: int) -> dict[str, int]:
    """The shard of each module: the measured ones by their seconds first, so that a process knows which are its
    own before it imports any (it imports no other: tests/conftest.py), then the new ones by their units (tests,
    slow ones weighing :data:`SLOW_WEIGHT`) at :data:`UNIT_SECONDS` each, onto the shares so loaded."""
    load = [0.0] * shards
    out = shard_of(measured, shards, load)
    out.update(shard_of({m: u * UNIT_SECONDS for m, u in new_units.items() if m not in measured}, shards, load))
    return out


def read_timings(path: Path = TIMINGS) -> dict[str, float]:
    """:data:`TIMINGS` as {module: seconds}; {} when absent (every module is then weighed by its tests)."""
    return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()} if path.is_file() else {}


def junit_seconds(*reports: Path) -> dict[str, float]:
    """Each module's seconds (setup, call and teardown of its tests) from pytest's ``--junitxml`` reports."""
    out: dict[str, float] = {}
    for report in reports:
        for case in ET.parse(report).getroot().iter("testcase"):
            classname = case.get("classname", "")
            parts = classname.split(".")
            # tests.read.test_xlsx (a function) or tests.read.test_xlsx.TestClass (a class's method)
            while parts and not parts[-1].startswith("test_"):
                parts.pop()
            if parts:
                module = "/".join(parts) + ".py"
                out[module] = round(out.get(module, 0.0) + float(case.get("time", 0) or 0), 2)
    return dict(sorted(out.items()))


if __name__ == "__main__":  # make test-timings: python tests/suite.py <junit.xml>... > tests/module_seconds.json
    import sys

    print(json.dumps(junit_seconds(*(Path(a) for a in sys.argv[1:])), ensure_ascii=False, indent=1))
