"""A draft's figures drawn by a child forked before the year is read: the bytes this process draws, each figure's
origin recorded, a chart that cannot travel drawn here, the child's errors raised here, nothing left behind."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap

import pytest

from qdanalysis.present import cache, figure_server
from qdanalysis.present.blocks import Chart, Drawing
from qdanalysis.present.drawer import DrawingFailed


def small(n: int, fail: str = "", parent: int = 0):
    """A small figure showing ``n``; raises ``fail`` when given; dies of SIGKILL when drawn by a process other than
    ``parent``."""
    if fail:
        raise ValueError(fail)
    if parent and os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    from qdanalysis.present.style import new_figure

    fig, ax = new_figure(3, 2)
    ax.bar(range(n), range(1, n + 1))
    ax.set_title(f"图 {n}")
    return fig


def _chart(n: int, **kwargs) -> Chart:
    return Chart(f"c{n}", Drawing(__name__, "small", (n,), kwargs), f"图{n}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_childs_figures_are_the_bytes_drawn_here(cache_dir, tmp_path, monkeypatch):
    charts = [_chart(n) for n in range(1, 6)]
    here = [cache.chart_png(c) for c in charts]
    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "other"))  # a cold cache for the child
    cache.DRAWN.clear()
    with figure_server.figure_server() as server:
        pid, folder = server.pid, server.folder
        server.submit(charts)
        served = [server.png(c) for c in reversed(charts)][::-1]  # asked for in any order
    assert served == here
    assert sorted(cache.DRAWN) == sorted(c.key for c in charts) and cache.REUSED == []
    assert len(list((tmp_path / "other" / "cache" / "figures").rglob("*.png"))) == 5  # kept in the cache
    assert _gone(pid) and server.pid is None and not folder.exists()


def in_session(path: str):
    """A small figure, drawn after writing the drawing process's id and its session's to ``path``."""
    with open(path, "w") as out:
        out.write(f"{os.getpid()} {os.getsid(0)}")
    return small(1)


def test_the_child_draws_in_a_session_of_its_own(cache_dir, tmp_path):
    chart = Chart("s", Drawing(__name__, "in_session", (str(tmp_path / "session"),)), "图")
    with figure_server.figure_server() as server:
        server.submit([chart])
        assert server.png(chart).startswith(cache.PNG_SIGNATURE)
        pid = server.pid
    drawer, session = map(int, (tmp_path / "session").read_text().split())
    assert drawer == session == pid != os.getsid(0)  # the child leads a session of its own, not in this one
    assert _gone(pid)


def test_figures_in_the_cache_are_taken_from_it(cache_dir):
    charts = [_chart(n) for n in range(1, 4)]
    cache.chart_png(charts[0])
    cache.DRAWN.clear()
    with figure_server.figure_server() as server:
        server.submit(charts)
        [server.png(c) for c in charts]
    assert cache.REUSED == ["c1"] and sorted(cache.DRAWN) == ["c2", "c3"]


def test_the_charts_are_handed_over_once(cache_dir):
    first, later = [_chart(1), _chart(2)], _chart(3)
    with figure_server.figure_server() as server:
        server.submit(first)
        server.submit([*first, later])  # the draft's own call, after the command's: nothing more is handed over
        assert server.charts == first and server.sent == {id(c): i for i, c in enumerate(first)}
        assert [server.png(c) for c in (*first, later)] == [cache.chart_png(c) for c in (*first, later)]


def test_a_chart_that_cannot_be_pickled_is_drawn_here(cache_dir):
    local = Chart("lambda", lambda: small(2), "图")
    with figure_server.figure_server() as server:
        server.submit([_chart(1), local])
        assert server.sent == {id(c): 0 for c in server.charts} and len(server.charts) == 1
        assert server.png(local) == cache.chart_png(Chart("again", lambda: small(2), "图"))
        assert server.png(server.charts[0])[:8] == cache.PNG_SIGNATURE


def test_an_error_in_the_child_is_raised_with_its_message(cache_dir):
    charts = [_chart(1), _chart(2, fail="坏数据：第2行")]
    with pytest.raises(DrawingFailed, match=r"图表 c2 绘制失败：ValueError: 坏数据：第2行"):
        with figure_server.figure_server() as server:
            pid = server.pid
            server.submit(charts)
            for chart in charts:
                server.png(chart)
    assert _gone(pid) and not server.folder.exists()


def test_a_child_killed_while_drawing_is_reported_not_waited_for(cache_dir, monkeypatch):
    monkeypatch.setenv("QDANALYSIS_DRAW_JOBS", "1")  # the server draws alone: it is the one killed
    charts = [_chart(1), _chart(2, parent=os.getpid())]
    with pytest.raises(DrawingFailed, match=r"绘图子进程在绘制图表前退出，图表 c2 未生成"):
        with figure_server.figure_server() as server:
            server.submit(charts)
            for chart in charts:
                server.png(chart)
    assert server.pid is None and not server.folder.exists()


def test_an_error_here_stops_and_reaps_the_child(cache_dir):
    with pytest.raises(KeyError, match="here"):
        with figure_server.figure_server() as server:
            pid = server.pid
            raise KeyError("here")  # the year's data refused, say: the child is waiting for charts
    assert _gone(pid) and server.pid is None and not server.folder.exists()


@pytest.mark.slow  # the 2020 draft written in a process of its own
def test_the_draft_command_never_loads_the_plotting_libraries(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from qdanalysis.present.figure_server import FigureServer
        from qdanalysis.run.pipeline import draft_year

        handed = FigureServer.submit
        FigureServer.submit = lambda self, charts: print("docx" in sys.modules, end=" ") or handed(self, charts)
        path, _ = draft_year(2020, out={str(tmp_path)!r})
        print(path.stat().st_size, ",".join(m for m in ("matplotlib", "seaborn") if m in sys.modules) or "-")
    """)
    env = {**os.environ, "QDANALYSIS_PROCESSED": str(tmp_path / "processed")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    *docx_loaded, size, loaded = done.stdout.split()
    # handed over with the frames, before python-docx is loaded; draft_year's and the draft's own calls after
    assert docx_loaded == ["False", "False", "True"]
    assert int(size) > 100_000 and loaded == "-"
    assert len(list((tmp_path / "processed" / "cache" / "figures").rglob("*.png"))) == 9  # drawn by the children


def test_the_child_loads_matplotlib_without_the_artists_property_lists_and_draws_the_same_bytes(cache_dir, tmp_path):
    chart = _chart(3)
    here = cache.chart_png(chart)  # this process's matplotlib, loaded as usual
    script = textwrap.dedent(f"""
        import sys
        from qdanalysis.present import cache, figure_server
        from qdanalysis.present.blocks import Chart, Drawing

        figure_server.warm()
        import matplotlib.artist
        from matplotlib.lines import Line2D

        print(matplotlib.artist.kwdoc.__module__, matplotlib.artist.kwdoc.__name__, "dash_capstyle" in Line2D.set.__doc__)
        open({str(tmp_path / "child.png")!r}, "wb").write(cache._render(
            Chart("c3", Drawing({__name__!r}, "small", (3,), {{}}), "图3"), None))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["matplotlib.artist", "kwdoc", "False"]  # put back; the property list left out
    assert (tmp_path / "child.png").read_bytes() == here
    import matplotlib.artist
    from matplotlib.lines import Line2D

    assert "dash_capstyle" in Line2D.set.__doc__ and "dash_capstyle" in matplotlib.artist.kwdoc(Line2D)  # here: as usual


def test_matplotlib_loaded_already_is_left_as_it_is():
    import matplotlib.artist

    kwdoc = matplotlib.artist.kwdoc
    with figure_server.artists_undocumented():
        assert matplotlib.artist.kwdoc is kwdoc
    assert matplotlib.artist.kwdoc is kwdoc


def test_the_chart_modules_loaded_ahead_are_those_of_the_annual_reports_charts(analysis2020):
    from qdanalysis.present.report import AnnualReport

    modules = figure_server.chart_modules()
    assert {c.draw.module for c in AnnualReport(analysis2020).charts()} <= set(modules)
    assert "qdanalysis.present.charts.budget" in modules and "qdanalysis.present.charts.sms" in modules
    assert "qdanalysis.present.charts.trends" not in modules  # the trends report's: no chart of a draft


def test_a_chart_made_again_from_the_same_data_is_the_one_handed_over(cache_dir, monkeypatch):
    handed = [_chart(1), _chart(2)]
    again = [_chart(1), _chart(2), _chart(3)]  # made anew: other objects, the first two pickled the same
    with figure_server.figure_server() as server:
        server.submit(handed)
        monkeypatch.setattr(cache, "chart_png", lambda chart: f"drawn here: {chart.key}".encode())
        served = [server.png(c) for c in again]
    assert served[:2] == [cache._render(c, None) for c in handed]  # the child's
    assert served[2] == b"drawn here: c3"  # not handed over: drawn here


def slow(n: int, seconds: float):
    """A small figure showing ``n``, drawn after ``seconds``."""
    import time

    time.sleep(seconds)
    return small(n)


def test_a_figure_the_drawers_child_has_finished_is_said_before_the_childs_own_next_one(cache_dir, monkeypatch):
    monkeypatch.setenv("QDANALYSIS_DRAW_JOBS", "2")  # the child shares the drawing with a child of its own
    charts = [Chart(f"s{n}", Drawing(__name__, "slow", (n, seconds)), "图")
              for n, seconds in ((1, 1.0), (2, 1.0), (3, 0.0), (4, 0.0))]
    with figure_server.figure_server() as server:
        server.submit(charts)
        last = server.png(charts[3])  # drawn at once by the drawer's child (from the last back), which then takes 2
        assert 3 in server.done and 1 not in server.done  # said as soon as the child's first figure (1) was done
        assert [server.png(c) for c in charts] == [cache._render(_chart(n), None) for n in range(1, 5)]
        assert last == server.png(charts[3])


def framed(frame):
    """A small figure of a frame's first column."""
    return small(int(frame.iloc[0, 0]))


def test_a_chart_of_the_same_values_pickled_otherwise_is_the_one_handed_over_and_one_changed_since_is_not(
        cache_dir, monkeypatch):
    import pandas as pd

    one = pd.DataFrame({"n": [1, 2], "m": [3, 4]})
    two = pd.DataFrame({"n": [1, 2]})
    two["m"] = [3, 4]  # the same values, in two blocks: pickled otherwise
    changed = pd.DataFrame({"n": [1, 2], "m": [3, 4]})
    handed = [Chart("f", Drawing(__name__, "framed", (one,)), "图"), Chart("g", Drawing(__name__, "framed", (changed,)), "图")]
    again = [Chart("f", Drawing(__name__, "framed", (two,)), "图"), Chart("g", Drawing(__name__, "framed", (changed,)), "图")]
    assert pickle.dumps(handed[0]) != pickle.dumps(again[0])
    with figure_server.figure_server() as server:
        server.submit(handed)
        changed.loc[0, "n"] = 3  # after it was handed over: the child draws it as it was
        monkeypatch.setattr(cache, "chart_png", lambda chart: f"drawn here: {chart.key}".encode())
        served = [server.png(c) for c in again]
    assert served[0] == cache._render(handed[0], None)
    assert served[1] == b"drawn here: g"


def test_the_charts_of_the_frames_are_the_reports_own(analysis2020, analyses):
    """Every chart of a report is one that its analysis's frames alone give (:meth:`submit_frames`), known as such
    when asked for: the whole draft's figures are drawn by the child."""
    from qdanalysis.analyse.engine import frames_only
    from qdanalysis.present.report import AnnualReport

    for analysis in [analysis2020, *analyses]:
        report = AnnualReport(analysis)
        with_charts = {s.key for s in report.sections if any(isinstance(b, Chart) for b in report.blocks(s.key))}
        assert with_charts <= set(figure_server.FRAME_SECTIONS), analysis.year
        server = figure_server.FigureServer()
        read, server._to_child = os.pipe()
        try:
            server.submit_frames(frames_only(analysis.data))
            handed = [server._handed_as(chart) for chart in report.charts()]
        finally:
            server.close()
            os.close(read)
        assert handed == list(range(len(server.charts))) and handed, analysis.year
