"""Tests for qdanalysis.run.zygote: kernels forked from one process that imported their libraries once.

Each test runs tiny notebooks (tests/tiny_notebooks.py) through :func:`run_notebook` while a zygote serves the
test process, as ``run --portfolio`` does, and reads back what the kernel printed about itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from pathlib import Path

import pytest
from tiny_notebooks import make_notebook, outputs_text

from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.run import zygote
from qdanalysis.run.notebook import _kernel_manager_class, run_notebook

pytestmark = pytest.mark.slow  # every test starts a zygote and kernels

#: What a kernel says about its process: compared between a forked kernel and one launched normally.
ABOUT = """
import ctypes, json, os, signal, sys
import matplotlib, numpy
from ipykernel.kernelapp import IPKernelApp
def blas():
    for line in open('/proc/self/maps'):
        if 'openblas' in line and line.rstrip().endswith('.so'):
            lib = ctypes.CDLL(line.split()[-1], mode=os.RTLD_NOLOAD)
            return lib.scipy_openblas_get_num_threads64_()
print('ABOUT' + json.dumps({
    'pid': os.getpid(), 'ppid': os.getppid(), 'pgid': os.getpgid(0), 'sid': os.getsid(0),
    'env': {k: v for k, v in os.environ.items() if k not in ('JPY_PARENT_PID', 'JPY_SESSION_NAME')},
    'jpy_parent': os.environ.get('JPY_PARENT_PID'), 'parent_handle': IPKernelApp.instance().parent_handle,
    'cwd': os.getcwd(), 'path': sys.path, 'argv0': sys.argv[0], 'argv1': sys.argv[1],
    'backend': matplotlib.get_backend(), 'blas': blas(), 'random': numpy.random.random(),
    'sigint': repr(signal.getsignal(signal.SIGINT)), 'sigchld': repr(signal.getsignal(signal.SIGCHLD)),
    'name': open('/proc/self/comm').read().strip(), 'stdin': os.read(0, 1).decode(),
}))
"""


def about(ipynb: Path) -> dict:
    text = outputs_text(ipynb)
    return json.loads(text[text.index("ABOUT") + 5:].splitlines()[0])


@pytest.fixture
def own_zygote(tmp_path):
    """A zygote of the test's own, serving this process from the test's own phase on (pytest sets
    PYTEST_CURRENT_TEST per phase: a zygote started in the fixture's would have another environment than the test's
    kernels, and never fork)."""
    stack = contextlib.ExitStack()

    def start() -> zygote.Zygote:
        return stack.enter_context(zygote.serving(tmp_path / "zygote.log", PROJECT_ROOT))

    with stack:
        yield start


#: The one variable of the environment pytest sets per test and per phase (the test's name): the module's zygote
#: forks the kernels of every test all the same. A kernel gets the environment it asked for, as before.
PER_TEST_ENV = "PYTEST_CURRENT_TEST"


@pytest.fixture(scope="module")
def module_zygote(tmp_path_factory):
    """One zygote for the tests that neither stop it nor change the environment it shares with its kernels, as
    ``run --portfolio`` serves all its notebooks with one (not serving until a test asks: :func:`served`)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zygote, "PER_KERNEL_ENV", zygote.PER_KERNEL_ENV | {PER_TEST_ENV})
        with zygote.serving(tmp_path_factory.mktemp("zygote") / "zygote.log", PROJECT_ROOT) as z:
            assert z is not None
            zygote.ACTIVE = None
            yield z


@pytest.fixture
def served(module_zygote):
    """The module's zygote serving this process during the test (``served()`` gives it)."""
    def start() -> zygote.Zygote:
        zygote.ACTIVE = module_zygote
        return module_zygote

    try:
        yield start
    finally:
        zygote.ACTIVE = None


def test_each_notebook_gets_a_fresh_forked_process_and_nothing_leaks_between_notebooks(served, tmp_path):
    served = served()
    first = make_notebook(tmp_path / "a.ipynb", ABOUT, (
        "import os, sys, types, pandas, qdanalysis\n"
        "pandas.LEAK = 'a'; qdanalysis.LEAK = 'a'; os.environ['QD_LEAK'] = 'a'\n"
        "sys.modules['qd_leaky'] = types.ModuleType('qd_leaky'); leaked = 'a'\n"
        "os.chdir('/'); sys.path.append('/leak')"))
    second = make_notebook(tmp_path / "b.ipynb", ABOUT, (
        "import pandas, qdanalysis, sys\n"
        "print('SEEN', [hasattr(pandas, 'LEAK'), hasattr(qdanalysis, 'LEAK'), 'qd_leaky' in sys.modules, "
        "'leaked' in globals(), '/leak' in sys.path])"))
    a = run_notebook(first, tmp_path / "a", {}, title="甲")
    b = run_notebook(second, tmp_path / "b", {}, title="乙")
    assert a.ok and b.ok
    one, two = about(a.ipynb), about(b.ipynb)
    assert one["ppid"] == two["ppid"] == served.process.pid  # forked by the zygote, not launched by this process
    assert one["pid"] != two["pid"]
    assert "SEEN [False, False, False, False, False]" in outputs_text(b.ipynb)
    assert "QD_LEAK" not in two["env"] and two["cwd"] == str(PROJECT_ROOT) and "/leak" not in two["path"]
    assert one["random"] != two["random"]  # numpy's generator reseeded in each kernel
    assert len(os.listdir(f"/proc/{served.process.pid}/task")) == 1  # the zygote is still a single thread


def test_a_forked_kernel_starts_as_a_normally_launched_one(served, tmp_path):
    served = served()
    notebook = make_notebook(tmp_path / "about.ipynb", ABOUT)
    forked = about(run_notebook(notebook, tmp_path / "forked", {}, title="甲").ipynb)
    zygote.ACTIVE = None  # this process launches the next kernel itself
    try:
        normal = about(run_notebook(notebook, tmp_path / "normal", {}, title="乙").ipynb)
    finally:
        zygote.ACTIVE = served
    assert forked["ppid"] == served.process.pid and normal["ppid"] == os.getpid()
    for who in (forked, normal):  # its own session and group; its parent is the one it watches
        assert who["pid"] == who["pgid"] == who["sid"]
        assert int(who["jpy_parent"]) == who["parent_handle"] == who["ppid"]
    same = ("env", "cwd", "path", "argv0", "argv1", "backend", "blas", "sigint", "sigchld", "name", "stdin")
    assert {k: forked[k] for k in same} == {k: normal[k] for k in same}
    assert forked["blas"] == len(os.sched_getaffinity(0)) and forked["stdin"] == ""


def test_a_cell_over_its_time_is_stopped_and_the_forked_kernel_killed(served, tmp_path):
    served = served()
    pid_file = tmp_path / "pid"
    notebook = make_notebook(tmp_path / "slow.ipynb", f"import os; open({str(pid_file)!r}, 'w').write(str(os.getpid()))",
                             "import time; time.sleep(120)")
    start = time.monotonic()
    result = run_notebook(notebook, tmp_path / "out", {}, cell_timeout=3, title="超时")
    pid = int(pid_file.read_text())
    assert not result.ok and "运行超过 3 秒" in result.error
    assert time.monotonic() - start < 60
    assert not Path(f"/proc/{pid}").exists()  # killed, and reaped by the zygote


def test_an_interrupt_reaches_the_forked_kernel_and_kill_stops_it(served, tmp_path):
    served = served()
    async def scenario() -> tuple[dict, bool, int | None]:
        km = _kernel_manager_class(tmp_path / "kernel.log")(kernel_name="python3")
        await km.start_kernel(cwd=str(PROJECT_ROOT))
        assert isinstance(km.provisioner.process, zygote.ForkedKernel)
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=120)
            msg_id = client.execute("import time; time.sleep(60)")
            await asyncio.sleep(2)
            await km.interrupt_kernel()
            while True:
                reply = await client.get_shell_msg(timeout=30)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            alive = await km.is_alive()
            process = km.provisioner.process
            await km.shutdown_kernel(now=True)
            return reply["content"], alive, process.returncode
        finally:
            client.stop_channels()

    content, alive_after_interrupt, returncode = asyncio.run(scenario())
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"
    assert alive_after_interrupt  # interrupted, not killed
    assert returncode == -9  # killed by shutdown_kernel(now=True), its status from the zygote


def test_a_kernel_the_zygote_cannot_fork_is_launched_normally_and_the_log_says_why(own_zygote, tmp_path, monkeypatch):
    served = own_zygote()
    notebook = make_notebook(tmp_path / "about.ipynb", ABOUT)
    monkeypatch.setenv("QD_ONLY_HERE", "1")  # set after the zygote started: its kernels would not have it
    result = run_notebook(notebook, tmp_path / "env", {}, title="甲")
    assert result.ok and about(result.ipynb)["ppid"] == os.getpid()
    log = (tmp_path / ".runs" / "env" / "about.kernel.log").read_text()
    assert "not forked by the zygote" in log and "QD_ONLY_HERE" in log

    monkeypatch.delenv("QD_ONLY_HERE")
    served.process.kill()
    served.process.wait()
    result = run_notebook(notebook, tmp_path / "dead", {}, title="乙")
    assert result.ok and about(result.ipynb)["ppid"] == os.getpid()
    assert "the zygote exited" in (tmp_path / ".runs" / "dead" / "about.kernel.log").read_text()


def test_serving_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("QDANALYSIS_KERNEL_ZYGOTE", "0")
    with zygote.serving(tmp_path / "zygote.log", PROJECT_ROOT) as z:
        assert z is None and zygote.ACTIVE is None
    with pytest.raises(zygote.ZygoteUnavailable, match="no zygote"):
        zygote.launch(["python"], {})


def test_forked_kernels_count_each_other_as_siblings_and_not_the_zygote(served, tmp_path):
    """A report's kernel draws its figures alone when other kernels of the run are busy
    (:func:`qdanalysis.present.drawer.sibling_kernels`): forked kernels must still be recognised as kernels."""
    served = served()
    notebook = make_notebook(tmp_path / "count.ipynb",
                             "from qdanalysis.present import drawer; print(f'兄弟内核={drawer.sibling_kernels()}')")
    alone = run_notebook(notebook, tmp_path / "alone", {}, title="甲")
    assert "兄弟内核=0" in outputs_text(alone.ipynb)  # the zygote is no kernel

    async def beside() -> str:
        km = _kernel_manager_class(tmp_path / "other.log")(kernel_name="python3")
        await km.start_kernel(cwd=str(PROJECT_ROOT))
        try:
            assert isinstance(km.provisioner.process, zygote.ForkedKernel)
            result = await asyncio.to_thread(run_notebook, notebook, tmp_path / "beside", {}, title="乙")
            return outputs_text(result.ipynb)
        finally:
            await km.shutdown_kernel(now=True)

    assert "兄弟内核=1" in asyncio.run(beside())


def test_a_zygote_forked_for_another_runner_forks_its_kernels_and_exits_with_that_runner(served, tmp_path):
    """The report server's children (run/report_server.py): each asks the server's zygote for a zygote of its own,
    whose kernels are its children; variables that may vary (per task) do not stop a fork."""
    served = served()
    sock = served.fork_zygote()
    own = zygote.Zygote.attached(sock, served.env, served.cwd, varies=lambda name: name == "QD_PER_TASK")
    zygote.ACTIVE = own
    try:
        os.environ["QD_PER_TASK"] = "report-1"
        result = run_notebook(make_notebook(tmp_path / "about.ipynb", ABOUT), tmp_path / "forked", {}, title="甲")
    finally:
        del os.environ["QD_PER_TASK"]
        zygote.ACTIVE = served
    kernel = about(result.ipynb)
    assert kernel["env"]["QD_PER_TASK"] == "report-1"  # the kernel has its own task's value
    parent = kernel["ppid"]
    assert parent not in (served.process.pid, os.getpid())
    stat = open(f"/proc/{parent}/stat").read()
    assert int(stat[stat.rindex(")") + 2:].split()[1]) == served.process.pid  # forked by the zygote
    assert "launched normally" not in (tmp_path / ".runs" / "forked" / "about.kernel.log").read_text()
    own.close()  # the runner goes: its zygote exits, the first zygote reaps it
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{parent}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{parent}")


def test_recv_line_reads_a_line_in_pieces_with_its_descriptors_and_returns_them_when_the_sender_closes():
    import socket

    ours, theirs = socket.socketpair(socket.AF_UNIX)
    r, w = os.pipe()
    try:
        with ours, theirs:
            socket.send_fds(theirs, [b'{"a": '], [r])
            theirs.sendall(b'1}\n')
            line, fds = zygote.recv_line(ours, 4, 1)  # four bytes a read: the line comes in pieces
            assert (json.loads(line), len(fds)) == ({"a": 1}, 1)
            assert os.path.samestat(os.fstat(fds[0]), os.fstat(r))
            os.close(fds[0])
            socket.send_fds(theirs, [b'{"cut'], [w])
            theirs.close()
            line, fds = zygote.recv_line(ours, 1 << 10, 1)
            assert line == b"" and len(fds) == 1  # closed before the newline: no line, the descriptor still given
            os.close(fds[0])
    finally:
        os.close(r)
        os.close(w)
