"""What a report server (:mod:`qdanalysis.run.report_server`) is keyed by, so that a stale one is never used.

A server imports the code once and forks a child for each report; the child runs as a new ``qdanalysis`` process
would only if nothing the imports read has changed since. The key covers:

- the code: every file of the ``qdanalysis`` package (:func:`package_fingerprint`), the interpreter, and the
  distributions installed beside it (the names of the entries of each ``site-packages`` folder on ``sys.path``,
  which carry their versions);
- the environment, less the variables that differ between the tasks of one DAG run (:func:`per_task`);
- the working folder, and the portfolio file (its path and its bytes).

Imports the standard library only: the thin client (:mod:`qdanalysis.run.report_client`) computes the key at each
task's start.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path

#: Bumped when the recipe changes, so that an older server's key never matches.
KEY_VERSION = 1
#: Variables set per task instance (Airflow's ``AIRFLOW_CTX_*`` and ``_AIRFLOW_PARSING_CONTEXT_*``, its task
#: runner's own, the DAG's label of the report): they differ between the tasks of one run and are given to each
#: report's process as they are, not keyed.
PER_TASK_PREFIXES = ("AIRFLOW_CTX_", "_AIRFLOW_PARSING_CONTEXT_")
PER_TASK_NAMES = frozenset({"QDANALYSIS_ONLY", "__AIRFLOW_SUPERVISOR_FD", "_AIRFLOW__STARTUP_MSG"})


def per_task(name: str) -> bool:
    """Whether the environment variable ``name`` is set per task (not part of the key)."""
    return name in PER_TASK_NAMES or name.startswith(PER_TASK_PREFIXES)


def common_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` without the per-task variables: what a server runs under and is keyed by."""
    return {k: v for k, v in env.items() if not per_task(k)}


@functools.lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """SHA-256 of every file of the ``qdanalysis`` package, with its version (also the code in a portfolio
    run's fingerprints, :func:`qdanalysis.run.portfolio.fingerprint`)."""
    import qdanalysis

    package = Path(qdanalysis.__file__).resolve().parent
    h = hashlib.sha256(f"qdanalysis {qdanalysis.__version__}\n".encode())
    for f in sorted(package.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(package).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


def installed() -> list[str]:
    """The entries of every ``site-packages`` folder on ``sys.path`` (``*.dist-info`` names carry versions)."""
    names = []
    for entry in sys.path:
        if Path(entry).name in ("site-packages", "dist-packages") and os.path.isdir(entry):
            names += [f"{entry}/{name}" for name in sorted(os.listdir(entry))]
    return names


def key(env: dict[str, str], cwd: str, portfolio: str | Path) -> str:
    """The key of a server for a process with ``env`` in ``cwd`` running reports of ``portfolio``."""
    portfolio = Path(cwd, portfolio).resolve()
    try:
        content = hashlib.sha256(portfolio.read_bytes()).hexdigest()
    except OSError as err:
        content = f"unreadable: {err.strerror}"
    recipe = {"version": KEY_VERSION, "python": [os.path.realpath(sys.executable), sys.version],
              "package": package_fingerprint(), "installed": installed(), "env": common_env(env), "cwd": cwd,
              "portfolio": [str(portfolio), content]}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def differences(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """The names of the variables (not per task) whose values differ between two environments."""
    a, b = common_env(ours), common_env(theirs)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
