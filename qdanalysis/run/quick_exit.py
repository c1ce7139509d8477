"""The ``qdanalysis`` command ended without the interpreter's teardown, once its work is done and said.

When a Python process exits it frees every object it still holds, one by one, and collects the garbage: for
``qdanalysis draft`` that is the year's data and analysis, python-docx's trees, pandas and pyarrow, a tenth of a second
or more after the draft is written and the message printed, during which the user waits for a prompt and the system
is about to take the memory back anyway. :func:`leave` ends the process at once instead (as mypy's command line does),
after what an exit must still do: the functions registered with :mod:`atexit` (temporary folders, logging, the
children of :mod:`multiprocessing`) and the flush of stdout and stderr.

Only the command-line program leaves so (:func:`is_command`); a caller of :func:`~qdanalysis.run.cli.main` in its own
process (the tests, a notebook) gets the status back, and so does a process with a thread of its own still running
(a normal exit would wait for it).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

#: The command line's module.
CLI = "qdanalysis.run.cli"


def is_command() -> bool:
    """Whether this process is the ``qdanalysis`` command line: its ``__main__`` is the console script (or
    ``python -m qdanalysis``) that calls :func:`qdanalysis.run.cli.main`, or :mod:`qdanalysis.run.cli` itself run
    with ``python -m``."""
    main = sys.modules.get("__main__")
    entry, spec = getattr(main, "main", None), getattr(main, "__spec__", None)
    return getattr(entry, "__module__", None) == CLI or getattr(spec, "name", None) == CLI


def leave(status: int) -> int:
    """End the command now with ``status`` (see the module's text); ``status`` back where it is not the command,
    or where another thread than this one still runs."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if others or not is_command():
        return status
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter's exit would run first
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a reader gone (a closed pipe) must not change the status
            stream.flush()
    os._exit(status)
