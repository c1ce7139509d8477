"""YearAnalysis: what one year's analysis holds, and how it presents itself in a notebook."""

from __future__ import annotations

import dataclasses

from qdanalysis.analyse.year import YearAnalysis


def test_it_holds_every_analysis_of_the_year_once(analysis2020):
    fields = [f.name for f in dataclasses.fields(YearAnalysis)]
    assert fields[:3] == ["data", "categories", "spend"] and fields[-4:] == ["headline", "economic", "payments", "followup"]
    assert len(fields) == len(set(fields))
    assert (analysis2020.year, analysis2020.demo) == (2020, False)  # read from its data


def test_it_cannot_be_changed_in_place(analysis2020):
    try:
        analysis2020.warnings = []  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a YearAnalysis must be frozen: every output reads the same one")


def test_its_repr_says_the_year_the_findings_and_the_score(analysis2020):
    text = repr(analysis2020)
    assert text.startswith("YearAnalysis(2020, findings=") and f"findings={len(analysis2020.findings)}" in text
    assert f"warnings={len(analysis2020.warnings)}" in text
    assert text.endswith(f"score={analysis2020.score.total:g}/{analysis2020.score.max_total:g})")
