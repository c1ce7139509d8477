"""The shipped 2020 data, loaded and analysed (unscored) once per test module, and its findings in order."""

from __future__ import annotations

import pytest

import qdanalysis
from qdanalysis.analyse.engine import analyse
from qdanalysis.analyse.findings import sort_findings


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


@pytest.fixture(scope="module")
def a2020(y2020):
    return analyse(y2020)


@pytest.fixture(scope="module")
def found2020(a2020):
    return sort_findings(a2020.findings + a2020.limitations)
