"""The portfolio DAG under Airflow's own scheduler, DAG processor and API server, in a temporary AIRFLOW_HOME.

Used by ``make airflow-test`` (dags/test_airflow_standalone.py) and ``make bench``
(benchmarks/run.py, section airflow); runs in Airflow's environment (``.venv-airflow/``) with the standard
library only. What a deployment starts is started here, each as its own ``airflow`` command (as
``airflow standalone`` does, without its triggerer, which the DAG does not use): the scheduler
(LocalExecutor over SQLite; ``--skip-serve-logs``, since its log server would listen on every
interface, and the task logs are local files), the DAG processor and the API server, which listens
on 127.0.0.1 only, on a free port. Their settings are a deployment's, dags/airflow.cfg (each with why; see
dags/README.md), copied to the temporary AIRFLOW_HOME; only this instance's own (its home, port, secret) are
set here. Starting ends with one request to the execution API, which the API server builds on its first
request (:meth:`Standalone._warm_execution_api`). A run is triggered with ``airflow dags trigger``
(:meth:`Standalone.trigger`, the test's first run) or through the REST API, as the UI's trigger button and
``airflowctl dags trigger`` do (:meth:`Standalone.trigger_by_api`, the test's second run and the bench: the
command first imports Airflow, 1.3-2.5 s), and waited for through the REST API (no ``airflow`` command per
poll). ``QDANALYSIS_KEEP_AIRFLOW_HOME=1``
keeps the AIRFLOW_HOME (its task logs and database) for a look at where a run's time went.

Every process started here, and every process they start (task runners, the qdanalysis commands,
their Jupyter kernels, which start sessions of their own), carries a marker in its environment;
:meth:`Standalone.stop` ends them all, even when a run timed out or the test failed, so nothing is
left running.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

DAGS = Path(__file__).resolve().parent
DAG_ID = "qdanalysis_portfolio"
#: The deployment's Airflow settings (each with why), copied to the temporary AIRFLOW_HOME as its airflow.cfg.
CONFIG = DAGS / "airflow.cfg"
#: The environment variable that marks every process of one standalone Airflow (value: its AIRFLOW_HOME).
MARKER = "QDANALYSIS_AIRFLOW_HOME"
FINISHED = ("success", "failed")
#: Seconds between two looks at a benchmarked run (:func:`main`): each costs the API server about 16 ms of CPU.
BENCH_POLL = 2.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _raise_exit(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _session_of(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
    return int(fields[3])


def marked_processes(home: str, sessions: frozenset[int] = frozenset()) -> list[int]:
    """The live processes (of this user) whose environment carries ``MARKER=home``, or that run in one of
    ``sessions`` (an Airflow process that renamed itself with setproctitle no longer shows its environment)."""
    needle = f"{MARKER}={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue  # a zombie: already ended, waiting for its parent
            environ = (entry / "environ").read_bytes()
        except (OSError, IndexError):  # gone, or not ours
            continue
        if needle in environ.split(b"\0") or _session_of(entry) in sessions:
            found.append(int(entry.name))
    return found


#: The LocalExecutor's processes beyond the DAG's task slots: a finished task's supervisor holds its process for up
#: to ``[workers] min_heartbeat_interval`` after the task's end (dags/airflow.cfg).
SPARE_PROCESSES = 2
#: The components started, in this order, each as ``airflow <command>``.
COMPONENTS = {"scheduler": ["scheduler", "--skip-serve-logs"], "dag-processor": ["dag-processor"],
              "api-server": ["api-server"]}


class Standalone:
    """Airflow's components in a temporary AIRFLOW_HOME; a context manager that always stops them.

    Args:
        tasks: task instances of the DAG that run at once (``QDANALYSIS_TASKS``, the DAG's ``max_active_tasks``);
            the LocalExecutor gets :data:`SPARE_PROCESSES` processes more (``[core] parallelism``: see
            dags/airflow.cfg).
        env: extra environment of every Airflow process (the DAG file reads QDANALYSIS_* settings).
        start_timeout: seconds to wait for the API server to list the DAG.

    Each component's output goes to ``<AIRFLOW_HOME>/<component>.log`` (their tails are in every error
    raised here).
    """

    def __init__(self, tasks: int = 2, env: dict[str, str] | None = None, start_timeout: float = 240):
        self.home = tempfile.mkdtemp(prefix="qdanalysis-airflow-")
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.start_timeout = start_timeout
        bin_dir = str(Path(sys.executable).parent)  # Airflow starts `airflow ...` commands by name: its bin/ on PATH
        self.env = {
            **os.environ,
            **(env or {}),
            MARKER: self.home,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            # The deployment's settings are in CONFIG (copied to AIRFLOW_HOME by start()); these are this instance's.
            "AIRFLOW_HOME": self.home,
            "AIRFLOW_CONFIG": str(Path(self.home) / "airflow.cfg"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__PARALLELISM": str(tasks + SPARE_PROCESSES),
            "QDANALYSIS_TASKS": str(tasks),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",  # a throwaway local instance: no login
            "AIRFLOW__API__HOST": "127.0.0.1",  # as CONFIG says; whatever the caller's environment says
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.base,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_s = 0.0
        self._sigterm = None

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> Standalone:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(["airflow", *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def start(self) -> None:
        """Create the database, start the components, and wait until the API server lists the DAG."""
        begin = time.monotonic()
        if threading.current_thread() is threading.main_thread():
            # A SIGTERM (a CI job cancelled) unwinds like Ctrl-C, through stop(): the components run in
            # sessions of their own and would not receive the signal with this process.
            self._sigterm = signal.signal(signal.SIGTERM, _raise_exit)
        shutil.copyfile(CONFIG, Path(self.home) / "airflow.cfg")
        migrated = self._airflow("db", "migrate")
        if migrated.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed ({migrated.returncode}):\n{migrated.stdout[-3000:]}"
                               f"\n{migrated.stderr[-3000:]}")
        for name, command in COMPONENTS.items():
            with open(Path(self.home) / f"{name}.log", "ab") as log:
                self.processes[name] = subprocess.Popen(["airflow", *command], env=self.env, stdout=log,
                                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                        start_new_session=True)
        deadline = begin + self.start_timeout
        while True:
            self._check_alive()
            dag = self._get(f"/api/v2/dags/{DAG_ID}")
            if dag is not None and not dag.get("is_paused", False):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow did not list the DAG {DAG_ID} within {self.start_timeout:.0f} s\n"
                                   f"{self.log_tail()}")
            time.sleep(1)
        self._warm_execution_api(deadline)
        self.started_s = time.monotonic() - begin

    def _warm_execution_api(self, deadline: float) -> None:
        """Have the API server build its execution API (the one every task's supervisor calls) now.

        It builds the routes of every version of that API (cadwyn) on its first request, in its event loop:
        5-12 s measured, during which it answers nothing. Left to the first task, that task's start (its
        ``/run`` request, retried after a timeout) waited the whole time; a deployment's API server pays it
        once after each start, as here, not once per DAG run.
        """
        while True:
            self._check_alive()
            try:
                with urllib.request.urlopen(f"{self.base}/execution/health", timeout=60) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow's execution API did not answer within {self.start_timeout:.0f} s\n"
                                   f"{self.log_tail()}")
            time.sleep(1)

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"airflow {name} exited ({process.returncode})\n{self.log_tail()}")

    def stop(self, grace: float = 30) -> list[int]:
        """Stop Airflow and every process it started; return those that had to be killed.

        Each component gets SIGTERM (its own shutdown: the scheduler waits for its executor), then
        whatever still carries the marker (a kernel in a session of its own, a task runner) SIGTERM,
        then SIGKILL.
        """
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        end = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        killed = []
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = self.leftovers()
            if not left:
                break
            killed = killed or left
            for pid in left:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            end = time.monotonic() + 10
            while self.leftovers() and time.monotonic() < end:
                time.sleep(0.2)
        for process in self.processes.values():
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        if not os.environ.get("QDANALYSIS_KEEP_AIRFLOW_HOME"):
            shutil.rmtree(self.home, ignore_errors=True)
        if self._sigterm is not None:
            signal.signal(signal.SIGTERM, self._sigterm)
            self._sigterm = None
        return killed

    def leftovers(self) -> list[int]:
        """The processes of this Airflow still running: marked, or in a component's session."""
        return marked_processes(self.home, frozenset(p.pid for p in self.processes.values()))

    def log_tail(self, lines: int = 40) -> str:
        tails = []
        for name in COMPONENTS:
            try:
                text = (Path(self.home) / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            tails.append(f"--- {name} ---\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(tails)

    # ------------------------------------------------------------------ runs

    def _get(self, path: str) -> dict | None:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def trigger(self, conf: dict[str, str]) -> str:
        """``airflow dags trigger`` with this conf; the run's id."""
        out = self._airflow("dags", "trigger", DAG_ID, "--conf", json.dumps(conf), "-o", "json")
        if out.returncode != 0:
            raise RuntimeError(f"airflow dags trigger failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        runs = json.loads(out.stdout[out.stdout.index("[{"):])  # after any warning lines
        return runs[0]["dag_run_id"]

    def trigger_by_api(self, conf: dict[str, str]) -> str:
        """A run with this conf, created through the REST API (``POST /api/v2/dags/<dag>/dagRuns``, as the UI's
        trigger button and ``airflowctl dags trigger`` do); the run's id.

        Raises:
            RuntimeError: the API server refused the request (its status and answer quoted).
        """
        request = urllib.request.Request(f"{self.base}/api/v2/dags/{DAG_ID}/dagRuns", method="POST",
                                         data=json.dumps({"logical_date": None, "conf": conf}).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["dag_run_id"]
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"triggering {DAG_ID} through the REST API failed ({err.code}):\n"
                               f"{err.read().decode('utf-8', 'replace')[:3000]}") from None

    def wait(self, run_id: str, timeout: float = 600, poll: float = 0.5) -> str:
        """Wait for the run to finish; its state (``success`` or ``failed``)."""
        deadline = time.monotonic() + timeout
        quoted = urllib.request.quote(run_id, safe="")
        while time.monotonic() < deadline:
            run = self._get(f"/api/v2/dags/{DAG_ID}/dagRuns/{quoted}")
            if run is not None and run.get("state") in FINISHED:
                return run["state"]
            self._check_alive()
            time.sleep(poll)
        raise TimeoutError(f"the run {run_id} did not finish within {timeout:.0f} s\n{self.log_tail()}")

    def task_instances(self, run_id: str) -> list[dict]:
        """The task instances of the run, as the REST API lists them (state, try, queued/start/end times...)."""
        quoted = urllib.request.quote(run_id, safe="")
        data = self._get(f"/api/v2/dags/{DAG_ID}/dagRuns/{quoted}/taskInstances?limit=1000")
        if data is None:
            raise RuntimeError(f"the API server did not list the task instances of {run_id}")
        return data["task_instances"]

    def task_states(self, run_id: str) -> dict[tuple[str, str], tuple[str, int]]:
        """(task, project-year or "") -> (state, tries) of every task instance of the run."""
        return {(ti["task_id"], (ti.get("rendered_map_index") or "") if ti["map_index"] >= 0 else ""):
                (ti["state"], ti["try_number"]) for ti in self.task_instances(run_id)}

    def dag_run(self, run_id: str) -> dict:
        """The run as the REST API shows it (state, queued_at, start_date, end_date...)."""
        return self._get(f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.request.quote(run_id, safe='')}") or {}


def _seconds(stamp: str | None) -> float | None:
    """An API timestamp (ISO 8601) as seconds since the epoch."""
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else None


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most task instances running at one moment, from their (start, end) times (one that ends as another
    starts does not overlap it)."""
    events = sorted([(end, -1) for _, end in spans] + [(start, 1) for start, _ in spans])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def main(portfolio: str, reports: str, qdanalysis: str, slots: str = "2", trigger: str = "api") -> dict:
    """Benchmark child: start Airflow, trigger one run (``trigger``: "api", the REST API, or "cli", ``airflow dags
    trigger``), wait; seconds of each step, the task states and the timeline of the task instances (queued,
    start, end: seconds after the trigger began, from the API).

    The run's time is from the trigger's start until the run's end as Airflow recorded it (its ``end_date``, set
    by the scheduler), not until a poll saw it: the waiter looks every :data:`BENCH_POLL` seconds, each look
    costing the API server CPU that the reports would otherwise have.
    """
    with Standalone(tasks=int(slots)) as airflow:
        begin, begin_epoch = time.monotonic(), time.time()
        conf = {"qdanalysis": qdanalysis, "portfolio": portfolio, "reports": reports}
        run_id = airflow.trigger_by_api(conf) if trigger == "api" else airflow.trigger(conf)
        triggered = time.monotonic() - begin
        state = airflow.wait(run_id, poll=BENCH_POLL)
        seen = time.monotonic() - begin
        states = airflow.task_states(run_id)
        run = airflow.dag_run(run_id)
        listed = airflow.task_instances(run_id)

        def after(stamp: str | None) -> float | None:
            at = _seconds(stamp)
            return None if at is None else round(at - begin_epoch, 3)

        tasks = [{"task": ti["task_id"], "label": ti.get("rendered_map_index") or "", "state": ti["state"],
                  "queued": after(ti.get("queued_when")), "start": after(ti.get("start_date")),
                  "end": after(ti.get("end_date"))} for ti in listed]
        spans = [(t["start"], t["end"]) for t in tasks if t["start"] is not None and t["end"] is not None]
        ended = after(run.get("end_date"))
        return {"start_s": airflow.started_s, "run_s": seconds_until(ended, seen), "seen_s": seen,
                "trigger": trigger, "trigger_s": triggered, "state": state, "most_at_once": most_at_once(spans),
                "queued": after(run.get("queued_at")), "run_start": after(run.get("start_date")),
                "run_end": ended, "tasks": sorted(tasks, key=lambda t: t["start"] or 0),
                "states": sorted(s for s, _ in states.values())}


def seconds_until(ended: float | None, seen: float) -> float:
    """The run's seconds: until its recorded end (``ended``, seconds after the trigger began), or, where the API gave
    none, until the waiter saw it finished (``seen``); never beyond what the waiter saw."""
    return seen if ended is None else min(ended, seen)


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:6])))
