"""How the test suite is run: which tests ``make test-fast`` must leave out, and how ``make test`` shares the
modules out between its processes (used by tests/conftest.py)."""

from __future__ import annotations

import os

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


#: How much more a test function marked slow weighs than another test when the modules are shared out (its
#: further parameters weigh 1: the slow one is often one of them). 40 to 80 share the suite's time evenly.
SLOW_WEIGHT = 50


def shard_of(modules: dict[str, float], shards: int) -> dict[str, int]:
    """The shard (0-based) of each module: heaviest first, each to the lightest shard so far. A module stays
    whole, so that its module-scoped fixtures are built once."""
    load = [0.0] * shards
    out: dict[str, int] = {}
    for name, weight in sorted(modules.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        out[name] = k
        load[k] += weight
    return out
