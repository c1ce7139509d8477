"""run.pipeline: the one place that loads and analyses for the outputs."""

from __future__ import annotations

import qdanalysis
from qdanalysis.run import pipeline
from qdanalysis.run.pipeline import draft_year


def test_draft_uses_the_analysis_once(monkeypatch, tmp_path):
    calls = []
    real = qdanalysis.analyse.year.analyse

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", counted)  # the one place that analyses for the outputs
    draft_year(2020, out=tmp_path)
    assert len(calls) == 1
