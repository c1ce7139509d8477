"""Mutation fuzzing of the reader (issue 17): mutants of the shipped 2020 workbook and of small
test workbooks, one family of misread at a time (see ``tests/mutants.py``).

Each mutant must be refused, naming where the problem is, or read figure by figure as the
unmutated workbook; never read differently, never a disagreement between validate and ingest,
never an internal error. A bounded number runs here (a few seconds); ``benchmarks/run.py
--only fuzz`` runs a larger campaign and prints the counts per family and outcome.
"""

from __future__ import annotations

import hashlib
import random

import mutants as M
import pytest

#: What each family must give: refused with the sheet named, or read identically.
EXPECTED = {
    "range bomb": {"refused (located)", "identical"},
    "fallback trigger": {"refused (located)", "identical"},
    # a cell outside every table (the 说明 sheet) is not read: identical
    "uncached formula": {"refused (located)", "identical"},
    "NaN/inf": {"refused (located)", "identical"},
    "error without r": {"refused (located)", "identical"},
    "inlineStr with v": {"refused (located)"},
    "shared index": {"refused (located)"},
    "per-month unit": {"refused (located)"},
    "spaces in number": {"refused (located)"},
    "number forms": {"identical"},
    "long inline string": {"refused (file)"},
    "merged title": {"refused (located)"},
    "invisible char": {"identical"},
    "invisible duplicate": {"refused (located)"},
    "subtotal word": {"refused (located)"},
    "chart sheet": {"refused (located)"},
    "SMS month": {"refused (located)"},
    "bytes": {"refused (file)", "identical"},
    "zip entries": {"refused (file)", "refused (located)", "identical"},
    # issue 30: refused at the cell, or (rich text in runs, an ISO date cell) read as Excel shows it
    "bad reference": {"refused (located)"},
    "out of order": {"refused (located)"},
    "junk typed cell": {"refused (located)", "changed (intended)", "identical"},
    "nested in cell": {"refused (located)", "identical"},
}
MUTANTS_PER_BASE = 2


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    root = tmp_path_factory.mktemp("bases")
    shipped_hash = hashlib.sha256(M.SHIPPED.read_bytes()).hexdigest()
    files = {
        "shipped": M.shipped_base(root / "shipped" / str(M.SHIPPED_YEAR)),
        "small": M.small_base(root / "small" / str(M.SHIPPED_YEAR)),
        "shared strings": M.shared_strings_base(root / "sst" / str(M.SHIPPED_YEAR)),
    }
    yield {name: (path, M.base_tables(path.parent)) for name, path in files.items()}
    assert hashlib.sha256(M.SHIPPED.read_bytes()).hexdigest() == shipped_hash  # data/raw is only read


def test_every_family_has_an_expectation():
    assert EXPECTED.keys() == M.FAMILIES.keys()


@pytest.mark.parametrize("family", list(M.FAMILIES))
def test_mutants_are_refused_or_read_identically(family, bases, tmp_path):
    rng = random.Random(f"issue-17/{family}")
    verdicts = []
    for base_name, (path, tables) in bases.items():
        for k in range(MUTANTS_PER_BASE):
            made = M.make_mutant(path, family, rng, tmp_path / f"{base_name}-{k}")
            if made is not None:
                verdicts.append((path.name, M.judge(made[0], M.SHIPPED_YEAR, tables, family, base_name, made[1],
                                                    made[2])))
    assert verdicts, f"{family}: no mutant applies to any base"
    for name, v in verdicts:
        assert v.outcome not in M.DEFECTS, v
        assert v.outcome in EXPECTED[family], v
        if v.outcome.startswith("refused"):
            location = v.detail.split(": ", 1)[0].split(":")  # file[:sheet[:row[:column]]]: message
            assert location[0].endswith(name), v.detail  # the problem names the workbook ...
            assert (len(location) > 1) == (v.outcome == "refused (located)"), v.detail  # ... and the sheet where it is one


def test_the_judge_sees_a_silent_misread(bases, tmp_path):
    """The judge itself: a value changed to another valid value is reported as read differently."""
    path, tables = bases["small"]
    book = M.Book(path)
    part = book.sheet_parts()["预算执行"]
    book.set_text(part, book.text(part).replace("<v>66.7</v>", "<v>66.8</v>", 1))
    folder = tmp_path / str(M.SHIPPED_YEAR)
    folder.mkdir()
    book.write(folder / path.name)
    verdict = M.judge(folder, M.SHIPPED_YEAR, tables, "check", "small", "66.7 -> 66.8")
    assert verdict.outcome == "refused (located)"  # the subtotal 139.5 no longer adds up
    assert "小样本.xlsx:预算执行:6:预算数(C列): 小计139.50万元与明细（第4-5行）之和139.60万元不符，相差-0.10万元" in verdict.detail
    book.set_text(part, book.text(part).replace("<v>60</v>", "<v>61</v>", 1).replace("<v>66.8</v>", "<v>66.7</v>"))
    book.set_text(part, book.text(part).replace("<v>130.5</v>", "<v>131.5</v>").replace("<v>231.18</v>", "<v>232.18</v>"))
    book.write(folder / path.name)
    verdict = M.judge(folder, M.SHIPPED_YEAR, tables, "check", "small", "60 -> 61 with sums")
    assert verdict.outcome == "different" and "budget" in verdict.detail


def test_the_judge_holds_an_intended_change_to_its_twin(bases, tmp_path):
    """A mutant whose twin says what Excel shows: its figures must be the twin's, not the base's."""
    path, tables = bases["small"]
    for name, old, new in (("mutant", "<v>60</v>", "<v>61</v>"), ("twin", "<v>60</v>", "<v>61</v>")):
        book = M.Book(path)
        part = book.sheet_parts()["预算执行"]
        text = book.text(part).replace(old, new, 1).replace("<v>130.5</v>", "<v>131.5</v>")
        book.set_text(part, text.replace("<v>231.18</v>", "<v>232.18</v>"))
        (tmp_path / name / str(M.SHIPPED_YEAR)).mkdir(parents=True)
        book.write(tmp_path / name / str(M.SHIPPED_YEAR) / path.name)
    mutant, twin = tmp_path / "mutant" / str(M.SHIPPED_YEAR), tmp_path / "twin" / str(M.SHIPPED_YEAR)
    verdict = M.judge(mutant, M.SHIPPED_YEAR, tables, "check", "small", "60 -> 61", twin)
    assert verdict.outcome == "changed (intended)"
    verdict = M.judge(mutant, M.SHIPPED_YEAR, tables, "check", "small", "60 -> 61, twin is the base", path.parent)
    assert verdict.outcome == "different" and "budget" in verdict.detail


def test_a_comparison_that_raises_is_an_error_not_a_pass(bases, tmp_path, monkeypatch):
    path, tables = bases["small"]

    def broken(a, b):
        raise TypeError("cannot compare")

    monkeypatch.setattr(M, "same_tables", broken)
    verdict = M.judge(path.parent, M.SHIPPED_YEAR, tables, "check", "small", "unchanged")
    assert verdict.outcome == "error" and "cannot compare" in verdict.detail
    assert verdict.outcome in M.DEFECTS
