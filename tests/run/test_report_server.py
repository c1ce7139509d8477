"""Tests for qdanalysis.run.report_server, with real server processes started by the client
(qdanalysis.run.report_client): a command run through the server, its exit status and output; the server leaving
by itself; a killed server, a stale one and a socket that refuses, each replaced. The commands are cheap ones (the
portfolio's list, an unknown label) and the kernel zygote is off (QDANALYSIS_KERNEL_ZYGOTE=0) unless a test needs
it: a report's kernel through the server's zygote is tested in tests/run/test_zygote.py, whole reports under
Airflow's scheduler in dags/test_airflow_standalone.py, and their pages against run --portfolio's in the bench.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import pytest

from qdanalysis.run import cli
from qdanalysis.run.report_client import Client, slot
from qdanalysis.run.report_server import _exit_code

pytestmark = pytest.mark.slow  # each test starts report servers (papermill, nbconvert... imported)


def make_portfolio(folder: Path) -> Path:
    (folder / "good" / "raw" / "2020").mkdir(parents=True)
    (folder / "good" / "params").mkdir()
    path = folder / "portfolio.yaml"
    path.write_text("title: 测试总览\nprojects:\n  - {id: good, name: 甲项目, department: 甲局, data_root: good/raw, "
                    "params: good/params, years: [2020]}\n", encoding="utf-8")
    return path


def servers(run: Path) -> list[int]:
    """The report servers whose socket is under ``run`` (not their children, which share their command line)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if b"qdanalysis.run.report_server" in cmdline and any(str(run).encode() in a for a in cmdline):
            found[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return sorted(pid for pid, parent in found.items() if parent not in found)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def slot_env(tmp_path, monkeypatch):
    """A socket folder of this test's own (short: a socket's path is at most 107 bytes), a portfolio, and the
    servers this test started stopped afterwards."""
    run = Path(tempfile.mkdtemp(prefix="qd", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv("QDANALYSIS_REPORT_SERVER_IDLE", "60")
    monkeypatch.setenv("QDANALYSIS_KERNEL_ZYGOTE", "0")
    monkeypatch.chdir(tmp_path)
    portfolio = make_portfolio(tmp_path)
    yield run, portfolio, tmp_path / "reports"
    for pid in servers(run):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(run, ignore_errors=True)


def through_server(*argv: str) -> int:
    return Client(cli.build_parser().parse_args(list(argv)), list(argv)).run()


def log_lines(reports: Path) -> list[str]:
    return (reports / ".runs" / "report-server.log").read_text(encoding="utf-8").splitlines()


def test_a_command_runs_in_a_child_of_the_server_with_its_output_and_exit_status(slot_env, capfd):
    run, portfolio, reports = slot_env

    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    assert json.loads(capfd.readouterr().out.splitlines()[-1]) == ["good/2020"]
    [server] = servers(run)
    assert through_server("run", "--portfolio", "portfolio.yaml", "--out", str(reports), "--only", "x/2020") == 1
    assert "错误：项目组合文件中没有「x/2020」（可选：good/2020、good/trends）" in capfd.readouterr().err
    assert through_server("run", "--portfolio", "portfolio.yaml", "--out", str(reports), "--list") == 0
    assert servers(run) == [server]  # the same server: each command in a child of its own
    children = [line for line in log_lines(reports) if ": child " in line]
    assert len(children) == 3 and len({line.split(": child ")[1].split(":")[0] for line in children}) == 3


def test_the_server_leaves_by_itself_when_idle_and_removes_its_socket(slot_env, monkeypatch, capfd):
    run, portfolio, reports = slot_env
    monkeypatch.setenv("QDANALYSIS_REPORT_SERVER_IDLE", "1")

    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    sock = run / "qdanalysis" / f"{slot(reports, portfolio)}.sock"
    assert sock.is_socket() and servers(run)
    wait_until(lambda: not servers(run))
    assert not sock.exists()
    assert "idle for 1 s: exits" in log_lines(reports)[-1]
    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0  # a new one


def test_a_server_stopped_with_sigterm_removes_its_socket(slot_env, capfd):
    run, portfolio, reports = slot_env
    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    [server] = servers(run)
    sock = run / "qdanalysis" / f"{slot(reports, portfolio)}.sock"
    assert sock.is_socket() and (sock.stat().st_mode & 0o777) == 0o600

    os.kill(server, signal.SIGTERM)
    wait_until(lambda: not servers(run) and not sock.exists())
    assert "stopped by SIGTERM" in log_lines(reports)[-1]


def test_a_killed_server_leaves_a_socket_that_refuses_and_is_replaced(slot_env, capfd):
    run, portfolio, reports = slot_env
    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    [killed] = servers(run)
    os.kill(killed, signal.SIGKILL)
    sock = run / "qdanalysis" / f"{slot(reports, portfolio)}.sock"

    def refused() -> bool:  # once the killed process's descriptors are closed (after its memory: not at once)
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(sock))
            except ConnectionRefusedError:
                return True
        return False

    wait_until(refused)
    assert sock.is_socket()  # left behind

    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    assert json.loads(capfd.readouterr().out.splitlines()[-1]) == ["good/2020"]
    [new] = servers(run)
    assert new != killed


def test_a_socket_left_by_something_else_that_refuses_is_replaced(slot_env, capfd):
    run, portfolio, reports = slot_env
    folder = run / "qdanalysis"
    folder.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX) as dead:  # bound, never listening: connecting is refused
        dead.bind(str(folder / f"{slot(reports, portfolio)}.sock"))

    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    assert len(servers(run)) == 1


def test_a_stale_server_says_why_leaves_and_a_new_one_runs_the_command(slot_env, monkeypatch, capfd):
    run, portfolio, reports = slot_env
    monkeypatch.setenv("QD_TEST_SETTING", "one")
    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    [old] = servers(run)
    monkeypatch.setenv("QD_TEST_SETTING", "two")
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "another-task")  # per task: not a reason

    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    assert json.loads(capfd.readouterr().out.splitlines()[-1]) == ["good/2020"]
    wait_until(lambda: old not in servers(run))
    assert len(servers(run)) == 1
    assert any("stale for a client: the environment differs in ['QD_TEST_SETTING']" in line
               for line in log_lines(reports))
    portfolio.write_text(portfolio.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    [second] = servers(run)
    assert through_server("run", "--portfolio", str(portfolio), "--out", str(reports), "--list") == 0
    wait_until(lambda: second not in servers(run))
    assert "stale for a client: the code, the folder or the portfolio file changed" in "\n".join(log_lines(reports))


def test_exit_codes_follow_sys_exit():
    assert (_exit_code(None), _exit_code(3), _exit_code(256 + 2)) == (0, 3, 2)


def test_a_child_whose_client_goes_away_ends_its_process_group():
    """A task killed by Airflow: its client's end of the connection closes, and the report's child (with its own
    children, in its process group) gets SIGTERM, as a task's command would."""
    import threading

    from qdanalysis.run.report_server import _watch

    ours, theirs = socket.socketpair(socket.AF_UNIX)
    pid = os.fork()
    if pid == 0:  # the report's child: its own group, watching its client
        try:
            os.setsid()
            ours.close()
            _watch(theirs, threading.Event())
            time.sleep(30)
        finally:
            os._exit(0)
    theirs.close()
    time.sleep(0.2)
    assert os.waitpid(pid, os.WNOHANG) == (0, 0)  # still running while the client is there
    ours.close()
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


def test_a_child_that_answered_is_not_ended_when_its_client_leaves():
    import threading

    from qdanalysis.run.report_server import _watch

    ours, theirs = socket.socketpair(socket.AF_UNIX)
    done = threading.Event()
    done.set()
    ours.close()
    _watch(theirs, done)  # returns: the answer was sent, the client may go
    theirs.close()


def test_the_overview_runs_in_a_child_of_the_server(slot_env, capfd):
    run, portfolio, reports = slot_env

    assert through_server("overview", "--portfolio", "portfolio.yaml", "--out", str(reports)) == 0
    assert "财政局总览：" in capfd.readouterr().out
    assert "测试总览" in (reports / "portfolio" / "index.html").read_text(encoding="utf-8")
    [child] = [line for line in log_lines(reports) if ": child " in line]
    assert child.endswith(f"overview --portfolio portfolio.yaml --out {reports}")


def test_a_child_gets_a_kernel_zygote_only_for_a_command_that_runs_a_notebook(tmp_path, monkeypatch):
    """A report's child gets a kernel zygote of its own, forked from the server's; the overview's runs no notebook
    and gets none (forking one would cost a process for nothing)."""
    from qdanalysis.run import report_key
    from qdanalysis.run.report_server import Server

    class Zygote:
        forks = 0

        def fork_zygote(self):
            Zygote.forks += 1
            ours, theirs = socket.socketpair(socket.AF_UNIX)
            theirs.close()
            return ours

        def forget(self):
            pass

        def close(self):
            pass

    run = Path(tempfile.mkdtemp(prefix="qd", dir="/tmp"))
    monkeypatch.chdir(tmp_path)
    portfolio = make_portfolio(tmp_path)
    server = Server(run / "s.sock", str(portfolio), 60)
    server.zygote = Zygote()
    try:
        for kernel, forks in ((False, 0), (True, 1)):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(str(run / "s.sock"))
            request = {"argv": ["overview"], "key": report_key.key(dict(os.environ), os.getcwd(), str(portfolio)),
                       "kernel": kernel}
            null = os.open(os.devnull, os.O_RDWR)
            socket.send_fds(client, [json.dumps(request).encode() + b"\n"], [null, null, null])
            os.close(null)
            if server._accept() is not None:  # the forked child: nothing to run here
                os._exit(0)
            assert Zygote.forks == forks
            [pid] = list(server.children)
            os.waitpid(pid, 0)
            server.children.pop(pid).close()
            client.close()
    finally:
        server.close()
        shutil.rmtree(run, ignore_errors=True)
