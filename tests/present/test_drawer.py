"""Figures drawn by two processes at once: the same bytes as drawn in one, each figure drawn once, a child's
error raised here with its message, and no child left behind on any way out."""

from __future__ import annotations

import gc
import os
import signal
import time

import pytest

from qdanalysis.present import cache, drawer
from qdanalysis.present.blocks import Chart, Drawing


def small(n: int, fail: str = "", parent: int = 0, stall: bool = False):
    """A small figure showing ``n``; raises ``fail`` when given; when drawn by a process other than ``parent`` (the
    child), dies of SIGKILL, or hangs if ``stall``."""
    if fail:
        raise ValueError(fail)
    if parent and os.getpid() != parent:
        if stall:
            time.sleep(60)
        os.kill(os.getpid(), signal.SIGKILL)
    from qdanalysis.present.style import new_figure

    fig, ax = new_figure(3, 2)
    ax.bar(range(n), range(1, n + 1))
    ax.set_title(f"图 {n}")
    return fig


def _chart(n: int, **kwargs) -> Chart:
    return Chart(f"c{n}", Drawing(__name__, "small", (n,), kwargs), f"图{n}")


def _child_started(d: drawer.Drawer) -> drawer.Drawer:
    """Wait until the child has claimed its first figure (the last one): on a busy machine it may start late, and the
    tests below need it to have the figure they give it."""
    deadline = time.monotonic() + 60
    while not (d.folder / f"{d.order[-1]}.claim").exists():
        assert time.monotonic() < deadline, "the child claimed nothing in 60 s"
        time.sleep(0.01)
    return d


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_two_processes_draw_the_bytes_one_draws(cache_dir, tmp_path, monkeypatch):
    charts = [_chart(n) for n in range(1, 7)]
    sequential = [cache.chart_png(c) for c in charts]  # one process, as with QDANALYSIS_DRAW_JOBS=1
    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "other"))
    cache.DRAWN.clear()
    with drawer.drawing_ahead(charts, jobs=2) as d:
        assert d is not None and d.pid is not None
        _child_started(d)
        parallel = [cache.chart_png(c) for c in charts]
    assert parallel == sequential
    assert d.done and d.mine  # both drew
    assert len(d.done) + len(d.mine) == 6 and not d.done & d.mine  # each drawn once, by one of the two
    assert sorted(cache.DRAWN) == sorted(c.key for c in charts)  # the child's figures count as drawn here
    assert len(list((tmp_path / "other" / "cache" / "figures").rglob("*.png"))) == 6  # and are kept in the cache
    assert d.pid is None and not d.folder.exists()  # the child reaped, its folder removed


@pytest.mark.slow  # the nine figures of the 2020 report drawn twice
def test_the_reports_figures_are_the_same_bytes_drawn_by_two_processes(cache_dir, tmp_path, monkeypatch):
    from qdanalysis.analyse.engine import analyse
    from qdanalysis.present.report import AnnualReport
    from qdanalysis.read.year import load_year
    from qdanalysis.run.pipeline import scoring_for

    data = load_year(2020, processed=False)
    charts = AnnualReport(analyse(data, scoring_for(2020, "", data))).charts()
    assert len(charts) == 9
    sequential = [cache.chart_png(c) for c in charts]
    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "other"))
    with drawer.drawing_ahead(charts, jobs=2) as d:
        _child_started(d)
        parallel = [cache.chart_png(c) for c in charts]
    assert parallel == sequential and d.done and d.mine


def test_figures_already_in_the_cache_are_not_drawn_again(cache_dir):
    charts = [_chart(n) for n in range(1, 4)]
    cache.chart_png(charts[0])
    assert [c.key for _, c in cache.pending(charts)] == ["c2", "c3"]
    cache.chart_png(charts[1])
    with drawer.drawing_ahead(charts, jobs=2) as d:  # one figure left: nothing to share, no child
        assert d is None
        cache.chart_png(charts[2])


def test_one_job_draws_in_this_process(cache_dir, monkeypatch):
    monkeypatch.setenv(drawer.JOBS_VARIABLE, "1")
    assert drawer.draw_jobs() == 1
    with drawer.drawing_ahead([_chart(n) for n in range(1, 4)]) as d:
        assert d is None
    monkeypatch.setenv(drawer.JOBS_VARIABLE, "两个")
    with pytest.raises(drawer.QdanalysisError, match="QDANALYSIS_DRAW_JOBS='两个' 不是正整数"):
        drawer.draw_jobs()


def test_an_error_in_the_child_is_raised_with_its_message(cache_dir):
    charts = [_chart(1), _chart(2), _chart(3, fail="坏数据：第3行")]  # the child starts from the last one
    with pytest.raises(drawer.DrawingFailed, match=r"图表 c3 绘制失败：ValueError: 坏数据：第3行") as error:
        with drawer.drawing_ahead(charts, jobs=2) as d:
            pid = _child_started(d).pid
            for chart in charts:
                cache.chart_png(chart)
    assert "c3" in str(error.value)
    assert _gone(pid) and d.pid is None and not d.folder.exists()


def test_a_child_killed_while_drawing_is_reported_not_waited_for(cache_dir):
    charts = [_chart(1), _chart(2), _chart(3, parent=os.getpid())]
    with pytest.raises(drawer.DrawingFailed, match=r"绘图子进程在绘制图表前退出（信号 9），图表 c3 未生成"):
        with drawer.drawing_ahead(charts, jobs=2) as d:
            _child_started(d)
            for chart in charts:
                cache.chart_png(chart)
    assert d.pid is None and not d.folder.exists()


def test_a_child_that_hangs_is_stopped_and_reported(cache_dir, monkeypatch):
    monkeypatch.setattr(drawer, "WAIT_SECONDS", 1.0)
    charts = [_chart(1), _chart(2), _chart(3, parent=os.getpid(), stall=True)]
    started = time.monotonic()
    with pytest.raises(drawer.DrawingFailed, match=r"绘图子进程 1 秒内未画完任何图表，已停止；图表 c3 未生成"):
        with drawer.drawing_ahead(charts, jobs=2) as d:
            pid = _child_started(d).pid
            for chart in charts:
                cache.chart_png(chart)
    assert time.monotonic() - started < 30 and _gone(pid) and not d.folder.exists()


def test_an_error_here_stops_and_reaps_the_child(cache_dir):
    charts = [_chart(n) for n in range(1, 6)]
    with pytest.raises(KeyError, match="here"):
        with drawer.drawing_ahead(charts, jobs=2) as d:
            pid = d.pid
            raise KeyError("here")
    assert _gone(pid) and d.pid is None and not d.folder.exists()
    assert drawer.ACTIVE is None


def _process(proc, pid: int, parent: int, command: bytes = b"python3\0") -> None:
    entry = proc / str(pid)
    entry.mkdir()
    (entry / "stat").write_bytes(f"{pid} (python3 (x)) S {parent} {pid} 0 0".encode())
    (entry / "cmdline").write_bytes(command)


KERNEL = b"/venv/bin/python\0-m\0ipykernel_launcher\0-f\0/tmp/kernel-1.json\0"


def test_a_kernel_beside_other_kernels_of_its_run_draws_alone(tmp_path, monkeypatch):
    proc = tmp_path / "proc"
    proc.mkdir()
    runner, cli = os.getppid(), 999000  # this process's parent (papermill's) and grandparent (the command)
    _process(proc, cli, 1, b"qdanalysis\0run\0--portfolio\0")
    _process(proc, runner, cli)
    _process(proc, os.getpid(), runner, KERNEL)  # this process: not counted
    _process(proc, 999001, runner, b"soffice\0--headless\0")  # a sibling, not a kernel
    _process(proc, 999002, 1, KERNEL)  # a kernel of another command
    assert drawer.sibling_kernels(proc) == 0
    _process(proc, 999003, cli)  # run --portfolio's worker process ...
    _process(proc, 999004, 999003, KERNEL)  # ... and its kernel: a cousin
    assert drawer.sibling_kernels(proc) == 1
    _process(proc, 999005, runner, KERNEL)  # a kernel started by the same process: a sibling
    assert drawer.sibling_kernels(proc) == 2
    monkeypatch.delenv(drawer.JOBS_VARIABLE, raising=False)
    monkeypatch.setattr(drawer, "sibling_kernels", lambda: 1)
    assert drawer.draw_jobs() == 1
    monkeypatch.setattr(drawer, "sibling_kernels", lambda: 0)
    assert drawer.draw_jobs() == (2 if (os.cpu_count() or 1) >= 2 else 1)
    monkeypatch.setenv(drawer.JOBS_VARIABLE, "2")
    monkeypatch.setattr(drawer, "sibling_kernels", lambda: 3)
    assert drawer.draw_jobs() == 2  # the variable decides when set


#: A report process with a drawer that prints its private folder, then waits to be killed.
HOLDER = """
import sys, time
from qdanalysis.present import drawer
d = drawer.Drawer([], None)
print(d.folder, flush=True)
time.sleep(120)
"""


def test_a_folder_left_by_a_killed_report_is_removed_when_a_drawer_starts_and_no_other(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    holders = [subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True, env=env)
               for _ in range(2)]
    try:
        killed, live = (tmp_path / p.stdout.readline().strip() for p in holders)
        holders[0].kill()
        holders[0].wait()
        assert killed.name.startswith(drawer.FOLDER_PREFIX) and killed.is_dir() and live.is_dir()
        (tmp_path / "qdanalysis-draw-old").mkdir()  # no lock file: whose it is cannot be told
        (tmp_path / "qdanalysis-draw-link").symlink_to(killed)  # a link, not a folder
        (tmp_path / "qdanalysis-draw-file").write_text("x", encoding="utf-8")
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        mine = drawer.Drawer([], None)  # a drawer that starts cleans up
        try:
            assert not killed.exists()
            assert live.is_dir() and (live / drawer.LOCK_FILE).is_file()  # its process lives
            assert mine.folder.is_dir() and drawer.remove_stale_folders(tmp_path) == []  # nor is its own removed
            assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
                [live.name, mine.folder.name, "qdanalysis-draw-old", "qdanalysis-draw-link", "qdanalysis-draw-file"])
        finally:
            mine.close()
        assert not mine.folder.exists()
        holders[1].kill()
        holders[1].wait()
        assert drawer.remove_stale_folders(tmp_path) == [live] and not live.exists()
    finally:
        for p in holders:
            p.kill()
            p.wait()
            p.stdout.close()


def test_next_message_reads_lines_across_pieces_and_names_the_failed_figure():
    read, write = os.pipe()
    try:
        os.write(write, b"done a1\nerror 7 ValueError: ")
        kind, ident, rest = drawer.next_message(read, b"", "a1", str.upper, lambda: "")
        assert (kind, ident, rest) == ("done", "a1", b"error 7 ValueError: ")
        os.write(write, b"bad\n")
        with pytest.raises(drawer.DrawingFailed, match="^图表 7X 绘制失败：ValueError: bad$"):
            drawer.next_message(read, rest, "a2", lambda ident: ident + "X", lambda: "")
        os.close(write)
        write = -1
        with pytest.raises(drawer.DrawingFailed, match="^绘图子进程在绘制图表前退出（信号 9），图表 a3 未生成$"):
            drawer.next_message(read, b"", "a3", str, lambda: "（信号 9）")
    finally:
        os.close(read)
        if write != -1:
            os.close(write)


def test_stop_child_kills_and_reaps_a_live_child_and_accepts_none():
    pid = os.fork()
    if pid == 0:  # the child waits to be killed
        time.sleep(60)
        os._exit(0)
    drawer.stop_child(pid)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)
    drawer.stop_child(None)


def test_send_error_writes_one_line_that_next_message_raises_with_the_figure_named():
    read, write = os.pipe()
    try:
        drawer.send_error(write, "4", ValueError("第一行\n第二行"))
        with pytest.raises(drawer.DrawingFailed, match="^图表 图4 绘制失败：ValueError: 第一行 第二行$"):
            drawer.next_message(read, b"", "图4", lambda ident: f"图{ident}", lambda: "")
    finally:
        os.close(read)
        os.close(write)


def _forked_freeze_count() -> tuple[int, int]:
    """(frozen objects the child of drawer.fork sees, frozen objects here after the fork)."""
    read, write = os.pipe()
    pid = drawer.fork()
    if pid == 0:  # the child says how many of its objects its collector passes over, and leaves
        os.write(write, str(gc.get_freeze_count()).encode())
        os._exit(0)
    os.close(write)
    try:
        return int(os.read(read, 64)), gc.get_freeze_count()
    finally:
        os.close(read)
        os.waitpid(pid, 0)


def test_a_child_forked_by_fork_leaves_the_objects_it_inherits_to_no_collection_and_this_process_keeps_its_own():
    assert gc.get_freeze_count() == 0
    child, here = _forked_freeze_count()
    assert child > 10_000 and here == 0  # the child's collector passes over what it inherits; this one's is as before
    leak = [[]]
    leak[0].append(leak)  # a cycle made before the fork is still collected here
    del leak
    assert gc.collect() >= 2


def test_fork_leaves_objects_frozen_by_someone_else_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        child, here = _forked_freeze_count()
        assert here == frozen and child > 10_000
    finally:
        gc.unfreeze()


def test_a_drawer_starting_beside_another_never_sees_its_folder_unlocked(tmp_path, monkeypatch):
    """Two reports start their drawers at the same moment: the other's sweep runs while this drawer's lock file is
    being made. Its folder must survive: the lock file appears only once it is locked."""
    import fcntl
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    real_flock, swept = fcntl.flock, []

    def flock_after_a_sweep(fd, how):
        if not swept:  # the first lock taken is this drawer's own: the other drawer sweeps just before it
            swept.append(None)  # the sweep's own locks are taken as they are
            swept[0] = drawer.remove_stale_folders(tmp_path)
        return real_flock(fd, how)

    monkeypatch.setattr(fcntl, "flock", flock_after_a_sweep)
    d = drawer.Drawer([], None)
    try:
        assert swept == [[]] and d.folder.is_dir() and (d.folder / drawer.LOCK_FILE).is_file()
        assert sorted(p.name for p in d.folder.iterdir()) == [drawer.LOCK_FILE]  # no other file left beside it
        monkeypatch.setattr(fcntl, "flock", real_flock)
        assert drawer.remove_stale_folders(tmp_path) == []  # locked: its drawer lives
    finally:
        d.close()


def test_the_figures_finished_so_far_are_read_without_waiting_and_an_error_is_left_for_its_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(drawer.tempfile, "tempdir", str(tmp_path))
    d = drawer.Drawer([("k1", _chart(1)), ("k2", _chart(2)), ("k3", _chart(3))], None)
    read, write = os.pipe()
    d._pipe = read
    try:
        assert d.finished() == set()  # nothing said yet: no wait
        os.write(write, b"done k1\ndone k")
        assert d.finished() == {"k1"}  # a line not yet whole is kept
        os.write(write, b"3\nerror k2 ValueError: boom\ndone k4\n")
        assert d.finished() == {"k1", "k3"}  # stops at the error, left for the figure it names
        with pytest.raises(drawer.DrawingFailed, match="图表 c2 绘制失败：ValueError: boom"):
            d.receive("k2")
    finally:
        d.close()
        os.close(write)
