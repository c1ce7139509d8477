"""Tests for qdanalysis.run.report_client: which commands go through the report server, where its socket lives,
and the command running in-process, saying why, when no server can be used (the server's own tests, with real
server processes: tests/run/test_report_server.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from qdanalysis.run import cli, report_client
from qdanalysis.run.report_client import Unavailable, eligible, listing, peer_uid, slot, socket_folder


def parse(*argv: str):
    return cli.build_parser().parse_args(list(argv))


def test_only_a_report_tasks_or_the_overviews_command_goes_to_the_server_and_plans_start_it():
    assert eligible(parse("run", "--portfolio", "p.yaml", "--only", "a/2020"))
    assert eligible(parse("run", "--portfolio", "p.yaml", "--out", "r", "--only", "a/trends"))
    assert eligible(parse("overview", "--portfolio", "p.yaml", "--out", "r"))
    for argv in (("run", "--portfolio", "p.yaml"), ("run", "--portfolio", "p.yaml", "--only", "a", "--list"),
                 ("run", "--portfolio", "p.yaml", "--only", "a/2020", "--pdf"), ("run", "--year", "2020"),
                 ("draft", "--year", "2020")):
        assert not eligible(parse(*argv)), argv
    assert listing(parse("run", "--portfolio", "p.yaml", "--out", "r", "--list"))
    assert not listing(parse("run", "--portfolio", "p.yaml", "--list"))  # no reports folder: no slot to start


def test_a_reports_request_asks_for_a_kernel_and_the_overviews_does_not(tmp_path, monkeypatch):
    run = Path(tempfile.mkdtemp(prefix="qd", dir="/tmp"))  # a socket's path is at most 107 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text("projects: []\n", encoding="utf-8")
    try:
        report = ["run", "--portfolio", "p.yaml", "--out", "r", "--only", "a/2020"]
        overview = ["overview", "--portfolio", "p.yaml", "--out", "r"]
        assert report_client.Client(parse(*report), report).request["kernel"] is True
        assert report_client.Client(parse(*overview), overview).request["kernel"] is False
    finally:
        shutil.rmtree(run)


def test_the_socket_folder_is_private_to_the_user_and_refused_otherwise(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = socket_folder()
    assert folder == tmp_path / "qdanalysis" and (folder.stat().st_mode & 0o777) == 0o700
    folder.chmod(0o755)
    with pytest.raises(Unavailable, match="不是本用户独占的目录"):
        socket_folder()
    folder.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Unavailable, match="不是本用户独占的目录"):
        socket_folder()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    assert socket_folder().name == f"qdanalysis-{os.geteuid()}"  # the temporary folder's then


def test_one_slot_per_reports_folder_and_portfolio():
    a = slot(Path("/r"), Path("/p.yaml"))
    assert a == slot(Path("/r"), Path("/p.yaml")) and len(a) == 20
    assert len({a, slot(Path("/r2"), Path("/p.yaml")), slot(Path("/r"), Path("/q.yaml"))}) == 3


def test_without_the_variable_or_inside_the_server_the_command_runs_here(monkeypatch):
    ran = []
    args = parse("run", "--portfolio", "p.yaml", "--only", "a/2020")
    args.func = lambda a: ran.append(a) or 7
    args.func.__name__ = "cmd_run"
    monkeypatch.delenv(report_client.VARIABLE, raising=False)
    assert report_client.served(args, []) == 7
    monkeypatch.setenv(report_client.VARIABLE, "1")
    monkeypatch.setattr(report_client, "IN_SERVER", True)
    assert report_client.served(args, []) == 7 and len(ran) == 2


def test_a_server_that_cannot_be_used_runs_the_command_here_and_says_why(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(report_client.VARIABLE, "1")
    (tmp_path / "qdanalysis").mkdir(mode=0o777)
    (tmp_path / "qdanalysis").chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    args = parse("run", "--portfolio", "p.yaml", "--only", "a/2020")
    args.func = lambda a: 5
    args.func.__name__ = "cmd_run"
    assert report_client.served(args, []) == 5
    assert "报告服务进程不可用，改在本进程中运行：套接字目录" in capsys.readouterr().err


def test_the_client_imports_little(tmp_path):
    """The command's start in each task: the client adds the standard library's socket handling, nothing heavy."""
    code = ("import sys; from qdanalysis.run import cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('papermill', 'nbconvert', 'jupyter_client', 'zmq', 'pandas', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[2])})
    assert out.stdout.strip() == "[]"


def test_peer_uid_is_the_user_at_the_other_end():  # the server answers its own user only
    a, b = socket.socketpair(socket.AF_UNIX)
    with a, b:
        assert peer_uid(a) == os.geteuid()


def test_the_exit_status_the_server_sends_back_and_what_the_command_says_when_there_is_none(capfd):
    """The child's exit status; the signal that ended a child that never answered (as a shell reports it); a
    server gone before any answer."""
    client = report_client.Client.__new__(report_client.Client)
    for lines, status, said in (([b'{"exit": 3}\n'], 3, ""),
                                ([b'{"sig', b'nal": 9}\n'], 128 + 9, "错误：运行该命令的进程被信号 9 结束"),
                                ([], 1, "错误：报告服务进程意外退出，命令未完成")):
        ours, theirs = socket.socketpair(socket.AF_UNIX)
        for line in lines:
            theirs.sendall(line)
        theirs.close()
        client._buf = b""
        assert client._follow(ours) == status
        assert capfd.readouterr().err.strip() == said
        ours.close()
