"""The command ended at once after its work: the atexit functions run, the output flushed, the status kept; a caller
in its own process, or a process with another thread still running, gets the status back instead."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types

from qdanalysis.run import cli, quick_exit

#: A script run as the command line would be: its ``__main__`` holds the CLI's ``main``, as the console script's does.
COMMAND = """
import atexit, sys, threading
from qdanalysis.run.cli import main
from qdanalysis.run.quick_exit import is_command, leave

atexit.register(lambda: open(sys.argv[1], "w").write("atexit ran"))
{before}
print("written", is_command(), end="")  # no newline: still in the buffer of a pipe
status = leave(3)
print("", "returned", status)
{after}
"""


def _run(tmp_path, before: str = "", after: str = "") -> tuple[subprocess.CompletedProcess, str]:
    script = tmp_path / "command.py"
    script.write_text(textwrap.dedent(COMMAND.format(before=before, after=after)), encoding="utf-8")
    marker = tmp_path / "marker.txt"
    done = subprocess.run([sys.executable, str(script), str(marker)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return done, marker.read_text() if marker.exists() else ""


def test_the_command_leaves_with_its_status_after_the_atexit_functions_and_its_output(tmp_path):
    done, marker = _run(tmp_path)
    assert done.returncode == 3 and done.stdout == "written True" and marker == "atexit ran", done.stderr


def test_a_thread_still_running_makes_the_command_exit_as_usual(tmp_path):
    done, marker = _run(tmp_path, before="go = threading.Event(); threading.Thread(target=go.wait).start()",
                        after="go.set(); sys.exit(status)")
    assert done.returncode == 3 and done.stdout == "written True returned 3\n" and marker == "atexit ran", done.stderr


def test_a_caller_in_its_own_process_gets_the_status_back():
    assert not quick_exit.is_command()  # pytest's __main__
    assert quick_exit.leave(5) == 5


def test_the_command_line_is_the_console_script_or_the_cli_run_as_a_module(monkeypatch):
    script = types.ModuleType("__main__")
    script.main = cli.main  # the console script and ``python -m qdanalysis``: from qdanalysis.run.cli import main
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert quick_exit.is_command()
    as_module = types.ModuleType("__main__")  # ``python -m qdanalysis.run.cli``: the module itself, run again
    as_module.__spec__ = types.SimpleNamespace(name="qdanalysis.run.cli")
    as_module.main = lambda argv=None: 0
    monkeypatch.setitem(sys.modules, "__main__", as_module)
    assert quick_exit.is_command()
    other = types.ModuleType("__main__")
    other.main = lambda argv=None: 0
    monkeypatch.setitem(sys.modules, "__main__", other)
    assert not quick_exit.is_command()
