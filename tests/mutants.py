"""Mutants of real and test workbooks, and the judge that says how the reader took each one.

Used by ``tests/integration/test_fuzz.py`` (a bounded number in ``make test``) and by the ``fuzz`` section
of ``benchmarks/run.py`` (a larger campaign that prints counts per family and outcome).

A *base* is a year folder holding one workbook: the shipped ``data/raw/2020`` workbook (read,
copied, never written) or a small workbook built here. Each *family* mutates the base's zip
parts in one way that once made the reader read something other than what the file says
(issue 17; the families are in tests/misread_mutants.py, those of issue 30 in tests/structure_mutants.py,
the workbook's parts in tests/mutant_book.py, the bases in tests/mutant_bases.py). Every mutant must come
out as one of:

* ``refused``: a :class:`ValidationError` whose problems name the sheet, and the row and
  column where there is one (``located``), or, for a damaged file, the file (``file``);
* ``identical``: accepted, and every table equal, figure by figure, to the base's;
* ``changed (intended)``: accepted, and every table equal to the mutant's *twin*: a plainly written
  workbook with the change the mutation intended (an ISO date cell where a date was); a mutant without a
  twin intends no change;

and never ``different`` (accepted with figures the mutation did not intend: a silent misread), ``disagree``
(validate passes, ingest refuses), ``error`` (any other exception), ``timeout`` or ``memory``.
"""


from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from misread_mutants import ANNUAL_HEADERS, INVISIBLE
from misread_mutants import FAMILIES as _MISREAD_FAMILIES
from mutant_bases import SHIPPED, shared_strings_base, shipped_base, small_base
from mutant_book import _CELL, MAIN_NS, SHIPPED_YEAR, Book, _data_cells, _pick, inline
from structure_mutants import FAMILIES as _STRUCTURE_FAMILIES

__all__ = ["ANNUAL_HEADERS", "DEFECTS", "FAMILIES", "INVISIBLE", "MAIN_NS", "OUTCOMES", "SHIPPED", "SHIPPED_YEAR",
           "_CELL", "Book", "Verdict", "_data_cells", "_pick", "base_tables", "inline", "judge", "make_mutant",
           "same_tables", "shared_strings_base", "shipped_base", "small_base", "tables_of"]

OUTCOMES = ("refused (located)", "refused (file)", "identical", "changed (intended)", "different", "disagree", "error", "timeout", "memory")
#: The outcomes that are defects.
DEFECTS = ("different", "disagree", "error", "timeout", "memory")

#: Every family: those of issue 17, then those of issue 30 (references, order, typed cells, nesting).
FAMILIES = {**_MISREAD_FAMILIES, **_STRUCTURE_FAMILIES}


# --------------------------------------------------------------------------- judging


@dataclass
class Verdict:
    family: str
    base: str
    what: str
    outcome: str
    detail: str = ""


def tables_of(folder: Path, year: int, *, require: bool):
    """``(problems, {frame name: frame}, budget totals)`` as validate (require=False) or ingest sees them."""
    from qdanalysis.read.inputs import BY_NAME, read_inputs

    found = read_inputs(folder, year, require=require)
    frames, totals = {}, None
    for name, loaded in found.loaded.items():
        for key, df in BY_NAME[name].frames(loaded).items():
            frames[key] = df.drop(columns=["src_file"], errors="ignore").reset_index(drop=True)
        if name == "budget":
            totals = (loaded.totals, loaded.undisclosed)
    return found.problems, frames, totals


def same_tables(a: dict, b: dict) -> str:
    """"" when two sets of frames are equal figure by figure, else what differs."""
    import pandas as pd

    if a.keys() != b.keys():
        return f"tables {sorted(a.keys() ^ b.keys())}"
    for name in a:
        try:
            pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        except AssertionError as exc:
            return f"{name}: {str(exc).splitlines()[0]}"
    return ""


def judge(folder: Path, year: int, base: tuple, family: str, base_name: str, what: str,
          twin: Path | None = None) -> Verdict:
    """How the reader took the mutant in ``folder``, against the base's ``(frames, totals)``, or against its
    ``twin`` folder's where the mutation intends a change. Comparing is part of judging: a comparison that
    raises is an ``error``, never a pass."""
    from qdanalysis.errors import ValidationError

    try:
        problems, frames, totals = tables_of(folder, year, require=False)
        intended = base
        if twin is not None and not problems:
            twin_problems, twin_frames, twin_totals = tables_of(twin, year, require=False)
            if twin_problems:
                return Verdict(family, base_name, what, "different", f"accepted, but its twin is refused: "
                               f"{twin_problems[0]}")
            intended = (twin_frames, twin_totals)
        if problems:
            located = any(p.sheet for p in problems)
            return Verdict(family, base_name, what, "refused (located)" if located else "refused (file)",
                           str(problems[0]))
        ingest_problems = tables_of(folder, year, require=True)[0] if "budget" in base[0] else []
        if ingest_problems:
            return Verdict(family, base_name, what, "disagree", str(ingest_problems[0]))
        diff = same_tables(intended[0], frames) or ("totals" if totals != intended[1] else "")
        if diff:
            return Verdict(family, base_name, what, "different", diff)
        changed = intended is not base and (same_tables(base[0], frames) or totals != base[1])
        return Verdict(family, base_name, what, "changed (intended)" if changed else "identical", "")
    except ValidationError as exc:  # a loader raising outside read_inputs' collection
        return Verdict(family, base_name, what, "refused (file)", str(exc.problems[0]))
    except MemoryError:
        return Verdict(family, base_name, what, "memory")
    except Exception as exc:  # noqa: BLE001 - an internal error is an outcome to count
        return Verdict(family, base_name, what, "error", f"{type(exc).__name__}: {exc}")


def make_mutant(base_file: Path, family: str, rng: random.Random, out_dir: Path, year: int = SHIPPED_YEAR):
    """Write one mutant of ``base_file`` into ``out_dir/<year>/`` (and its twin, if it has one, into
    ``out_dir/twin/<year>/``): ``(folder, what, twin folder or None)``; None when the family does not apply."""
    book = Book(base_file)
    what = FAMILIES[family](book, rng)
    if what is None:
        return None
    folder = out_dir / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    book.write(folder / base_file.name)
    twin = None
    if book.twin is not None:
        twin = out_dir / "twin" / str(year)
        twin.mkdir(parents=True, exist_ok=True)
        book.twin.write(twin / base_file.name)
    return folder, what, twin


def base_tables(folder: Path, year: int = SHIPPED_YEAR) -> tuple:
    problems, frames, totals = tables_of(folder, year, require=False)
    assert not problems, problems
    return frames, totals

