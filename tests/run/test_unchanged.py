"""Tests for qdanalysis.run.unchanged: a run's summary.json and the skip-if-unchanged rule."""

from __future__ import annotations

import json

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, STATUS_SKIPPED, RunResult
from qdanalysis.run.unchanged import (
    SUMMARY_FILE,
    read_summary,
    run_unless_unchanged,
    to_run,
    unchanged,
    unchanged_result,
    write_summary,
)


class Calls:
    """A run made of recorded steps: what was planned, executed and written."""

    def __init__(self, out_dir, stamp="abc", refuse_plan=False, refuse_run=False):
        self.out_dir, self.stamp, self.refuse_plan, self.refuse_run = out_dir, stamp, refuse_plan, refuse_run
        self.executed = 0

    def prepare(self):
        if self.refuse_plan:
            raise ValidationError(["2020.yaml 第 3 行：未知参数 foo", "runner.yaml 不是映射"])
        return {"plan": 1}

    def fingerprint(self, plan):
        assert plan == {"plan": 1}
        return self.stamp

    def execute(self, plan):
        self.executed += 1
        if self.refuse_run:
            raise ValidationError(["笔记本缺少 parameters 单元格"])
        html = self.out_dir / "report.html"
        html.write_text("<html></html>", encoding="utf-8")
        return RunResult("p/2020", STATUS_OK, 1.0, html.with_suffix(".ipynb"), html, score="85.5")

    def write(self, result, stamp):
        write_summary(self.out_dir, result, stamp, head={"year": 2020}, tail={"summary": {"score": result.score}})

    def run(self, force=False):
        return run_unless_unchanged("p/2020", self.out_dir, prepare=self.prepare, fingerprint=self.fingerprint,
                                    execute=self.execute, write=self.write, force=force)


def test_a_run_writes_its_summary_in_order_then_is_skipped_with_its_score(tmp_path):
    calls = Calls(tmp_path)
    assert calls.run().status == STATUS_OK
    record = json.loads((tmp_path / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert list(record) == ["year", "status", "error", "seconds", "html", "fingerprint", "finished", "summary"]
    assert (record["status"], record["html"], record["fingerprint"]) == (STATUS_OK, "report.html", "abc")
    again = calls.run()
    assert (again.status, again.score, again.html, calls.executed) == (STATUS_SKIPPED, "85.5",
                                                                       tmp_path / "report.html", 1)
    assert calls.run(force=True).status == STATUS_OK and calls.executed == 2


def test_a_new_fingerprint_or_a_missing_report_runs_again(tmp_path):
    Calls(tmp_path).run()
    assert Calls(tmp_path, stamp="def").run().status == STATUS_OK
    assert unchanged(tmp_path, "def") is not None
    (tmp_path / "report.html").unlink()
    assert unchanged(tmp_path, "def") is None


def test_a_refused_plan_fails_with_its_problems_and_keeps_no_fingerprint(tmp_path):
    calls = Calls(tmp_path, refuse_plan=True)
    result = calls.run()
    assert result.status == STATUS_FAILED and calls.executed == 0
    assert result.error == "2020.yaml 第 3 行：未知参数 foo；runner.yaml 不是映射"
    assert read_summary(tmp_path)["fingerprint"] == ""


def test_a_run_the_runner_refuses_fails_and_is_retried_next_time(tmp_path):
    calls = Calls(tmp_path, refuse_run=True)
    assert calls.run().error == "笔记本缺少 parameters 单元格"
    assert read_summary(tmp_path)["fingerprint"] == ""
    calls.run()
    assert calls.executed == 2


def test_unchanged_result_recognises_a_skip_without_executing(tmp_path):
    calls = Calls(tmp_path)
    assert unchanged_result("p/2020", tmp_path, calls.prepare, calls.fingerprint) is None
    calls.run()
    skipped = unchanged_result("p/2020", tmp_path, calls.prepare, calls.fingerprint)
    assert (skipped.label, skipped.status, skipped.score) == ("p/2020", STATUS_SKIPPED, "85.5")
    refused = Calls(tmp_path, refuse_plan=True)
    assert unchanged_result("p/2020", tmp_path, refused.prepare, refused.fingerprint) is None


@pytest.mark.parametrize("text", ["", "[1, 2]", "{not json"])
def test_an_unreadable_summary_reads_as_none(tmp_path, text):
    (tmp_path / SUMMARY_FILE).write_text(text, encoding="utf-8")
    assert read_summary(tmp_path) is None
    assert unchanged(tmp_path, "abc") is None


def test_to_run_hands_skipped_items_to_report_unless_forced():
    reported = []

    def check(item):
        return RunResult(item, STATUS_SKIPPED, 0.0) if item == "b" else None

    assert to_run(["a", "b", "c"], check, force=False, report=reported.append) == ["a", "c"]
    assert [r.label for r in reported] == ["b"]
    assert to_run(["a", "b"], check, force=True, report=reported.append) == ["a", "b"]
    assert len(reported) == 1
